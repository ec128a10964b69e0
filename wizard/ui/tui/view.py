"""Plain data the screens render, read from the engine by the driver (no Textual here).

Keeping this shape between the engine and the widgets means a screen never reaches into engine
internals, and tests can build these directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ProbeState = Literal["running", "done", "failed", "cancelled", "skipped"]


@dataclass(frozen=True)
class ProbeEvent:
    """A probe started, finished, failed or was cancelled (sent from a worker thread)."""

    probe: str
    state: ProbeState
    description: str = ""
    error_kind: str | None = None
    message: str = ""
    missing_permission: str | None = None
    manual_hint: str | None = None
    seconds: float | None = None
    node: str = ""  # the playbook node it runs in (which stage of the rail is running)


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    help: str | None = None


@dataclass(frozen=True)
class Question:
    node_id: str
    kind: Literal["choice", "text", "paste", "confirm"]
    prompt: str
    why: str
    where: str | None = None
    choices: tuple[Choice, ...] = ()
    default: Any = None
    allow_unknown: bool = False
    fact: str = ""
    previous_answer: Any = None


@dataclass(frozen=True)
class TimelineEntry:
    clock: str  # "12:04:31" — formatted by the driver from the engine's timestamp
    text: str
    kind: str = "info"  # info | fact | probe | error | finding | fix


@dataclass(frozen=True)
class RankedCause:
    cause_id: str
    title: str
    confidence: float | None  # 0..1; None: concluded by the walk, not scored
    evidence: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class FixView:
    cause_id: str
    fix_id: str
    title: str
    explanation: str
    commands: tuple[str, ...] = ()  # exact AWS CLI commands, rendered by wizard.aws.fixes
    before: str = ""  # what changes: current state ...
    after: str = ""  # ... and after applying
    applicable: bool = False  # the wizard can apply it (an allowlisted operation, live session)
    guidance: str | None = None
    code: dict[str, str] = field(default_factory=dict)
    needs_redeploy: bool = False
    needs_cache_flush: bool = False
    diff: str = ""  # unified diff of a policy document, when the fix replaces one
    why_not: str = ""  # why the wizard will not apply it here (manual step, offline, ...)
    corrected: str = ""  # a client-side fix: the failing request corrected, one line to paste
    corrected_changes: tuple[str, ...] = ()  # what it changes, in words
    plan: Any = field(default=None, compare=False)  # wizard.aws.fixes FixPlan, when rendered


@dataclass(frozen=True)
class FixOutcome:
    """What applying (or rolling back) a fix did."""

    applied: bool
    verified: bool | None  # None: could not verify (e.g. offline)
    message: str
    status_after: int | None = None
    rollback_available: bool = False
    rolled_back: bool = False


# ---- evidence, in the form that explains it best ------------------------------------------------


@dataclass(frozen=True)
class JwtView:
    claims: dict[str, Any]
    expires_in: float | None = None  # seconds from now; negative when expired; None: no exp
    authorizer_ttl: int | None = None  # seconds the authorizer's decision is cached
    notes: tuple[str, ...] = ()  # what the JWT analyzer says about it


@dataclass(frozen=True)
class PolicyRow:
    effect: str  # Allow | Deny
    resource: str
    mismatch: str | None  # the ARN part this Resource fails to cover; None when it covers it


@dataclass(frozen=True)
class AuthorizerPolicyView:
    method_arn: str
    rows: tuple[PolicyRow, ...]
    verdict: str = ""  # one line: what API Gateway does with this policy for this ARN


@dataclass(frozen=True)
class StatementView:
    label: str  # Sid, or "statement N"
    effect: str
    verdict: Literal["allow", "deny", "silent"]  # for this request
    reason: str = ""


@dataclass(frozen=True)
class ResourcePolicyView:
    statements: tuple[StatementView, ...]
    decision: str = ""


@dataclass(frozen=True)
class LogLineView:
    text: str
    kind: Literal["error", "warning", "success"] | None = None  # why the line matters
    note: str = ""


@dataclass(frozen=True)
class EvidenceView:
    jwt: JwtView | None = None
    authorizer_policy: AuthorizerPolicyView | None = None
    resource_policy: ResourcePolicyView | None = None
    logs: tuple[LogLineView, ...] = ()

    def is_empty(self) -> bool:
        return not (self.jwt or self.authorizer_policy or self.resource_policy or self.logs)


# ---- the guided walk: the rail and one stage's page ---------------------------------------------


@dataclass(frozen=True)
class RailStop:
    label: str  # the stage's short name
    status: str  # done | current | pending | not_needed | skipped | running
    branch: bool = False
    viewing: bool = False  # the stage whose page is on screen


@dataclass(frozen=True)
class LookLine:
    what: str  # what was looked at, in words
    state: str  # read | failed | skipped | cancelled | answered | from_paste
    commands: tuple[str, ...] = ()  # the exact AWS CLI calls (rendered through botocore)
    note: str = ""


@dataclass(frozen=True)
class StagePage:
    stage_id: str
    title: str  # "Stage 2 of 6: Execution logs"
    looked: tuple[LookLine, ...]
    showed: tuple[tuple[str, str], ...]  # (label, value), values as in the facts table
    unread: tuple[tuple[str, str], ...]  # (label, why it could not be read)
    means: tuple[str, ...]
    rules_out: tuple[str, ...]  # cause titles
    more_ruled_out: int = 0  # how many more the page does not list
    shows: str | None = None  # which detailed view goes with it (log_lines, token_claims, ...)

    def texts(self) -> list[str]:
        """Every string the page shows (for the tests that read them all)."""
        out = [self.title, *self.means, *self.rules_out]
        for line in self.looked:
            out += [line.what, line.note]
        out += [f"{label}: {value}" for label, value in self.showed]
        out += [f"{label}: {why}" for label, why in self.unread]
        return [t for t in out if t]
