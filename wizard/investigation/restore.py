"""Restoring what an interrupted fix changed, from its change journal: the one core under
`apigw-wizard rollback` and the TUI's start-up offer (wizard.aws.fixes.journal).

    found = interrupted()                       # unfinished journals, newest first
    offer = describe(found[0])                  # what was interrupted, what a restore would do
    result = restore(found[0], confirm, aws=aws)  # shown and confirmed like any fix

The restore is derived from the journal's snapshot and undoes only what is still in effect, so
running it twice changes nothing the second time; a declined restore leaves the journal as it
was (still unfinished, offered again next time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from wizard.aws.fixes.driver import run_fix
from wizard.aws.fixes.journal import Journal, unfinished_journals
from wizard.aws.session import session_for

RestoreStatus = Literal["restored", "nothing_to_undo", "declined", "failed"]


@dataclass(frozen=True)
class Interrupted:
    """An interrupted fix, as a front end offers it."""

    journal: Journal
    title: str  # the fix's title
    fix_id: str
    started_at: str
    state: str  # applying | rolling-back
    calls: tuple[tuple[str, str], ...]  # (command, status: planned/started/applied/failed...)
    undo: tuple[str, ...]  # the commands that undo every call, were they all applied
    target: dict[str, Any]  # region, profile, endpoint_url of the journaled plan


@dataclass(frozen=True)
class RestoreResult:
    status: RestoreStatus
    detail: str
    commands: tuple[str, ...] = ()  # the undo commands that ran (or were offered)
    notes: tuple[str, ...] = ()


def interrupted(directory: Any = None) -> list[Interrupted]:
    return [describe(journal) for journal in unfinished_journals(directory)]


def describe(journal: Journal) -> Interrupted:
    data = journal.data
    plan = data["plan"]
    calls = tuple(
        (str(step.get("cli") or ""), str(step.get("status") or "planned"))
        for step in data.get("steps", [])
    )
    return Interrupted(
        journal=journal,
        title=str(plan.get("title") or plan.get("fix_id")),
        fix_id=str(plan.get("fix_id")),
        started_at=str(data.get("created_at") or ""),
        state=journal.state,
        calls=calls,
        undo=tuple(str(c) for c in data.get("rollback_if_all_applied") or ()),
        target=dict(plan.get("target") or {}),
    )


def connect_for(
    journal: Journal, *, profile: Any = None, region: Any = None, endpoint: Any = None
) -> Any:
    """The AWS session a restore runs with: the journal's target, each part overridable (the
    CLI's --profile/--region/--endpoint-url, the TUI's connection)."""

    target = journal.data["plan"]["target"]
    return session_for(
        profile=profile if profile is not None else target.get("profile"),
        region=region if region is not None else target.get("region"),
        endpoint_url=endpoint if endpoint is not None else target.get("endpoint_url"),
    )


def restore(journal: Journal, confirm: Callable[..., Any], *, aws: Any) -> RestoreResult:
    """Undo what the journaled fix still has in effect (the plan is shown and confirmed by
    `confirm`, as for any fix). Raises ProbeError when AWS cannot be read."""

    plan = journal.restore_plan(aws.client)
    notes = tuple(plan.notes)
    if not plan.operations:
        journal.restore_recorder().finish(True)
        detail = "nothing left to undo: what the fix changed is already as it was before"
        if notes:
            detail += "; " + "; ".join(notes)
        return RestoreResult("nothing_to_undo", detail, (), notes)
    run = run_fix(plan, aws.client, confirm, recorder=journal.restore_recorder())
    if run.status == "applied":
        detail = "restored: " + "; ".join([f"{len(plan.operations)} call(s) undone", *notes])
        return RestoreResult("restored", detail, tuple(plan.cli), notes)
    if run.status == "declined":
        return RestoreResult("declined", run.detail or "declined", tuple(plan.cli), notes)
    return RestoreResult("failed", run.detail or run.status, tuple(plan.cli), notes)
