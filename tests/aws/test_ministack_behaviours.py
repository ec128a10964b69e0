"""What MiniStack 1.5.33 does and does not do, verified (so tests and the demo rely on facts).

These pin the emulator's gaps the wizard works around. If one starts failing after a MiniStack
upgrade, the gap is closed: drop the workaround it documents (see the README, "Live mode").
The emulator is MiniStack plus the sandbox's fidelity layer (docs/emulator.md): where the layer
closes a gap, the test here pins the new behaviour.
"""

from __future__ import annotations

import json

import pytest
from aws_probe_helpers import provision_seed, wizard_session
from emulator import mock_get

from wizard.aws.reproduce import send
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator

DENY_ALL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
        }
    ],
}


@pytest.fixture
def seed(aws, ministack):
    session = wizard_session(ministack)
    return session, provision_seed(ministack, session)


def test_flush_and_test_invoke_operations_answer(seed):
    """MiniStack answers these with 404; the sandbox's fidelity layer adds them
    (tests/sandbox/fidelity/test_flush_caches.py, test_test_invoke.py)."""
    session, out = seed
    apigw = session.client("apigateway")
    flushed = apigw.flush_stage_authorizers_cache(restApiId=out.api_id, stageName="prod")
    assert flushed["ResponseMetadata"]["HTTPStatusCode"] == 202
    tested = apigw.test_invoke_authorizer(
        restApiId=out.api_id,
        authorizerId=out.authorizer_ids["jwt-authorizer"],
        headers={"Authorization": out.tokens["alice"]},
    )
    assert (tested["clientStatus"], tested["principalId"]) == (0, "alice")
    method = apigw.test_invoke_method(
        restApiId=out.api_id, resourceId=out.resource_ids["/dashboard"], httpMethod="GET"
    )
    assert method["status"] == 200


def test_execution_and_access_logs_are_written(seed):
    """MiniStack writes none; the fidelity layer writes both when the stage logs
    (tests/sandbox/fidelity/test_execution_logs.py, test_access_logs.py)."""
    session, out = seed
    logs = session.client("logs")
    logs.create_log_group(logGroupName="access")
    session.client("apigateway").update_stage(
        restApiId=out.api_id,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
            {
                "op": "replace",
                "path": "/accessLogSettings/destinationArn",
                "value": "arn:aws:logs:us-east-1:000000000000:log-group:access",
            },
            {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
        ],
    )
    r = send_request(load_scenario("authz-cache-scoped-policy").requests[0], out)
    assert r.status_code == 200
    group = f"API-Gateway-Execution-Logs_{out.api_id}/prod"
    lines = [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]]
    assert lines[-1] == f"({r.request_id}) Method completed with status: 200"
    access = logs.filter_log_events(logGroupName="access")["events"]
    assert [e["message"] for e in access] == [r.request_id]
    groups = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert "/aws/lambda/dashboard-jwt-authorizer" in groups  # MiniStack's own Lambda logs


def test_configuration_changes_wait_for_a_redeploy(seed):
    """MiniStack applies them at once; the fidelity layer serves the deployed copy
    (tests/sandbox/fidelity/test_deployment_snapshots.py)."""
    session, out = seed
    apigw = session.client("apigateway")
    scenario = load_scenario("authz-cache-scoped-policy")
    apigw.update_authorizer(
        restApiId=out.api_id,
        authorizerId=out.authorizer_ids["jwt-authorizer"],
        patchOperations=[{"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"}],
    )
    # As on AWS, the stage keeps TTL 300 until a new deployment.
    assert send_request(scenario.requests[1], out).status_code == 403
    rid = out.resource_ids["/dashboard"]
    apigw.put_method(
        restApiId=out.api_id, resourceId=rid, httpMethod="PUT", authorizationType="NONE"
    )
    apigw.put_integration(
        restApiId=out.api_id,
        resourceId=rid,
        httpMethod="PUT",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    # An undeployed method answers 403 Missing Authentication Token.
    assert send("PUT", out.url("/dashboard")).status_code == 403
    apigw.create_deployment(restApiId=out.api_id, stageName="prod")
    assert send("PUT", out.url("/dashboard")).status_code == 200


def test_resource_policy_is_combined_with_a_lambda_authorizer(aws_auth, ministack_auth):
    """MiniStack ignores the policy on a method with a Lambda authorizer; the fidelity layer
    combines them (tests/sandbox/fidelity/test_authorizer_resource_policy.py)."""
    session = wizard_session(ministack_auth)
    out = provision_seed(ministack_auth, session, replayed=False)
    apigw = session.client("apigateway")
    apigw.update_rest_api(
        restApiId=out.api_id,
        patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(DENY_ALL)}],
    )
    apigw.create_deployment(restApiId=out.api_id, stageName="prod")
    scenario = load_scenario("authz-cache-scoped-policy")
    # As on AWS, an explicit Deny in the resource policy wins over the authorizer's Allow.
    assert send_request(scenario.requests[0], out).status_code == 403
    # Without an authorizer the same policy is enforced (AUTH=true).
    api = apigw.create_rest_api(name="plain")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    mock_get(apigw, api, root, responses=False)
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(DENY_ALL)}],
    )
    apigw.create_deployment(restApiId=api, stageName="prod")
    r = send("GET", ministack_auth.data_plane_url(api, "prod", "/"))
    assert (r.status_code, r.error_type) == (403, "AccessDeniedException")
    assert r.error_message.startswith(
        "User: anonymous is not authorized to perform: execute-api:Invoke"
    )
    assert r.error_message.endswith("with an explicit deny in a resource-based policy")


def test_filter_log_events_limit_has_no_next_token(seed):
    """A page cut by `limit` carries no nextToken: the probes never pass `limit`."""
    session, _ = seed
    logs = session.client("logs")
    page = logs.filter_log_events(logGroupName="/aws/lambda/dashboard-jwt-authorizer", limit=1)
    assert len(page["events"]) == 1
    assert "nextToken" not in page


def test_vpc_endpoint_service_filter_is_ignored(aws, ministack):
    ec2 = wizard_session(ministack).client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway"
    )
    listed = ec2.describe_vpc_endpoints(
        Filters=[{"Name": "service-name", "Values": ["com.amazonaws.us-east-1.execute-api"]}]
    )["VpcEndpoints"]
    assert [e["ServiceName"] for e in listed] == ["com.amazonaws.us-east-1.s3"]
