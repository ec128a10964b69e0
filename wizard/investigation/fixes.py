"""A proposed fix made concrete once: its exact commands rendered for the investigation's target
(wizard.aws.fixes), whether the wizard may apply it, its guidance and code with the known facts
filled in; and, as the user acts on it, its lifecycle state and the driver's runs.

Placeholders the walk could not fill (offline: the authorizer id...) stay visible as `<name>` in
the command and are listed in `missing`; such a plan is never applicable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.aws.fixes.applicability import assess, missing_facts
from wizard.aws.fixes.errors import FixError
from wizard.aws.fixes.guidance import fill_placeholders as fill
from wizard.aws.fixes.guidance import guidance_text, patches_for_fix
from wizard.aws.fixes.plan import FixPlan, build_plan
from wizard.aws.fixes.render import CliTarget
from wizard.engine.views import ProposedFix
from wizard.investigation.corrected_request import corrected_request
from wizard.investigation.lifecycle import CHANGED, FixState
from wizard.investigation.request import FailingRequest
from wizard.outcome.model import FixOut

# Why --apply changes nothing for a client-side fix (the fix card and `--apply` say so).
CLIENT_SIDE = (
    "the fix is in the client, not in the API: send the corrected request shown; "
    "--apply changes nothing in your account"
)
CLIENT_SIDE_UNKNOWN = (
    "the fix is in the client, not in the API: follow the steps shown; "
    "--apply changes nothing in your account"
)


@dataclass
class FixSlot:
    """One proposed fix in this investigation: the plan shown, and what happened to it."""

    proposal: ProposedFix
    plan: FixPlan | None  # what is shown (placeholders as <name> when facts are missing)
    out: FixOut
    run: Any = None  # the last FixRun that changed the account (for its rollback)
    runs: list[Any] = field(default_factory=list)

    @property
    def fix_id(self) -> str:
        return self.proposal.fix_id

    @property
    def state(self) -> FixState:
        return self.out.state

    @property
    def can_roll_back(self) -> bool:
        run = self.run
        return (
            self.out.state in CHANGED
            and run is not None
            and run.rollback is not None
            and bool(run.rollback.operations)
        )


def plan_fix(
    proposal: ProposedFix,
    facts: Mapping[str, Any],
    target: CliTarget,
    *,
    live: bool,
    request: FailingRequest | None = None,
) -> FixSlot:
    fix = proposal.fix
    out = FixOut(
        cause=proposal.cause,
        fix=proposal.fix_id,
        title=proposal.title,
        explanation=proposal.explanation,
    )
    plan: FixPlan | None = None
    if fix is not None and not fix.operations:
        out.why_not = "no API call fixes this: follow the steps shown"
    if fix is not None:
        out.fix_explanation = fill(fix.explanation, facts) if fix.explanation else None
        out.guidance = guidance_text(fix, facts, target)  # its commands rendered, not filled
        out.code = {k: fill(v, facts) for k, v in fix.code.items()}
        out.needs_redeploy = bool(fix.needs_redeploy)
        out.needs_cache_flush = bool(fix.needs_cache_flush)
        if fix.operations:
            plan = _render(out, fix, facts, target, live=live)
        if proposal.applies == "unknown":
            out.applicability, out.applicable = "maybe", False
            out.detail = f"maybe: {proposal.applies_note}"
        out.patches = [p.to_dict() for p in patches_for_fix(fix) if p.diff]
        if fix.corrects is not None:
            _correct(out, fix.corrects, facts, target, request or FailingRequest())
    return FixSlot(proposal, plan, out)


def _correct(
    out: FixOut, kind: str, facts: Mapping[str, Any], target: CliTarget, request: FailingRequest
) -> None:
    """A client-side fix: the corrected request to send, and why --apply changes nothing."""
    headers = dict(request.headers)
    if request.token:  # the token travels in Authorization unless a header says otherwise
        headers.setdefault("Authorization", request.token)
    out.corrected_request = corrected_request(
        kind, facts, url=request.url, method=request.method, headers=headers, target=target
    )
    out.applicable, out.applicability = False, "manual"
    out.why_not = CLIENT_SIDE if out.corrected_request is not None else CLIENT_SIDE_UNKNOWN


def _render(
    out: FixOut, fix: Any, facts: Mapping[str, Any], target: CliTarget, *, live: bool
) -> FixPlan | None:
    missing = missing_facts(fix, facts)
    filled = {**facts, **{n: f"<{n}>" for n in missing}}
    out.missing = missing
    try:
        plan = build_plan(fix, filled, target)
    except FixError as exc:  # BindError/RenderError: show why instead of a command
        out.detail = f"cannot render the command: {exc}"
        return None
    out.cli = list(plan.cli)
    verdict = assess(fix, facts, refused=plan.refused, live=live)
    out.applicable = verdict.applicable
    out.applicability = verdict.status
    out.why_not = None if verdict.applicable else verdict.reason
    if verdict.status in ("refused", "maybe"):
        out.detail = verdict.reason
    return plan
