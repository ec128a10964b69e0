"""analysis.policy.fix: the smallest corrected resource policy, or why none is safe."""

from __future__ import annotations

from typing import Any

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.fix import NEW_SID, propose_policy_fix
from wizard.analysis.policy.request import RequestContext

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/items"
ALLOW_ALL = {
    "Effect": "Allow",
    "Principal": "*",
    "Action": "execute-api:Invoke",
    "Resource": "execute-api:/*",
}


def _deny(condition: dict[str, Any] | None) -> dict[str, Any]:
    st: dict[str, Any] = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }
    if condition is not None:
        st["Condition"] = condition
    return st


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_ip_allow_list_gets_the_callers_address_added() -> None:
    doc = _doc(ALLOW_ALL, _deny({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}))
    request = RequestContext(method_arn=ARN, source_ip="198.51.100.7")
    assert evaluate_policy(doc, request).decision == "explicit_deny"
    fix = propose_policy_fix(doc, request)
    assert fix.policy is not None
    deny = fix.policy["Statement"][1]
    assert deny["Condition"]["NotIpAddress"]["aws:SourceIp"] == [
        "203.0.113.0/24",
        "198.51.100.7/32",
    ]
    assert evaluate_policy(fix.policy, request).decision == "allow"
    # Another address is still denied: the allow-list is widened by one address only.
    other = RequestContext(method_arn=ARN, source_ip="192.0.2.9")
    assert evaluate_policy(fix.policy, other).decision == "explicit_deny"
    assert "198.51.100.7/32" in fix.change
    assert doc["Statement"][1]["Condition"]["NotIpAddress"]["aws:SourceIp"] == [
        "203.0.113.0/24"
    ]  # the input is not modified


def test_blocked_range_containing_the_caller_exempts_only_the_caller() -> None:
    doc = _doc(ALLOW_ALL, _deny({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    request = RequestContext(method_arn=ARN, source_ip="10.1.2.3")
    fix = propose_policy_fix(doc, request)
    assert fix.policy is not None
    assert evaluate_policy(fix.policy, request).decision == "allow"
    neighbour = RequestContext(method_arn=ARN, source_ip="10.1.2.4")
    assert evaluate_policy(fix.policy, neighbour).decision == "explicit_deny"
    assert "on purpose" in fix.change and "10.1.2.3/32" in fix.change


def test_vpce_deny_gets_the_callers_endpoint() -> None:
    doc = _doc(ALLOW_ALL, _deny({"StringNotEquals": {"aws:SourceVpce": "vpce-aaa"}}))
    request = RequestContext(method_arn=ARN, vpce_id="vpce-bbb")
    fix = propose_policy_fix(doc, request)
    assert fix.policy is not None
    assert fix.policy["Statement"][1]["Condition"]["StringNotEquals"]["aws:SourceVpce"] == [
        "vpce-aaa",
        "vpce-bbb",
    ]
    assert evaluate_policy(fix.policy, request).decision == "allow"


def test_unconditional_deny_is_never_weakened() -> None:
    doc = _doc(ALLOW_ALL, _deny(None))
    fix = propose_policy_fix(doc, RequestContext(method_arn=ARN, source_ip="198.51.100.7"))
    assert fix.policy is None and fix.reason and "deliberate" in fix.reason


def test_ip_deny_without_the_callers_address_is_not_guessed() -> None:
    doc = _doc(ALLOW_ALL, _deny({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}))
    fix = propose_policy_fix(doc, RequestContext(method_arn=ARN))
    assert fix.policy is None and fix.reason


def test_implicit_deny_adds_one_allow_for_this_method_and_address_only() -> None:
    doc = _doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-aaa"}},
        }
    )
    request = RequestContext(method_arn=ARN, source_ip="198.51.100.7")
    fix = propose_policy_fix(doc, request)
    assert fix.policy is not None
    added = fix.policy["Statement"][-1]
    assert added["Sid"] == NEW_SID and added["Resource"] == ARN
    assert added["Condition"] == {"IpAddress": {"aws:SourceIp": "198.51.100.7/32"}}
    assert len(fix.policy["Statement"]) == 2
    # Another method of the API and another address stay denied.
    post = RequestContext(method_arn=ARN.replace("/GET/", "/POST/"), source_ip="198.51.100.7")
    assert evaluate_policy(fix.policy, post).decision == "implicit_deny"
    other = RequestContext(method_arn=ARN, source_ip="192.0.2.9")
    assert evaluate_policy(fix.policy, other).decision == "implicit_deny"
    assert ARN in fix.change and fix.warnings and "Principal" in fix.warnings[0]


def test_implicit_deny_for_a_signed_caller_names_its_principal() -> None:
    doc = _doc({**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111111111111:root"}})
    role = "arn:aws:iam::222222222222:role/partner"
    request = RequestContext(method_arn=ARN, principal=role)
    fix = propose_policy_fix(doc, request)
    assert fix.policy is not None
    assert fix.policy["Statement"][-1]["Principal"] == {"AWS": role}
    assert not fix.warnings and role in fix.change


def test_a_signed_callers_allow_is_not_narrowed_to_the_address_the_wizard_saw() -> None:
    # The address is the replay's (the wizard's machine), not where the partner calls from.
    doc = _doc({**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111111111111:root"}})
    role = "arn:aws:iam::222222222222:role/partner"
    fix = propose_policy_fix(
        doc, RequestContext(method_arn=ARN, principal=role, source_ip="127.0.0.1")
    )
    assert fix.policy is not None and "Condition" not in fix.policy["Statement"][-1]
    elsewhere = RequestContext(method_arn=ARN, principal=role, source_ip="198.51.100.7")
    assert evaluate_policy(fix.policy, elsewhere).decision == "allow"


def test_private_api_caller_is_allowed_through_its_endpoint() -> None:
    doc = _doc(
        {**ALLOW_ALL, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-aaa"}}},
    )
    request = RequestContext(method_arn=ARN, vpce_id="vpce-ccc")
    fix = propose_policy_fix(doc, request)
    assert fix.policy is not None
    assert fix.policy["Statement"][-1]["Condition"] == {
        "StringEquals": {"aws:SourceVpce": "vpce-ccc"}
    }


def test_anonymous_caller_from_nowhere_known_gets_no_open_allow() -> None:
    doc = _doc({**ALLOW_ALL, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-aaa"}}})
    fix = propose_policy_fix(doc, RequestContext(method_arn=ARN))
    assert fix.policy is None and fix.reason and "anyone" in fix.reason


def test_an_allowed_call_needs_no_change() -> None:
    fix = propose_policy_fix(_doc(ALLOW_ALL), RequestContext(method_arn=ARN))
    assert fix.policy is None and fix.reason and "already allows" in fix.reason
