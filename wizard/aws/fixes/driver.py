"""One fix from plan to verified result, for any front end: snapshot → show → confirm →
apply → verify → derive the rollback. The front end supplies `confirm`, the only place a
`Confirmation` is made; headless mode uses `terminal_confirm` (plain text, no UI toolkit).

    run = run_fix(plan, session.client, terminal_confirm(yes=args.yes), replay)

Which fixes are offered, in what order, and the lifecycle state a run leaves a fix in belong
to the investigation (`wizard.investigation`), the one caller of this module's runs.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

import wizard.aws.probes.reproduce  # noqa: F401  (registers the probe)
from wizard.analysis.redact import redact_obj
from wizard.aws.fixes.applicability import needs_manual_step as needs_manual_step  # re-export
from wizard.aws.fixes.apply import apply_plan
from wizard.aws.fixes.changes import Change, describe_changes
from wizard.aws.fixes.errors import FixError
from wizard.aws.fixes.journal import Announce, Journal, JournalError, RestoreRecorder
from wizard.aws.fixes.plan import Confirmation, FixPlan
from wizard.aws.fixes.results import ApplyResult
from wizard.aws.fixes.rollback import derive_rollback
from wizard.aws.fixes.snapshot import ClientFactory, Snapshot, take_snapshot
from wizard.aws.fixes.verify import Replay, VerifyResult, verify
from wizard.engine.probes import REGISTRY, ProbeContext

Confirm = Callable[[FixPlan, list[Change]], Confirmation | None]
RunStatus = Literal["refused", "unreadable", "declined", "applied", "failed"]


@dataclass
class FixRun:
    plan: FixPlan
    status: RunStatus
    detail: str
    snapshot: Snapshot | None = None
    changes: list[Change] = field(default_factory=list)
    confirmation: Confirmation | None = None
    result: ApplyResult | None = None
    verification: VerifyResult | None = None
    rollback: FixPlan | None = None

    @property
    def applied(self) -> bool:
        return self.status == "applied"

    @property
    def verified(self) -> bool | None:
        return None if self.verification is None else self.verification.verified

    def to_dict(self) -> dict[str, Any]:
        """Everything the incident report records: who/when/what, results and the rollback.
        Secrets (API key values in usage-plan listings, tokens) are redacted."""
        return redact_obj(
            {
                "status": self.status,
                "detail": self.detail,
                "plan": self.plan.to_dict(),
                "changes": [c.to_dict() for c in self.changes],
                "snapshot": self.snapshot.to_dict() if self.snapshot else None,
                "confirmation": self.confirmation.to_dict() if self.confirmation else None,
                "result": self.result.to_dict() if self.result else None,
                "verification": self.verification.to_dict() if self.verification else None,
                "rollback": self.rollback.to_dict() if self.rollback else None,
                "applied": self.applied,
                "verified": self.verified,
            }
        )


def run_fix(
    plan: FixPlan,
    clients: ClientFactory,
    confirm: Confirm,
    replay: Replay | None = None,
    *,
    announce: Announce | None = None,
    recorder: RestoreRecorder | None = None,
) -> FixRun:
    """Snapshot, confirm, apply (journaled: `announce` is told where), verify, derive the
    rollback. `recorder`: the journal a restore records into (see `rollback_fix`)."""
    if not plan.applicable:
        return FixRun(plan, "refused", plan.refused or "this fix has no operation to apply")
    snapshot = take_snapshot(plan, clients)
    changes = describe_changes(plan, snapshot)
    if not snapshot.complete:
        why = next(r.error for r in snapshot.reads if r is not None and r.error)
        return FixRun(
            plan,
            "unreadable",
            f"not applied: the current state could not be read, so it could not be rolled back "
            f"({why})",
            snapshot,
            changes,
        )
    confirmation = confirm(plan, changes)
    if confirmation is None:
        return FixRun(plan, "declined", "not applied: declined", snapshot, changes)
    result = apply_plan(
        plan, confirmation, clients, snapshot=snapshot, recorder=recorder, announce=announce
    )
    if recorder is not None:
        recorder.finish(result.applied)
    try:
        rollback: FixPlan | None = derive_rollback(plan, snapshot, result)
    except FixError:
        rollback = None
    run = FixRun(plan, "applied" if result.applied else "failed", "", snapshot, changes)
    run.confirmation, run.result, run.rollback = confirmation, result, rollback
    if not result.applied:
        failed = next(s for s in result.steps if s.status == "failed")
        run.detail = f"failed at `{failed.cli}`: {failed.message}"
        if result.changed_anything and rollback is not None and rollback.operations:
            run.detail += "; the steps before it were applied — the rollback undoes them"
        return run
    run.verification = verify(plan, snapshot, clients, replay)
    unsupported = [s for s in result.steps if s.status == "unsupported"]
    run.detail = run.verification.message + (
        f" ({len(unsupported)} step(s) not supported by this endpoint)" if unsupported else ""
    )
    return run


def rollback_fix(run: FixRun, clients: ClientFactory, confirm: Confirm) -> FixRun:
    """Undo an applied fix (its rollback plan needs its own confirmation); the restore is
    recorded in the fix's journal, which then no longer counts as unfinished."""
    if run.rollback is None or not run.rollback.operations:
        notes = "; ".join(run.rollback.notes) if run.rollback else ""
        return FixRun(run.rollback or run.plan, "refused", notes or "there is nothing to roll back")
    recorder = None
    if run.result is not None and run.result.journal:
        try:
            recorder = Journal.load(run.result.journal).restore_recorder()
        except JournalError:
            recorder = None  # the journal is gone: the restore still runs, unrecorded
    return run_fix(run.rollback, clients, confirm, recorder=recorder)


# --------------------------------------------------------------------- plain-text front end


def format_plan(plan: FixPlan, changes: list[Change]) -> str:
    """The exact commands and what they change, as the user is shown them before saying yes."""
    lines = [f"Fix: {plan.title}", "", "Commands (run by the wizard through boto3, no shell):"]
    lines += [f"  {line}" for line in plan.cli]
    if changes:
        lines += ["", "What changes:"]
        for change in changes:
            lines += ["  " + part for part in change.text().splitlines()]
    if plan.notes:
        lines += ["", *(f"Note: {n}" for n in plan.notes)]
    return "\n".join(lines) + "\n"


def default_who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown user"


def terminal_confirm(
    *,
    yes: bool = False,
    who: str | None = None,
    out: TextIO | None = None,
    inp: TextIO | None = None,
) -> Confirm:
    """Show each plan on `out` (stderr) and ask on `inp` (stdin); `yes` skips the question
    (the commands are still shown and the confirmation records `--yes`)."""

    def confirm(plan: FixPlan, changes: list[Change]) -> Confirmation | None:
        stream = out or sys.stderr
        stream.write(format_plan(plan, changes))
        by = who or default_who()
        if yes:
            stream.write("Applying (--yes).\n")
            return Confirmation.for_plan(plan, by=f"{by} (--yes)", shown=plan.cli)
        stream.write(f"Apply these {len(plan.cli)} command(s)? [y/N] ")
        stream.flush()
        answer = (inp or sys.stdin).readline().strip().lower()
        if answer not in ("y", "yes"):
            stream.write("Not applied.\n")
            return None
        return Confirmation.for_plan(plan, by=by, shown=plan.cli)

    return confirm


def replay_with_probe(inputs: Mapping[str, Any], facts: Mapping[str, Any], aws: Any) -> Replay:
    """Replay the failing request through the registered `reproduce` probe (the user's URL,
    method, token, API key or SigV4 signature, exactly as diagnose sent it)."""

    def replay() -> Any:

        spec = REGISTRY.get("reproduce")
        return spec.fn(ProbeContext(inputs=inputs, facts=facts, aws=aws), {})

    return replay
