"""The facts of the session as the views that explain them, built with the analyzers (no Textual here).

The analyzers decide (does this Resource cover the ARN, which statement applies, which log line
matters); this module only picks the facts that are known and shapes the analyzers' answers for
the widgets. Anything that cannot be read is left out rather than guessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from wizard.ui.tui.view import (
    AuthorizerPolicyView,
    EvidenceView,
    JwtView,
    LogLineView,
    PolicyRow,
    ResourcePolicyView,
    StatementView,
)

# Facts that may hold the policy a Lambda authorizer returned (the cached one first).
# Names as the main playbook sets them (and the start screen's own fields).
AUTHORIZER_POLICY_FACTS = ("cached_policy", "failing_policy", "policy_text", "authorizer_policy")
TOKEN_FACTS = ("token_text", "token")
LOG_FACTS = ("logs_text", "forbidden_logs_text", "logs")
RESOURCE_POLICY_FACTS = ("resource_policy", "resource_policy_text")

# How a log line kind (analysis.logs.execution) is emphasised: the refusal itself, the evidence
# around it (the policy, the ARN it must cover), and the authorizer actually running.
_ERROR_KINDS = frozenset(
    {
        "not-authorized",
        "explicit-deny",
        "iam-deny",
        "apikey-not-authorized",
        "mtls-denied",
        "unauthorized",
        "authorizer-config-error",
        "execution-failed",
    }
)
_WARNING_KINDS = frozenset(
    {
        "authorizer-result",
        "authorizer-request",
        "lambda-policy",
        "lambda-event",
        "gateway-response",
        "method-completed",
    }
)
_SUCCESS_KINDS = frozenset({"authorizer-start", "lambda-start", "authorizer-complete"})


def _first(facts: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = facts.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def build_evidence(facts: Mapping[str, Any], *, now: datetime) -> EvidenceView:
    return EvidenceView(
        jwt=jwt_view(facts, now=now),
        authorizer_policy=authorizer_policy_view(facts),
        resource_policy=resource_policy_view(facts, now=now),
        logs=log_lines(facts),
    )


def jwt_view(facts: Mapping[str, Any], *, now: datetime) -> JwtView | None:
    token = _first(facts, TOKEN_FACTS)
    if not isinstance(token, str):
        return None
    from wizard.analysis.jwt_inspect import TokenError, inspect_token

    ttl = _as_int(facts.get("authorizer_ttl"))
    try:
        report = inspect_token(token, now=now, ttl=ttl)
    except (TokenError, ValueError):
        return None
    notes = tuple(f.message for f in report.findings if f.severity in ("error", "warning"))
    return JwtView(
        claims=dict(report.claims),
        expires_in=report.expires_in_seconds,
        authorizer_ttl=ttl,
        notes=notes,
    )


def _policy_doc(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def authorizer_policy_view(facts: Mapping[str, Any]) -> AuthorizerPolicyView | None:
    raw = _first(facts, AUTHORIZER_POLICY_FACTS)
    method_arn = facts.get("method_arn")
    if raw is None or not isinstance(method_arn, str) or not method_arn:
        return None
    from wizard.analysis.arn import first_mismatch
    from wizard.analysis.policy.evaluate import evaluate_policy
    from wizard.analysis.policy.parse import PolicyError, parse_policy
    from wizard.analysis.policy.request import RequestContext

    doc = _policy_doc(raw)
    # An authorizer's output wraps the document: {"principalId", "policyDocument": {...}}.
    if isinstance(doc, Mapping) and "policyDocument" in doc:
        doc = doc["policyDocument"]
    try:
        policy = parse_policy(doc)
        decision = evaluate_policy(policy, RequestContext(method_arn=method_arn))
    except (PolicyError, ValueError):
        return None
    rows = [
        PolicyRow(st.effect, resource, first_mismatch(resource, method_arn))
        for st in policy.statements
        for resource in st.resources or ()
    ]
    if not rows:
        return None
    return AuthorizerPolicyView(method_arn, tuple(rows), decision.explanation)


def resource_policy_view(facts: Mapping[str, Any], *, now: datetime) -> ResourcePolicyView | None:
    raw = _first(facts, RESOURCE_POLICY_FACTS)
    method_arn = facts.get("method_arn")
    if raw in (None, "", {}) or not isinstance(method_arn, str) or not method_arn:
        return None
    from wizard.analysis.policy.evaluate import evaluate_policy
    from wizard.analysis.policy.parse import PolicyError
    from wizard.analysis.policy.request import RequestContext

    caller = facts.get("caller_arn")
    request = RequestContext(
        method_arn=method_arn,
        principal=caller if isinstance(caller, str) and caller else "anonymous",
        source_ip=facts.get("source_ip") if isinstance(facts.get("source_ip"), str) else None,
        vpce_id=facts.get("vpce_id") if isinstance(facts.get("vpce_id"), str) else None,
        now=now,
    )
    try:
        decision = evaluate_policy(_policy_doc(raw), request)
    except (PolicyError, ValueError):
        return None
    statements = tuple(
        StatementView(
            label=r.sid or f"statement {r.index + 1}",
            effect=r.effect,
            verdict=r.outcome,
            reason=r.reason,
        )
        for r in decision.statements
    )
    return ResourcePolicyView(statements, decision.explanation)


def log_lines(facts: Mapping[str, Any]) -> tuple[LogLineView, ...]:
    text = _first(facts, LOG_FACTS)
    if not isinstance(text, str):
        return ()
    from wizard.analysis.logs.scan import explain_lines

    return tuple(
        LogLineView(line.text, _severity(line.kind), line.note or "")
        for line in explain_lines(text)[-40:]
    )


Severity = Literal["error", "warning", "success"]


def _severity(kind: str | None) -> Severity | None:
    if kind in _ERROR_KINDS:
        return "error"
    if kind in _WARNING_KINDS:
        return "warning"
    if kind in _SUCCESS_KINDS:
        return "success"
    return None
