"""Probes of the other API shapes against MiniStack: HTTP APIs, custom domains, usage plans,
WAF, VPC endpoints, execution logs (filter and Logs Insights)."""

from __future__ import annotations

import time

import pytest
from aws_probe_helpers import run_probe, wizard_session
from emulator import mock_get

from wizard.aws.target import resolve_target

pytestmark = pytest.mark.emulator


def _mock_rest_api(apigw, path_part="items", stage="prod", api_key_required=False):
    api = apigw.create_rest_api(name="t")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    res = apigw.create_resource(restApiId=api, parentId=root, pathPart=path_part)["id"]
    proxy = apigw.create_resource(restApiId=api, parentId=res, pathPart="{id}")["id"]
    for rid in (res, proxy):
        mock_get(apigw, api, rid, api_key_required=api_key_required, responses=False)
    apigw.create_deployment(restApiId=api, stageName=stage)
    return api, res, proxy


@pytest.fixture
def session(aws, ministack):
    return wizard_session(ministack)


def test_path_parameters_resolve_to_the_template(session, aws_client):
    api, _, proxy = _mock_rest_api(aws_client("apigateway"))
    t = resolve_target(session, api_id=api, stage="prod", method="get", path="/items/42")
    assert (t.resource_path, t.resource_id, t.path_params) == ("/items/{id}", proxy, {"id": "42"})
    assert t.method_arn == f"arn:aws:execute-api:us-east-1:000000000000:{api}/prod/GET/items/42"


def test_custom_domain_mapping_resolves_api_and_stage(session, aws_client):
    apigw = aws_client("apigateway")
    api, _, _ = _mock_rest_api(apigw)
    apigw.create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn="arn:aws:acm:us-east-1:000000000000:certificate/abc",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    apigw.create_base_path_mapping(
        domainName="api.example.com", restApiId=api, stage="prod", basePath="v1"
    )
    r = run_probe(
        "custom_domain", session, {"domain_name": "api.example.com", "path": "/v1/items/7"}
    )
    assert r["domain_exists"] is True
    assert r["domain_endpoint_type"] == "REGIONAL"
    assert (r["api_id"], r["stage"], r["base_path"], r["mapped_path"]) == (
        api,
        "prod",
        "v1",
        "/items/7",
    )
    assert r["mtls_enabled"] is False
    unmapped = run_probe(
        "custom_domain", session, {"domain_name": "api.example.com", "path": "/v2/items"}
    )
    assert unmapped["mapping_matches_path"] is False
    t = resolve_target(session, url="https://api.example.com/v1/items/7")
    assert (t.api_id, t.stage, t.base_path, t.path, t.resource_path) == (
        api,
        "prod",
        "v1",
        "/items/7",
        "/items/{id}",
    )
    missing = run_probe("custom_domain", session, {"domain_name": "nope.example.com"})
    assert missing["domain_exists"] is False


def test_usage_plans_find_the_key_without_keeping_its_value(session, aws_client):
    apigw = aws_client("apigateway")
    api, _, _ = _mock_rest_api(apigw, api_key_required=True)
    in_plan = apigw.create_api_key(name="in-plan", enabled=True, value="k" * 30)
    outside = apigw.create_api_key(name="outside", enabled=True, value="z" * 30)
    plan = apigw.create_usage_plan(name="gold", apiStages=[{"apiId": api, "stage": "prod"}])
    apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=in_plan["id"], keyType="API_KEY")
    facts = {"api_id": api, "stage": "prod"}
    r = run_probe("usage_plans", session, {"api_key": "k" * 30}, facts)
    assert r["stage_in_usage_plan"] is True
    assert r["usage_plan_ids"] == [plan["id"]]
    assert (r["api_key_exists"], r["api_key_id"], r["api_key_in_stage_plan"]) == (
        True,
        in_plan["id"],
        True,
    )
    assert r["key_usage_plan_id"] == plan["id"]
    assert "k" * 30 not in str(r)
    r = run_probe("usage_plans", session, {"api_key": "z" * 30}, facts)
    assert (r["api_key_id"], r["api_key_in_stage_plan"]) == (outside["id"], False)
    r = run_probe("usage_plans", session, {"api_key": "unknown-key-value-123456"}, facts)
    assert r["api_key_exists"] is False
    r = run_probe("usage_plans", session, {}, {"api_id": api, "stage": "dev"})
    assert r["stage_in_usage_plan"] is False
    # A key in another stage's plan: that plan is the one fix-plan-add-stage extends.
    other = apigw.create_usage_plan(name="silver", apiStages=[{"apiId": api, "stage": "dev"}])
    apigw.create_usage_plan_key(usagePlanId=other["id"], keyId=outside["id"], keyType="API_KEY")
    # Changed through another session: this one's read cache sees it once told to re-read.
    session.read_cache.clear()
    r = run_probe("usage_plans", session, {"api_key": "z" * 30}, facts)
    assert (r["api_key_in_stage_plan"], r["key_usage_plan_id"]) == (False, other["id"])


def test_http_api_route_and_jwt_authorizer(session, aws_client):
    v2 = aws_client("apigatewayv2")
    api = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    auth = v2.create_authorizer(
        ApiId=api,
        AuthorizerType="JWT",
        Name="jwt",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "https://issuer.example.com", "Audience": ["orders"]},
    )["AuthorizerId"]
    v2.create_route(
        ApiId=api,
        RouteKey="GET /orders/{id}",
        AuthorizationType="JWT",
        AuthorizerId=auth,
        AuthorizationScopes=["orders:read"],
    )
    v2.create_route(ApiId=api, RouteKey="ANY /orders/{id}", AuthorizationType="NONE")
    v2.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
    r = run_probe(
        "get_http_api",
        session,
        {"api_id": api, "method": "GET", "path": "/orders/9", "stage": "$default"},
    )
    assert r["api_type"] == "HTTP"
    assert r["route_key"] == "GET /orders/{id}"
    assert r["path_params"] == {"id": "9"}
    assert r["authorization_type"] == "JWT"
    assert r["authorization_scopes"] == ["orders:read"]
    assert (r["jwt_issuer"], r["jwt_audience"]) == ("https://issuer.example.com", ["orders"])
    assert r["auto_deploy"] is True
    post = run_probe(
        "get_http_api", session, {"api_id": api, "method": "POST", "path": "/orders/9"}
    )
    assert post["route_key"] == "ANY /orders/{id}"
    # The $default stage has no stage segment in the URL: "orders" is part of the path.
    t = resolve_target(session, url=f"https://{api}.execute-api.us-east-1.amazonaws.com/orders/9")
    assert (t.api_type, t.stage, t.path, t.route_key) == (
        "HTTP",
        "$default",
        "/orders/9",
        "GET /orders/{id}",
    )


def test_waf_attached_to_the_stage(session, aws_client):
    api, _, _ = _mock_rest_api(aws_client("apigateway"))
    waf = aws_client("wafv2")
    acl = waf.create_web_acl(
        Name="block-bad",
        Scope="REGIONAL",
        DefaultAction={"Block": {}},
        VisibilityConfig={
            "SampledRequestsEnabled": False,
            "CloudWatchMetricsEnabled": False,
            "MetricName": "b",
        },
        Rules=[],
    )["Summary"]
    waf.associate_web_acl(
        WebACLArn=acl["ARN"],
        ResourceArn=f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/prod",
    )
    r = run_probe("waf_web_acl", session, facts={"api_id": api, "stage": "prod"})
    assert (r["waf_attached"], r["web_acl_arn"], r["web_acl_name"]) == (
        True,
        acl["ARN"],
        "block-bad",
    )
    assert r["web_acl_default_action"] == "Block"


def test_vpc_endpoints_for_execute_api(session, aws_client):
    ec2 = aws_client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    vpce = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-east-1.execute-api",
        VpcEndpointType="Interface",
    )["VpcEndpoint"]["VpcEndpointId"]
    ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway"
    )
    r = run_probe("vpc_endpoints", session, {"vpce_id": vpce})
    assert r["execute_api_vpce_ids"] == [vpce]
    assert r["vpce_found"] is True


def _write_execution_logs(logs, group, lines):
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(lines)],
    )


REQ_A = "11111111-aaaa-4aaa-8aaa-111111111111"
REQ_B = "22222222-bbbb-4bbb-8bbb-222222222222"
LINES = [
    f"({REQ_A}) Extended Request Id: abc=",
    f"({REQ_A}) Starting authorizer: x1y2z3 for request: {REQ_A}",
    f"({REQ_A}) Incoming identity: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl",
    f"({REQ_B}) Extended Request Id: def=",
    f"({REQ_B}) Using valid cached policy for the token",
    f"({REQ_B}) Method completed with status: 403",
]


@pytest.mark.parametrize("insights", [False, True], ids=["filter_log_events", "logs_insights"])
def test_execution_logs_by_request_id(session, aws_client, insights):
    group = "API-Gateway-Execution-Logs_abc123/prod"
    _write_execution_logs(aws_client("logs"), group, LINES)
    facts = {"api_id": "abc123", "stage": "prod"}
    r = run_probe(
        "execution_logs",
        session,
        {"request_id": REQ_B, "since": "15m", "use_insights": insights},
        facts,
    )
    assert r["logs_query_mode"] == ("insights" if insights else "filter")
    assert r["execution_log_lines"] == LINES[3:]
    everything = run_probe(
        "execution_logs", session, {"since": "1h", "use_insights": insights}, facts
    )
    assert everything["execution_log_count"] == len(LINES)
    # The bearer token in the identity line is redacted before it leaves the probe.
    assert "eyJzdWIiOiJhbGljZSJ9" not in everything["execution_log_text"]


def test_a_window_longer_than_six_hours_is_scanned_by_logs_insights(session, aws_client):
    group = "API-Gateway-Execution-Logs_wide123/prod"
    _write_execution_logs(aws_client("logs"), group, LINES)
    facts = {"api_id": "wide123", "stage": "prod"}
    wide = run_probe("execution_logs", session, {"request_id": REQ_A, "since": "1d"}, facts)
    assert wide["logs_query_mode"] == "insights"
    assert wide["execution_log_count"] == 3
    narrow = run_probe("execution_logs", session, {"request_id": REQ_A, "since": "5h"}, facts)
    assert narrow["logs_query_mode"] == "filter"
    assert narrow["execution_log_count"] == 3


def test_execution_logs_missing_group_is_reported_not_empty(session):
    r = run_probe("execution_logs", session, {}, {"api_id": "abc123", "stage": "prod"})
    assert r["execution_log_group_exists"] is False
    assert r["execution_log_count"] == 0


def test_authorizer_logs_missing_group_is_unknown(session):
    r = run_probe(
        "authorizer_logs",
        session,
        {"authorizer_function_arn": "arn:aws:lambda:us-east-1:000000000000:function:none"},
    )
    assert r["authorizer_invoked_in_window"] is None
