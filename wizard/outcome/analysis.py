"""The analyzers' structured answers about the evidence (token, policies, log lines), kept in
the Outcome so a view renders them and never runs an analyzer itself."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TokenInspection(_Model):
    """The JWT inspector's reading of the token (claims only: the token itself is never kept)."""

    claims: dict[str, Any] = Field(default_factory=dict)
    expires_in: float | None = None  # seconds from the investigation's clock; negative: expired
    authorizer_ttl: int | None = None  # seconds the authorizer's decision is cached
    notes: list[str] = Field(default_factory=list)  # the inspector's errors and warnings


class ResourceMatch(_Model):
    """One Resource of an authorizer policy statement against the method ARN."""

    effect: str  # Allow | Deny
    resource: str
    mismatch: str | None = None  # the first ARN part it fails to cover; None: it covers it


class AuthorizerPolicyCheck(_Model):
    method_arn: str
    resources: list[ResourceMatch] = Field(default_factory=list)
    verdict: str = ""  # what API Gateway does with this policy for this ARN (one line)


class StatementCheck(_Model):
    """One resource policy statement evaluated for this request."""

    label: str  # Sid, or "statement N"
    effect: str
    verdict: Literal["allow", "deny", "silent"]
    reason: str = ""


class ResourcePolicyCheck(_Model):
    statements: list[StatementCheck] = Field(default_factory=list)
    decision: str = ""


class LogLine(_Model):
    """A log line as the log scanner explained it: its kind (analysis.logs) and a note."""

    text: str
    kind: str | None = None
    note: str = ""


class EvidenceAnalysis(_Model):
    token: TokenInspection | None = None
    authorizer_policy: AuthorizerPolicyCheck | None = None
    resource_policy: ResourcePolicyCheck | None = None
    log_lines: list[LogLine] = Field(default_factory=list)
