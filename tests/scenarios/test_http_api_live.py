"""An HTTP API built here with plain boto3 (not by a bundled scenario: the general case), called
through the emulator's `/_aws/execute-api/{api}/{stage}/...` URL, diagnosed live.

Before: that URL was taken for a custom domain (GetApiMappings failed, 2 questions,
inconclusive), and the HTTP API fixes printed `'<authorizer_id>'` though the probe had read it.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from wizard.aws.reproduce import send
from wizard.cli import main
from wizard.sandbox.demo import sandbox_credentials
from wizard.sandbox.lambdas import zip_lambda_source
from wizard.sandbox.scenario import LambdaSpec

pytestmark = pytest.mark.emulator

Clients = Callable[[str], Any]


def _http_api_with_denying_authorizer(clients: Clients, ttl: int) -> tuple[str, str, str]:
    """GET /items behind a REQUEST authorizer (simple responses) that refuses everyone.
    Returns (api id, authorizer id, route id)."""
    v2, lam, iam = clients("apigatewayv2"), clients("lambda"), clients("iam")
    name = f"deny-all-{uuid.uuid4().hex[:8]}"
    role = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    spec = LambdaSpec(name=name, code="authorizers/simple_deny.py")
    fn = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="simple_deny.handler",
        Code={"ZipFile": zip_lambda_source(spec)},
        Timeout=10,
    )["FunctionArn"]
    lam.add_permission(
        FunctionName=name,
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    api = v2.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
    authorizer = v2.create_authorizer(
        ApiId=api,
        Name="deny-all",
        AuthorizerType="REQUEST",
        AuthorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{fn}/invocations",
        IdentitySource=["$request.header.Authorization"],
        AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=True,
        AuthorizerResultTtlInSeconds=ttl,
    )["AuthorizerId"]
    integration = v2.create_integration(
        ApiId=api,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="GET",
        IntegrationUri="http://127.0.0.1:9/",
        PayloadFormatVersion="1.0",
    )["IntegrationId"]
    route = v2.create_route(
        ApiId=api,
        RouteKey="GET /items",
        AuthorizationType="CUSTOM",
        AuthorizerId=authorizer,
        Target=f"integrations/{integration}",
    )["RouteId"]
    v2.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
    return api, authorizer, route


def _diagnose(
    endpoint: str, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    argv = ["diagnose", "--endpoint-url", endpoint, "--region", "us-east-1", "--url", url]
    argv += ["--method", "GET", "--token", "Bearer not-a-real-token", "--format", "json"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    capsys.readouterr()
    with sandbox_credentials():
        code = main(argv)
    out = capsys.readouterr()
    assert out.out.strip(), out.err[-1500:]
    return code, json.loads(out.out)


@pytest.mark.parametrize("ttl", [0, 300])
def test_http_api_on_the_aws_execute_api_url_is_diagnosed_with_its_real_ids(
    ttl: int,
    aws_client: Clients,
    ministack: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api, authorizer, _route = _http_api_with_denying_authorizer(aws_client, ttl)
    url = f"{ministack.endpoint_url}/_aws/execute-api/{api}/$default/items"
    failed = send("GET", url, headers={"Authorization": "Bearer not-a-real-token"})
    assert failed.status_code == 403

    code, result = _diagnose(ministack.endpoint_url, url, monkeypatch, capsys)
    assert result["causes"][0]["id"] == "httpapi-lambda-authorizer-deny"
    assert result["questions"] == 0
    assert code == 1
    assert not [f for f in result["probe_failures"] if "GetApiMappings" in json.dumps(f)]
    printed = json.dumps(result["fixes"])
    assert "<authorizer_id>" not in printed and "<route-id>" not in printed
    ttl_fix = [f for f in result["fixes"] if f["fix"] == "fix-httpapi-authorizer-ttl"]
    if ttl == 0:
        # nothing is cached, so turning the cache off would fix nothing: not offered
        assert not ttl_fix
    else:
        (offered,) = ttl_fix
        assert offered["applicable"], offered
        assert f"--authorizer-id {authorizer}" in offered["cli"][0]
