"""Run a confirmed plan's boto3 calls (never a shell) and record what happened.

A fix is journaled before its first call (see journal.py): a crash half-way leaves on disk
what ran and how to undo it. Apply stops at the first failure: later operations often depend on earlier ones (a deployment
after a TTL change), and a half-applied plan is easier to roll back when it stops early. An
operation the endpoint does not implement (MiniStack has no FlushStageAuthorizersCache) is
recorded as "unsupported by this endpoint" and apply continues.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from wizard.aws.errors import classify
from wizard.aws.fixes.allowlist import check_allowed, iam_action
from wizard.aws.fixes.code import load_artifact
from wizard.aws.fixes.errors import ConfirmationError, NotAllowedError
from wizard.aws.fixes.iam_policy import OWNED_PREFIXES, IamPolicyError, check_edit
from wizard.aws.fixes.journal import Announce, Journal
from wizard.aws.fixes.plan import BoundOperation, Confirmation, FixPlan
from wizard.aws.fixes.results import ApplyResult, StepResult
from wizard.aws.fixes.snapshot import ClientFactory, Snapshot, take_snapshot
from wizard.aws.fixes.state import IAM_POLICY_PUTS, iam_document, jsonable
from wizard.aws.fixes.web_acl_edit import WebAclEditError, check_override
from wizard.engine.probes import ProbeErrorKind


class StepRecorder(Protocol):
    """Where each call is recorded before it is sent and after it returns (the journal)."""

    def step_started(self, index: int) -> None: ...

    def step_done(self, index: int, step: StepResult) -> None: ...


def apply_plan(
    plan: FixPlan,
    confirmation: Confirmation,
    clients: ClientFactory,
    *,
    snapshot: Snapshot | None = None,
    recorder: StepRecorder | None = None,
    announce: Announce | None = None,
    journal_dir: Path | None = None,
) -> ApplyResult:
    """Apply `plan` with the user's `confirmation` for exactly this plan.

    A fix is journaled first (`journal.Journal.begin`: the snapshot — taken here when not
    given —, the operations and their rollback, written 0600 before the first call and updated
    around each one); `announce` is told where the journal is. A restore passes the `recorder`
    of the journal it restores instead. Raises ConfirmationError (nothing changed) when the
    confirmation is missing, for another plan, or for other commands; NotAllowedError if an
    operation left the allowlist; JournalError (nothing changed) when the journal cannot be
    written.
    """
    if not isinstance(confirmation, Confirmation):
        raise ConfirmationError(
            "apply needs a Confirmation created by a front end; nothing was changed"
        )
    confirmation.check(plan)
    if plan.refused:
        raise NotAllowedError(plan.refused)
    for op in plan.operations:  # re-checked here: a plan object is data and could be edited
        check_allowed(op.service, op.operation, op.params, rollback=plan.kind == "rollback")
    journal: Journal | None = None
    if recorder is None and plan.kind == "fix":
        snapshot = snapshot if snapshot is not None else take_snapshot(plan, clients)
        hold_policy_edits(plan, snapshot)
        hold_web_acl_edits(plan, snapshot)
        journal = Journal.begin(plan, snapshot, confirmation, directory=journal_dir)
        recorder = journal
        if announce is not None:
            announce(f"Change journal (the way back if this stops half-way): {journal.path}")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    steps: list[StepResult] = []
    failed = False
    for index, op in enumerate(plan.operations):
        if failed:
            step = StepResult(op.cli, "skipped", "not run: an earlier step failed")
        else:
            if recorder is not None:
                recorder.step_started(index)
            step = _call(op, clients)
            failed = step.status == "failed"
        steps.append(step)
        if recorder is not None:
            recorder.step_done(index, step)
    result = ApplyResult(
        plan.digest,
        plan.kind,
        confirmation,
        started,
        tuple(steps),
        str(journal.path) if journal else None,
    )
    if journal is not None:
        journal.finish("applied" if result.applied else "failed")
    return result


def hold_policy_edits(plan: FixPlan, snapshot: Snapshot) -> None:
    """An inline IAM policy the fix rewrites may only lose a Deny for one method ARN compared
    with what the snapshot read (`iam_policy.check_edit`); NotAllowedError, nothing changed."""

    for op, read in zip(plan.operations, snapshot.reads, strict=True):
        if (op.service, op.operation) not in IAM_POLICY_PUTS:
            continue
        name = str(op.params.get("PolicyName"))
        new = iam_document(op.params.get("PolicyDocument")) or {}
        if read is None or read.state is None:
            raise NotAllowedError(f"the inline policy {name} could not be read before the change")
        if name.startswith(OWNED_PREFIXES):
            continue  # the wizard's own new policy: its shape is the allowlist's rule
        if read.absent:
            raise NotAllowedError(f"there is no inline policy {name} to edit")
        try:
            check_edit(iam_document(read.state.get("PolicyDocument")), new)
        except IamPolicyError as exc:
            raise NotAllowedError(f"inline policy {name}: {exc}") from None


def hold_web_acl_edits(plan: FixPlan, snapshot: Snapshot) -> None:
    """A web ACL the fix sends back may differ from what the snapshot read only in rules
    switched from Block to Count (`web_acl_edit.check_override`); NotAllowedError, nothing
    changed."""

    for op, read in zip(plan.operations, snapshot.reads, strict=True):
        if (op.service, op.operation) != ("wafv2", "UpdateWebACL"):
            continue
        state = read.state if read is not None else None
        try:
            check_override((state or {}).get("WebACL"), op.params)
        except WebAclEditError as exc:
            raise NotAllowedError(f"web ACL {op.params.get('Name')}: {exc}") from None


def call_params(op: BoundOperation) -> dict[str, Any]:
    """The boto3 parameters of `op`: a code zip the plan names by artifact is sent as its bytes
    (re-hashed against the artifact's name first)."""
    if (op.service, op.operation) == ("lambda", "UpdateFunctionCode"):
        return {**op.params, "ZipFile": load_artifact(op.params.get("ZipFile"))}
    return op.params


def _call(op: BoundOperation, clients: ClientFactory) -> StepResult:
    try:
        response = getattr(clients(op.service), op.method)(**call_params(op))
    except Exception as exc:
        err = classify(exc, action=_iam_action(op.service, op.operation), manual=op.cli)
        if err.kind is ProbeErrorKind.UNSUPPORTED:
            return StepResult(op.cli, "unsupported", f"not supported by this endpoint: {err}")
        return StepResult(op.cli, "failed", str(err), missing_permission=err.missing_permission)
    return StepResult(op.cli, "applied", "ok", jsonable(response))


def _iam_action(service: str, operation: str) -> str:
    return iam_action(service, operation)
