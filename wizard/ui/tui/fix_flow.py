"""A proposed fix from rendering to rollback, over wizard.aws.fixes (no Textual here).

    view → prepare (snapshot: the before/after) → the user confirms in the modal
         → apply → verify (re-read the state, replay the request) → rollback offered

Every step that calls AWS runs in a worker of the findings screen. What happened is recorded
in the engine session (`record_fix_applied`) for the timeline and the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from wizard.engine.session import ProposedFix, Session
from wizard.ui.tui.view import FixOutcome, FixView


def make_confirmation(fix: FixView, actor: str) -> Any:
    """The user's explicit yes for exactly the commands shown (only the confirm modal calls it)."""
    from wizard.aws.fixes.plan import Confirmation

    return Confirmation.for_plan(fix.plan, by=actor or "tui-user", shown=fix.commands)


@dataclass
class _FixState:
    view: FixView
    snapshot: Any = None
    result: Any = None
    rollback: Any = None  # the rollback FixPlan once applied


@dataclass
class FixFlow:
    _fixes: dict[str, _FixState] = field(default_factory=dict)

    def view(
        self, proposal: ProposedFix, facts: Mapping[str, Any], target: Any, *, live: bool
    ) -> FixView:
        """The fix as shown: its exact commands when the facts they need are known."""
        state = self._fixes.get(proposal.fix_id)
        if state is None:
            state = _FixState(_render(proposal, facts, target, live=live))
            self._fixes[proposal.fix_id] = state
        return state.view

    def prepare(self, fix: FixView, aws: Any) -> FixView:
        """Snapshot what the fix touches and describe the change (worker thread)."""
        state = self._fixes[fix.fix_id]
        if fix.plan is None or aws is None:
            return fix
        from wizard.aws.fixes.changes import describe_changes
        from wizard.aws.fixes.snapshot import take_snapshot

        state.snapshot = take_snapshot(fix.plan, aws.client)
        changes = describe_changes(fix.plan, state.snapshot)
        before = "\n".join(f"{c.what}: {_show(c.before)}" for c in changes if c.diff is None)
        after = "\n".join(f"{c.what}: {_show(c.after)}" for c in changes if c.diff is None)
        diffs = "\n".join(c.diff for c in changes if c.diff)
        state.view = replace(fix, before=before, after=after, diff=diffs)
        return state.view

    def apply(
        self,
        fix: FixView,
        confirmation: Any,
        aws: Any,
        session: Session,
        replay: Callable[[], Any] | None,
    ) -> FixOutcome:
        """Apply with the user's confirmation, verify, and keep the rollback (worker thread)."""
        from wizard.aws.fixes.apply import apply_plan
        from wizard.aws.fixes.errors import FixError
        from wizard.aws.fixes.rollback import derive_rollback
        from wizard.aws.fixes.snapshot import take_snapshot
        from wizard.aws.fixes.verify import verify

        state = self._fixes[fix.fix_id]
        if aws is None or fix.plan is None:
            return FixOutcome(False, None, "Offline: nothing was applied.")
        if state.snapshot is None:
            state.snapshot = take_snapshot(fix.plan, aws.client)
        try:
            result = apply_plan(fix.plan, confirmation, aws.client)
        except FixError as exc:
            session.record_fix_applied(
                fix.fix_id, cause=fix.cause_id, outcome="failed", detail=str(exc)
            )
            return FixOutcome(False, None, f"Not applied: {exc}")
        state.result = result
        rollback = derive_rollback(fix.plan, state.snapshot, result)
        state.rollback = rollback
        if not result.applied:
            failed = next((s for s in result.steps if s.status == "failed"), None)
            detail = failed.message if failed else "a step did not run"
            session.record_fix_applied(
                fix.fix_id,
                cause=fix.cause_id,
                outcome="failed",
                detail=detail,
                commands=fix.commands,
                rollback=rollback.cli,
                by=confirmation.confirmed_by,
            )
            return FixOutcome(
                False,
                None,
                f"Failed: {detail}",
                rollback_available=result.changed_anything and bool(rollback.operations),
            )
        check = verify(fix.plan, state.snapshot, aws.client, replay)
        status = (check.replay or {}).get("status_code")
        session.record_fix_applied(
            fix.fix_id,
            cause=fix.cause_id,
            outcome="verified" if check.verified else "applied",
            detail=check.message,
            commands=fix.commands,
            rollback=rollback.cli,
            by=confirmation.confirmed_by,
            verified=check.verified,
        )
        word = "Applied and verified" if check.verified else "Applied, not verified"
        return FixOutcome(
            True,
            check.verified,
            f"{word}: {check.message}",
            status_after=status if isinstance(status, int) else None,
            rollback_available=bool(rollback.operations),
        )

    def rollback_view(self, fix: FixView) -> FixView | None:
        """The rollback of an applied fix as a fix of its own (it too needs a confirmation)."""
        state = self._fixes.get(fix.fix_id)
        if state is None or state.rollback is None or not state.rollback.operations:
            return None
        plan = state.rollback
        return FixView(
            cause_id=fix.cause_id,
            fix_id=plan.fix_id,
            title=plan.title,
            explanation="Restores the state saved before the fix was applied.",
            commands=plan.cli,
            applicable=True,
            plan=plan,
            guidance="\n".join(plan.notes) or None,
        )

    def rollback(self, fix: FixView, confirmation: Any, aws: Any, session: Session) -> FixOutcome:
        from wizard.aws.fixes.apply import apply_plan
        from wizard.aws.fixes.errors import FixError

        view = self.rollback_view(fix)
        if view is None or aws is None:
            return FixOutcome(False, None, "There is nothing to roll back.")
        try:
            result = apply_plan(view.plan, confirmation, aws.client)
        except FixError as exc:
            return FixOutcome(False, None, f"Rollback not applied: {exc}")
        session.record_fix_applied(
            fix.fix_id,
            cause=fix.cause_id,
            outcome="rolled_back" if result.applied else "failed",
            commands=view.commands,
            by=confirmation.confirmed_by,
        )
        self._fixes[fix.fix_id].rollback = None
        if result.applied:
            return FixOutcome(
                False, None, "Rolled back to the state saved before the fix.", rolled_back=True
            )
        return FixOutcome(False, None, "The rollback did not complete; see the report.")


def _render(proposal: ProposedFix, facts: Mapping[str, Any], target: Any, *, live: bool) -> FixView:
    fix = proposal.fix
    base = FixView(
        cause_id=proposal.cause,
        fix_id=proposal.fix_id,
        title=proposal.title,
        # Why this fix works (the catalogue's); why the cause applies is said once above.
        explanation=str(getattr(fix, "explanation", "") or proposal.explanation),
        guidance=getattr(fix, "guidance", None),
        code=dict(getattr(fix, "code", {}) or {}),
        needs_redeploy=bool(getattr(fix, "needs_redeploy", False)),
        needs_cache_flush=bool(getattr(fix, "needs_cache_flush", False)),
    )
    if fix is None or not fix.operations:
        return base
    from wizard.aws.fixes.bind import placeholders
    from wizard.aws.fixes.errors import FixError
    from wizard.aws.fixes.plan import build_plan

    try:
        plan = build_plan(fix, facts, target)
    except FixError as exc:
        missing = sorted(
            {name for op in fix.operations for name in placeholders(op.params)} - set(facts)
        )
        needs = ", ".join(missing) if missing else str(exc)
        note = (
            f"The exact command needs {needs}, not known yet: a live session reads it, or "
            "fill it in yourself."
        )
        return replace(base, guidance="\n".join(x for x in (base.guidance, note) if x))
    return replace(base, commands=plan.cli, applicable=plan.applicable and live, plan=plan)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)
