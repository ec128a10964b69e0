"""Property tests: the policy reader and evaluator raise nothing but their documented errors."""

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
