"""A proposed fix as the TUI shows it, over the investigation's fix lifecycle
(wizard.investigation), so the TUI, the prompt mode and `diagnose --apply` never disagree:

    fix_view (exact commands + can the wizard apply it, and why not)
    → confirm_with: the modal shows the plan's commands and its before/after, the user answers
    → outcome_view: what the run did, read from the fix's lifecycle state
    → rollback_view: the rollback plan, shown and confirmed like a fix

No Textual here, and no state of its own: `confirm` is the front end's callback (the findings
screen blocks its worker on it while the modal is shown); the investigation records every run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from wizard.aws.fixes.plan import Confirmation
from wizard.catalogue.fact_labels import plain
from wizard.investigation import FixState
from wizard.investigation.fixes import FixSlot
from wizard.ui.tui.view import FixOutcome, FixView

# (fix to show with its before/after) -> the Confirmation, or None when the user declines
AskUser = Callable[[FixView], Any]


def make_confirmation(fix: FixView, actor: str) -> Any:
    """The user's explicit yes for exactly the commands shown (only the confirm modal calls it)."""
    return Confirmation.for_plan(fix.plan, by=actor or "tui-user", shown=fix.commands)


def fix_view(slot: FixSlot) -> FixView:
    """The fix as shown: its exact commands (placeholders as <name> when a fact is missing),
    whether the wizard may apply it or what the user has to do instead."""
    out = slot.out
    return FixView(
        cause_id=out.cause,
        fix_id=out.fix,
        title=out.title,
        # Why this fix works (the catalogue's); why the cause applies is said once above.
        explanation=out.fix_explanation or out.explanation,
        commands=tuple(out.cli),
        applicable=out.applicable,
        guidance=out.guidance,
        code=dict(out.code),
        needs_redeploy=out.needs_redeploy,
        needs_cache_flush=out.needs_cache_flush,
        why_not=plain(out.why_not or "", out.missing),  # "<label> not known", not a fact name
        corrected=out.corrected_request.command if out.corrected_request else "",
        corrected_changes=tuple(out.corrected_request.changes) if out.corrected_request else (),
        plan=slot.plan,
    )


def outcome_view(slot: FixSlot, *, rollback: bool = False) -> FixOutcome:
    """What the last run did, in the words of the fix's lifecycle state."""
    run = slot.runs[-1] if slot.runs else None
    out = slot.out
    if run is None:
        return FixOutcome(False, None, out.detail or "Nothing was applied.")
    if rollback:
        if run.status == "declined":
            return FixOutcome(False, None, "Not rolled back: you declined. Nothing was changed.")
        if out.state is FixState.ROLLED_BACK:
            said = "Rolled back to the state saved before the fix."
            status = out.status_after
            if status is not None and status >= 400:
                said += f" Replayed: the failing request returns {status} again."
            elif status is not None:
                said += (
                    f" Replayed: the request returns {status} right now; the refusal comes back "
                    "when what caused it happens again."
                )
            return FixOutcome(False, None, said, status_after=out.status_after, rolled_back=True)
        return FixOutcome(False, None, f"The rollback did not complete: {run.detail}")
    if out.state is FixState.DECLINED:
        return FixOutcome(False, None, "Not applied: you declined. Nothing was changed.")
    if out.state is FixState.PROPOSED:  # refused, or the state could not be read
        return FixOutcome(False, None, run.detail)
    if not run.applied:
        return FixOutcome(
            False, None, f"Failed: {run.detail}", rollback_available=slot.can_roll_back
        )
    word = "Applied and verified" if out.state is FixState.VERIFIED else "Applied, not verified"
    return FixOutcome(
        True,
        run.verified,
        f"{word}: {run.detail}",
        status_after=out.status_after,
        rollback_available=slot.can_roll_back,
    )


def rollback_view(slot: FixSlot, fix: FixView) -> FixView | None:
    """The rollback of an applied fix, shown like a fix (it is confirmed the same way)."""
    if not slot.can_roll_back:
        return None
    plan = slot.run.rollback
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


def confirm_with(fix: FixView, ask: AskUser) -> Callable[[Any, list[Any]], Any]:
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


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)
