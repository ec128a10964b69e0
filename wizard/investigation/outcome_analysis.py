"""The analyzers run once over the known facts, for the Outcome: the token's claims, an
authorizer policy's Resources against the method ARN, a resource policy statement by
statement, the log lines explained. The views render these answers (wizard.ui.tui.fact_views);
anything that cannot be read is left out rather than guessed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from wizard.analysis.arn import first_mismatch
from wizard.analysis.jwt_inspect import TokenError, inspect_token
from wizard.analysis.logs.scan import explain_lines
from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.parse import PolicyError, parse_policy
from wizard.analysis.policy.request import RequestContext
from wizard.outcome.analysis import (
    AuthorizerPolicyCheck,
    EvidenceAnalysis,
    LogLine,
    ResourceMatch,
    ResourcePolicyCheck,
    StatementCheck,
    TokenInspection,
)

# Facts that may hold the policy a Lambda authorizer returned (the cached one first).
# Names as the main playbook sets them (and the start screen's own fields).
AUTHORIZER_POLICY_FACTS = ("cached_policy", "failing_policy", "policy_text", "authorizer_policy")
TOKEN_FACTS = ("token_text", "token")
LOG_FACTS = ("logs_text", "forbidden_logs_text", "logs")
RESOURCE_POLICY_FACTS = ("resource_policy", "resource_policy_text")
# The last lines of a paste (the refusal is at the end), each cut: a pasted "line" may be a
# minified blob, an execution log line is far shorter. The Outcome stays bounded.
LOG_LINES_KEPT = 40
LOG_LINE_CHARS = 2000


def analyse_evidence(facts: Mapping[str, Any], *, now: datetime) -> EvidenceAnalysis:
    return EvidenceAnalysis(
        token=token_inspection(facts, now=now),
        authorizer_policy=authorizer_policy_check(facts),
        resource_policy=resource_policy_check(facts, now=now),
        log_lines=log_lines(facts),
    )


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


def _policy_doc(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def token_inspection(facts: Mapping[str, Any], *, now: datetime) -> TokenInspection | None:
    token = _first(facts, TOKEN_FACTS)
    if not isinstance(token, str):
        return None
    ttl = _as_int(facts.get("authorizer_ttl"))
    try:
        report = inspect_token(token, now=now, ttl=ttl)
    except (TokenError, ValueError):
        return None
    return TokenInspection(
        claims=dict(report.claims),
        expires_in=report.expires_in_seconds,
        authorizer_ttl=ttl,
        notes=[f.message for f in report.findings if f.severity in ("error", "warning")],
    )


def authorizer_policy_check(facts: Mapping[str, Any]) -> AuthorizerPolicyCheck | None:
    raw = _first(facts, AUTHORIZER_POLICY_FACTS)
    method_arn = facts.get("method_arn")
    if raw is None or not isinstance(method_arn, str) or not method_arn:
        return None
    doc = _policy_doc(raw)
    # An authorizer's output wraps the document: {"principalId", "policyDocument": {...}}.
    if isinstance(doc, Mapping) and "policyDocument" in doc:
        doc = doc["policyDocument"]
    try:
        policy = parse_policy(doc)
        decision = evaluate_policy(policy, RequestContext(method_arn=method_arn))
    except (PolicyError, ValueError):
        return None
    resources = [
        ResourceMatch(
            effect=st.effect, resource=resource, mismatch=first_mismatch(resource, method_arn)
        )
        for st in policy.statements
        for resource in st.resources or ()
    ]
    if not resources:
        return None
    return AuthorizerPolicyCheck(
        method_arn=method_arn, resources=resources, verdict=decision.explanation
    )


def resource_policy_check(facts: Mapping[str, Any], *, now: datetime) -> ResourcePolicyCheck | None:
    raw = _first(facts, RESOURCE_POLICY_FACTS)
    method_arn = facts.get("method_arn")
    if raw in (None, "", {}) or not isinstance(method_arn, str) or not method_arn:
        return None
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
    return ResourcePolicyCheck(
        statements=[
            StatementCheck(
                label=r.sid or f"statement {r.index + 1}",
                effect=r.effect,
                verdict=r.outcome,
                reason=r.reason,
            )
            for r in decision.statements
        ],
        decision=decision.explanation,
    )


def log_lines(facts: Mapping[str, Any]) -> list[LogLine]:
    text = _first(facts, LOG_FACTS)
    if not isinstance(text, str):
        return []
    return [
        LogLine(text=_cut(line.text), kind=line.kind, note=line.note or "")
        for line in explain_lines(text)[-LOG_LINES_KEPT:]
    ]


def _cut(text: str) -> str:
    return text if len(text) <= LOG_LINE_CHARS else text[:LOG_LINE_CHARS] + "…"
