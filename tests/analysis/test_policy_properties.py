"""Property tests: the policy reader and evaluator raise nothing but their documented errors,
and the rules IAM states as symmetries hold for every generated case (the Allow and Deny forms of
a condition, an operator and its negation, Principal and NotPrincipal in an Allow)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.parse import PolicyError, parse_policy
from wizard.analysis.policy.request import RequestContext

ARN = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets/7"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.sampled_from(["*", "Allow", "Deny"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "Statement",
                    "Effect",
                    "Action",
                    "Resource",
                    "Principal",
                    "Condition",
                    "AWS",
                    "NotResource",
                    "IpAddress",
                    "StringEquals",
                    "aws:SourceIp",
                    "Null",
                    "x",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=200), json_values))
def test_parse_policy_raises_only_policy_error(source: Any) -> None:
    if not isinstance(source, str | bytes | dict):
        source = json.dumps(source)
    try:
        parse_policy(source)
    except PolicyError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=200)
@given(
    json_values,
    st.sampled_from(["anonymous", "arn:aws:iam::111122223333:user/a", "x"]),
    st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["10.0.0.1", "2001:db8::1"])),
)
def test_evaluate_raises_only_policy_error(doc: Any, principal: str, ip: str | None) -> None:
    statement = {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": doc}
    try:
        result = evaluate_policy(
            {"Statement": [statement]},
            RequestContext(method_arn=ARN, principal=principal, source_ip=ip),
        )
    except PolicyError:
        return
    assert result.decision in ("allow", "implicit_deny")


ids = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "*",
            "111122223333",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/r*",
            "execute-api:/*",
            "arn:aws:execute-api:*",
            "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/*/GET/*",
        ]
    ),
)
elements = st.one_of(
    ids,
    st.lists(ids, max_size=3),
    st.dictionaries(
        st.sampled_from(["AWS", "Service", "x"]),
        st.one_of(ids, st.lists(ids, max_size=2)),
        max_size=2,
    ),
)


@settings(max_examples=300)
@given(
    st.sampled_from(["Allow", "Deny", "allow", "x"]),
    st.sampled_from(["Principal", "NotPrincipal", "Action"]),
    elements,
    st.sampled_from(["Resource", "NotResource", "Action", "NotAction"]),
    elements,
    st.sampled_from(
        [
            "anonymous",
            "arn:aws:sts::111122223333:assumed-role/r1/s",
            "arn:aws:iam::111122223333:user/u",
            "444455556666",
            "weird",
        ]
    ),
)
def test_random_statements_raise_only_policy_error(
    effect: str, k1: str, v1: Any, k2: str, v2: Any, principal: str
) -> None:
    statement = {"Effect": effect, "Action": "execute-api:Invoke", "Resource": "*", k1: v1, k2: v2}
    try:
        result = evaluate_policy(
            {"Statement": statement}, RequestContext(method_arn=ARN, principal=principal)
        )
    except PolicyError as exc:
        assert "\n" not in str(exc)
        return
    assert result.decision in ("allow", "explicit_deny", "implicit_deny")
    assert result.explanation


# --- the Allow and Deny forms of every condition case agree -------------------------------
# The independent check the issue describes: one condition, evaluated as "Allow if it holds"
# and as "Allow all, Deny if it holds", must give allow exactly when the Deny form denies.

NEGATIONS = {
    "StringEquals": "StringNotEquals",
    "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
    "StringLike": "StringNotLike",
    "NumericEquals": "NumericNotEquals",
    "DateEquals": "DateNotEquals",
    "IpAddress": "NotIpAddress",
    "ArnEquals": "ArnNotEquals",
    "ArnLike": "ArnNotLike",
}
OTHER_OPERATORS = [
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "DateLessThan",
    "DateGreaterThan",
    "Bool",
    "BinaryEquals",
    "Null",
]
COND_KEYS = [
    "aws:Referer",
    "aws:PrincipalTag/team",
    "aws:TagKeys",
    "aws:SourceIp",
    "aws:PrincipalArn",
    "aws:username",
    "custom:n",
]
COND_VALUES = st.sampled_from(
    [
        "a",
        "B",
        "a*",
        "?",
        "${aws:username}",
        "x/${aws:username}",
        "${aws:PrincipalTag/team, 'a'}",
        "${aws:CalledVia}",
        "${*}",
        "${$}${?}",
        "1",
        "10",
        "true",
        "10.0.0.0/8",
        "2001:db8::/32",
        "arn:aws:iam::111122223333:user/*",
        "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}",
        "2026-01-01T00:00:00Z",
        "YQ==",
    ]
)
CONTEXT_VALUES = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(
            [
                "a",
                "b",
                "B",
                "a*",
                "x/Bob",
                "Bob",
                "1",
                "10.1.2.3",
                "2001:db8::1",
                "arn:aws:iam::111122223333:user/Bob",
                "2025-06-01T00:00:00Z",
                "true",
                "YQ==",
            ]
        ),
        min_size=1,
        max_size=3,
    ),
)
CALLERS = st.sampled_from(
    [
        "anonymous",
        "arn:aws:iam::111122223333:user/Bob",
        "arn:aws:sts::111122223333:assumed-role/r/s",
        "111122223333",
    ]
)


def _decide(statements: list[dict[str, Any]], request: RequestContext, version: bool) -> str:
    doc: dict[str, Any] = {"Statement": statements}
    if version:
        doc["Version"] = "2012-10-17"
    return evaluate_policy(doc, request).decision


def _request(
    caller: str, key: str, values: list[str] | None, tag: list[str] | None
) -> RequestContext:
    extra: dict[str, list[str]] = {}
    if values is not None:
        extra[key] = values
    if tag is not None and key != "aws:PrincipalTag/team":
        extra["aws:PrincipalTag/team"] = tag[:1]
    return RequestContext(method_arn=ARN, principal=caller, extra=extra)


def _statement(effect: str, condition: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Effect": effect,
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }
    if condition is not None:
        out["Condition"] = condition
    return out


def _operator_name(base: str, qualifier: str | None, if_exists: bool) -> str:
    name = base + ("IfExists" if if_exists and base != "Null" else "")
    return f"{qualifier}:{name}" if qualifier else name


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([*NEGATIONS, *NEGATIONS.values(), *OTHER_OPERATORS]),
    st.sampled_from([None, "ForAnyValue", "ForAllValues"]),
    st.booleans(),
    st.sampled_from(COND_KEYS),
    st.lists(COND_VALUES, min_size=1, max_size=3),
    CONTEXT_VALUES,
    CONTEXT_VALUES,
    CALLERS,
    st.booleans(),
)
def test_allow_and_deny_forms_of_a_condition_agree(
    base: str,
    qualifier: str | None,
    if_exists: bool,
    key: str,
    values: list[str],
    context: list[str] | None,
    tag: list[str] | None,
    caller: str,
    version: bool,
) -> None:
    condition = {_operator_name(base, qualifier, if_exists): {key: values}}
    request = _request(caller, key, context, tag)
    try:
        allow_form = _decide([_statement("Allow", condition)], request, version)
    except PolicyError:
        return  # e.g. a CIDR operator given a non-CIDR value: refused, not evaluated
    deny_form = _decide(
        [_statement("Allow", None), _statement("Deny", condition)], request, version
    )
    assert allow_form in ("allow", "implicit_deny")
    assert deny_form in ("allow", "explicit_deny")
    assert (allow_form == "allow") == (deny_form == "explicit_deny"), condition


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(NEGATIONS)),
    st.sampled_from([(None, None), ("ForAnyValue", "ForAllValues")]),
    st.booleans(),
    st.sampled_from(COND_KEYS),
    st.lists(COND_VALUES, min_size=1, max_size=3),
    CONTEXT_VALUES,
    CALLERS,
)
def test_an_operator_and_its_negation_are_complements(
    positive: str,
    qualifiers: tuple[str | None, str | None],
    if_exists: bool,
    key: str,
    values: list[str],
    context: list[str] | None,
    caller: str,
) -> None:
    """IAM condition operators reference: a negated operator holds exactly when its positive
    form does not — an absent key and a variable with no value included (the negated one
    "match[es] against a null value") — and ForAllValues:<negated> is the complement of
    ForAnyValue:<positive>. With ...IfExists both hold when the key is absent."""
    any_q, all_q = qualifiers
    request = _request(caller, key, context, None)
    pos = {_operator_name(positive, any_q, if_exists): {key: values}}
    neg = {_operator_name(NEGATIONS[positive], all_q, if_exists): {key: values}}
    try:
        pos_holds = _decide([_statement("Allow", pos)], request, True) == "allow"
        neg_holds = _decide([_statement("Allow", neg)], request, True) == "allow"
    except PolicyError:
        return
    if if_exists and key.lower() not in request.context_keys():
        assert pos_holds and neg_holds
    else:
        assert pos_holds != neg_holds, (pos, neg, context)


PRINCIPAL_SPECS = st.one_of(
    st.just("*"),
    st.dictionaries(
        st.sampled_from(["AWS", "Service"]),
        st.lists(
            st.sampled_from(
                [
                    "*",
                    "111122223333",
                    "444455556666",
                    "arn:aws:iam::111122223333:root",
                    "arn:aws:iam::111122223333:user/Bob",
                    "arn:aws:iam::111122223333:role/r",
                    "arn:aws:sts::111122223333:assumed-role/r/s",
                    "lambda.amazonaws.com",
                ]
            ),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=2,
    ),
)


@settings(max_examples=200, deadline=None)
@given(PRINCIPAL_SPECS, CALLERS)
def test_allow_notprincipal_is_the_complement_of_principal(spec: Any, caller: str) -> None:
    """NotPrincipal reference: an Allow with NotPrincipal allows every principal except the
    ones named — exactly those a Principal with the same entries would not match."""
    request = RequestContext(method_arn=ARN, principal=caller)
    named = {**_statement("Allow", None), "Principal": spec}
    excepted = {k: v for k, v in named.items() if k != "Principal"} | {"NotPrincipal": spec}
    named_allows = _decide([named], request, True) == "allow"
    excepted_allows = _decide([excepted], request, True) == "allow"
    assert named_allows != excepted_allows, (spec, caller)
