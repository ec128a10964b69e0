"""A proposed fix in the TUI, over the shared fixes driver (wizard.aws.fixes.driver) and its
applicability rule, so the TUI, the prompt mode and `diagnose --apply` never disagree.

    view (exact commands + can the wizard apply it, and why not)
    → run_fix: snapshot → changes → confirm (the modal) → apply → verify → rollback derived
    → rollback_fix: the rollback plan, confirmed again

No Textual here. `confirm` is the front end's callback; the findings screen blocks its worker
on it while the modal is shown. Every run is recorded on the engine session for the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from wizard.engine.session import ProposedFix, Session
from wizard.ui.tui.view import FixOutcome, FixView

# (fix to show with its before/after) -> the Confirmation, or None when the user declines
AskUser = Callable[[FixView], Any]


def make_confirmation(fix: FixView, actor: str) -> Any:
    """The user's explicit yes for exactly the commands shown (only the confirm modal calls it)."""
    from wizard.aws.fixes.plan import Confirmation

    return Confirmation.for_plan(fix.plan, by=actor or "tui-user", shown=fix.commands)


@dataclass
class FixFlow:
    _views: dict[str, FixView] = field(default_factory=dict)
    _runs: dict[str, Any] = field(default_factory=dict)  # fix id -> the last applied FixRun

    def view(
        self, proposal: ProposedFix, facts: Mapping[str, Any], target: Any, *, live: bool
    ) -> FixView:
        """The fix as shown: its exact commands when the facts they need are known, and whether
        the wizard may apply it (the shared rule) or what the user has to do instead."""
        if proposal.fix_id not in self._views:
            self._views[proposal.fix_id] = _render(proposal, facts, target, live=live)
        return self._views[proposal.fix_id]

    def apply(
        self,
        fix: FixView,
        aws: Any,
        session: Session,
        ask: AskUser,
        replay: Callable[[], Any] | None,
    ) -> FixOutcome:
        """Snapshot, ask (the modal shows the commands and the change), apply, verify (worker)."""
        from wizard.aws.fixes.driver import run_fix

        if aws is None or fix.plan is None:
            return FixOutcome(False, None, "Offline: nothing was applied.")
        run = run_fix(fix.plan, aws.client, _confirm_with(fix, ask), replay)
        _record(session, fix, run)
        if run.status == "declined":
            return FixOutcome(False, None, "Not applied: you declined. Nothing was changed.")
        if run.status in ("refused", "unreadable"):
            return FixOutcome(False, None, run.detail)
        self._runs[fix.fix_id] = run
        has_rollback = bool(run.rollback is not None and run.rollback.operations)
        if not run.applied:
            partial = run.result is not None and run.result.changed_anything
            return FixOutcome(
                False, None, f"Failed: {run.detail}", rollback_available=partial and has_rollback
            )
        status = (run.verification.replay or {}).get("status_code") if run.verification else None
        word = "Applied and verified" if run.verified else "Applied, not verified"
        return FixOutcome(
            True,
            run.verified,
            f"{word}: {run.detail}",
            status_after=status if isinstance(status, int) else None,
            rollback_available=has_rollback,
        )

    def rollback_view(self, fix: FixView) -> FixView | None:
        """The rollback of an applied fix, shown like a fix (it is confirmed the same way)."""
        run = self._runs.get(fix.fix_id)
        if run is None or run.rollback is None or not run.rollback.operations:
            return None
        plan = run.rollback
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

    def rollback(self, fix: FixView, aws: Any, session: Session, ask: AskUser) -> FixOutcome:
        from wizard.aws.fixes.driver import rollback_fix

        run = self._runs.get(fix.fix_id)
        view = self.rollback_view(fix)
        if run is None or view is None or aws is None:
            return FixOutcome(False, None, "There is nothing to roll back.")
        back = rollback_fix(run, aws.client, _confirm_with(view, ask))
        _record(session, fix, back, rolled_back=back.applied)
        if back.status == "declined":
            return FixOutcome(False, None, "Not rolled back: you declined. Nothing was changed.")
        if back.applied:
            del self._runs[fix.fix_id]
            return FixOutcome(
                False, None, "Rolled back to the state saved before the fix.", rolled_back=True
            )
        return FixOutcome(False, None, f"The rollback did not complete: {back.detail}")


def _confirm_with(fix: FixView, ask: AskUser) -> Callable[[Any, list[Any]], Any]:
    """The driver's `confirm`: show the plan's commands and changes, return the user's answer."""

    def confirm(plan: Any, changes: list[Any]) -> Any:
        before, after, diff = _before_after(changes)
        shown = replace(fix, commands=plan.cli, plan=plan, before=before, after=after, diff=diff)
        return ask(shown)

    return confirm


def _before_after(changes: list[Any]) -> tuple[str, str, str]:
    """Field changes as before/after lines; policy documents as their unified diff."""
    fields = [c for c in changes if c.diff is None]
    return (
        "\n".join(f"{c.what}: {_show(c.before)}" for c in fields),
        "\n".join(f"{c.what}: {_show(c.after)}" for c in fields),
        "\n".join(c.diff for c in changes if c.diff),
    )


def _record(session: Session, fix: FixView, run: Any, *, rolled_back: bool = False) -> None:
    outcome = "rolled_back" if rolled_back else run.status
    if run.status == "applied" and run.verified:
        outcome = "rolled_back" if rolled_back else "verified"
    session.record_fix_applied(
        fix.fix_id,
        cause=fix.cause_id,
        outcome=outcome,
        detail=run.detail,
        commands=run.plan.cli,
        rollback=run.rollback.cli if run.rollback else (),
        by=run.confirmation.confirmed_by if run.confirmation else None,
        verified=run.verified,
        record=run.to_dict(),
    )


def _render(proposal: ProposedFix, facts: Mapping[str, Any], target: Any, *, live: bool) -> FixView:
    from wizard.aws.fixes.applicability import assess_plan

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
    verdict, plan = assess_plan(fix, facts, target, live=live)
    plan = plan or _plan_to_show(fix, facts, target)
    return replace(
        base,
        commands=plan.cli if plan is not None else (),
        applicable=verdict.applicable,
        plan=plan,
        why_not=verdict.reason,
    )


def _plan_to_show(fix: Any, facts: Mapping[str, Any], target: Any) -> Any:
    """The commands for the user to run themselves (manual steps first), when they can be built."""
    from wizard.aws.fixes.errors import FixError
    from wizard.aws.fixes.plan import build_plan

    try:
        return build_plan(fix, facts, target)
    except FixError:
        return None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)
