"""What was changed (from the session's applied fixes, with the fixes driver's full record when
the front end kept it) and what was proposed (catalogue fixes, commands rendered through
botocore's model exactly as the fixes package renders them)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from wizard.aws.fixes.bind import bind_params, placeholders
from wizard.aws.fixes.render import CliTarget, render_argv
from wizard.report.common import as_list, as_map, show, text_or_none
from wizard.report.model import (
    ChangeDiff,
    ChangeRecord,
    ProposedFix,
    StepOutcome,
    Verification,
    VerificationCheck,
)


def change_records(session: Mapping[str, Any]) -> list[ChangeRecord]:
    return [_change(as_map(a)) for a in as_list(session.get("applied"))]


def _change(a: Mapping[str, Any]) -> ChangeRecord:
    record = as_map(a.get("record"))
    plan = as_map(record.get("plan"))
    rollback_plan = as_map(record.get("rollback"))
    result = as_map(record.get("result"))
    commands = [str(c) for c in as_list(plan.get("cli"))] or [
        str(c) for c in as_list(a.get("commands"))
    ]
    rollback = [str(c) for c in as_list(rollback_plan.get("cli"))] or [
        str(c) for c in as_list(a.get("rollback"))
    ]
    return ChangeRecord(
        fix_id=str(a.get("fix", "?")),
        title=str(plan.get("title") or a.get("fix", "?")),
        cause=text_or_none(a.get("cause")),
        outcome=str(a.get("outcome", "?")),
        at=str(a.get("at", "")),
        by=text_or_none(a.get("by")),
        commands=commands,
        results=[
            StepOutcome(
                command=str(s.get("cli", "")),
                status=str(s.get("status", "?")),
                message=text_or_none(s.get("message")),
            )
            for s in map(as_map, as_list(result.get("steps")))
        ],
        changes=[
            ChangeDiff(what=str(c.get("what", "")), text=_change_text(c))
            for c in map(as_map, as_list(record.get("changes")))
        ],
        verification=_verification(a, as_map(record.get("verification"))),
        rollback=rollback,
        rollback_notes=[str(n) for n in as_list(rollback_plan.get("notes"))],
        detail=_sentence(text_or_none(a.get("detail"))),
    )


def _sentence(text: str | None) -> str | None:
    """Messages from the fixes driver start lower-case ("the new settings are in place")."""
    return text[:1].upper() + text[1:] if text else None


def _change_text(change: Mapping[str, Any]) -> str:
    diff = change.get("diff")
    if isinstance(diff, str):
        return diff or "no change"
    return f"{show(change.get('before'), 500)} → {show(change.get('after'), 500)}"


def _verification(a: Mapping[str, Any], v: Mapping[str, Any]) -> Verification | None:
    if v:
        replay = as_map(v.get("replay"))
        status = replay.get("status_code")
        return Verification(
            verified=v.get("verified") if isinstance(v.get("verified"), bool) else None,
            message=_sentence(str(v.get("message", ""))) or "",
            checks=[
                VerificationCheck(
                    what=str(c.get("what", "")),
                    expected=show(c.get("expected"), 300),
                    actual=show(c.get("actual"), 300),
                    ok=bool(c.get("ok")),
                )
                for c in map(as_map, as_list(v.get("checks")))
            ],
            replay_status=status if isinstance(status, int) else None,
        )
    if a.get("verified") is None:
        return None
    return Verification(verified=bool(a.get("verified")), message=str(a.get("detail") or ""))


# --------------------------------------------------------------------------- proposed fixes


def proposed_fixes(
    session: Mapping[str, Any], cause: str | None, values: Mapping[str, Any], region: str | None
) -> list[ProposedFix]:
    # A declined attempt is in the change log too, but it changed nothing.
    applied = {
        str(as_map(a).get("fix"))
        for a in as_list(session.get("applied"))
        if as_map(a).get("outcome") != "declined"
    }
    out: list[ProposedFix] = []
    for raw in as_list(session.get("fixes")):
        fix = as_map(raw)
        if cause is not None and fix.get("cause") != cause:
            continue
        detail = as_map(fix.get("detail"))
        commands, operations = _commands(as_list(detail.get("operations")), values, region)
        if fix.get("cli"):  # the Outcome's exact commands (rendered once, for its target)
            commands = [str(c) for c in as_list(fix.get("cli"))]
        corrected = as_map(fix.get("corrected_request"))
        out.append(
            ProposedFix(
                fix_id=str(fix.get("fix", "?")),
                title=str(fix.get("title", "?")),
                explanation=text_or_none(detail.get("explanation")),
                commands=commands,
                operations=operations,
                guidance=text_or_none(detail.get("guidance")),
                corrected_request=text_or_none(corrected.get("command")),
                corrected_changes=[str(c) for c in as_list(corrected.get("changes"))],
                needs_redeploy=bool(detail.get("needs_redeploy")),
                needs_cache_flush=bool(detail.get("needs_cache_flush")),
                applied=bool(fix.get("applied")) or str(fix.get("fix")) in applied,
            )
        )
    return out


def _commands(
    operations: list[Any], values: Mapping[str, Any], region: str | None
) -> tuple[list[str], list[str]]:
    """AWS CLI lines for the operations, with the known facts filled in (an unknown one shows
    as `<name>` for the reader to fill, as `diagnose` shows it); the boto3 form when botocore
    cannot render one. Binding is the fixes package's, so the report shows what --apply runs."""
    commands: list[str] = []
    fallback: list[str] = []
    for op in map(as_map, operations):
        service, name = str(op.get("service", "")), str(op.get("operation", ""))
        raw = as_map(op.get("params"))
        unknown = {n: f"<{n}>" for n in placeholders(raw) if values.get(n) is None}
        params = bind_params(raw, {**values, **unknown})
        try:
            commands.append(
                shlex.join(render_argv(service, name, params, CliTarget(region=region)))
            )
        except Exception:  # an operation botocore does not know: say it in boto3's words
            fallback.append(f"{service} {name} {show(params, 500)}")
    return commands, fallback
