"""The incident report as data: what happened, what we found, what we changed.

A `Report` is built from a session's `to_dict()` (or a saved session file's JSON) by
`wizard.report.build.report_from_session`; the renderers (Markdown, HTML, JSON) only format it.
The published JSON Schema (`report.schema.json`, beside this module) is generated from these
models: `apigw-wizard report --format json` output validates against it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_FORMAT: Literal["apigw-wizard-report"] = "apigw-wizard-report"
REPORT_VERSION: Literal[1] = 1

Status = Literal["resolved", "mitigated", "open"]
TimelineKind = Literal[
    "step", "question", "answer", "probe", "finding", "fix", "verification", "back", "end"
]
EvidenceKind = Literal["error_response", "request", "jwt_claims", "policy", "logs", "raw"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Brief(_Strict):
    """The first page, for a reader who was not at the keyboard (a manager, the postmortem):
    plain sentences, no node ids, fact names or fix ids."""

    what_broke: str
    impact_window: str
    root_cause: str
    what_changed: list[str]
    verified: str
    prevention: list[str]
    next_step: str | None = Field(default=None, description="what to do now, when not resolved")


class Summary(_Strict):
    failing_request: str | None = Field(description="method and URL (or what was pasted)")
    response: str | None = Field(description="status, error type and message of the failure")
    request_ids: list[str] = Field(default_factory=list, description="x-amzn-RequestId values seen")
    root_cause: str = Field(description="the root cause in one sentence")
    cause_id: str | None = Field(description="catalogue cause id; null when inconclusive")
    cause_title: str | None = None
    status: Status
    status_reason: str = Field(description="why the status is what it is")
    failing_caller: str | None = Field(
        default=None, description="the identity the failing request was made as, when known"
    )
    caller_arn: str | None = Field(description="the AWS identity the wizard ran as (live runs)")
    confirmed_by: list[str] = Field(
        default_factory=list, description="who confirmed the changes that were applied"
    )
    generated_by: str | None = Field(default=None, description="local user who made this report")
    started_at: str
    ended_at: str | None = None
    generated_at: str
    questions_answered: int = 0
    finished: bool = Field(description="the walk reached a conclusion")


class TimelineEntry(_Strict):
    at: str
    kind: TimelineKind
    title: str
    detail: str | None = None
    node: str | None = None


class PathEntry(_Strict):
    node: str
    kind: str
    title: str | None = None
    at: str
    edge: str | None = None
    target: str | None = None
    reason: str | None = None
    answer: str | None = None


class PathView(_Strict):
    steps: list[PathEntry]
    tree: str = Field(description="the path as an indented text tree")
    mermaid: str = Field(description="the path as a Mermaid flowchart (source)")


class PolicyStatement(_Strict):
    label: str = Field(description="Sid, or 'statement N' as the evaluator's sentence names it")
    effect: str
    outcome: str | None = Field(
        default=None, description="what the statement did for this call: allow, deny or silent"
    )
    reason: str | None = Field(default=None, description="why, in the evaluator's words")
    actions: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list)
    covers_method_arn: bool | None = Field(
        default=None, description="does a Resource of this statement match the method ARN"
    )
    has_condition: bool = False
    decisive: bool = Field(description="this statement decides the outcome for the method ARN")
    json_text: str = Field(description="the statement as JSON")


class LogLine(_Strict):
    time: str | None = None
    kind: str | None = None
    text: str


class LogRequest(_Strict):
    request_id: str
    role: str | None = Field(default=None, description="why this request is shown")
    status: int | None = None
    method: str | None = None
    resource_path: str | None = None
    authorizer_invoked: bool | None = None
    lines: list[LogLine] = Field(default_factory=list)
    more_lines: int = 0


class Evidence(_Strict):
    kind: EvidenceKind
    title: str
    source: str = Field(description="where it came from: the question, probe or analyzer")
    text: str | None = Field(default=None, description="preformatted content, already redacted")
    method_arn: str | None = None
    decision: str | None = None
    statements: list[PolicyStatement] = Field(default_factory=list)
    claims: dict[str, Any] | None = Field(
        default=None, description="JWT header and claims (never the signature)"
    )
    requests: list[LogRequest] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class FactRow(_Strict):
    name: str
    value: str
    source: str
    origin: str
    decisive: bool = False


class StepOutcome(_Strict):
    command: str
    status: str
    message: str | None = None


class ChangeDiff(_Strict):
    what: str
    text: str = Field(description="before → after, or a unified diff for policies")


class VerificationCheck(_Strict):
    what: str
    expected: str
    actual: str
    ok: bool


class Verification(_Strict):
    verified: bool | None
    message: str
    checks: list[VerificationCheck] = Field(default_factory=list)
    replay_status: int | None = None


class ChangeRecord(_Strict):
    fix_id: str
    title: str
    cause: str | None = None
    outcome: str = Field(description="applied | verified | failed | declined | rolled_back | ...")
    at: str
    by: str | None = None
    commands: list[str] = Field(default_factory=list, description="the exact CLI commands")
    results: list[StepOutcome] = Field(default_factory=list)
    changes: list[ChangeDiff] = Field(default_factory=list)
    verification: Verification | None = None
    rollback: list[str] = Field(default_factory=list, description="commands that undo it")
    rollback_notes: list[str] = Field(default_factory=list)
    detail: str | None = None


class ProposedFix(_Strict):
    fix_id: str
    title: str
    explanation: str | None = None
    commands: list[str] = Field(default_factory=list)
    operations: list[str] = Field(
        default_factory=list, description="boto3 operations when no command could be rendered"
    )
    guidance: str | None = None
    corrected_request: str | None = Field(
        None, description="a client-side fix: the failing request corrected, one line to paste"
    )
    corrected_changes: list[str] = Field(
        default_factory=list, description="what the corrected request changes, in words"
    )
    needs_redeploy: bool = False
    needs_cache_flush: bool = False
    applied: bool = False


class Candidate(_Strict):
    id: str
    title: str
    confidence: float


class Environment(_Strict):
    tool_version: str
    playbook_id: str | None = None
    playbook_version: str | None = None
    playbook_title: str | None = None
    region: str | None = None
    account_id: str | None = Field(default=None, description="masked unless asked otherwise")
    caller_arn: str | None = None
    endpoint_url: str | None = Field(default=None, description="custom AWS endpoint (emulator)")
    api_id: str | None = None
    stage: str | None = None
    session_format_version: int | None = None


class Report(_Strict):
    format: Literal["apigw-wizard-report"] = REPORT_FORMAT
    format_version: Literal[1] = REPORT_VERSION
    title: str
    redacted: bool = Field(description="tokens, keys and secrets were redacted")
    account_id_masked: bool = True
    brief: Brief
    summary: Summary
    explanation: str | None = Field(default=None, description="the cause explained in plain words")
    timeline: list[TimelineEntry]
    path: PathView
    evidence: list[Evidence]
    facts: list[FactRow]
    unknown_facts: list[str] = Field(
        default_factory=list, description="facts that could not be read (unknown, never false)"
    )
    not_recorded: list[str] = Field(
        default_factory=list,
        description="what a session saved by an older version did not record (shown as such)",
    )
    changes: list[ChangeRecord]
    proposed_fixes: list[ProposedFix]
    prevention: list[str]
    verify_hint: str | None = Field(default=None, description="how to confirm the cause is gone")
    further_reading: list[str] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list)
    environment: Environment


def report_schema() -> dict[str, Any]:
    """The published JSON Schema of the report (checked in as report.schema.json)."""
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://apigw-wizard.invalid/report.schema.json"
    return schema
