"""Access logs and REQUEST authorizers against MiniStack."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from aws_probe_helpers import run_probe, wizard_session

pytestmark = pytest.mark.emulator

REQUEST_AUTHORIZER = """
def handler(event, context):
    ok = event["headers"].get("x-tenant") == "acme" and event["requestContext"]["resourcePath"] == "/reports"
    return {
        "principalId": "tenant",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow" if ok else "Deny", "Resource": event["methodArn"]}]},
    }
"""


def _zip(source: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("auth.py", source)
    return buf.getvalue()


def test_request_authorizer_gets_the_event_api_gateway_would_send(aws, ministack, aws_client):
    session = wizard_session(ministack)
    lam, apigw = aws_client("lambda"), aws_client("apigateway")
    fn = lam.create_function(
        FunctionName="tenant-auth",
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/x",
        Handler="auth.handler",
        Code={"ZipFile": _zip(REQUEST_AUTHORIZER)},
    )["FunctionArn"]
    api = apigw.create_rest_api(name="r")["id"]
    auth = apigw.create_authorizer(
        restApiId=api,
        name="tenant",
        type="REQUEST",
        identitySource="method.request.header.x-tenant",
        authorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{fn}/invocations",
    )["id"]
    facts = {
        "api_id": api,
        "stage": "prod",
        "account_id": "000000000000",
        "method": "GET",
        "path": "/reports",
        "resource_path": "/reports",
        "authorizer_id": auth,
    }
    allowed = run_probe(
        "authorizer_policy", session, {"token": "acme", "headers": ["x-trace: 1"]}, facts
    )
    assert allowed["authorizer_policy_source"] == "lambda_invoke"
    assert allowed["authorizer_allows_method_arn"] is True
    assert (
        allowed["method_arn"]
        == f"arn:aws:execute-api:us-east-1:000000000000:{api}/prod/GET/reports"
    )
    denied = run_probe("authorizer_policy", session, {"token": "other"}, facts)
    assert denied["authorizer_denies_method_arn"] is True


def test_access_logs_from_the_stage_destination(aws, ministack, aws_client):
    session = wizard_session(ministack)
    logs = aws_client("logs")
    logs.create_log_group(logGroupName="/apigw/access")
    logs.create_log_stream(logGroupName="/apigw/access", logStreamName="s")
    now = int(time.time() * 1000)
    lines = [
        '{"requestId":"r-1","status":"403","errorMessage":"Forbidden"}',
        '{"requestId":"r-2","status":"200"}',
    ]
    logs.put_log_events(
        logGroupName="/apigw/access",
        logStreamName="s",
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(lines)],
    )
    dest = "arn:aws:logs:us-east-1:000000000000:log-group:/apigw/access"
    r = run_probe("access_logs", session, {"request_id": "r-1"}, {"access_log_destination": dest})
    assert r["access_log_group"] == "/apigw/access"
    assert r["access_log_lines"] == lines[:1]
    off = run_probe("access_logs", session, {}, {"access_logging_enabled": False})
    assert off["access_logging_enabled"] is False
    from wizard.engine.probes import ProbeError, ProbeErrorKind

    with pytest.raises(ProbeError) as err:  # stage not read: unknown, not "off"
        run_probe("access_logs", session, {}, {})
    assert err.value.kind is ProbeErrorKind.MISSING_INPUT
