"""The one Outcome of an investigation (pydantic), built once from the session: what every front
end (TUI, prompt mode, headless text and JSON, the MCP server) and the report render.

Its JSON (`to_json()`) is a superset of what `diagnose --format json` printed before this layer
existed: the same keys (`diagnosis`, `causes`, `evidence`, `unknown`, `fixes` with `cli`,
`applied`, `verified`...), plus the fix lifecycle `state`, the `target` the commands are
rendered for, the `timeline` and the `exit_code`. Secrets are redacted in it.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from wizard.outcome.analysis import EvidenceAnalysis
from wizard.outcome.states import FixState

OUTCOME_FORMAT = "apigw-wizard-outcome"
OUTCOME_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaybookRef(_Model):
    id: str
    version: str
    title: str | None = None


class Target(_Model):
    """Where the commands point: every command carries `--region`, and `--endpoint-url` when an
    endpoint (an emulator) is in use."""

    mode: Literal["offline", "live"]
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


class DiagnosisOut(_Model):
    node: str
    cause: str | None
    title: str | None
    summary: str
    inconclusive: bool
    evidence: list[dict[str, Any]] = Field(default_factory=list)


class RankedCause(_Model):
    """A candidate cause: the walk's diagnosis first (confidence ≥ 0.9), then the classifier's."""

    id: str
    title: str
    confidence: float
    evidence: list[str] = Field(default_factory=list)
    next_checks: list[str] = Field(default_factory=list)


class NextStepAnswer(_Model):
    label: str
    points_to: str | None = None  # the cause that leads after this answer


class NextStep(_Model):
    """When the diagnosis is inconclusive: the question or check that best separates the
    ranked causes (highest expected information gain, wizard.analysis.diagnosis.next_question)."""

    kind: str  # "question" or "check"
    id: str
    text: str
    answers: list[NextStepAnswer] = Field(default_factory=list)


class FactOut(_Model):
    """A known fact: the analyzers' structured results (token claims, policy decision, log
    findings) are facts too, so no view re-parses the text they came from."""

    name: str
    value: Any
    type: str
    source: str
    origin: str
    note: str | None = None


class UnknownFact(_Model):
    name: str
    note: str | None = None


class CorrectedRequest(_Model):
    """The failing request as it should be sent, for a fix that is the client's: an argv (curl,
    or the AWS CLI for the @connections management API) and the one line to paste, rendered by
    the fix renderer. Credentials are references to environment variables, never values."""

    kind: Literal["signature", "route", "management-endpoint"]
    argv: list[str]
    command: str  # `argv` as one shell line (credential variables left for the shell)
    changes: list[str] = Field(default_factory=list)  # what differs from the failing request
    env: list[str] = Field(default_factory=list)  # the environment variables it reads
    note: str | None = None  # what the wizard could not know (the request body...)


class FixOut(_Model):
    """A proposed fix, its exact commands and where it is in the lifecycle."""

    cause: str
    fix: str
    title: str
    explanation: str  # why the fix applies here (the fix node's, facts filled in)
    fix_explanation: str | None = None  # why this fix works (the catalogue's)
    cli: list[str] = Field(default_factory=list)  # exact commands (region, endpoint included)
    missing: list[str] = Field(default_factory=list)  # placeholders shown as <name>
    applicable: bool = False
    # applicable, manual, maybe, needs_facts, refused, offline (applicability.assess)
    applicability: str = "manual"
    why_not: str | None = None  # why the wizard will not apply it (applicability's reason)
    guidance: str | None = None
    code: dict[str, str] = Field(default_factory=dict)
    needs_redeploy: bool = False
    needs_cache_flush: bool = False
    state: FixState = FixState.PROPOSED
    applied: bool = False  # the account was changed (applied, verified or failed after applying)
    verified: bool | None = None
    detail: str | None = None
    rollback: list[str] = Field(default_factory=list)  # the commands that undo it
    rollback_available: bool = False
    confirmed_by: str | None = None
    status_after: int | None = None  # the replayed request's status after the fix
    patches: list[dict[str, Any]] = Field(default_factory=list)  # authorizer code diffs
    # A client-side fix: the failing request corrected (never applied: the user sends it).
    corrected_request: CorrectedRequest | None = None


class ProbeFailure(_Model):
    """A probe that could not read what it needed: the fault kind and the missing permission."""

    node: str | None = None
    probe: str | None = None
    error_kind: str | None = None
    fault: str | None = None  # the fault in words: throttled, server error, access denied...
    message: str | None = None
    missing_permission: str | None = None
    manual: str | None = None  # what to run or paste instead


class PathStepOut(_Model):
    node: str
    kind: str
    title: str | None = None
    edge: str | None = None
    target: str | None = None
    reason: str | None = None
    answer: Any = None
    at: str | None = None  # when the walk took the step (the report's path and timeline)


class ProbeResult(_Model):
    """A probe's raw result (what its facts were selected from), for the report's exhibits:
    request ids and what a probe could not record. `source` is `<node>/<probe label>`."""

    source: str
    result: dict[str, Any] = Field(default_factory=dict)


class ChangeOut(_Model):
    """What a fix changed, as the engine recorded it (the fixes driver's full record in
    `record`: plan, result steps, diffs, verification, rollback)."""

    model_config = ConfigDict(extra="allow")
    fix: str
    outcome: str
    at: str


class ProposalOut(_Model):
    """A catalogue fix the walk proposed, with its operations (the report renders them)."""

    model_config = ConfigDict(extra="allow")
    fix: str
    cause: str | None = None
    title: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class TimelineEvent(_Model):
    """One engine event (`event` is its type, e.g. ProbeFailed; the other fields are its own)."""

    model_config = ConfigDict(extra="allow")
    event: str
    at: str


class Outcome(_Model):
    format: str = OUTCOME_FORMAT
    format_version: int = OUTCOME_VERSION
    playbook: PlaybookRef
    target: Target
    ended: bool
    diagnosis: DiagnosisOut | None
    causes: list[RankedCause]
    evidence: list[FactOut]
    unknown: list[UnknownFact]
    fixes: list[FixOut]
    questions: int
    path: list[PathStepOut]
    probe_failures: list[ProbeFailure]
    timeline: list[TimelineEvent] = Field(default_factory=list)
    exit_code: int
    next_step: NextStep | None = None  # only when inconclusive
    # The analyzers' answers the evidence views show (token claims, policy per statement, log
    # lines explained); built from the known facts with the investigation's clock.
    analysis: EvidenceAnalysis = Field(default_factory=EvidenceAnalysis)
    # What the report lays out beyond the views: when the walk started, where it stopped, the
    # inputs it was opened with, the classifier's own ranking, the probes' raw results, the
    # changes made and the catalogue fixes proposed (each as the engine recorded it).
    started_at: str | None = None
    current: str | None = None
    session_format_version: int | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    ranking: list[RankedCause] = Field(default_factory=list)
    probe_results: list[ProbeResult] = Field(default_factory=list)
    changes: list[ChangeOut] = Field(default_factory=list)
    proposals: list[ProposalOut] = Field(default_factory=list)

    @property
    def inconclusive(self) -> bool:
        return self.diagnosis is None or self.diagnosis.inconclusive

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False, default=str)
