"""Every REST probe against the seed incident on MiniStack, over real HTTP."""

from __future__ import annotations

import json

import pytest
from aws_probe_helpers import provision_seed, run_probe, wizard_session

from wizard.engine.probes import ProbeError, ProbeErrorKind

pytestmark = pytest.mark.emulator


@pytest.fixture
def seed(aws, ministack):
    session = wizard_session(ministack)
    return session, provision_seed(ministack, session)


def _facts(out):
    return {
        "api_id": out.api_id,
        "stage": out.stage,
        "region": out.region,
        "account_id": out.account_id,
    }


def test_caller_identity(seed):
    session, _ = seed
    r = run_probe("aws_caller_identity", session)
    assert r["account_id"] == "000000000000"
    assert r["caller_arn"].startswith("arn:aws:")
    assert r["endpoint_url"].startswith("http://127.0.0.1:")


def test_resolve_target_from_the_emulator_url(seed):
    session, out = seed
    r = run_probe(
        "resolve_target", session, {"url": out.url("/dashboard/update-profile"), "method": "POST"}
    )
    assert r["api_id"] == out.api_id
    assert r["api_type"] == "REST"
    assert r["endpoint_type"] == "REGIONAL"
    assert r["stage"] == "prod"
    assert r["path"] == "/dashboard/update-profile"
    assert r["resource_path"] == "/dashboard/update-profile"
    assert r["resource_id"] == out.resource_ids["/dashboard/update-profile"]
    assert r["route_exists"] is True
    assert r["method_arn"] == out.method_arn("POST", "/dashboard/update-profile")


def test_resolve_target_flags_a_missing_route(seed):
    session, out = seed
    r = run_probe(
        "resolve_target",
        session,
        {"api_id": out.api_id, "stage": "prod", "method": "DELETE", "path": "/dashboard"},
    )
    assert r["resource_path"] == "/dashboard"
    assert r["route_exists"] is False


def test_resolve_target_unknown_api_is_not_found(seed):
    session, _ = seed
    with pytest.raises(ProbeError) as err:
        run_probe("resolve_target", session, {"api_id": "nope123", "stage": "prod"})
    assert err.value.kind is ProbeErrorKind.NOT_FOUND
    assert "nope123" in err.value.message


def test_get_rest_api_parses_the_escaped_resource_policy(seed, aws_client):
    session, out = seed
    r = run_probe("get_rest_api", session, facts=_facts(out))
    assert r["endpoint_type"] == "REGIONAL"
    assert r["has_resource_policy"] is False
    assert r["resource_policy"] is None
    assert r["disable_execute_api_endpoint"] is False
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
                "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}},
            }
        ],
    }
    aws_client("apigateway").update_rest_api(
        restApiId=out.api_id,
        patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(policy)}],
    )
    session.read_cache.clear()  # changed through another session: re-read
    r = run_probe("get_rest_api", session, facts=_facts(out))
    assert r["resource_policy"] == policy


def test_list_resources_and_get_method(seed):
    session, out = seed
    r = run_probe(
        "list_resources",
        session,
        {"method": "POST", "path": "/dashboard/update-profile"},
        _facts(out),
    )
    assert r["routes"] == ["GET /dashboard", "POST /dashboard/update-profile"]
    assert r["route_exists"] is True
    m = run_probe(
        "get_method", session, {"method": "POST", "path": "/dashboard/update-profile"}, _facts(out)
    )
    assert m["authorization_type"] == "CUSTOM"
    assert m["authorizer_id"] == out.authorizer_ids["jwt-authorizer"]
    assert m["api_key_required"] is False
    assert m["integration_type"] == "MOCK"
    missing = run_probe("get_method", session, {"method": "PUT", "path": "/dashboard"}, _facts(out))
    assert missing["route_exists"] is False


def test_get_authorizer_reads_type_ttl_and_function(seed):
    session, out = seed
    r = run_probe(
        "get_authorizer",
        session,
        {"authorizer_id": out.authorizer_ids["jwt-authorizer"]},
        _facts(out),
    )
    assert r["authorizer_type"] == "TOKEN"
    assert r["authorizer_ttl"] == 300
    assert r["authorizer_caching_enabled"] is True
    assert r["authorizer_identity_source"] == "method.request.header.Authorization"
    assert r["authorizer_function_arn"] == out.function_arns["dashboard-jwt-authorizer"]


def test_authorizer_policy_invokes_the_lambda_with_the_real_method_arn(seed):
    session, out = seed
    get_arn = out.method_arn("GET", "/dashboard")
    post_arn = out.method_arn("POST", "/dashboard/update-profile")
    params = {"authorizer_id": out.authorizer_ids["jwt-authorizer"], "token": out.tokens["alice"]}
    # What the cache holds: the policy issued for the GET, evaluated against the POST.
    r = run_probe("authorizer_policy", session, {**params, "method_arn": get_arn}, _facts(out))
    assert r["authorizer_policy_source"] == "lambda_invoke"
    assert r["authorizer_policy_allow_resources"] == [get_arn]
    assert r["authorizer_principal_id"] == "alice"
    fresh = run_probe(
        "authorizer_policy",
        session,
        {**params, "method": "POST", "path": "/dashboard/update-profile"},
        _facts(out),
    )
    assert fresh["method_arn"] == post_arn
    assert fresh["authorizer_allows_method_arn"] is True


def test_authorizer_policy_uses_test_invoke_without_a_method_arn(seed):
    """Without the request's method ARN the probe asks test-invoke-authorizer (the sandbox's
    emulator answers it: docs/emulator.md)."""
    session, out = seed
    r = run_probe(
        "authorizer_policy",
        session,
        {"authorizer_id": out.authorizer_ids["jwt-authorizer"], "token": out.tokens["alice"]},
        {"api_id": out.api_id},
    )
    assert r["authorizer_policy_source"] == "test_invoke_authorizer"
    assert "test_invoke_fallback_reason" not in r


def test_authorizer_policy_reports_an_unauthorized_token(seed):
    session, out = seed
    r = run_probe(
        "authorizer_policy",
        session,
        {"authorizer_id": out.authorizer_ids["jwt-authorizer"], "token": "Bearer not.a.jwt"},
        _facts(out),
    )
    assert r["authorizer_result"] == "Unauthorized"


def test_stage_and_deployments(seed, aws_client):
    session, out = seed
    s = run_probe("get_stage", session, facts=_facts(out))
    assert s["stage_exists"] is True
    assert s["deployment_id"] == out.deployment_id
    assert s["execution_logging_enabled"] is True  # the seed turns on INFO logging (api.logging)
    assert s["web_acl_arn"] is None
    d = run_probe("get_deployments", session, facts=_facts(out))
    assert d["stage_on_latest_deployment"] is True
    assert d["undeployed_routes"] == []
    # A method added without a redeploy is reported as not deployed.
    apigw = aws_client("apigateway")
    rid = out.resource_ids["/dashboard"]
    apigw.put_method(
        restApiId=out.api_id, resourceId=rid, httpMethod="DELETE", authorizationType="NONE"
    )
    session.read_cache.clear()  # changed through another session: re-read
    d = run_probe("get_deployments", session, facts=_facts(out))
    assert d["undeployed_routes"] == ["DELETE /dashboard"]
    # The request's own route: not in the deployment the stage runs, though the stage is on the
    # latest one (a method added after it); one that was deployed is served.
    assert d["stage_on_latest_deployment"] is True
    route = {**_facts(out), "resource_path": "/dashboard"}
    added = run_probe("get_deployments", session, facts={**route, "method": "DELETE"})
    assert added["route_deployed"] is False
    served = run_probe("get_deployments", session, facts={**route, "method": "GET"})
    assert served["route_deployed"] is True
    assert d["route_deployed"] is None  # without the request's resource: unknown, not false
    gone = run_probe("get_stage", session, {"stage": "prd"}, _facts(out))
    assert gone == {"stage": "prd", "stage_exists": False}


def test_get_stage_on_an_http_api_id_proves_nothing_about_its_stage(seed, aws_client):
    """GetStage answers "not found" for an HTTP API's id as for a missing stage. The walk
    reads the REST stage before it knows the API's type, so "the stage does not exist" must
    come only from a REST API that exists: here the fact stays unknown (the read does not
    apply: no fault to show), where it used to rule out causes on a stage the HTTP API has."""
    session, out = seed
    api = aws_client("apigatewayv2").create_api(Name="orders-http", ProtocolType="HTTP")
    aws_client("apigatewayv2").create_stage(ApiId=api["ApiId"], StageName="prod")
    facts = {**_facts(out), "api_id": api["ApiId"]}
    for probe in ("get_stage", "get_rest_api", "get_method"):
        with pytest.raises(ProbeError) as err:
            run_probe(probe, session, {"stage": "prod"}, facts)
        assert err.value.kind is ProbeErrorKind.NOT_APPLICABLE, probe
        assert f"{api['ApiId']} is an HTTP API" in str(err.value)
    # An id that names no API at all is still "not found", with the REST read's message.
    with pytest.raises(ProbeError) as err:
        run_probe("get_rest_api", session, {}, {**facts, "api_id": "nosuchapi1"})
    assert err.value.kind is ProbeErrorKind.NOT_FOUND


def test_gateway_responses_and_account(seed, aws_client):
    session, out = seed
    aws_client("apigateway").put_gateway_response(
        restApiId=out.api_id,
        responseType="ACCESS_DENIED",
        statusCode="403",
        responseTemplates={"application/json": '{"error": "denied"}'},
    )
    r = run_probe("get_gateway_responses", session, facts=_facts(out))
    assert "ACCESS_DENIED" in r["gateway_responses_customized"]
    assert r["gateway_responses"]["ACCESS_DENIED"]["templates"] == {
        "application/json": '{"error": "denied"}'
    }
    a = run_probe("get_account", session)
    assert a["cloudwatch_role_set"] is False


def test_lambda_configuration_hides_environment_values(seed):
    session, out = seed
    r = run_probe(
        "lambda_configuration",
        session,
        facts={"authorizer_function_arn": out.function_arns["dashboard-jwt-authorizer"]},
    )
    assert r["function_name"] == "dashboard-jwt-authorizer"
    assert r["function_handler"] == "scoped_to_method_arn.handler"
    assert r["function_env_names"] == ["JWT_SECRET"]
    assert "sandbox-demo-secret" not in json.dumps(r)


def test_authorizer_logs_show_one_invocation_for_two_requests(seed):
    """The seed's key evidence: the POST that got 403 never reached the authorizer."""
    session, out = seed
    r = run_probe(
        "authorizer_logs",
        session,
        {"since": "10m"},
        {"authorizer_function_arn": out.function_arns["dashboard-jwt-authorizer"]},
    )
    assert r["authorizer_log_group_exists"] is True
    assert r["authorizer_invocations"] == 1
    assert out.method_arn("GET", "/dashboard") in r["authorizer_log_text"]
    assert "update-profile" not in r["authorizer_log_text"]


def test_reproduce_records_the_403(seed):
    session, out = seed
    r = run_probe(
        "reproduce",
        session,
        {
            "url": out.url("/dashboard/update-profile"),
            "method": "POST",
            "token": out.tokens["alice"],
        },
    )
    assert r["status_code"] == 403
    assert r["error_type"] == "AccessDeniedException"
    assert r["error_message"] == "User is not authorized to access this resource"
    assert r["request_id"]


def test_waf_none_attached_is_a_real_no(seed):
    session, out = seed
    r = run_probe("waf_web_acl", session, facts=_facts(out))
    assert r["waf_attached"] is False
