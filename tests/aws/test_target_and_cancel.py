"""Targets for WebSocket APIs and custom domains over HTTP APIs; probes stop when cancelled."""

from __future__ import annotations

import threading

import pytest
from aws_probe_helpers import provision_seed, run_probe, wizard_session

from wizard.aws.gather import gather
from wizard.aws.target import resolve_target
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

pytestmark = pytest.mark.emulator


def test_websocket_target_uses_the_connect_route(aws, ministack, aws_client):
    session = wizard_session(ministack)
    v2 = aws_client("apigatewayv2")
    api = v2.create_api(
        Name="ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
    )["ApiId"]
    v2.create_route(ApiId=api, RouteKey="$connect", AuthorizationType="AWS_IAM")
    v2.create_stage(ApiId=api, StageName="production")
    t = resolve_target(session, url=f"wss://{api}.execute-api.us-east-1.amazonaws.com/production")
    assert (t.api_type, t.stage, t.route_key, t.method_exists) == (
        "WEBSOCKET",
        "production",
        "$connect",
        True,
    )
    assert t.method_arn == f"arn:aws:execute-api:us-east-1:000000000000:{api}/production/$connect"
    r = run_probe("get_http_api", session, {"api_id": api})
    assert (r["api_type"], r["authorization_type"]) == ("WEBSOCKET", "AWS_IAM")


def test_custom_domain_over_an_http_api(aws, ministack, aws_client):
    session = wizard_session(ministack)
    v2 = aws_client("apigatewayv2")
    api = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    v2.create_route(ApiId=api, RouteKey="GET /list", AuthorizationType="NONE")
    v2.create_stage(ApiId=api, StageName="live")
    v2.create_domain_name(
        DomainName="orders.example.com",
        DomainNameConfigurations=[
            {
                "CertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/x",
                "EndpointType": "REGIONAL",
            }
        ],
    )
    v2.create_api_mapping(
        DomainName="orders.example.com", ApiId=api, Stage="live", ApiMappingKey="orders"
    )
    t = resolve_target(session, url="https://orders.example.com/orders/list")
    assert (t.api_id, t.api_type, t.stage, t.base_path, t.path, t.route_key) == (
        api,
        "HTTP",
        "live",
        "orders",
        "/list",
        "GET /list",
    )


def test_cancelled_probe_stops_and_says_so(aws, ministack):
    session = wizard_session(ministack)
    out = provision_seed(ministack, session, replayed=False)
    cancel = threading.Event()
    cancel.set()
    ctx = ProbeContext(
        inputs={}, facts={"api_id": out.api_id, "stage": "prod"}, cancel=cancel, aws=session
    )
    for name in ("list_resources", "get_deployments", "usage_plans", "execution_logs"):
        with pytest.raises(ProbeError) as err:
            REGISTRY.get(name).fn(ctx, {})
        assert err.value.kind is ProbeErrorKind.CANCELLED, name
    g = gather(
        [("get_deployments", {})],
        aws=session,
        facts={"api_id": out.api_id, "stage": "prod"},
        cancel=cancel,
    )
    assert g.errors()["get_deployments"].kind is ProbeErrorKind.CANCELLED
