"""Property tests: the policy reader and evaluator raise nothing but their documented errors."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analysis.policy import PolicyError, RequestContext, evaluate_policy, parse_policy

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
