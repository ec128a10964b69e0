"""Every allowlisted operation, applied for real against MiniStack: snapshot, apply, re-probe,
derive the rollback, apply it, and the state reads back as it was before.

Where the emulator lacks an operation (UpdateBasePathMapping answers 404) apply records "not
supported by this endpoint" and continues (the sandbox's fidelity layer adds
FlushStageAuthorizersCache and a working UpdateUsagePlan apiStages patch).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.stub import Stubber

from wizard.aws.fixes.apply import apply_plan
from wizard.aws.fixes.changes import describe_changes
from wizard.aws.fixes.plan import Confirmation, build_plan
from wizard.aws.fixes.rollback import derive_rollback
from wizard.aws.fixes.snapshot import Snapshot, StateRead, take_snapshot
from wizard.aws.fixes.state import ENDPOINT_FULL_ACCESS_POLICY
from wizard.aws.fixes.verify import verify
from wizard.catalogue.model import Fix, Operation

REGION = "us-east-1"
LAMBDA_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:000000000000:function:authz/invocations"
)
VOLATILE = {"lastUpdatedDate", "LastUpdatedDate", "createdDate", "CreatedDate"}


def _policy(effect: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": effect,
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                }
            ],
        }
    )


def _rest_api(c: Callable[[str], Any], **kwargs: Any) -> dict[str, Any]:
    ag = c("apigateway")
    api = ag.create_rest_api(name="fix-test", **kwargs)
    root = ag.get_resources(restApiId=api["id"])["items"][0]["id"]
    ag.put_method(
        restApiId=api["id"], resourceId=root, httpMethod="OPTIONS", authorizationType="AWS_IAM"
    )
    ag.put_integration(restApiId=api["id"], resourceId=root, httpMethod="OPTIONS", type="MOCK")
    dep = ag.create_deployment(restApiId=api["id"], stageName="prod")
    return {"api_id": api["id"], "stage": "prod", "resource_id": root, "deployment_id": dep["id"]}


def _with_authorizer(c: Callable[[str], Any]) -> dict[str, Any]:
    facts = _rest_api(c)
    auth = c("apigateway").create_authorizer(
        restApiId=facts["api_id"],
        name="jwt",
        type="TOKEN",
        authorizerUri=LAMBDA_URI,
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=300,
    )
    return {**facts, "authorizer_id": auth["id"]}


def _with_key_and_plan(c: Callable[[str], Any]) -> dict[str, Any]:
    facts = _rest_api(c)
    ag = c("apigateway")
    key = ag.create_api_key(name="k", enabled=False)
    plan = ag.create_usage_plan(name="p")
    return {**facts, "api_key_id": key["id"], "usage_plan_id": plan["id"]}


# An endpoint policy written for another API, kept as written (its exact text is restored).
_OTHER_API_ENDPOINT_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "arn:aws:execute-api:us-east-1:000000000000:other1/*",
            }
        ],
    }
)


def _with_vpc_endpoint(c: Callable[[str], Any]) -> dict[str, Any]:
    """An execute-api interface endpoint whose policy allows another API only."""
    ec2 = c("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    made = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{REGION}.execute-api",
        VpcEndpointType="Interface",
        PolicyDocument=_OTHER_API_ENDPOINT_POLICY,
    )
    return {"vpce_id": made["VpcEndpoint"]["VpcEndpointId"]}


def _with_domain(c: Callable[[str], Any]) -> dict[str, Any]:
    facts = _rest_api(c)
    c("apigateway").create_domain_name(
        domainName="api.example.test",
        regionalCertificateArn="arn:aws:acm:us-east-1:000000000000:certificate/x",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    return {**facts, "domain_name": "api.example.test", "base_path": "v1"}


def _with_mapping(c: Callable[[str], Any]) -> dict[str, Any]:
    facts = _with_domain(c)
    c("apigateway").create_base_path_mapping(
        domainName="api.example.test", basePath="v1", restApiId=facts["api_id"], stage="prod"
    )
    return facts


def _with_http_integration(c: Callable[[str], Any]) -> dict[str, Any]:
    """GET / with a non-proxy HTTP integration that maps no header (the method declares one)."""
    facts = _rest_api(c)
    ag = c("apigateway")
    root = facts["resource_id"]
    ag.put_method(
        restApiId=facts["api_id"],
        resourceId=root,
        httpMethod="GET",
        authorizationType="NONE",
        requestParameters={"method.request.header.Authorization": False},
    )
    ag.put_integration(
        restApiId=facts["api_id"],
        resourceId=root,
        httpMethod="GET",
        type="HTTP",
        integrationHttpMethod="GET",
        uri="http://127.0.0.1:9/backend",
    )
    return facts


def _http_api(c: Callable[[str], Any]) -> dict[str, Any]:
    v2 = c("apigatewayv2")
    api = v2.create_api(Name="h", ProtocolType="HTTP")
    auth = v2.create_authorizer(
        ApiId=api["ApiId"],
        AuthorizerType="REQUEST",
        Name="a",
        AuthorizerUri=LAMBDA_URI,
        IdentitySource=["$request.header.Authorization"],
        AuthorizerResultTtlInSeconds=300,
        AuthorizerPayloadFormatVersion="2.0",
    )
    route = v2.create_route(
        ApiId=api["ApiId"], RouteKey="GET /x", AuthorizationType="JWT", AuthorizationScopes=["read"]
    )
    v2.create_stage(ApiId=api["ApiId"], StageName="prod")
    v2.create_domain_name(
        DomainName="h.example.test",
        DomainNameConfigurations=[
            {"CertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/x"}
        ],
    )
    return {
        "api_id": api["ApiId"],
        "stage": "prod",
        "authorizer_id": auth["AuthorizerId"],
        "route_id": route["RouteId"],
        "domain_name": "h.example.test",
    }


def _http_api_with_access_log(c: Callable[[str], Any]) -> dict[str, Any]:
    # A stage that already logs (to another group and format): the rollback restores it.
    # (Without one, the undo is DeleteAccessLogSettings, which MiniStack 1.5.33 routes to
    # DeleteStage — see test_http_access_log_rollback_without_previous_settings.)
    facts = _http_api(c)
    c("apigatewayv2").update_stage(
        ApiId=facts["api_id"],
        StageName="prod",
        AccessLogSettings={
            "DestinationArn": "arn:aws:logs:us-east-1:000000000000:log-group:old",
            "Format": "$context.requestId",
        },
    )
    return facts


@dataclass
class Case:
    name: str
    setup: Callable[[Callable[[str], Any]], dict[str, Any]]
    service: str
    operation: str
    params: dict[str, Any]
    statuses: list[str] = field(default_factory=lambda: ["applied"])
    restores: bool = True  # the state reads back as before after the rollback
    verifies: bool = True  # the re-probe sees the change (False: a known emulator gap)
    undoable: bool = True  # False: it changes no configuration (a cache flush), nothing to undo


def _patch(path: str, value: str, op: str = "replace") -> list[dict[str, str]]:
    return [{"op": op, "path": path, "value": value}]


def _offline_client(service: str = "apigateway") -> Any:
    """A client that never reaches a network: every call is answered by a Stubber."""
    import boto3

    return boto3.client(
        service, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )


def _ttl_zero() -> Operation:
    """UpdateAuthorizer setting the result TTL of authorizer b (API a) to 0."""
    return Operation(
        service="apigateway",
        operation="UpdateAuthorizer",
        params={
            "restApiId": "a",
            "authorizerId": "b",
            "patchOperations": _patch("/authorizerResultTtlInSeconds", "0"),
        },
    )


CASES = [
    Case(
        "authorizer-ttl-and-identity-source",
        _with_authorizer,
        "apigateway",
        "UpdateAuthorizer",
        {
            "restApiId": "{api_id}",
            "authorizerId": "{authorizer_id}",
            "patchOperations": [
                {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"},
                {
                    "op": "replace",
                    "path": "/identitySource",
                    "value": "method.request.header.X-Token",
                },
            ],
        },
    ),
    Case(
        "flush-authorizer-cache",
        _rest_api,
        "apigateway",
        "FlushStageAuthorizersCache",
        {"restApiId": "{api_id}", "stageName": "{stage}"},
        undoable=False,
    ),
    Case(
        "create-deployment",
        _rest_api,
        "apigateway",
        "CreateDeployment",
        {"restApiId": "{api_id}", "stageName": "{stage}", "description": "apigw-wizard"},
    ),
    Case(
        "resource-policy",
        lambda c: _rest_api(c, policy=_policy("Deny")),
        "apigateway",
        "UpdateRestApi",
        {"restApiId": "{api_id}", "patchOperations": _patch("/policy", _policy("Allow"))},
    ),
    Case(
        "enable-default-endpoint",
        lambda c: _rest_api(c, disableExecuteApiEndpoint=True),
        "apigateway",
        "UpdateRestApi",
        {"restApiId": "{api_id}", "patchOperations": _patch("/disableExecuteApiEndpoint", "false")},
    ),
    Case(
        "stage-logging-and-access-log",
        _rest_api,
        "apigateway",
        "UpdateStage",
        {
            "restApiId": "{api_id}",
            "stageName": "{stage}",
            "patchOperations": [
                {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
                {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "true"},
                {
                    "op": "replace",
                    "path": "/accessLogSettings/destinationArn",
                    "value": "arn:aws:logs:us-east-1:000000000000:log-group:apigw-access",
                },
                {
                    "op": "replace",
                    "path": "/accessLogSettings/format",
                    "value": '{"requestId":"$context.requestId","responseType":"$context.error.responseType"}',
                },
            ],
        },
        restores=False,  # methodSettings "*/*" stays present with OFF/false values: checked below
    ),
    Case(
        "usage-plan-key",
        _with_key_and_plan,
        "apigateway",
        "CreateUsagePlanKey",
        {"usagePlanId": "{usage_plan_id}", "keyId": "{api_key_id}", "keyType": "API_KEY"},
    ),
    Case(
        "usage-plan-stage",
        _with_key_and_plan,
        "apigateway",
        "UpdateUsagePlan",
        {
            "usagePlanId": "{usage_plan_id}",
            "patchOperations": _patch("/apiStages", "{api_id}:{stage}", "add"),
        },
    ),
    Case(
        "enable-api-key",
        _with_key_and_plan,
        "apigateway",
        "UpdateApiKey",
        {"apiKey": "{api_key_id}", "patchOperations": _patch("/enabled", "true")},
    ),
    Case(
        "base-path-mapping",
        _with_domain,
        "apigateway",
        "CreateBasePathMapping",
        {
            "domainName": "{domain_name}",
            "basePath": "{base_path}",
            "restApiId": "{api_id}",
            "stage": "{stage}",
        },
    ),
    Case(
        "update-base-path-mapping",
        _with_mapping,
        "apigateway",
        "UpdateBasePathMapping",
        {
            "domainName": "{domain_name}",
            "basePath": "{base_path}",
            "patchOperations": _patch("/stage", "prod"),
        },
        statuses=["unsupported"],
    ),
    Case(
        "options-without-authorization",
        _rest_api,
        "apigateway",
        "UpdateMethod",
        {
            "restApiId": "{api_id}",
            "resourceId": "{resource_id}",
            "httpMethod": "OPTIONS",
            "patchOperations": _patch("/authorizationType", "NONE"),
        },
    ),
    Case(
        "integration-map-header",
        _with_http_integration,
        "apigateway",
        "UpdateIntegration",
        {
            "restApiId": "{api_id}",
            "resourceId": "{resource_id}",
            "httpMethod": "GET",
            "patchOperations": _patch(
                "/requestParameters/integration.request.header.Authorization",
                "method.request.header.Authorization",
                "add",
            ),
        },
    ),
    Case(
        "gateway-response-cors",
        _rest_api,
        "apigateway",
        "PutGatewayResponse",
        {
            "restApiId": "{api_id}",
            "responseType": "DEFAULT_4XX",
            "statusCode": "403",
            "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
        },
    ),
    Case(
        "vpc-endpoint-policy-reset",
        _with_vpc_endpoint,
        "ec2",
        "ModifyVpcEndpoint",
        {"VpcEndpointId": "{vpce_id}", "ResetPolicy": True},
    ),
    Case(
        "http-authorizer-ttl",
        _http_api,
        "apigatewayv2",
        "UpdateAuthorizer",
        {
            "ApiId": "{api_id}",
            "AuthorizerId": "{authorizer_id}",
            "AuthorizerResultTtlInSeconds": 0,
            "IdentitySource": ["$request.header.Authorization", "$context.routeKey"],
        },
    ),
    Case(
        "http-route-scopes",
        _http_api,
        "apigatewayv2",
        "UpdateRoute",
        {"ApiId": "{api_id}", "RouteId": "{route_id}", "AuthorizationScopes": ["read", "profile"]},
    ),
    Case(
        "http-deployment",
        _http_api,
        "apigatewayv2",
        "CreateDeployment",
        {"ApiId": "{api_id}", "StageName": "{stage}"},
        verifies=False,  # MiniStack never sets DeploymentId on an HTTP API stage
    ),
    Case(
        "http-default-endpoint",
        _http_api,
        "apigatewayv2",
        "UpdateApi",
        {"ApiId": "{api_id}", "DisableExecuteApiEndpoint": True},
    ),
    Case(
        "http-api-mapping",
        _http_api,
        "apigatewayv2",
        "CreateApiMapping",
        {
            "DomainName": "{domain_name}",
            "ApiId": "{api_id}",
            "Stage": "{stage}",
            "ApiMappingKey": "v1",
        },
    ),
    Case(
        "http-access-log",
        _http_api_with_access_log,
        "apigatewayv2",
        "UpdateStage",
        {
            "ApiId": "{api_id}",
            "StageName": "{stage}",
            "AccessLogSettings": {
                "DestinationArn": "arn:aws:logs:us-east-1:000000000000:log-group:h",
                "Format": '{"requestId":"$context.requestId","authorizerError":"$context.authorizer.error"}',
            },
        },
    ),
]


def _stable(state: Any) -> Any:
    if isinstance(state, dict):
        return {k: _stable(v) for k, v in state.items() if k not in VOLATILE}
    if isinstance(state, list):
        return [_stable(v) for v in state]
    return state


@pytest.mark.emulator
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_apply_verify_rollback(case: Case, aws_client: Any) -> None:
    facts = case.setup(aws_client)
    fix = Fix(
        id=case.name,
        title=case.name,
        explanation="test",
        operations=[Operation(service=case.service, operation=case.operation, params=case.params)],
    )
    plan = build_plan(fix, facts)
    assert plan.applicable
    before = take_snapshot(plan, aws_client)
    assert before.complete, before.to_dict()
    assert describe_changes(plan, before), "the user is shown what changes"

    result = apply_plan(plan, Confirmation.for_plan(plan, by="t", shown=plan.cli), aws_client)
    assert [s.status for s in result.steps] == case.statuses, result.to_dict()
    if case.statuses != ["applied"]:
        assert "not supported by this endpoint" in result.steps[0].message
        assert derive_rollback(plan, before, result).operations == ()
        return

    checked = verify(plan, before, aws_client)
    assert checked.verified is case.verifies, checked.to_dict()
    if not case.verifies:
        assert "DeploymentId" in checked.message

    back = derive_rollback(plan, before, result)
    if not case.undoable:
        assert back.operations == ()
        return
    undone = apply_plan(back, Confirmation.for_plan(back, by="t", shown=back.cli), aws_client)
    assert undone.applied, undone.to_dict()
    after = take_snapshot(plan, aws_client)
    if case.operation == "CreateDeployment" and case.service == "apigatewayv2":
        # MiniStack does not put DeploymentId on an HTTP API stage, so there is nothing to
        # point back to: the rollback says so instead of guessing.
        assert back.operations == () and any("no deployment before" in n for n in back.notes)
        return
    assert back.operations, "an applied change has an undo"
    if case.restores:
        assert _stable(after.reads[0].state) == _stable(before.reads[0].state)  # type: ignore[union-attr]
    else:
        stage = after.reads[0].state or {}
        assert stage["methodSettings"]["*/*"]["loggingLevel"] == "OFF"
        assert stage["methodSettings"]["*/*"]["dataTraceEnabled"] is False
        assert not stage.get("accessLogSettings")


def test_policy_change_is_shown_as_a_json_diff(aws_client: Any, aws: Any) -> None:
    facts = _rest_api(aws_client, policy=_policy("Deny"))
    fix = Fix(
        id="p",
        title="p",
        explanation="p",
        operations=[
            Operation(
                service="apigateway",
                operation="UpdateRestApi",
                params={
                    "restApiId": "{api_id}",
                    "patchOperations": _patch("/policy", _policy("Allow")),
                },
            )
        ],
    )
    plan = build_plan(fix, facts)
    change = describe_changes(plan, take_snapshot(plan, aws_client))[0]
    assert change.diff is not None
    assert '-      "Effect": "Deny",' in change.diff
    assert '+      "Effect": "Allow",' in change.diff
    assert change.diff.startswith("--- policy (before)")


def test_usage_plan_stage_binding_renders_the_documented_value() -> None:
    """The apiStages value is `{restApiId}:{stageName}` (applied for real in the cases above)."""
    fix = Fix(
        id="plan-stage",
        title="bind",
        explanation="e",
        operations=[
            Operation(
                service="apigateway",
                operation="UpdateUsagePlan",
                params={
                    "usagePlanId": "{usage_plan_id}",
                    "patchOperations": _patch("/apiStages", "{api_id}:{stage}", "add"),
                },
            )
        ],
    )
    plan = build_plan(fix, {"usage_plan_id": "up1", "api_id": "a1", "stage": "prod"})
    assert plan.cli == (
        "aws apigateway update-usage-plan --usage-plan-id up1 --patch-operations op=add,path=/apiStages,value=a1:prod",
    )


def test_failed_step_stops_and_names_the_missing_permission() -> None:
    client = _offline_client()
    fix = Fix(
        id="ttl",
        title="ttl",
        explanation="e",
        operations=[
            _ttl_zero(),
            Operation(
                service="apigateway",
                operation="CreateDeployment",
                params={"restApiId": "a", "stageName": "prod"},
            ),
        ],
    )
    plan = build_plan(fix, {})
    with Stubber(client) as stub:
        stub.add_client_error(
            "update_authorizer",
            service_error_code="AccessDeniedException",
            service_message="User: arn:aws:iam::1:user/x is not authorized to perform: apigateway:PATCH on resource: arn:aws:apigateway:us-east-1::/restapis/a/authorizers/b",
            http_status_code=403,
        )
        result = apply_plan(
            plan, Confirmation.for_plan(plan, by="t", shown=plan.cli), lambda _: client
        )
    assert [s.status for s in result.steps] == ["failed", "skipped"]
    assert result.steps[0].missing_permission == "apigateway:PATCH"
    assert not result.applied and not result.changed_anything


def test_http_access_log_rollback_without_previous_settings() -> None:
    from wizard.aws.fixes.snapshot import Snapshot, StateRead

    fix = Fix(
        id="log",
        title="log",
        explanation="e",
        operations=[
            Operation(
                service="apigatewayv2",
                operation="UpdateStage",
                params={
                    "ApiId": "h1",
                    "StageName": "prod",
                    "AccessLogSettings": {
                        "DestinationArn": "arn:x",
                        "Format": "$context.requestId",
                    },
                },
            )
        ],
    )
    plan = build_plan(fix, {})
    before = Snapshot(
        plan.digest, "t", (StateRead("aws apigatewayv2 get-stage", {"StageName": "prod"}),)
    )
    back = derive_rollback(plan, before)
    assert [(o.operation, o.params) for o in back.operations] == [
        ("DeleteAccessLogSettings", {"ApiId": "h1", "StageName": "prod"})
    ]
    assert back.cli == (
        "aws apigatewayv2 delete-access-log-settings --api-id h1 --stage-name prod",
    )


def _endpoint_reset_plan() -> Any:
    fix = Fix(
        id="vpce",
        title="vpce",
        explanation="e",
        operations=[
            Operation(
                service="ec2",
                operation="ModifyVpcEndpoint",
                params={"VpcEndpointId": "vpce-0a1b", "ResetPolicy": True},
            )
        ],
    )
    return build_plan(fix, {})


def test_endpoint_policy_reset_rolls_back_to_the_exact_document() -> None:
    """The undo writes back the document DescribeVpcEndpoints returned, character for character
    (spacing and key order included), rendered through botocore like every printed command."""
    plan = _endpoint_reset_plan()
    assert plan.cli == ("aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0a1b --reset-policy",)
    endpoint = {"VpcEndpointId": "vpce-0a1b", "PolicyDocument": _OTHER_API_ENDPOINT_POLICY}
    before = Snapshot(plan.digest, "t", (StateRead("aws ec2 describe-vpc-endpoints", endpoint),))
    back = derive_rollback(plan, before)
    assert [(o.service, o.operation, o.params) for o in back.operations] == [
        (
            "ec2",
            "ModifyVpcEndpoint",
            {"VpcEndpointId": "vpce-0a1b", "PolicyDocument": _OTHER_API_ENDPOINT_POLICY},
        )
    ]
    assert back.cli == (
        "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0a1b --policy-document "
        + shlex.quote(_OTHER_API_ENDPOINT_POLICY),
    )
    (change,) = describe_changes(plan, before)
    assert change.what == "policy of VPC endpoint vpce-0a1b"
    assert change.after == ENDPOINT_FULL_ACCESS_POLICY
    assert (
        '-      "Resource": "arn:aws:execute-api:us-east-1:000000000000:other1/*"' in change.text()
    )


def test_endpoint_policy_reset_of_an_unread_endpoint_has_no_automatic_undo() -> None:
    """An endpoint that was not there (or whose policy was not returned): nothing is guessed."""
    plan = _endpoint_reset_plan()
    absent = Snapshot(plan.digest, "t", (StateRead("aws ec2 describe-vpc-endpoints", {}, True),))
    back = derive_rollback(plan, absent)
    assert back.operations == ()
    assert any("put it back by hand" in n for n in back.notes), back.notes


def test_endpoint_snapshot_reads_the_one_endpoint_as_a_list_of_ids() -> None:
    """The reader sends VpcEndpointIds=[id] for the fix's VpcEndpointId and keeps the one item
    it lists as the state; a listing without it is an endpoint that is not there."""
    client = _offline_client("ec2")
    plan = _endpoint_reset_plan()
    endpoint = {"VpcEndpointId": "vpce-0a1b", "PolicyDocument": _OTHER_API_ENDPOINT_POLICY}
    with Stubber(client) as stub:
        ids = {"VpcEndpointIds": ["vpce-0a1b"]}
        stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint]}, ids)
        stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": []}, ids)
        found = take_snapshot(plan, lambda _: client).reads[0]
        gone = take_snapshot(plan, lambda _: client).reads[0]
        stub.assert_no_pending_responses()
    assert found is not None and found.state == endpoint and not found.absent
    assert found.call == "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-0a1b"
    assert gone is not None and gone.absent and gone.error is None


def test_records_never_carry_the_api_key_value(aws_client: Any) -> None:
    import io

    from wizard.aws.fixes.driver import run_fix, terminal_confirm

    facts = _with_key_and_plan(aws_client)
    secret = aws_client("apigateway").get_api_key(apiKey=facts["api_key_id"], includeValue=True)[
        "value"
    ]
    fix = Fix(
        id="k",
        title="k",
        explanation="k",
        operations=[
            Operation(
                service="apigateway",
                operation="CreateUsagePlanKey",
                params={
                    "usagePlanId": "{usage_plan_id}",
                    "keyId": "{api_key_id}",
                    "keyType": "API_KEY",
                },
            )
        ],
    )
    run = run_fix(
        build_plan(fix, facts), aws_client, terminal_confirm(yes=True, who="t", out=io.StringIO())
    )
    assert run.applied
    assert run.result is not None and secret in json.dumps(
        run.result.steps[0].response
    )  # the raw call has it
    assert secret not in json.dumps(run.to_dict())
    after = take_snapshot(run.plan, aws_client)
    assert secret not in json.dumps(after.to_dict())


def test_base_path_change_round_trip_with_stubber() -> None:
    """MiniStack 1.5.33 has no UpdateBasePathMapping; the call shapes are checked with Stubber."""
    client = _offline_client()
    fix = Fix(
        id="bpm",
        title="bpm",
        explanation="e",
        operations=[
            Operation(
                service="apigateway",
                operation="UpdateBasePathMapping",
                params={
                    "domainName": "api.example.test",
                    "basePath": "v1",
                    "patchOperations": [
                        {"op": "replace", "path": "/stage", "value": "prod"},
                        {"op": "replace", "path": "/basePath", "value": "v2"},
                    ],
                },
            )
        ],
    )
    plan = build_plan(fix, {})
    old = {"basePath": "v1", "restApiId": "a1", "stage": "staging"}
    new = {"basePath": "v2", "restApiId": "a1", "stage": "prod"}
    with Stubber(client) as stub:
        stub.add_response(
            "get_base_path_mapping", old, {"domainName": "api.example.test", "basePath": "v1"}
        )
        stub.add_response(
            "update_base_path_mapping",
            new,
            {
                "domainName": "api.example.test",
                "basePath": "v1",
                "patchOperations": plan.operations[0].params["patchOperations"],
            },
        )
        before = take_snapshot(plan, lambda _: client)
        result = apply_plan(
            plan, Confirmation.for_plan(plan, by="t", shown=plan.cli), lambda _: client
        )
        stub.assert_no_pending_responses()
    assert [c.text() for c in describe_changes(plan, before)] == [
        "base path v1 /stage: staging → prod",
        "base path v1 /basePath: v1 → v2",
    ]
    back = derive_rollback(plan, before, result)
    # The mapping now lives under v2, so the undo addresses v2 and puts back stage and path.
    assert back.operations[0].params == {
        "domainName": "api.example.test",
        "basePath": "v2",
        "patchOperations": [
            {"op": "replace", "path": "/stage", "value": "staging"},
            {"op": "replace", "path": "/basePath", "value": "v1"},
        ],
    }


def test_state_that_cannot_be_read_is_not_applied() -> None:
    """Without the snapshot there is no rollback, so nothing is changed (and nothing is asked)."""
    from wizard.aws.fixes.driver import run_fix

    client = _offline_client()
    fix = Fix(
        id="ttl",
        title="ttl",
        explanation="e",
        operations=[_ttl_zero()],
    )
    asked: list[Any] = []
    with Stubber(client) as stub:  # an unexpected update_authorizer call would fail the Stubber
        stub.add_client_error(
            "get_authorizer",
            service_error_code="AccessDeniedException",
            service_message="User: arn:aws:iam::1:user/x is not authorized to perform: apigateway:GET",
            http_status_code=403,
        )
        run = run_fix(
            build_plan(fix, {}), lambda _: client, lambda plan, changes: asked.append(plan)
        )  # type: ignore[arg-type,func-returns-value]
        stub.assert_no_pending_responses()
    assert run.status == "unreadable" and not run.applied and not asked
    assert "apigateway:GET" in run.detail
    assert run.changes[0].before == "(unknown: could not be read)"
