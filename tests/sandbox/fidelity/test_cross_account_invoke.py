"""Another account's principal calls an AWS_IAM method, on the fidelity emulator (AUTH=true).

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html
("IAM authentication and resource policy", Table B: across accounts the call is allowed only
when both the caller's IAM policy and the API's resource policy allow it; an explicit Deny on
either side wins). MiniStack alone answers such a caller 404 (it looks the API up in the
signing account only); this replaces the gap test that pinned that.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator import mock_get

from wizard.aws.reproduce import ReproduceResult, send
from wizard.sandbox.fidelity.cross_account_invoke import denial_reason, masked
from wizard.sandbox.signing import _frozen

pytestmark = pytest.mark.emulator

PARTNER = "111111111111"  # a 12-digit key id is that account's root
OWNER = "000000000000"
REGION = "us-east-1"
_INVOKE = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}


def _statement(effect: str, principal: str) -> dict[str, Any]:
    return {
        "Effect": effect,
        "Principal": {"AWS": principal},
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }


class Accounts:
    """The owner's API (GET /iam with AWS_IAM, GET /open without authorization) and a partner
    account's user, over the emulator at `endpoint`."""

    def __init__(self, session: Any, endpoint: str) -> None:
        self.endpoint = endpoint
        self.apigw = session.client("apigateway", endpoint_url=endpoint)
        self.api_id = str(self.apigw.create_rest_api(name="owner-api")["id"])
        root = self.apigw.get_resources(restApiId=self.api_id)["items"][0]["id"]
        for path, authorization in (("iam", "AWS_IAM"), ("open", "NONE")):
            rid = self.apigw.create_resource(restApiId=self.api_id, parentId=root, pathPart=path)
            mock_get(self.apigw, self.api_id, rid["id"], authorization=authorization)
        self.partner_iam = session.client(
            "iam",
            endpoint_url=endpoint,
            aws_access_key_id=PARTNER,
            aws_secret_access_key="test",
        )

    def resource_policy(self, *statements: dict[str, Any]) -> None:
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        self.apigw.update_rest_api(
            restApiId=self.api_id,
            patchOperations=[{"op": "replace", "path": "/policy", "value": document}],
        )
        self.apigw.create_deployment(restApiId=self.api_id, stageName="prod")

    def partner_user(self, name: str, *identity: dict[str, Any]) -> Any:
        """Frozen credentials of the partner's user `name`, with `identity` as its inline policy."""
        self.partner_iam.create_user(UserName=name)
        if identity:
            self.partner_iam.put_user_policy(
                UserName=name,
                PolicyName="invoke",
                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": list(identity)}),
            )
        key = self.partner_iam.create_access_key(UserName=name)["AccessKey"]
        return _frozen(key["AccessKeyId"], key["SecretAccessKey"])

    def call(self, path: str, credentials: Any) -> ReproduceResult:
        url = f"{self.endpoint}/_aws/execute-api/{self.api_id}/prod/{path}"
        return send("GET", url, sign_with=credentials, region=REGION)

    def method_arn(self, path: str) -> str:
        return f"arn:aws:execute-api:{REGION}:********{OWNER[-4:]}:{self.api_id}/prod/GET/{path}"


@pytest.fixture
def accounts(aws_auth, ministack_auth) -> Accounts:
    return Accounts(aws_auth, ministack_auth.endpoint_url)


def _refused(got: ReproduceResult, caller: str, arn: str, reason: str) -> None:
    assert (got.status_code, got.error_type) == (403, "AccessDeniedException"), got.error_message
    assert got.error_message == (
        f"User: {caller} is not authorized to perform: execute-api:Invoke on resource: {arn} {reason}"
    )


def test_both_sides_allowing_lets_the_partner_in(accounts):
    caller = f"arn:aws:iam::{PARTNER}:user/both"
    accounts.resource_policy(_statement("Allow", caller))
    got = accounts.call("iam", accounts.partner_user("both", _INVOKE))
    assert got.status_code == 200, (got.status_code, got.error_message)


def test_a_resource_policy_allowing_only_the_owner_refuses_the_partner(accounts):
    accounts.resource_policy(_statement("Allow", f"arn:aws:iam::{OWNER}:root"))
    got = accounts.call("iam", accounts.partner_user("rp-silent", _INVOKE))
    _refused(
        got,
        f"arn:aws:iam::{PARTNER}:user/rp-silent",
        accounts.method_arn("iam"),
        "because no resource-based policy allows the execute-api:Invoke action",
    )


def test_the_partner_account_in_the_resource_policy_is_enough_on_the_api_side(accounts):
    accounts.resource_policy(_statement("Allow", f"arn:aws:iam::{PARTNER}:root"))
    got = accounts.call("iam", accounts.partner_user("by-account", _INVOKE))
    assert got.status_code == 200, (got.status_code, got.error_message)


def test_the_resource_policy_alone_does_not_let_the_partner_in(accounts):
    caller = f"arn:aws:iam::{PARTNER}:user/no-identity"
    accounts.resource_policy(_statement("Allow", caller))
    got = accounts.call("iam", accounts.partner_user("no-identity"))
    _refused(
        got,
        caller,
        accounts.method_arn("iam"),
        "because no identity-based policy allows the execute-api:Invoke action",
    )


def test_an_explicit_deny_in_the_resource_policy_wins(accounts):
    caller = f"arn:aws:iam::{PARTNER}:user/denied"
    accounts.resource_policy(_statement("Allow", caller), _statement("Deny", caller))
    got = accounts.call("iam", accounts.partner_user("denied", _INVOKE))
    _refused(
        got,
        caller,
        accounts.method_arn("iam"),
        "with an explicit deny in a resource-based policy",
    )


def test_the_partner_accounts_root_needs_the_resource_policy_too(accounts):
    root = _frozen(PARTNER, "test")  # a 12-digit key id signs as that account's root
    accounts.resource_policy(_statement("Allow", f"arn:aws:iam::{OWNER}:root"))
    _refused(
        accounts.call("iam", root),
        f"arn:aws:iam::{PARTNER}:root",
        accounts.method_arn("iam"),
        "because no resource-based policy allows the execute-api:Invoke action",
    )
    accounts.resource_policy(_statement("Allow", PARTNER))
    got = accounts.call("iam", root)
    assert got.status_code == 200, (got.status_code, got.error_message)


def test_a_method_without_authorization_answers_any_accounts_caller(accounts):
    # The API id is global: the call is routed to the owner's API (MiniStack alone: 404).
    accounts.apigw.create_deployment(restApiId=accounts.api_id, stageName="prod")
    got = accounts.call("open", accounts.partner_user("anyone"))
    assert got.status_code == 200, (got.status_code, got.error_message)


def test_the_wording_of_each_side():
    assert denial_reason("ImplicitDeny", None).startswith("because no identity-based")
    assert denial_reason("Deny", None) == "with an explicit deny in an identity-based policy"
    assert denial_reason(None, "ImplicitDeny").startswith("because no resource-based")
    assert masked("arn:aws:execute-api:r:123456789012:a/s", "123456789012") == (
        "arn:aws:execute-api:r:********9012:a/s"
    )
