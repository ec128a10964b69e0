"""The allowlist refuses anything outside it; placeholders bind from facts, typed."""

from __future__ import annotations

import pytest

from wizard.aws.fixes.allowlist import ALLOWLIST, check_allowed
from wizard.aws.fixes.bind import bind_params, placeholders
from wizard.aws.fixes.errors import BindError, NotAllowedError

TTL_ZERO = {
    "restApiId": "{api_id}",
    "authorizerId": "{authorizer_id}",
    "patchOperations": [{"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"}],
}


def test_ttl_change_is_allowed() -> None:
    entry = check_allowed("apigateway", "UpdateAuthorizer", TTL_ZERO)
    assert entry.purpose.startswith("authorizer cache TTL")


@pytest.mark.parametrize(
    ("service", "operation", "params", "message"),
    [
        ("apigateway", "DeleteRestApi", {"restApiId": "a"}, "not an operation the wizard may run"),
        ("lambda", "UpdateFunctionConfiguration", {}, "not an operation the wizard may run"),
        (
            "lambda",
            "UpdateFunctionCode",
            {"FunctionName": "f", "ZipFile": "fileb:///tmp/patched.zip"},
            "not a code artifact the wizard wrote",
        ),
        (
            "lambda",
            "UpdateFunctionCode",
            {"FunctionName": "f", "ZipFile": "x", "Publish": True},
            "parameter Publish is not one the wizard may set",
        ),
        ("iam", "CreatePolicy", {}, "not an operation the wizard may run"),
        ("iam", "PutRolePolicy", {"PolicyName": "p"}, "missing required parameter RoleName"),
        (
            "iam",
            "PutRolePolicy",
            {
                "RoleName": "r",
                "PolicyName": "admin",
                "PolicyDocument": '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
            },
            "writes only its own invoke policy or lifts a Deny",
        ),
        (
            "iam",
            "PutUserPolicy",
            {
                "UserName": "u",
                "PolicyName": "apigw-wizard-invoke-0123456789abcdef",
                "PolicyDocument": '{"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:us-east-1:123456789012:a1/prod/*"}]}',
            },
            "one method ARN without wildcards",
        ),
        ("iam", "DeleteUserPolicy", {"UserName": "u", "PolicyName": "p"}, "only to roll back"),
        (
            "apigateway",
            "UpdateAuthorizer",
            {
                "restApiId": "a",
                "authorizerId": "b",
                "patchOperations": [{"op": "replace", "path": "/authorizerUri", "value": "x"}],
            },
            "path=/authorizerUri is not allowed",
        ),
        (
            "apigateway",
            "UpdateStage",
            {
                "restApiId": "a",
                "stageName": "p",
                "patchOperations": [{"op": "replace", "path": "/variables/x", "value": "y"}],
            },
            "is not allowed",
        ),
        (
            "apigateway",
            "UpdateMethod",
            {
                "restApiId": "a",
                "resourceId": "r",
                "httpMethod": "POST",
                "patchOperations": [
                    {"op": "replace", "path": "/authorizationType", "value": "NONE"}
                ],
            },
            "only on the OPTIONS method",
        ),
        (
            "apigateway",
            "UpdateMethod",
            {
                "restApiId": "a",
                "resourceId": "r",
                "httpMethod": "OPTIONS",
                "patchOperations": [
                    {"op": "replace", "path": "/authorizationType", "value": "AWS_IAM"}
                ],
            },
            "only set authorizationType to NONE",
        ),
        (
            "apigateway",
            "UpdateIntegration",
            {
                "restApiId": "a",
                "resourceId": "r",
                "httpMethod": "GET",
                "patchOperations": [
                    {
                        "op": "add",
                        "path": "/requestParameters/integration.request.header.Authorization",
                        "value": "'Bearer static-secret'",
                    }
                ],
            },
            "only map a header from the method request header of the same name",
        ),
        (
            "apigateway",
            "UpdateIntegration",
            {
                "restApiId": "a",
                "resourceId": "r",
                "httpMethod": "GET",
                "patchOperations": [
                    {"op": "replace", "path": "/uri", "value": "http://attacker.example/"}
                ],
            },
            "path=/uri is not allowed",
        ),
        (
            "apigateway",
            "CreateDeployment",
            {"stageName": "p"},
            "missing required parameter restApiId",
        ),
        (
            "apigateway",
            "CreateDeployment",
            {"restApiId": "a", "stageName": "p", "canarySettings": {}},
            "parameter canarySettings is not one the wizard may set",
        ),
        (
            "apigateway",
            "DeleteUsagePlanKey",
            {"usagePlanId": "u", "keyId": "k"},
            "only to roll back",
        ),
        ("apigatewayv2", "UpdateApi", {"ApiId": "a", "Target": "arn:x"}, "parameter Target"),
        # The endpoint fix only resets its policy; writing a document is for a rollback.
        (
            "ec2",
            "ModifyVpcEndpoint",
            {"VpcEndpointId": "vpce-1", "PolicyDocument": '{"Statement": []}'},
            "PolicyDocument only to roll back",
        ),
        (
            "ec2",
            "ModifyVpcEndpoint",
            {"VpcEndpointId": "vpce-1", "ResetPolicy": False},
            "ResetPolicy must be true",
        ),
        ("ec2", "ModifyVpcEndpoint", {"VpcEndpointId": "vpce-1"}, "ResetPolicy must be true"),
        (
            "ec2",
            "ModifyVpcEndpoint",
            {"VpcEndpointId": "vpce-1", "ResetPolicy": True, "AddSubnetIds": ["subnet-1"]},
            "parameter AddSubnetIds is not one the wizard may set",
        ),
        ("ec2", "ModifyVpcEndpoint", {"ResetPolicy": True}, "missing required parameter"),
    ],
)
def test_everything_else_is_refused_with_a_clear_reason(
    service: str, operation: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(NotAllowedError, match=message):
        check_allowed(service, operation, params)


def test_rollback_only_deletes_pass_inside_a_rollback() -> None:
    check_allowed(
        "apigateway", "DeleteUsagePlanKey", {"usagePlanId": "u", "keyId": "k"}, rollback=True
    )


def test_endpoint_policy_reset_and_its_rollback_pass() -> None:
    check_allowed("ec2", "ModifyVpcEndpoint", {"VpcEndpointId": "vpce-1", "ResetPolicy": True})
    document = {"VpcEndpointId": "vpce-1", "PolicyDocument": '{"Statement": []}'}
    check_allowed("ec2", "ModifyVpcEndpoint", document, rollback=True)
    with pytest.raises(NotAllowedError, match="alone"):  # never a reset and a document at once
        check_allowed("ec2", "ModifyVpcEndpoint", {**document, "ResetPolicy": True}, rollback=True)


def test_allowlist_covers_the_brief() -> None:
    expected = {
        ("apigateway", op)
        for op in [
            "UpdateAuthorizer",
            "FlushStageAuthorizersCache",
            "CreateDeployment",
            "UpdateRestApi",
            "UpdateStage",
            "CreateUsagePlanKey",
            "UpdateUsagePlan",
            "UpdateApiKey",
            "CreateBasePathMapping",
            "UpdateBasePathMapping",
            "UpdateMethod",
            "UpdateIntegration",
            "PutGatewayResponse",
        ]
    } | {
        ("apigatewayv2", op)
        for op in [
            "UpdateAuthorizer",
            "UpdateRoute",
            "CreateDeployment",
            "UpdateApi",
            "CreateApiMapping",
        ]
    }
    assert expected <= set(ALLOWLIST)


def test_bind_keeps_types_and_formats_inside_strings() -> None:
    facts = {"api_id": "a1", "authorizer_id": "z9", "authorizer_ttl": 300, "stage": "prod"}
    params = {
        "ApiId": "{api_id}",
        "Ttl": "{authorizer_ttl}",
        "value": "{api_id}:{stage}",
        "policy": '{"Version":"2012-10-17","Statement":[{"Resource":"execute-api:/{stage}/*"}]}',
        "path": "/items/{proxy+}",
    }
    bound = bind_params(params, facts)
    assert bound["ApiId"] == "a1"
    assert bound["Ttl"] == 300
    assert bound["value"] == "a1:prod"
    assert (
        bound["policy"]
        == '{"Version":"2012-10-17","Statement":[{"Resource":"execute-api:/prod/*"}]}'
    )
    assert bound["path"] == "/items/{proxy+}"
    assert placeholders(params) == {"api_id", "authorizer_ttl", "stage"}


def test_missing_fact_names_the_fact_and_where() -> None:
    with pytest.raises(
        BindError, match=r"patchOperations\[0\]\.value: the fix needs the fact 'new_ttl'"
    ):
        bind_params(
            {"patchOperations": [{"op": "replace", "path": "/x", "value": "{new_ttl}"}]},
            {"api_id": "a"},
        )


def test_fact_values_are_not_rescanned() -> None:
    bound = bind_params({"restApiId": "{api_id}"}, {"api_id": "{stage}", "stage": "prod"})
    assert bound == {"restApiId": "{stage}"}


def test_apply_rechecks_the_allowlist_of_a_tampered_plan() -> None:
    """A plan is data: one edited after it was built is refused at apply time, before any call."""
    import dataclasses

    from wizard.aws.fixes.apply import apply_plan
    from wizard.aws.fixes.plan import BoundOperation, Confirmation, FixPlan

    evil = BoundOperation(
        "apigateway", "DeleteRestApi", {"restApiId": "a1"}, ("aws", "apigateway", "delete-rest-api")
    )
    plan = dataclasses.replace(FixPlan("f", "f", ()), operations=(evil,))
    calls: list[str] = []
    with pytest.raises(
        NotAllowedError, match="DeleteRestApi is not an operation the wizard may run"
    ):
        apply_plan(
            plan, Confirmation.for_plan(plan, by="t", shown=plan.cli), lambda s: calls.append(s)
        )
    assert calls == []
