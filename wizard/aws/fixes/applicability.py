"""THE rule for "can the wizard apply this fix?", used by every front end (headless diagnose,
the prompt mode, the TUI) and by the driver that applies fixes, so they never disagree.

A fix is applicable — the wizard may run it after the user confirms — only when all hold:
  - it has operations, and no guidance step the user must do first (authorizer code, IaC);
  - its catalogue `applies_when` is TRUE for this request (UNKNOWN: "maybe", shown, not run);
  - every `{placeholder}` of its operations is a known fact;
  - every operation is on the allowlist (else it is shown for the user to run);
  - the session is live (an offline walk has no AWS session to apply with).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wizard.aws.fixes.bind import placeholders
from wizard.aws.fixes.errors import FixError
from wizard.aws.fixes.plan import build_plan
from wizard.engine.fix_conditions import fix_fit

Status = Literal[
    "applicable",  # the wizard can run it, after a confirmation
    "manual",  # guidance: a step only the user can do (or no API call fixes it)
    "maybe",  # applies_when is UNKNOWN: a fact it depends on is not known
    "not_applicable",  # applies_when is FALSE: it is for another situation
    "needs_facts",  # a parameter is not known (offline, or a probe could not read it)
    "refused",  # an operation is off the allowlist: the user runs it
    "offline",  # everything is known but there is no AWS session to apply it with
]


@dataclass(frozen=True)
class Applicability:
    status: Status
    reason: str  # one line for people; "" when applicable

    @property
    def applicable(self) -> bool:
        return self.status == "applicable"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason}


def needs_manual_step(fix: Any) -> bool:
    """A fix with guidance needs the user to do something first (change the authorizer code,
    edit a policy in IaC): running only its operations would not fix anything."""
    return bool(getattr(fix, "guidance", None))


def missing_facts(fix: Any, facts: Mapping[str, Any]) -> list[str]:
    """The placeholders of the fix's operations that have no known value."""
    needed: set[str] = set()
    for op in getattr(fix, "operations", None) or []:
        needed |= placeholders(op.params)
    return sorted(n for n in needed if facts.get(n) is None)


def assess(
    fix: Any,
    facts: Mapping[str, Any],
    *,
    refused: str | None = None,
    live: bool = True,
) -> Applicability:
    """Whether the wizard may apply `fix` (a catalogue Fix) here. `refused` is the bound plan's
    refusal (an operation off the allowlist), when the caller built one."""
    if fix is None or not getattr(fix, "operations", None):
        return Applicability("manual", "no API call fixes this: follow the steps shown")
    fit = fix_fit(getattr(fix, "applies_when", None), facts)
    if fit.truth.value == "false":
        return Applicability("not_applicable", f"does not fit this request: {fit.reason}")
    if needs_manual_step(fix):
        return Applicability(
            "manual", "not applied automatically: it needs a manual step first (see guidance)"
        )
    missing = missing_facts(fix, facts)
    if missing:
        return Applicability(
            "needs_facts", f"not applied: {', '.join(missing)} not known (fill in the command)"
        )
    if refused:
        return Applicability("refused", refused)
    if fit.truth.value == "unknown":
        return Applicability("maybe", f"maybe: {fit.reason}")
    if not live:
        return Applicability(
            "offline", "run the wizard against the live API (--profile, --region) to apply it"
        )
    return Applicability("applicable", "")


def assess_plan(
    fix: Any, facts: Mapping[str, Any], target: Any = None, *, live: bool = True
) -> tuple[Applicability, Any]:
    """`assess` with the plan bound (so an operation off the allowlist counts): returns the
    verdict and the FixPlan, or None when it was not bound (not applicable before binding)."""

    verdict = assess(fix, facts, live=live)
    if verdict.status not in ("applicable", "offline", "maybe"):
        return verdict, None
    try:
        plan = build_plan(fix, facts, target)
    except FixError as exc:
        return Applicability("needs_facts", f"the command cannot be built: {exc}"), None
    return assess(fix, facts, refused=plan.refused, live=live), plan
