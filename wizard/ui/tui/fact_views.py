"""The evidence views, rendered from the analyzers' answers kept in the Outcome
(`Outcome.analysis`, wizard.outcome.analysis); no Textual here, and no analyzer: which statement
applies, whether a Resource covers the ARN, which log line matters is decided once, in
wizard.investigation.outcome_analysis. This module only shapes those answers for the widgets.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from wizard.investigation.outcome_analysis import (
    analyse_evidence,
    authorizer_policy_check,
    resource_policy_check,
    token_inspection,
)
from wizard.investigation.outcome_analysis import log_lines as explained_log_lines
from wizard.outcome.analysis import (
    AuthorizerPolicyCheck,
    EvidenceAnalysis,
    LogLine,
    ResourcePolicyCheck,
    TokenInspection,
)
from wizard.ui.tui.view import (
    AuthorizerPolicyView,
    EvidenceView,
    JwtView,
    LogLineView,
    PolicyRow,
    ResourcePolicyView,
    StatementView,
)

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


def evidence_view(analysis: EvidenceAnalysis) -> EvidenceView:
    """The panels for an Outcome's analysis (`investigation.outcome().analysis`)."""
    return EvidenceView(
        jwt=_jwt(analysis.token),
        authorizer_policy=_authorizer_policy(analysis.authorizer_policy),
        resource_policy=_resource_policy(analysis.resource_policy),
        logs=_logs(analysis.log_lines),
    )


def build_evidence(facts: Mapping[str, Any], *, now: datetime) -> EvidenceView:
    """The panels for facts the session may not hold yet (the start screen's pasted token and
    logs): analysed as the Outcome analyses its own facts, then rendered the same way."""
    return evidence_view(analyse_evidence(facts, now=now))


def jwt_view(facts: Mapping[str, Any], *, now: datetime) -> JwtView | None:
    return _jwt(token_inspection(facts, now=now))


def authorizer_policy_view(facts: Mapping[str, Any]) -> AuthorizerPolicyView | None:
    return _authorizer_policy(authorizer_policy_check(facts))


def resource_policy_view(facts: Mapping[str, Any], *, now: datetime) -> ResourcePolicyView | None:
    return _resource_policy(resource_policy_check(facts, now=now))


def log_lines(facts: Mapping[str, Any]) -> tuple[LogLineView, ...]:
    return _logs(explained_log_lines(facts))


def _jwt(token: TokenInspection | None) -> JwtView | None:
    if token is None:
        return None
    return JwtView(
        claims=dict(token.claims),
        expires_in=token.expires_in,
        authorizer_ttl=token.authorizer_ttl,
        notes=tuple(token.notes),
    )


def _authorizer_policy(check: AuthorizerPolicyCheck | None) -> AuthorizerPolicyView | None:
    if check is None or not check.resources:
        return None
    rows = tuple(PolicyRow(r.effect, r.resource, r.mismatch) for r in check.resources)
    return AuthorizerPolicyView(check.method_arn, rows, check.verdict)


def _resource_policy(check: ResourcePolicyCheck | None) -> ResourcePolicyView | None:
    if check is None:
        return None
    statements = tuple(
        StatementView(label=s.label, effect=s.effect, verdict=s.verdict, reason=s.reason)
        for s in check.statements
    )
    return ResourcePolicyView(statements, check.decision)


def _logs(lines: list[LogLine]) -> tuple[LogLineView, ...]:
    return tuple(LogLineView(line.text, _severity(line.kind), line.note) for line in lines)


Severity = Literal["error", "warning", "success"]


def _severity(kind: str | None) -> Severity | None:
    if kind in _ERROR_KINDS:
        return "error"
    if kind in _WARNING_KINDS:
        return "warning"
    if kind in _SUCCESS_KINDS:
        return "success"
    return None
