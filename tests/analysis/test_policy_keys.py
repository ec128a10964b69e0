"""The condition-key catalogue, the warnings it gives, absent keys and the policy kind.

Written from "AWS global condition context keys",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (each
key's Availability and Value type), "Single-valued vs. multivalued context keys",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
("Do not use a condition set operator with a single-valued context key"; "Multivalued context
keys require a condition set operator"), and for the kind, "AWS JSON policy elements:
Principal", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
("You must use the Principal element in resource-based policies").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.keys import CATALOGUE, lookup
from wizard.analysis.policy.request import RequestContext

KEYS_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
ACCT = "111122223333"
ARN = f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3/prod/GET/pets"
USER = f"arn:aws:iam::{ACCT}:user/alice"


def allow(condition: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    st: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
        **kw,
    }
    if condition:
        st["Condition"] = condition
    return st


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    ("name", "type_", "multivalued", "presence"),
    [
        # Value type and Availability, as the global condition keys page gives them.
        ("aws:CalledVia", "String", True, "sometimes"),
        ("aws:CalledViaFirst", "String", False, "sometimes"),
        ("aws:CurrentTime", "Date", False, "always"),
        ("aws:EpochTime", "Date", False, "always"),
        ("aws:PrincipalArn", "ARN", False, "sometimes"),
        ("aws:PrincipalOrgPaths", "String", True, "sometimes"),
        ("aws:PrincipalServiceNamesList", "String", True, "sometimes"),
        ("aws:PrincipalTag/team", "String", False, "sometimes"),
        ("aws:PrincipalType", "String", False, "always"),
        ("aws:SecureTransport", "Bool", False, "always"),
        ("aws:SourceIp", "IP", False, "sometimes"),
        ("aws:SourceVpce", "String", False, "sometimes"),
        ("aws:TagKeys", "String", True, "sometimes"),
        ("aws:username", "String", False, "sometimes"),
        ("AWS:USERNAME", "String", False, "sometimes"),  # key names are case-insensitive
        ("aws:VpcSourceIp", "IP", False, "sometimes"),
    ],
)
def test_catalogue_matches_the_reference(
    name: str, type_: str, multivalued: bool, presence: str
) -> None:
    info = lookup(name)
    assert info is not None
    assert (info.type, info.multivalued, info.presence) == (type_, multivalued, presence)
    assert info.presence == "always" or info.when  # a "sometimes" key says when


def test_catalogue_names_are_unique_and_unknown_keys_are_none() -> None:
    names = [k.name.lower() for k in CATALOGUE]
    assert len(names) == len(set(names))
    assert lookup("aws:NoSuchKey") is None
    assert lookup("custom:thing") is None


WARNINGS: list[tuple[str, dict[str, Any], str | None]] = [
    (
        "single-valued-operator-multivalued-key",
        {"StringEquals": {"aws:CalledVia": "x"}},
        "multivalued",
    ),
    ("negated-on-multivalued-key", {"StringNotLike": {"aws:TagKeys": "x*"}}, "'no value'"),
    (
        "set-operator-on-multivalued-key-is-fine",
        {"ForAnyValue:StringEquals": {"aws:CalledVia": "x"}},
        None,
    ),
    (
        "forallvalues-on-single-valued-key",
        {"ForAllValues:StringEquals": {"aws:SourceVpce": "v"}},
        "holds when the key is absent",
    ),
    (
        "foranyvalue-on-single-valued-key",
        {"ForAnyValue:StringEquals": {"aws:SourceVpce": "v"}},
        "single-valued",
    ),
    (
        "unknown-global-key",
        {"StringEquals": {"aws:SourceVpcId": "vpc-1"}},
        "did you mean aws:SourceVpc",
    ),
    ("service-key-is-not-judged", {"StringEquals": {"custom:anything": "x"}}, None),
    (
        "variable-in-numeric-operator",
        {"NumericEquals": {"custom:n": "${custom:m}"}},
        "only for String and ARN",
    ),
    ("null-on-multivalued-key-is-fine", {"Null": {"aws:TagKeys": "true"}}, None),
]


@pytest.mark.parametrize(
    ("condition", "words"), [w[1:] for w in WARNINGS], ids=[w[0] for w in WARNINGS]
)
def test_access_analyzer_style_warnings(condition: dict[str, Any], words: str | None) -> None:
    decision = evaluate_policy(policy(allow(condition)), RequestContext(method_arn=ARN))
    if words is None:
        assert decision.warnings == []
    else:
        assert any(words in w for w in decision.warnings), decision.warnings
        assert all(w.startswith("statement 0") for w in decision.warnings)


ABSENT: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    # Keys the reference says are "always included in the request context", removed on purpose.
    ("securetransport-present", {"Bool": {"aws:SecureTransport": "true"}}, {}, "allow"),
    (
        "securetransport-absent",
        {"Bool": {"aws:SecureTransport": "true"}},
        {"absent": ["aws:SecureTransport"]},
        "implicit_deny",
    ),
    (
        "securetransport-absent-null",
        {"Null": {"aws:SecureTransport": "true"}},
        {"absent": ["aws:securetransport"]},
        "allow",
    ),
    (
        "currenttime-absent",
        {"DateLessThan": {"aws:CurrentTime": "2100-01-01T00:00:00Z"}},
        {"absent": ["aws:CurrentTime"]},
        "implicit_deny",
    ),
    (
        "currenttime-absent-ifexists",
        {"DateLessThanIfExists": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}},
        {"absent": ["aws:CurrentTime"]},
        "allow",
    ),
    ("epochtime-present", {"NumericGreaterThan": {"aws:EpochTime": "0"}}, {}, "allow"),
    (
        "epochtime-absent",
        {"NumericGreaterThan": {"aws:EpochTime": "0"}},
        {"absent": ["aws:EpochTime"]},
        "implicit_deny",
    ),
    (
        "principaltype-present",
        {"StringEquals": {"aws:PrincipalType": "User"}},
        {"principal": USER},
        "allow",
    ),
    (
        "principaltype-absent",
        {"StringEquals": {"aws:PrincipalType": "User"}},
        {"principal": USER, "absent": ["aws:PrincipalType"]},
        "implicit_deny",
    ),
    (
        "principaltype-absent-negated",
        {"StringNotEquals": {"aws:PrincipalType": "User"}},
        {"principal": USER, "absent": ["aws:PrincipalType"]},
        "allow",
    ),
    (
        "extra-empty-list-removes",
        {"Null": {"aws:SourceIp": "true"}},
        {"source_ip": "10.0.0.1", "extra": {"aws:SourceIp": []}},
        "allow",
    ),
]


@pytest.mark.parametrize(
    ("condition", "req", "expected"), [a[1:] for a in ABSENT], ids=[a[0] for a in ABSENT]
)
def test_keys_iam_always_sets_can_be_marked_absent(
    condition: dict[str, Any], req: dict[str, Any], expected: str
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    decision = evaluate_policy(
        policy(allow(condition)), RequestContext(method_arn=ARN, now=now, **req)
    )
    assert decision.decision == expected, decision.explanation
    assert decision.warnings == []  # marked absent on purpose: nothing unknown


def test_absent_key_explanation_says_iam_normally_sets_it() -> None:
    decision = evaluate_policy(
        policy(allow({"Bool": {"aws:SecureTransport": "true"}})),
        RequestContext(method_arn=ARN, absent=["aws:SecureTransport"]),
    )
    assert "IAM normally sets it in every request" in decision.explanation


def test_always_set_key_not_given_is_a_warning_not_a_silent_false() -> None:
    """aws:UserAgent is "always included in the request context": without its value the answer
    rests on something unknown, and the decision says so."""
    decision = evaluate_policy(
        policy(allow({"StringLike": {"aws:UserAgent": "curl/*"}})), RequestContext(method_arn=ARN)
    )
    assert decision.decision == "implicit_deny"
    assert any("aws:UserAgent" in w and "every request" in w for w in decision.warnings)
    given = evaluate_policy(
        policy(allow({"StringLike": {"aws:UserAgent": "curl/*"}})),
        RequestContext(method_arn=ARN, extra={"aws:UserAgent": "curl/8.5"}),
    )
    assert given.decision == "allow" and given.warnings == []


def test_sometimes_set_key_says_when_iam_sets_it() -> None:
    decision = evaluate_policy(
        policy(allow({"StringEquals": {"aws:Referer": "https://example.com/"}})),
        RequestContext(method_arn=ARN),
    )
    assert "IAM sets aws:Referer only when a browser follows a link" in decision.explanation


def test_requested_region_is_the_apis_region() -> None:
    decision = evaluate_policy(
        policy(allow({"StringEquals": {"aws:RequestedRegion": "us-east-1"}})),
        RequestContext(method_arn=ARN),
    )
    assert decision.decision == "allow"


def test_root_userid_is_the_account() -> None:
    """The principal key values table: for the account root user aws:userid is the account."""
    keys = RequestContext(method_arn=ARN, principal=f"arn:aws:iam::{ACCT}:root").context_keys()
    assert keys["aws:userid"] == [ACCT]


# --- the policy kind ---------------------------------------------------------------------

NO_PRINCIPAL = {k: v for k, v in allow().items() if k != "Principal"}


@pytest.mark.parametrize(
    ("doc", "kind", "expected", "used", "note"),
    [
        (policy(NO_PRINCIPAL), None, "allow", "authorizer", "read as an authorizer"),
        (policy(allow()), None, "allow", "resource", "read as a resource policy"),
        # A resource policy's statement without Principal applies to no one.
        (policy(NO_PRINCIPAL), "resource", "implicit_deny", "resource", "as asked"),
        (
            policy(NO_PRINCIPAL, allow(Resource="execute-api:/dev/*")),
            None,
            "implicit_deny",
            "resource",
            "read as a resource policy",
        ),
        (policy(NO_PRINCIPAL), "authorizer", "allow", "authorizer", "as asked"),
    ],
)
def test_kind_is_explicit_or_detected_and_said(
    doc: dict[str, Any], kind: Any, expected: str, used: str, note: str
) -> None:
    decision = evaluate_policy(doc, RequestContext(method_arn=ARN), kind)
    assert decision.decision == expected, decision.explanation
    assert decision.kind == used
    assert any(note in n for n in decision.notes), decision.notes


def test_principal_less_statement_in_a_resource_policy_says_why_and_what_to_do() -> None:
    decision = evaluate_policy(policy(NO_PRINCIPAL), RequestContext(method_arn=ARN), "resource")
    assert "applies to no one" in decision.statements[0].reason
    assert decision.suggestion is not None and "Principal" in decision.suggestion
