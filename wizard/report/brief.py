"""The report's first page, for a reader who was not at the keyboard (a manager, the
postmortem): what broke, the impact window, the root cause, what changed, whether it was
verified, how to prevent it. Plain sentences built from the rest of the report: no node ids,
fact names, fix ids or edge names (`choices.0`) — those are in the engineer appendix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from wizard.report.common import show
from wizard.report.model import Brief, ChangeRecord, ProposedFix, Summary

_OUTCOME_WORDS = {
    "verified": "applied and verified",
    "applied": "applied, not verified",
    "failed": "attempted, and it failed",
    "rolled_back": "applied, then rolled back",
    "declined": "proposed and declined: not applied",
    "proposed": "proposed, not applied",
}


def when(text: str | None) -> str | None:
    """An ISO time as a reader writes it: 2026-11-21 09:14 UTC (the text itself if unreadable)."""
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M UTC")


def brief(
    summary: Summary,
    changes: Sequence[ChangeRecord],
    proposed: Sequence[ProposedFix],
    prevention: Sequence[str],
    log_records: Sequence[tuple[str, Mapping[str, Any]]],
) -> Brief:
    return Brief(
        what_broke=_what_broke(summary),
        impact_window=_impact(summary, changes, log_records),
        root_cause=_root_cause(summary),
        what_changed=_what_changed(changes, proposed),
        verified=_verified(summary, changes),
        prevention=list(prevention),
        next_step=_next_step(summary, proposed),
    )


def _what_broke(s: Summary) -> str:
    what = f"Calls to {s.failing_request}" if s.failing_request else "An API Gateway call"
    if s.response:
        return f"{what} were refused: {show(s.response, 300)}."
    return f"{what} were refused with HTTP 403."


def _impact(
    s: Summary,
    changes: Sequence[ChangeRecord],
    log_records: Sequence[tuple[str, Mapping[str, Any]]],
) -> str:
    parts: list[str] = []
    firsts = [str(r["denied_first_at"]) for _, r in log_records if r.get("denied_first_at")]
    lasts = [str(r["denied_last_at"]) for _, r in log_records if r.get("denied_last_at")]
    denied = sum(int(r.get("denied_total") or 0) for _, r in log_records)
    if firsts:
        first, last = when(min(firsts)), when(max(lasts or firsts))
        span = f"at {first}" if first == last else f"from {first} to {last}"
        noun = "refused request" if denied == 1 else "refused requests"
        parts.append(f"The logs read show {denied} {noun} {span}.")
    else:
        parts.append("When the failures began is not recorded (no logs were read).")
    parts.append(f"The investigation started {when(s.started_at) or 'at an unrecorded time'}.")
    fixed = [c for c in changes if c.outcome == "verified"]
    rolled = {c.fix_id for c in changes if c.outcome == "rolled_back"}
    fixed = [c for c in fixed if c.fix_id not in rolled]
    if s.status == "resolved" and fixed:
        parts.append(f"Resolved at {when(fixed[-1].at)}, when the fix was verified.")
    elif s.status == "mitigated":
        parts.append("A fix is in place but was not verified: the impact may not be over.")
    else:
        parts.append("Not resolved when this report was written: the failures may continue.")
    return " ".join(parts)


def _root_cause(s: Summary) -> str:
    """The cause's title, then the walk's sentence (once, when the sentence restates it)."""
    if s.cause_title and s.cause_id is not None and not _restates(s.root_cause, s.cause_title):
        return f"{s.cause_title}. {s.root_cause}"
    return s.root_cause


def _restates(sentence: str, title: str, length: int = 30) -> bool:
    def letters(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())[:length]

    return letters(sentence) == letters(title)


def _what_changed(changes: Sequence[ChangeRecord], proposed: Sequence[ProposedFix]) -> list[str]:
    out = []
    for c in changes:
        by = f" by {c.by}" if c.by else ""
        out.append(f"{c.title}: {_OUTCOME_WORDS.get(c.outcome, c.outcome)} ({when(c.at)}{by}).")
    if not any(c.outcome in ("applied", "verified", "failed", "rolled_back") for c in changes):
        out.insert(0, "Nothing was changed in the AWS account.")
    return out


def _verified(s: Summary, changes: Sequence[ChangeRecord]) -> str:
    checked = [c for c in changes if c.verification is not None]
    last = checked[-1] if checked else None
    if s.status == "resolved" and last is not None and last.verification is not None:
        status = last.verification.replay_status
        if status is not None:
            return f"Yes: after the fix the failing request was sent again and returned {status}."
        return "Yes: the checks after the fix passed."
    if s.status == "mitigated":
        return "No: the fix is in place but the failing request was not replayed successfully."
    if any(c.outcome == "rolled_back" for c in changes):
        return "No: the fix was rolled back, so the failures are expected to return."
    return "No: no fix has been applied yet."


def _next_step(s: Summary, proposed: Sequence[ProposedFix]) -> str | None:
    if s.status == "resolved":
        return None
    pending = [p for p in proposed if not p.applied]
    if s.cause_id is None:
        return "Collect the execution logs of a failing request and run the wizard again."
    if pending:
        return f"Apply the recommended fix: {pending[0].title} (the commands are in the appendix)."
    return "Follow the steps in the appendix."
