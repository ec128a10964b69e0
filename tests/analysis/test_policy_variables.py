"""Policy variables, case by case from the IAM reference.

Every case is written from "IAM policy elements: Variables and tags",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html (the anchor
names the section each case comes from), and from the multivalued-key rule on
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html.
Each decision is checked with the explanation that must name what the variable became.
"""

from __future__ import annotations

from typing import Any

import pytest

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.request import RequestContext
from wizard.analysis.policy.variables import resolve, split_outside_variables

DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
ACCT = "111122223333"
API = f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3"
ARN = f"{API}/prod/GET/users/Bob"
BOB = f"arn:aws:iam::{ACCT}:user/Bob"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/app/s1"
REFERER = "https://example.com/user/${aws:username}"


def allow(**kw: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
        **kw,
    }


def deny(**kw: Any) -> dict[str, Any]:
    return allow(Effect="Deny", **kw)


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version:
        doc["Version"] = version
    return doc


def referer(value: str) -> dict[str, Any]:
    return {"extra": {"aws:Referer": value}}


# (id, section of DOC, policy, request, decision, words the explanation must hold)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any], str, str]] = [
    # The case: the value in a String condition is the caller's name, substituted.
    (
        "condition-value-substituted",
        "#policy-vars-conditionelement",
        policy(allow(Condition={"StringEquals": {"aws:Referer": REFERER}})),
        {"principal": BOB, **referer("https://example.com/user/Bob")},
        "allow",
        "${aws:username} → Bob",
    ),
    (
        "condition-value-other-user",
        "#policy-vars-conditionelement",
        policy(allow(Condition={"StringEquals": {"aws:Referer": REFERER}})),
        {"principal": ALICE, **referer("https://example.com/user/Bob")},
        "implicit_deny",
        "${aws:username} → alice",
    ),
    (
        "negated-operator-same-value-deny-does-not-apply",
        "#policy-vars-conditionelement",
        policy(allow(), deny(Condition={"StringNotEquals": {"aws:Referer": REFERER}})),
        {"principal": BOB, **referer("https://example.com/user/Bob")},
        "allow",
        "allows",
    ),
    (
        "negated-operator-other-value-denies",
        "#policy-vars-conditionelement",
        policy(allow(), deny(Condition={"StringNotEquals": {"aws:Referer": REFERER}})),
        {"principal": BOB, **referer("https://example.com/user/Eve")},
        "explicit_deny",
        "${aws:username} → Bob",
    ),
    (
        "string-like-with-variable-and-wildcard",
        "#policy-vars-conditionelement",
        policy(
            allow(
                Condition={"StringLike": {"aws:Referer": "https://example.com/${aws:username}/*"}}
            )
        ),
        {"principal": BOB, **referer("https://example.com/Bob/page")},
        "allow",
        "${aws:username} → Bob",
    ),
    (
        "ignore-case-operator",
        "#policy-vars-conditionelement",
        policy(allow(Condition={"StringEqualsIgnoreCase": {"aws:Referer": "${aws:username}"}})),
        {"principal": BOB, **referer("BOB")},
        "allow",
        "${aws:username} → Bob",
    ),
    (
        # ARN operators take variables too; the variable's own colon does not split the ARN.
        "arn-operator-with-variable",
        "#policy-vars-conditionelement",
        policy(
            allow(
                Condition={
                    "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}
                }
            )
        ),
        {"principal": ALICE},
        "allow",
        f"${{aws:PrincipalAccount}} → {ACCT}",
    ),
    (
        "arn-operator-other-account",
        "#policy-vars-conditionelement",
        policy(
            allow(
                Condition={
                    "ArnEquals": {
                        "aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/alice"
                    }
                }
            )
        ),
        {"principal": ALICE, "extra": {"aws:PrincipalAccount": "444455556666"}},
        "implicit_deny",
        "${aws:PrincipalAccount} → 444455556666",
    ),
    # Resource: in the resource part of the ARN.
    (
        "resource-substituted",
        "#policy-vars-resourceelement",
        policy(allow(Resource="execute-api:/prod/GET/users/${aws:username}")),
        {"principal": BOB},
        "allow",
        "${aws:username} → Bob",
    ),
    (
        "resource-substituted-other-user",
        "#policy-vars-resourceelement",
        policy(allow(Resource="execute-api:/prod/GET/users/${aws:username}")),
        {"principal": ALICE},
        "implicit_deny",
        "${aws:username} → alice",
    ),
    (
        "resource-principal-tag",
        "#policy-vars-resourceelement",
        policy(allow(Resource=f"{API}/prod/GET/${{aws:PrincipalTag/team}}/*")),
        {
            "principal": SESSION,
            "extra": {"aws:PrincipalTag/team": "users"},
        },
        "allow",
        "${aws:PrincipalTag/team} → users",
    ),
    (
        # "You can't use a variable to replace parts of the ARN before the fifth colon."
        "resource-variable-before-fifth-colon-is-literal",
        "#policy-vars-resourceelement",
        policy(allow(Resource="arn:aws:execute-api:us-east-1:${aws:PrincipalAccount}:a1b2c3/*")),
        {"principal": BOB},
        "implicit_deny",
        "after the fifth colon",
    ),
    # A variable with no value: nothing equals it; a negated operator matches; no resource.
    (
        "no-value-condition-false",
        "#policy-vars-no-value",
        policy(allow(Condition={"StringEquals": {"aws:Referer": REFERER}})),
        {"principal": SESSION, **referer("https://example.com/user/Bob")},
        "implicit_deny",
        "${aws:username} has no value",
    ),
    (
        "no-value-anonymous",
        "#policy-vars-no-value",
        policy(allow(Condition={"StringLike": {"aws:Referer": REFERER}})),
        referer("https://example.com/user/"),
        "implicit_deny",
        "${aws:username} has no value",
    ),
    (
        # The reference's example: a Deny with StringNotEquals against an unset principal tag
        # applies ("access is specifically denied when aws:principaltag/Team is not set").
        "no-value-negated-operator-matches",
        "#policy-vars-no-value",
        policy(
            allow(),
            deny(Condition={"StringNotEquals": {"aws:Referer": "${aws:PrincipalTag/Team}"}}),
        ),
        {"principal": SESSION, **referer("red")},
        "explicit_deny",
        "${aws:PrincipalTag/Team} has no value",
    ),
    (
        "no-value-negated-operator-with-tag-set",
        "#policy-vars-no-value",
        policy(
            allow(),
            deny(Condition={"StringNotEquals": {"aws:Referer": "${aws:PrincipalTag/Team}"}}),
        ),
        {"principal": SESSION, "extra": {"aws:Referer": "red", "aws:PrincipalTag/Team": "red"}},
        "allow",
        "allows",
    ),
    (
        "no-value-resource-matches-nothing",
        "#policy-vars-no-value",
        policy(allow(Resource="execute-api:/prod/GET/users/${aws:username}")),
        {"principal": SESSION},
        "implicit_deny",
        "matches no resource: ${aws:username} has no value",
    ),
    (
        "no-value-notresource-entry-matches-nothing",
        "#policy-vars-no-value",
        policy(
            {
                **{k: v for k, v in allow().items() if k != "Resource"},
                "NotResource": "execute-api:/prod/GET/users/${aws:username}",
            }
        ),
        {},
        "allow",
        "allows",
    ),
    # Defaults.
    (
        "default-used-when-absent",
        "#policy-vars-default-values",
        policy(allow(Resource=f"{API}/prod/GET/users/${{aws:PrincipalTag/team, 'company-wide'}}")),
        {"principal": SESSION},
        "implicit_deny",
        "the default",
    ),
    (
        "default-value-matches",
        "#policy-vars-default-values",
        policy(allow(Resource=f"{API}/prod/GET/users/${{aws:username, 'Bob'}}")),
        {},
        "allow",
        "${aws:username, 'Bob'} → Bob (the default",
    ),
    (
        "default-ignored-when-present",
        "#policy-vars-default-values",
        policy(allow(Resource=f"{API}/prod/GET/users/${{aws:username, 'Bob'}}")),
        {"principal": ALICE},
        "implicit_deny",
        "${aws:username, 'Bob'} → alice",
    ),
    # The three escapes.
    (
        "escape-star-is-literal",
        "#policy-vars-specialchars",
        policy(allow(Condition={"StringLike": {"aws:Referer": "a${*}b"}})),
        referer("axxb"),
        "implicit_deny",
        "does not match",
    ),
    (
        "escape-star-matches-star",
        "#policy-vars-specialchars",
        policy(allow(Condition={"StringLike": {"aws:Referer": "a${*}b"}})),
        referer("a*b"),
        "allow",
        "allows",
    ),
    (
        "escape-question-mark",
        "#policy-vars-specialchars",
        policy(allow(Condition={"StringLike": {"aws:Referer": "what${?}"}})),
        referer("whatx"),
        "implicit_deny",
        "does not match",
    ),
    (
        "escape-question-mark-literal",
        "#policy-vars-specialchars",
        policy(allow(Condition={"StringLike": {"aws:Referer": "what${?}"}})),
        referer("what?"),
        "allow",
        "allows",
    ),
    (
        "escape-dollar",
        "#policy-vars-specialchars",
        policy(allow(Condition={"StringEquals": {"aws:Referer": "${$}{aws:username}"}})),
        {"principal": BOB, **referer("${aws:username}")},
        "allow",
        "allows",
    ),
    # Version: without 2012-10-17 variables are literal text.
    (
        "no-version-is-literal",
        "#policy-vars-intro",
        policy(allow(Condition={"StringEquals": {"aws:Referer": REFERER}}), version=None),
        {"principal": BOB, **referer("https://example.com/user/Bob")},
        "implicit_deny",
        "does not match",
    ),
    (
        "old-version-is-literal",
        "#policy-vars-intro",
        policy(allow(Condition={"StringEquals": {"aws:Referer": REFERER}}), version="2008-10-17"),
        {"principal": BOB, **referer(REFERER)},
        "allow",
        "allows",
    ),
    # Key names are case-insensitive.
    (
        "variable-name-case-insensitive",
        "#policy-vars-infotouse",
        policy(allow(Resource="execute-api:/prod/GET/users/${AWS:UserName}")),
        {"principal": BOB},
        "allow",
        "${AWS:UserName} → Bob",
    ),
    # Only String and ARN operators take variables.
    (
        "numeric-operator-takes-no-variable",
        "#policy-vars-conditionelement",
        policy(allow(Condition={"NumericEquals": {"custom:n": "${custom:m}"}})),
        {"extra": {"custom:n": "3", "custom:m": "3"}},
        "implicit_deny",
        "does not satisfy",
    ),
    # Multivalued keys cannot be variables (single-vs-multivalued context keys page).
    (
        "multivalued-key-is-no-variable",
        "reference_policies_condition-single-vs-multi-valued-context-keys.html",
        policy(allow(Condition={"StringEquals": {"aws:Referer": "${aws:CalledVia}"}})),
        {"extra": {"aws:Referer": "athena.amazonaws.com", "aws:CalledVia": "athena.amazonaws.com"}},
        "implicit_deny",
        "multivalued",
    ),
    (
        # IAM substitutes once: a value that itself looks like a variable stays text.
        "substituted-value-is-not-substituted-again",
        "#policy-vars-specialchars",
        policy(allow(Condition={"StringEquals": {"aws:Referer": "${aws:PrincipalTag/t}"}})),
        {"extra": {"aws:PrincipalTag/t": "${aws:username}", "aws:Referer": "${aws:username}"}},
        "allow",
        "${aws:PrincipalTag/t} → ${aws:username}",
    ),
]


@pytest.mark.parametrize(
    ("section", "doc", "req", "expected", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_variables_as_the_reference_says(
    section: str, doc: dict[str, Any], req: dict[str, Any], expected: str, words: str
) -> None:
    decision = evaluate_policy(doc, RequestContext(method_arn=ARN, **req))
    assert decision.decision == expected, (section, decision.explanation)
    said = " ".join([decision.explanation, *(s.reason for s in decision.statements)])
    assert words in said, said


def test_explanation_names_the_substituted_value() -> None:
    """The issue's done-when: the explanation itself says "${aws:username} → Bob"."""
    decision = evaluate_policy(
        policy(allow(Condition={"StringEquals": {"aws:Referer": REFERER}})),
        RequestContext(method_arn=ARN, principal=BOB, **referer("https://example.com/user/Bob")),
    )
    assert decision.decision == "allow"
    assert "${aws:username} → Bob" in decision.explanation
    assert decision.statements[0].substitutions == ("${aws:username} → Bob",)
    assert decision.to_dict()["statements"][0]["substitutions"] == ["${aws:username} → Bob"]


def test_explanation_says_which_variable_was_missing() -> None:
    decision = evaluate_policy(
        policy(allow(Resource="execute-api:/prod/GET/users/${aws:username}")),
        RequestContext(method_arn=ARN, principal=SESSION),
    )
    assert decision.decision == "implicit_deny"
    assert "${aws:username} has no value" in decision.explanation
    assert "only for IAM users" in decision.explanation


def test_wrong_version_says_variables_are_literal() -> None:
    decision = evaluate_policy(
        policy(allow(Resource="execute-api:/prod/GET/users/${aws:username}"), version=None),
        RequestContext(method_arn=ARN, principal=BOB),
    )
    assert any("2012-10-17" in n for n in decision.notes)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("plain", [("plain", True)]),
        ("a${*}b", [("a", True), ("*", False), ("b", True)]),
        ("${?}${$}", [("?$", False)]),
        ("${aws:username}", [("Bob", False)]),
        ("x/${ aws:username , 'd' }/y", [("x/", True), ("Bob", False), ("/y", True)]),
        ("${unclosed", [("${unclosed", True)]),
        ("${}", [("${}", True)]),
    ],
)
def test_resolve_pieces(text: str, pieces: list[tuple[str, bool]]) -> None:
    resolved = resolve(text, {"aws:username": ["Bob"]})
    assert [(p.text, p.wild) for p in resolved.pieces] == pieces


def test_split_keeps_a_variable_whole() -> None:
    assert split_outside_variables("arn:aws:iam::${aws:PrincipalAccount}:root", ":", 5) == [
        "arn",
        "aws",
        "iam",
        "",
        "${aws:PrincipalAccount}",
        "root",
    ]


def test_hostile_value_is_scanned_in_one_pass() -> None:
    """Many '${' with no closing brace, or many variables: no blow-up, a plain answer."""
    text = "${" * 20000 + "x"
    assert resolve(text, {}).text == text
    many = "${aws:username}" * 5000
    assert resolve(many, {"aws:username": ["B"]}).text == "B" * 5000
