"""The rendered commands run by the real AWS CLI against MiniStack and do exactly what the boto3
call does — hostile values arrive byte for byte. Runs when an `aws` binary is available
(`APIGW_WIZARD_AWS_CLI=/path/to/aws` or on PATH); the CLI is not a dependency of the wizard."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from wizard.aws.fixes.render import CliTarget, render_argv

AWS = os.environ.get("APIGW_WIZARD_AWS_CLI") or shutil.which("aws")
pytestmark = [
    pytest.mark.emulator,
    pytest.mark.skipif(AWS is None, reason="no aws CLI: set APIGW_WIZARD_AWS_CLI to run"),
]

HOSTILE = [
    "$(touch {marker}) 'q' \"dq\"\nnl; rm -rf ~",
    "-x --profile evil",
    "file:///etc/hostname",
    "[1,2]",
    '{"a":1}',
    "a,b=c",
]


def _run(argv: list[str], home: Path) -> dict[str, Any]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),  # no user config or credentials leak in
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    assert argv[0] == "aws"
    done = subprocess.run(
        [str(AWS), *argv[1:]], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_description_arrives_exactly(
    value: str, aws_client: Any, ministack: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    value = value.replace("{marker}", str(marker))
    apigw = aws_client("apigateway")
    api = apigw.create_rest_api(name="cli")
    root = apigw.get_resources(restApiId=api["id"])["items"][0]["id"]
    apigw.put_method(
        restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE"
    )
    apigw.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
    target = CliTarget(region="us-east-1", endpoint_url=ministack.endpoint_url)
    argv = render_argv(
        "apigateway",
        "CreateDeployment",
        {"restApiId": api["id"], "stageName": "prod", "description": value},
        target,
    )
    made = _run(argv, tmp_path)
    assert (
        apigw.get_deployment(restApiId=api["id"], deploymentId=made["id"])["description"] == value
    )
    assert not marker.exists()


def test_patch_shorthand_json_lists_and_flags(
    aws_client: Any, ministack: Any, tmp_path: Path
) -> None:
    target = CliTarget(region="us-east-1", endpoint_url=ministack.endpoint_url)
    apigw, v2 = aws_client("apigateway"), aws_client("apigatewayv2")
    api = apigw.create_rest_api(name="cli")["id"]
    auth = apigw.create_authorizer(
        restApiId=api,
        name="a",
        type="TOKEN",
        authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:f/invocations",
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=300,
    )["id"]
    ttl = [{"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"}]
    _run(
        render_argv(
            "apigateway",
            "UpdateAuthorizer",
            {"restApiId": api, "authorizerId": auth, "patchOperations": ttl},
            target,
        ),
        tmp_path,
    )
    assert (
        apigw.get_authorizer(restApiId=api, authorizerId=auth)["authorizerResultTtlInSeconds"] == 0
    )

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
            }
        ],
    }
    patch = [{"op": "replace", "path": "/policy", "value": json.dumps(policy)}]
    _run(
        render_argv(
            "apigateway", "UpdateRestApi", {"restApiId": api, "patchOperations": patch}, target
        ),
        tmp_path,
    )
    raw = apigw.get_rest_api(restApiId=api)["policy"]
    assert json.loads(raw.replace('\\"', '"')) == policy

    http = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    a2 = v2.create_authorizer(
        ApiId=http,
        AuthorizerType="REQUEST",
        Name="a",
        AuthorizerUri="arn:x",
        IdentitySource=["$request.header.Authorization"],
        AuthorizerResultTtlInSeconds=300,
        AuthorizerPayloadFormatVersion="2.0",
    )["AuthorizerId"]
    for sources in (["$request.header.Authorization", "$context.routeKey"], ["-weird", "[x"]):
        params = {"ApiId": http, "AuthorizerId": a2, "IdentitySource": sources}
        _run(render_argv("apigatewayv2", "UpdateAuthorizer", params, target), tmp_path)
        assert v2.get_authorizer(ApiId=http, AuthorizerId=a2)["IdentitySource"] == sources
    for flag in (True, False):
        _run(
            render_argv(
                "apigatewayv2",
                "UpdateApi",
                {"ApiId": http, "DisableExecuteApiEndpoint": flag},
                target,
            ),
            tmp_path,
        )
        assert v2.get_api(ApiId=http)["DisableExecuteApiEndpoint"] is flag
