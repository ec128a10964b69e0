"""Resource policy × authorization (catalogue §0.6 Tables A and B, §0.4 pre-auth pass)."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.analysis.combine import combine, combine_policies
from wizard.analysis.policy.request import RequestContext

A, E, I = "allow", "explicit_deny", "implicit_deny"  # noqa: E741

# (resource policy, auth, auth decision, cross-account) -> (decision, decided_by, cause hint)
TABLE: list[tuple[Any, str, Any, bool, str, str, str | None]] = [
    # No authorization on the method: the resource policy alone.
    (None, "none", None, False, A, "none", None),
    (A, "none", None, False, A, "resource_policy", None),
    (I, "none", None, False, I, "resource_policy", "rp-implicit-deny"),
    (E, "none", None, False, E, "resource_policy", "rp-explicit-deny"),
    # Table A, Lambda authorizer, same account.
    (A, "lambda", A, False, A, "authorizer", None),
    (I, "lambda", A, False, A, "authorizer", None),  # RP IP allow-list does not restrict
    (E, "lambda", A, False, E, "resource_policy", "rp-explicit-deny"),
    (A, "lambda", I, False, A, "resource_policy", None),  # RP Allow rescues a silent authorizer
    (I, "lambda", I, False, I, "authorizer", "authz-implicit-deny-arn-mismatch"),
    (None, "lambda", I, False, I, "authorizer", "authz-implicit-deny-arn-mismatch"),
    (A, "lambda", E, False, E, "authorizer", "authz-explicit-deny"),
    (E, "lambda", E, False, E, "resource_policy", "rp-explicit-deny"),
    (None, "lambda", A, False, A, "authorizer", None),
    # Table A, IAM, same account.
    (A, "iam", A, False, A, "iam", None),
    (I, "iam", A, False, A, "iam", None),
    (A, "iam", I, False, A, "resource_policy", None),
    (I, "iam", I, False, I, "iam", "iam-no-invoke-permission"),
    (None, "iam", I, False, I, "iam", "iam-no-invoke-permission"),
    (A, "iam", E, False, E, "iam", "iam-explicit-deny"),
    (E, "iam", A, False, E, "resource_policy", "rp-explicit-deny"),
    # Table B, cross-account: both must allow.
    (A, "iam", A, True, A, "both", None),
    (I, "iam", A, True, I, "resource_policy", "rp-cross-account-iam"),
    (None, "iam", A, True, I, "resource_policy", "rp-cross-account-iam"),
    (A, "iam", I, True, I, "iam", "iam-no-invoke-permission"),
    (I, "iam", I, True, I, "resource_policy", "rp-cross-account-iam"),
    (E, "iam", A, True, E, "resource_policy", "rp-explicit-deny"),
    (A, "iam", E, True, E, "iam", "iam-explicit-deny"),
    (A, "lambda", A, True, A, "both", None),
    (I, "lambda", A, True, I, "resource_policy", "rp-cross-account-iam"),
    (A, "cognito", A, True, A, "both", None),
    (A, "cognito", A, False, A, "cognito", None),
    (I, "cognito", A, False, A, "cognito", None),
    (I, "cognito", A, True, I, "resource_policy", "rp-cross-account-iam"),
    (E, "cognito", A, False, E, "resource_policy", "rp-explicit-deny"),
]


def test_cognito_rejection_is_a_401_not_a_403() -> None:
    out = combine("allow", "cognito", "implicit_deny")
    assert (out.status, out.error_type, out.message) == (
        401,
        "UnauthorizedException",
        "Unauthorized",
    )
    assert out.cause_hint == "not-403-lookalikes"
    # A resource-policy explicit Deny still answers first, with a 403.
    assert combine("explicit_deny", "cognito", "implicit_deny").status == 403


@pytest.mark.parametrize(
    ("rp", "auth", "ad", "cross", "decision", "side", "cause"),
    TABLE,
    ids=[f"rp={t[0]}-{t[1]}={t[2]}-{'cross' if t[3] else 'same'}" for t in TABLE],
)
def test_table(
    rp: Any, auth: Any, ad: Any, cross: bool, decision: str, side: str, cause: str | None
) -> None:
    out = combine(rp, auth, ad, cross_account=cross)
    assert (out.decision, out.decided_by, out.cause_hint) == (decision, side, cause), (
        out.explanation
    )
    if decision == "allow":
        assert (out.status, out.error_type, out.message) == (200, None, None)
    else:
        assert out.status == 403 and out.error_type == "AccessDeniedException"
        assert out.message is not None
        assert out.message.endswith("with an explicit deny") == (decision == "explicit_deny")


def test_pre_auth_deny_never_invokes_the_lambda() -> None:
    out = combine("explicit_deny", "lambda", "allow")
    assert out.authorizer_invoked is False
    assert "before" in out.explanation
    assert combine("implicit_deny", "lambda", "allow").authorizer_invoked is True
    assert combine("allow", "iam", "allow").authorizer_invoked is None


def test_messages_match_api_gateway_wordings() -> None:
    arn = "arn:aws:execute-api:us-east-1:111122223333:a/prod/GET/x"
    rp = combine("implicit_deny", "none", method_arn=arn)
    assert rp.message == (
        f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {arn}"
    )
    authz = combine(None, "lambda", "implicit_deny", method_arn=arn)
    assert authz.message == "User is not authorized to access this resource"


def test_private_api_needs_a_resource_policy() -> None:
    assert combine(None, "none", private_api=True).cause_hint == "rp-implicit-deny"
    assert combine(None, "lambda", "allow", private_api=True).decision == "implicit_deny"
    assert combine("allow", "none", private_api=True).decision == "allow"


def test_auth_without_decision_is_an_error() -> None:
    with pytest.raises(ValueError, match="needs a decision"):
        combine(None, "lambda")


ARN = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets/7"
IP_ALLOW = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        }
    ]
}
SCOPED = {
    "principalId": "user-1",
    "policyDocument": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "execute-api:Invoke",
                "Resource": "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets",
            }
        ],
    },
}


def test_combine_policies_evaluates_both_sides() -> None:
    req = RequestContext(method_arn=ARN, source_ip="198.51.100.1")
    out = combine_policies(req, resource_policy=IP_ALLOW, auth="lambda", authorizer_policy=SCOPED)
    assert out.decision == "implicit_deny"
    assert out.cause_hint == "authz-implicit-deny-arn-mismatch"
    assert out.resource_policy is not None and out.resource_policy.decision == "implicit_deny"
    assert out.authorizer_policy is not None and out.authorizer_policy.decision == "implicit_deny"
    d = out.to_dict()
    assert d["response"]["status"] == 403 and d["authorizer_policy"]["decision"] == "implicit_deny"


def test_combine_policies_detects_cross_account_from_the_caller() -> None:
    req = RequestContext(method_arn=ARN, principal="arn:aws:iam::444455556666:user/bob")
    out = combine_policies(req, resource_policy=None, auth="iam", auth_decision="allow")
    assert out.cause_hint == "rp-cross-account-iam"
    same = RequestContext(method_arn=ARN, principal="arn:aws:iam::111122223333:user/al")
    assert (
        combine_policies(same, resource_policy=None, auth="iam", auth_decision="allow").decision
        == "allow"
    )


ENDPOINT_ONLY_OTHER_API = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "arn:aws:execute-api:us-east-1:111122223333:zzz999/*",
        }
    ]
}


def test_vpc_endpoint_policy_must_allow_too() -> None:
    req = RequestContext(method_arn=ARN, vpce_id="vpce-1")
    out = combine_policies(
        req,
        resource_policy=None,
        auth="lambda",
        auth_decision="allow",
        endpoint_policy=ENDPOINT_ONLY_OTHER_API,
    )
    assert (out.decision, out.decided_by, out.cause_hint) == (
        "implicit_deny",
        "vpc_endpoint_policy",
        "vpce-endpoint-policy",
    )
    assert out.authorizer_invoked is False and out.status == 403
    assert out.to_dict()["endpoint_policy"]["decision"] == "implicit_deny"
    full = {"Statement": [{**ENDPOINT_ONLY_OTHER_API["Statement"][0], "Resource": "*"}]}
    ok = combine_policies(
        req, resource_policy=None, auth="lambda", auth_decision="allow", endpoint_policy=full
    )
    assert ok.decision == "allow" and ok.endpoint_policy is not None


def test_websocket_arn_kept_in_messages() -> None:
    ws = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/$connect"
    out = combine_policies(
        RequestContext(method_arn=ws),
        resource_policy={
            "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]
        },
        auth="none",
    )
    assert out.message is not None and out.message.endswith(f"{ws} with an explicit deny")
