"""Table-driven tests of the IAM policy evaluator for execute-api: every rule the issue lists."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.parse import PolicyError
from wizard.analysis.policy.request import RequestContext

ACCT = "111122223333"
OTHER = "444455556666"
ARN = f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3/prod/GET/pets/7"
API = f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3"
ROLE = f"arn:aws:iam::{ACCT}:role/app-role"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/app-role/session-1"
USER = f"arn:aws:iam::{ACCT}:user/alice"
_DROP = object()


def S(**kw: Any) -> dict[str, Any]:
    """A statement: Allow anyone to invoke the whole API, with overrides (_DROP removes a key)."""
    st: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }
    for k, v in kw.items():
        if v is _DROP:
            st.pop(k, None)
        else:
            st[k] = v
    return st


def P(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def DENY(**kw: Any) -> dict[str, Any]:
    return S(Effect="Deny", **kw)


ANY_VPCE_DENY = DENY(Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-0abc"}})

CASES: list[tuple[str, Any, dict[str, Any], str]] = [
    # --- Effect, Deny beats Allow, statement shapes
    ("allow-all", P(S()), {}, "allow"),
    ("nothing-matches-is-implicit", P(S(Resource="execute-api:/*/POST/*")), {}, "implicit_deny"),
    ("deny-beats-allow", P(S(), DENY()), {}, "explicit_deny"),
    ("deny-first-still-wins", P(DENY(), S()), {}, "explicit_deny"),
    ("deny-not-applying-then-allow", P(DENY(Resource="execute-api:/dev/*"), S()), {}, "allow"),
    ("only-deny-not-applying", P(DENY(Resource="execute-api:/dev/*")), {}, "implicit_deny"),
    ("statement-as-single-object", {"Statement": S()}, {}, "allow"),
    ("effect-lowercase-read-as-allow", P(S(Effect="allow")), {}, "allow"),
    ("empty-statement-list", {"Version": "2012-10-17", "Statement": []}, {}, "implicit_deny"),
    # --- Action / NotAction
    ("action-service-wildcard", P(S(Action="execute-api:*")), {}, "allow"),
    ("action-star", P(S(Action="*")), {}, "allow"),
    ("action-case-insensitive", P(S(Action="EXECUTE-API:invoke")), {}, "allow"),
    ("action-other", P(S(Action="execute-api:ManageConnections")), {}, "implicit_deny"),
    (
        "action-list",
        P(S(Action=["execute-api:ManageConnections", "execute-api:Invoke"])),
        {},
        "allow",
    ),
    ("action-prefix-glob", P(S(Action="execute-api:Inv*")), {}, "allow"),
    ("notaction-other", P(S(Action=_DROP, NotAction="execute-api:ManageConnections")), {}, "allow"),
    ("notaction-covers", P(S(Action=_DROP, NotAction="execute-api:*")), {}, "implicit_deny"),
    (
        "manage-connections-action",
        P(S(Action="execute-api:ManageConnections")),
        {"action": "execute-api:ManageConnections"},
        "allow",
    ),
    # --- Resource / NotResource, ARN matching
    ("resource-exact", P(S(Resource=ARN)), {}, "allow"),
    ("resource-shorthand-prefix", P(S(Resource="execute-api:/prod/GET/pets/*")), {}, "allow"),
    ("resource-other-stage", P(S(Resource="execute-api:/dev/*")), {}, "implicit_deny"),
    ("resource-stage-case-sensitive", P(S(Resource="execute-api:/Prod/*")), {}, "implicit_deny"),
    ("resource-method-wildcard", P(S(Resource="execute-api:/*/*/pets/*")), {}, "allow"),
    ("resource-all-execute-api", P(S(Resource="arn:aws:execute-api:*:*:*")), {}, "allow"),
    ("resource-short-pattern", P(S(Resource="arn:aws:execute-api:*")), {}, "allow"),
    ("resource-other-method", P(S(Resource=f"{API}/*/POST/*")), {}, "implicit_deny"),
    (
        "resource-other-region",
        P(S(Resource=f"arn:aws:execute-api:us-west-2:{ACCT}:a1b2c3/*")),
        {},
        "implicit_deny",
    ),
    (
        "resource-other-account",
        P(S(Resource=f"arn:aws:execute-api:us-east-1:{OTHER}:a1b2c3/*")),
        {},
        "implicit_deny",
    ),
    (
        "resource-other-api",
        P(S(Resource=f"arn:aws:execute-api:us-east-1:{ACCT}:zzz999/*")),
        {},
        "implicit_deny",
    ),
    ("resource-question-mark", P(S(Resource=f"{API}/prod/GET/pets/?")), {}, "allow"),
    ("resource-two-question-marks", P(S(Resource=f"{API}/prod/GET/pets/??")), {}, "implicit_deny"),
    ("resource-path-without-child", P(S(Resource=f"{API}/prod/GET/pets")), {}, "implicit_deny"),
    ("resource-list-second-matches", P(S(Resource=[f"{API}/dev/*", f"{API}/prod/*"])), {}, "allow"),
    (
        "resource-prefix-case-insensitive",
        P(S(Resource=f"ARN:AWS:EXECUTE-API:us-east-1:{ACCT}:a1b2c3/*")),
        {},
        "allow",
    ),
    ("resource-null-stage-from-console", P(S(Resource=f"{API}/null/*/*")), {}, "implicit_deny"),
    ("resource-star", P(S(Resource="*")), {}, "allow"),
    ("notresource-other", P(S(Resource=_DROP, NotResource="execute-api:/*/DELETE/*")), {}, "allow"),
    (
        "notresource-covers",
        P(S(Resource=_DROP, NotResource="execute-api:/prod/*")),
        {},
        "implicit_deny",
    ),
    (
        "deny-notresource-public-only",
        P(S(), DENY(Resource=_DROP, NotResource="execute-api:/prod/GET/public/*")),
        {},
        "explicit_deny",
    ),
    # --- Principal / NotPrincipal
    ("principal-star-anonymous", P(S(Principal="*")), {}, "allow"),
    ("principal-aws-star-anonymous", P(S(Principal={"AWS": "*"})), {}, "allow"),
    ("principal-account-anonymous", P(S(Principal={"AWS": ACCT})), {}, "implicit_deny"),
    (
        "principal-account-role-session",
        P(S(Principal={"AWS": ACCT})),
        {"principal": SESSION},
        "allow",
    ),
    (
        "principal-root-user",
        P(S(Principal={"AWS": f"arn:aws:iam::{ACCT}:root"})),
        {"principal": USER},
        "allow",
    ),
    (
        "principal-root-other-account",
        P(S(Principal={"AWS": f"arn:aws:iam::{OTHER}:root"})),
        {"principal": USER},
        "implicit_deny",
    ),
    ("principal-role-session", P(S(Principal={"AWS": ROLE})), {"principal": SESSION}, "allow"),
    (
        "principal-role-with-path-session",
        P(S(Principal={"AWS": f"arn:aws:iam::{ACCT}:role/service/app-role"})),
        {"principal": SESSION},
        "allow",
    ),
    (
        "principal-other-role",
        P(S(Principal={"AWS": f"arn:aws:iam::{ACCT}:role/admin"})),
        {"principal": SESSION},
        "implicit_deny",
    ),
    ("principal-user-exact", P(S(Principal={"AWS": USER})), {"principal": USER}, "allow"),
    (
        "principal-user-not-role",
        P(S(Principal={"AWS": USER})),
        {"principal": SESSION},
        "implicit_deny",
    ),
    (
        "principal-list",
        P(S(Principal={"AWS": [f"arn:aws:iam::{OTHER}:root", ROLE]})),
        {"principal": SESSION},
        "allow",
    ),
    (
        "notprincipal-deny-excludes-role-and-account",
        P(S(), DENY(Principal=_DROP, NotPrincipal={"AWS": [ROLE, f"arn:aws:iam::{ACCT}:root"]})),
        {"principal": SESSION},
        "allow",
    ),
    (
        # IAM checks the account as well: naming only the role does not exclude its sessions.
        "notprincipal-role-without-account-still-denies",
        P(S(), DENY(Principal=_DROP, NotPrincipal={"AWS": ROLE})),
        {"principal": SESSION},
        "explicit_deny",
    ),
    (
        "notprincipal-account-only-does-not-exclude-user",
        P(S(), DENY(Principal=_DROP, NotPrincipal={"AWS": ACCT})),
        {"principal": USER},
        "explicit_deny",
    ),
    (
        "notprincipal-user-and-account",
        P(S(), DENY(Principal=_DROP, NotPrincipal={"AWS": [USER, ACCT]})),
        {"principal": USER},
        "allow",
    ),
    (
        "notprincipal-deny-hits-anonymous",
        P(S(), DENY(Principal=_DROP, NotPrincipal={"AWS": ROLE})),
        {},
        "explicit_deny",
    ),
    (
        "principal-service-anonymous",
        P(S(Principal={"Service": "lambda.amazonaws.com"})),
        {},
        "implicit_deny",
    ),
    ("no-principal-authorizer-policy", P(S(Principal=_DROP)), {}, "allow"),
    (
        "principal-cross-account-id",
        P(S(Principal={"AWS": OTHER})),
        {"principal": f"arn:aws:iam::{OTHER}:user/bob"},
        "allow",
    ),
    ("principal-string-arn-read-as-aws", P(S(Principal=ROLE)), {"principal": SESSION}, "allow"),
    ("principal-aws-star-signed", P(S(Principal={"AWS": "*"})), {"principal": USER}, "allow"),
    # --- IpAddress / NotIpAddress, VPC endpoint keys
    (
        "ip-in-cidr",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
        {"source_ip": "203.0.113.9"},
        "allow",
    ),
    (
        "ip-outside-cidr",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
        {"source_ip": "198.51.100.1"},
        "implicit_deny",
    ),
    (
        "ip-single-address",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "198.51.100.1"}})),
        {"source_ip": "198.51.100.1"},
        "allow",
    ),
    (
        "ip-v6-cidr",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})),
        {"source_ip": "2001:db8::5"},
        "allow",
    ),
    (
        "ip-v6-vs-v4-range",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        {"source_ip": "2001:db8::5"},
        "implicit_deny",
    ),
    (
        "ip-list-is-or",
        P(S(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "198.51.100.0/24"]}})),
        {"source_ip": "198.51.100.7"},
        "allow",
    ),
    (
        "notip-deny-outside",
        P(S(), DENY(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
        {"source_ip": "198.51.100.1"},
        "explicit_deny",
    ),
    (
        "notip-deny-inside",
        P(S(), DENY(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
        {"source_ip": "203.0.113.200"},
        "allow",
    ),
    (
        "notip-deny-via-vpce-sourceip-absent",
        P(S(), DENY(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        {"source_ip": "10.1.2.3", "vpce_id": "vpce-0abc"},
        "explicit_deny",
    ),
    (
        "allow-ip-absent-is-implicit",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        {},
        "implicit_deny",
    ),
    (
        "vpc-source-ip-via-vpce",
        P(S(Condition={"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}})),
        {"source_ip": "10.1.2.3", "vpce_id": "vpce-0abc"},
        "allow",
    ),
    (
        # IfExists holds when the key is absent, so on a Deny it still denies.
        "notip-ifexists-deny-via-vpce-still-denies",
        P(S(), DENY(Condition={"NotIpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}})),
        {"source_ip": "10.1.2.3", "vpce_id": "vpce-0abc"},
        "explicit_deny",
    ),
    (
        "ipaddress-ifexists-deny-via-vpce-denies",
        P(S(), DENY(Condition={"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}})),
        {"source_ip": "10.1.2.3", "vpce_id": "vpce-0abc"},
        "explicit_deny",
    ),
    ("private-api-deny-no-vpce", P(ANY_VPCE_DENY, S()), {}, "explicit_deny"),
    ("private-api-right-vpce", P(ANY_VPCE_DENY, S()), {"vpce_id": "vpce-0abc"}, "allow"),
    ("private-api-other-vpce", P(ANY_VPCE_DENY, S()), {"vpce_id": "vpce-0def"}, "explicit_deny"),
    # --- String operators, key names vs values
    (
        "vpce-equals",
        P(S(Condition={"StringEquals": {"aws:SourceVpce": "vpce-0abc"}})),
        {"vpce_id": "vpce-0abc"},
        "allow",
    ),
    (
        "vpce-equals-other",
        P(S(Condition={"StringEquals": {"aws:SourceVpce": "vpce-0abc"}})),
        {"vpce_id": "vpce-1"},
        "implicit_deny",
    ),
    (
        "key-name-case-insensitive",
        P(S(Condition={"StringEquals": {"AWS:sourcevpce": "vpce-0abc"}})),
        {"vpce_id": "vpce-0abc"},
        "allow",
    ),
    (
        "value-case-sensitive",
        P(S(Condition={"StringEquals": {"aws:SourceVpce": "VPCE-0ABC"}})),
        {"vpce_id": "vpce-0abc"},
        "implicit_deny",
    ),
    (
        "equals-ignore-case",
        P(S(Condition={"StringEqualsIgnoreCase": {"aws:SourceVpce": "VPCE-0ABC"}})),
        {"vpce_id": "vpce-0abc"},
        "allow",
    ),
    (
        "notequals-list-is-nor-listed",
        P(S(), DENY(Condition={"StringNotEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}})),
        {"vpce_id": "vpce-2"},
        "allow",
    ),
    (
        "notequals-list-is-nor-unlisted",
        P(S(), DENY(Condition={"StringNotEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}})),
        {"vpce_id": "vpce-3"},
        "explicit_deny",
    ),
    (
        "string-like-glob",
        P(S(Condition={"StringLike": {"aws:SourceVpce": "vpce-0*"}})),
        {"vpce_id": "vpce-0abc"},
        "allow",
    ),
    (
        "string-like-no-match",
        P(S(Condition={"StringLike": {"aws:SourceVpce": "vpce-9*"}})),
        {"vpce_id": "vpce-0abc"},
        "implicit_deny",
    ),
    (
        "string-not-like-absent-denies",
        P(S(), DENY(Condition={"StringNotLike": {"aws:SourceVpc": "vpc-*"}})),
        {},
        "explicit_deny",
    ),
    (
        "equals-ifexists-absent",
        P(S(Condition={"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})),
        {},
        "allow",
    ),
    (
        "equals-ifexists-mismatch",
        P(S(Condition={"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})),
        {"vpce_id": "vpce-2"},
        "implicit_deny",
    ),
    (
        "bool-securetransport-false-deny",
        P(S(), DENY(Condition={"Bool": {"aws:SecureTransport": "false"}})),
        {},
        "allow",
    ),
    ("bool-json-true", P(S(Condition={"Bool": {"aws:SecureTransport": True}})), {}, "allow"),
    ("null-true-absent", P(S(Condition={"Null": {"aws:SourceVpce": "true"}})), {}, "allow"),
    (
        "null-true-present",
        P(S(Condition={"Null": {"aws:SourceVpce": "true"}})),
        {"vpce_id": "vpce-1"},
        "implicit_deny",
    ),
    (
        "null-false-present",
        P(S(Condition={"Null": {"aws:SourceVpce": "false"}})),
        {"vpce_id": "vpce-1"},
        "allow",
    ),
    (
        "two-keys-are-and",
        P(S(Condition={"StringEquals": {"aws:SourceVpce": "vpce-1", "aws:SourceVpc": "vpc-1"}})),
        {"vpce_id": "vpce-1", "vpc_id": "vpc-2"},
        "implicit_deny",
    ),
    (
        "two-operators-are-and",
        P(
            S(
                Condition={
                    "StringEquals": {"aws:SourceVpce": "vpce-1"},
                    "IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"},
                }
            )
        ),
        {"vpce_id": "vpce-1", "source_ip": "10.9.9.9"},
        "allow",
    ),
    (
        "two-operators-one-fails",
        P(
            S(
                Condition={
                    "StringEquals": {"aws:SourceVpce": "vpce-1"},
                    "IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"},
                }
            )
        ),
        {"vpce_id": "vpce-1", "source_ip": "192.168.1.1"},
        "implicit_deny",
    ),
    # --- Arn*, principal keys, set operators, numbers, dates, extra context
    (
        "arnlike-principalarn",
        P(S(Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/app-*"}})),
        {"principal": SESSION},
        "allow",
    ),
    (
        "arnlike-anonymous-absent",
        P(S(Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}})),
        {},
        "implicit_deny",
    ),
    (
        "arnnotequals-deny",
        P(
            S(),
            DENY(
                Condition={"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/admin"}}
            ),
        ),
        {"principal": SESSION},
        "explicit_deny",
    ),
    (
        "principal-account-key",
        P(S(Condition={"StringEquals": {"aws:PrincipalAccount": ACCT}})),
        {"principal": USER},
        "allow",
    ),
    (
        "foranyvalue-like",
        P(S(Condition={"ForAnyValue:StringLike": {"aws:PrincipalTag/team": "pay*"}})),
        {"extra": {"aws:PrincipalTag/team": ["ops", "payments"]}},
        "allow",
    ),
    (
        "forallvalues-absent-vacuous",
        P(S(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": "a"}})),
        {},
        "allow",
    ),
    (
        "foranyvalue-absent",
        P(S(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}})),
        {},
        "implicit_deny",
    ),
    (
        "forallvalues-one-outside",
        P(S(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}})),
        {"extra": {"aws:TagKeys": ["a", "c"]}},
        "implicit_deny",
    ),
    (
        "numeric-less-than",
        P(S(Condition={"NumericLessThan": {"custom:age": "10"}})),
        {"extra": {"custom:age": "3"}},
        "allow",
    ),
    (
        "numeric-not-a-number",
        P(S(Condition={"NumericLessThan": {"custom:age": "10"}})),
        {"extra": {"custom:age": "x"}},
        "implicit_deny",
    ),
    (
        "date-before-deadline",
        P(S(Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})),
        {"now": datetime(2026, 1, 1, tzinfo=UTC)},
        "allow",
    ),
    (
        "date-after-deadline",
        P(S(Condition={"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}})),
        {"now": datetime(2026, 1, 1, tzinfo=UTC)},
        "implicit_deny",
    ),
    (
        "extra-context-overrides-sourceip",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        {"source_ip": "1.1.1.1", "extra": {"aws:SourceIp": "10.0.0.1"}},
        "allow",
    ),
    (
        "private-custom-domain-via-domain-arn",
        P(
            S(
                Condition={
                    "ArnEquals": {
                        "execute-api:viaDomainArn": f"arn:aws:execute-api:us-east-1:{ACCT}:/domainnames/api.example.com+abc"
                    }
                }
            )
        ),
        {
            "extra": {
                "execute-api:viaDomainArn": f"arn:aws:execute-api:us-east-1:{ACCT}:/domainnames/api.example.com+abc"
            }
        },
        "allow",
    ),
]


@pytest.mark.parametrize(
    ("policy", "req", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_decision(policy: Any, req: dict[str, Any], expected: str) -> None:
    decision = evaluate_policy(policy, RequestContext(method_arn=ARN, **req))
    assert decision.decision == expected, decision.explanation
    # The deciding statements agree with the decision.
    outcomes = {s.outcome for s in decision.deciding}
    assert (
        outcomes
        == {"allow": {"allow"}, "explicit_deny": {"deny"}, "implicit_deny": set()}[expected]
    )
    assert decision.explanation.endswith(".")


def test_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


def _escaped(policy: dict[str, Any]) -> str:
    """The way get_rest_api returns a policy: quotes and slashes backslash-escaped."""
    return json.dumps(policy, separators=(",", ":")).replace('"', '\\"').replace("/", "\\/")


POLICY_FORMS = [
    ("escaped-get-rest-api", _escaped(P(S(Resource=f"{API}/prod/*")))),
    ("double-encoded", json.dumps(json.dumps(P(S())))),
    ("get-rest-api-response", {"id": "a1b2c3", "policy": _escaped(P(S()))}),
    ("authorizer-response", {"principalId": "u1", "policyDocument": P(S(Principal=_DROP))}),
    (
        "authorizer-response-text",
        json.dumps({"principalId": "u1", "policyDocument": P(S(Principal=_DROP))}),
    ),
    ("pretty-json-bytes", json.dumps(P(S()), indent=2).encode()),
    # `aws apigateway get-rest-api --query policy --output json`: a JSON string of the escaped text
    ("cli-output-json-of-escaped", json.dumps(_escaped(P(S())))),
    (
        "url-encoded",
        "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22%2A%22%2C%22Action%22%3A%22execute-api%3AInvoke%22%2C%22Resource%22%3A%22execute-api%3A%2F%2A%22%7D%5D%7D",
    ),
]


@pytest.mark.parametrize("source", [f[1] for f in POLICY_FORMS], ids=[f[0] for f in POLICY_FORMS])
def test_policy_forms_people_paste(source: Any) -> None:
    assert evaluate_policy(source, RequestContext(method_arn=ARN)).decision == "allow"


ERRORS = [
    ("no-statement", {"Version": "2012-10-17"}, "no 'Statement'"),
    ("effect-typo", P(S(Effect="Alow")), "Statement[0].Effect must be 'Allow' or 'Deny'"),
    (
        "effect-missing",
        P(S(Effect=_DROP)),
        "Statement[0].Effect must be 'Allow' or 'Deny', got missing",
    ),
    (
        "element-typo",
        P(S(), {"Efect": "Allow", "Action": "*", "Resource": "*"}),
        "Statement[1]: unknown element 'Efect' (did you mean Effect?)",
    ),
    (
        "operator-typo",
        P(S(), S(), S(Condition={"IpAdress": {"aws:SourceIp": "1.2.3.4"}})),
        "Statement[2].Condition: unknown operator 'IpAdress' (did you mean IpAddress?)",
    ),
    (
        "bad-cidr",
        P(S(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}})),
        "not an IP address or CIDR",
    ),
    ("action-and-notaction", P(S(NotAction="x:y")), "both Action and NotAction"),
    ("no-action", P(S(Action=_DROP)), "neither Action nor NotAction"),
    ("no-resource", P(S(Resource=_DROP)), "neither Resource nor NotResource"),
    ("resource-object", P(S(Resource={"arn": "x"})), "Statement[0].Resource must be a string"),
    (
        "null-ifexists",
        P(S(Condition={"NullIfExists": {"aws:SourceVpce": "true"}})),
        "unknown operator",
    ),
    (
        "bad-set-operator",
        P(S(Condition={"ForAnyValues:StringEquals": {"k": "v"}})),
        "did you mean ForAnyValue?",
    ),
    ("not-an-object", "[1, 2]", "must be a JSON object"),
    ("truncated", '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",', "line 1 column"),
    ("binary", "\x00\x01\x02\xff garbage", "not valid JSON"),
    ("empty", "   ", "policy is empty"),
    (
        "condition-not-object",
        P(S(Condition=["IpAddress"])),
        "Statement[0].Condition must be an object",
    ),
]


@pytest.mark.parametrize(("source", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_malformed_policy_says_where(source: Any, message: str) -> None:
    with pytest.raises(PolicyError) as info:
        evaluate_policy(source, RequestContext(method_arn=ARN))
    text = str(info.value)
    assert message in text
    assert "\n" not in text


def test_truncated_json_names_line_and_column() -> None:
    text = '{\n  "Statement": [\n    {"Effect": "Allow"'
    with pytest.raises(PolicyError, match=r"line 3 column \d+.*truncated"):
        evaluate_policy(text, RequestContext(method_arn=ARN))


def test_bad_method_arn_is_value_error() -> None:
    with pytest.raises(ValueError, match="not an execute-api ARN"):
        evaluate_policy(P(S()), RequestContext(method_arn="arn:aws:s3:::bucket/key"))


def test_explicit_deny_explanation_names_the_condition() -> None:
    d = evaluate_policy(P(ANY_VPCE_DENY, S()), RequestContext(method_arn=ARN))
    assert d.decision == "explicit_deny"
    assert [s.index for s in d.deciding] == [0]
    assert "aws:SourceVpce" in d.explanation and "absent" in d.explanation
    assert [s.outcome for s in d.statements] == ["deny", "allow"]


def test_implicit_deny_explanation_names_the_closest_miss() -> None:
    d = evaluate_policy(P(S(Resource=f"{API}/dev/*")), RequestContext(method_arn=ARN))
    assert "stage" in d.explanation and "'prod'" in d.explanation
    assert d.statements[0].outcome == "silent"


def test_notes_say_how_the_input_was_read() -> None:
    d = evaluate_policy(_escaped(P(S())), RequestContext(method_arn=ARN))
    assert any("escaped" in n for n in d.notes)


def test_to_dict_shape() -> None:
    out = evaluate_policy(P(S(Sid="AllowAll")), RequestContext(method_arn=ARN)).to_dict()
    assert set(out) == {
        "decision",
        "kind",
        "statements",
        "deciding",
        "explanation",
        "suggestion",
        "notes",
        "warnings",
    }
    assert out["kind"] == "resource" and out["warnings"] == []
    assert out["suggestion"] is None
    assert out["statements"][0] == {
        "index": 0,
        "sid": "AllowAll",
        "effect": "Allow",
        "outcome": "allow",
        "reason": out["statements"][0]["reason"],
        "substitutions": [],
    }
    json.dumps(out)


def test_template_in_resource_gets_a_hint() -> None:
    d = evaluate_policy(
        P(S(Resource=f"{API}/prod/GET/pets/{{id}}")), RequestContext(method_arn=ARN)
    )
    assert d.decision == "implicit_deny"
    assert "{proxy+}" in d.explanation


def test_shorthand_uses_the_partition_of_the_arn() -> None:
    cn = "arn:aws-cn:execute-api:cn-north-1:111122223333:a1b2c3/prod/GET/pets/7"
    d = evaluate_policy(P(S(Resource="execute-api:/prod/*")), RequestContext(method_arn=cn))
    assert d.decision == "allow"


def test_notprincipal_without_account_explains_why() -> None:
    d = evaluate_policy(
        P(S(), DENY(Principal=_DROP, NotPrincipal={"AWS": ROLE})),
        RequestContext(method_arn=ARN, principal=SESSION),
    )
    assert "IAM checks the account too" in d.statements[1].reason


def test_hint_when_sourceip_is_missing_behind_a_vpce() -> None:
    d = evaluate_policy(
        P(S(), DENY(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        RequestContext(method_arn=ARN, source_ip="10.1.2.3", vpce_id="vpce-0abc"),
    )
    assert d.decision == "explicit_deny"
    assert "aws:VpcSourceIp" in d.explanation


def test_hint_when_no_vpce() -> None:
    d = evaluate_policy(P(ANY_VPCE_DENY, S()), RequestContext(method_arn=ARN))
    assert "did not come through a VPC endpoint" in d.explanation


def test_wildcard_inside_principal_matches_nothing_and_says_why() -> None:
    d = evaluate_policy(
        P(S(Principal={"AWS": f"arn:aws:iam::{ACCT}:role/*"})),
        RequestContext(method_arn=ARN, principal=SESSION),
    )
    assert d.decision == "implicit_deny"
    assert "ArnLike" in d.statements[0].reason


@pytest.mark.parametrize(
    ("arn", "resource", "expected"),
    [
        (f"{API}/prod/$connect", f"{API}/prod/$connect", "allow"),
        (f"{API}/prod/$connect", f"{API}/prod/*", "allow"),
        (f"{API}/prod/GET/", f"{API}/prod/GET/", "allow"),
        (f"{API}/prod/GET/", f"{API}/*/*/*", "allow"),
        (f"{API}/prod/POST/@connections/abc=", f"{API}/prod/POST/@connections/*", "allow"),
    ],
)
def test_websocket_and_root_arns(arn: str, resource: str, expected: str) -> None:
    action = "execute-api:ManageConnections" if "@connections" in arn else "execute-api:Invoke"
    d = evaluate_policy(
        P(S(Resource=resource, Action=action)), RequestContext(method_arn=arn, action=action)
    )
    assert d.decision == expected, d.explanation


@pytest.mark.parametrize(
    ("policy", "req", "words"),
    [
        (P(S(Principal=_DROP, Resource=f"{API}/prod/GET/pets")), {}, f"{API}/prod/*/*"),
        (P(S(Resource="execute-api:/dev/*")), {}, "execute-api:/prod/GET/pets/7"),
        (P(ANY_VPCE_DENY, S()), {}, "aws:SourceVpce"),
        (
            P(S(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
            {"source_ip": "1.1.1.1"},
            "'1.1.1.1'",
        ),
        (P(S(Principal={"AWS": ROLE})), {}, "sign the request"),
        (P(S(Action="execute-api:ManageConnections")), {}, "Add execute-api:Invoke"),
        (P(DENY()), {}, "no condition"),
        (P(DENY(Resource="execute-api:/dev/*")), {}, "no Allow statement"),
        (P(S(Resource=_DROP, NotResource="execute-api:/prod/*")), {}, "NotResource"),
        (P(S(Action=_DROP, NotAction="execute-api:*")), {}, "NotAction"),
    ],
)
def test_suggestions_say_what_would_change_the_outcome(
    policy: Any, req: dict[str, Any], words: str
) -> None:
    d = evaluate_policy(policy, RequestContext(method_arn=ARN, **req))
    assert d.suggestion is not None and words in d.suggestion, d.suggestion


@pytest.mark.parametrize("resource", [API, API + "/"])
def test_bare_execution_arn_covers_no_method_and_says_so(resource: str) -> None:
    d = evaluate_policy(P(S(Resource=resource)), RequestContext(method_arn=ARN))
    assert d.decision == "implicit_deny"
    assert "append /*" in d.explanation


# Shapes taken from public reports (see the catalogue): each is what the reporter saw.
SLS_5071 = P(
    S(
        Resource=["execute-api:/*/POST/*", "execute-api:/*/PUT/*", "execute-api:/*/DELETE/*"],
        Condition={"IpAddress": {"aws:SourceIp": ["123.123.123.123"]}},
    )
)
SLS_11808 = P(
    S(
        Resource=["execute-api:/*/*/*"],
        Condition={"IpAddress": {"aws:SourceIp": ["0.0.0.2", "240.240.240.240"]}},
    )
)
IIC_35 = P(
    S(
        Principal={"AWS": f"arn:aws:iam::{OTHER}:role/PermissionSetCallerRole"},
        Resource=f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3/*/*/*",
    )
)
GET_CONTRACTS = f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3/dev/GET/contracts"
POST_CONTRACTS = f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3/dev/POST/contracts"
CALLER_ROLE = f"arn:aws:sts::{OTHER}:assumed-role/PermissionSetCallerRole/botocore-session-1"


@pytest.mark.parametrize(
    ("policy", "arn", "req", "expected"),
    [
        # serverless#5071: only POST/PUT/DELETE allowed (from one IP) -> GET is denied too.
        (SLS_5071, GET_CONTRACTS, {"source_ip": "123.123.123.123"}, "implicit_deny"),
        (SLS_5071, POST_CONTRACTS, {"source_ip": "123.123.123.123"}, "allow"),
        (SLS_5071, POST_CONTRACTS, {"source_ip": "8.8.8.8"}, "implicit_deny"),
        # serverless#11808: an allow-list of two addresses; the caller is neither.
        (SLS_11808, GET_CONTRACTS, {"source_ip": "203.0.113.50"}, "implicit_deny"),
        (SLS_11808, GET_CONTRACTS, {"source_ip": "240.240.240.240"}, "allow"),
        # aws-iam-identity-center-extensions#35: the cross-account role, once named, is allowed.
        (IIC_35, POST_CONTRACTS, {"principal": CALLER_ROLE}, "allow"),
        (
            IIC_35,
            POST_CONTRACTS,
            {"principal": f"arn:aws:sts::{OTHER}:assumed-role/LinkCallerRole/s"},
            "implicit_deny",
        ),
    ],
)
def test_real_world_shapes(policy: Any, arn: str, req: dict[str, Any], expected: str) -> None:
    assert evaluate_policy(policy, RequestContext(method_arn=arn, **req)).decision == expected
