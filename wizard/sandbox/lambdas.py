"""The Lambda functions a scenario's authorizers and integrations run: zipped from their one
source file, created once per name under a shared execution role, and granted to API Gateway.
Used by both provisioners (provision.py for REST, provision_v2.py for HTTP and WebSocket)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

from wizard.sandbox.scenario import LambdaSpec

LAMBDA_ROLE_NAME = "apigw-wizard-sandbox-lambda"
_ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def zip_lambda_source(spec: LambdaSpec) -> bytes:
    """The function's single source file zipped as `<module>.py` (module = file stem)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(spec.code_path.name, spec.code_path.read_text())
    return buf.getvalue()


def lambda_role_arn(iam: Any) -> str:
    try:
        return str(iam.get_role(RoleName=LAMBDA_ROLE_NAME)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(
            RoleName=LAMBDA_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(_ASSUME_LAMBDA)
        )
        return str(role["Role"]["Arn"])


def ensure_function(lam: Any, spec: LambdaSpec, role_arn: str, created: dict[str, str]) -> str:
    if spec.name in created:
        return created[spec.name]
    resp = lam.create_function(
        FunctionName=spec.name,
        Runtime=spec.runtime,
        Role=role_arn,
        Handler=f"{spec.code_path.stem}.{spec.handler}",
        Code={"ZipFile": zip_lambda_source(spec)},
        Environment={"Variables": dict(spec.environment)},
        Timeout=10,
    )
    created[spec.name] = str(resp["FunctionArn"])
    return created[spec.name]


def lambda_uri(region: str, function_arn: str) -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )


def grant_invoke(lam: Any, function_name: str, api_id: str, region: str, account: str) -> None:
    """Let API Gateway invoke the function, as the console does when you wire it up."""
    lam.add_permission(
        FunctionName=function_name,
        StatementId=f"apigw-{api_id}-{int(time.time() * 1000)}",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{region}:{account}:{api_id}/*",
    )
