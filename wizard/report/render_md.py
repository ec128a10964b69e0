"""The report as Markdown (the default format): GitHub-flavoured, with the path as a Mermaid
diagram in a ```mermaid block.

Everything from the session is untrusted text: outside code blocks it is escaped (HTML
characters as entities, Markdown punctuation with backslashes, newlines folded); inside code
blocks the fence is made longer than any backtick run in the content, so nothing can close it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from wizard.report.common import is_web_address, spans
from wizard.report.model import ChangeRecord, Evidence, ProposedFix, Report

# Characters that start emphasis, code, links/images, table cells or strikethrough anywhere in a
# line; `<`, `>` and `&` become entities (no HTML, no autolinks, no block quotes).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# What would start a heading, list or rule when it opens a line.
_ORDERED = re.compile(r"^(\d+)([.)])")
_BULLET = re.compile(r"^([#+=-])")


def esc(text: Any) -> str:
    """Inline text, inert: no HTML, no links, no emphasis, no table breaks, one line."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _ORDERED.sub(r"\1\\\2", s)
    return _BULLET.sub(r"\\\1", s)


def code(text: Any, *, cell: bool = False) -> str:
    """Inline code (one line) that no backtick in the text can end; in a table cell `|` is
    escaped too (GFM splits cells on it even inside code)."""
    s = " ".join(str(text).split())
    if cell:
        s = s.replace("|", "\\|")
    run = max((len(m) for m in re.findall(r"`+", s)), default=0)
    ticks = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def block(text: str, lang: str = "text") -> list[str]:
    """A fenced code block whose fence is longer than any backtick run inside."""
    run = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * max(3, run + 1)
    return [f"{fence}{lang}", text.rstrip("\n"), fence]


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def prose(text: Any) -> str:
    """Inline prose, inert like `esc`, except that `code` spans written in it (the catalogue's
    and the explanations' backticks) stay code spans instead of showing as literal backticks."""
    pieces = spans(" ".join(str(text).split()))
    return "".join(code(piece) if is_code else _part(piece) for is_code, piece in pieces)


def _part(text: str) -> str:
    """A piece of prose between code spans: escaped, its edge spaces kept."""
    if not text.strip():
        return text
    lead = " " if text.startswith(" ") else ""
    return lead + esc(text) + (" " if text.endswith(" ") else "")


def link(url: str) -> str:
    """A web address as a link (http and https only; anything else stays inert code)."""
    return f"[{esc(url)}](<{url}>)" if is_web_address(url) else code(url)


def render_markdown(report: Report) -> str:
    lines: list[str] = [f"# {esc(report.title)}", ""]
    lines += _safety_note(report)
    lines += _brief(report)
    lines += [
        "---",
        "",
        "## Engineer appendix",
        "",
        "Everything below is for the engineer who continues from here: the details, the "
        "changes with their exact commands and rollback, the evidence with its sources, the "
        "facts, the timeline and the path through the playbook.",
        "",
    ]
    lines += _summary(report)
    if report.explanation:
        lines += ["## What went wrong", "", prose(report.explanation), ""]
    lines += _changes(report)
    lines += _proposed(report)
    lines += _prevention(report)
    lines += _evidence(report)
    lines += _timeline(report)
    lines += _path(report)
    lines += _candidates(report)
    lines += _environment(report)
    if report.further_reading:
        lines += ["## Further reading", ""]
        lines += [f"- {link(src)}" for src in report.further_reading] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _brief(report: Report) -> list[str]:
    b, s = report.brief, report.summary
    lines = [
        "## Incident summary",
        "",
        f"**Status: {s.status.upper()}**",
        "",
        "**What broke.** " + prose(b.what_broke),
        "",
        "**Impact window.** " + prose(b.impact_window),
        "",
        "**Root cause.** " + prose(b.root_cause),
        "",
        "**What changed.**",
        "",
        *(f"- {prose(c)}" for c in b.what_changed),
        "",
        "**Verified.** " + prose(b.verified),
        "",
    ]
    if b.prevention:
        lines += ["**How to prevent it.**", "", *(f"- [ ] {prose(p)}" for p in b.prevention), ""]
    if b.next_step:
        lines += ["**Next step.** " + prose(b.next_step), ""]
    return lines


def _safety_note(report: Report) -> list[str]:
    notes = []
    notes.append(
        "Tokens, signatures, API key values and secrets are redacted."
        if report.redacted
        else "WARNING: this report is NOT redacted (--no-redact): it may contain tokens and keys."
    )
    if report.account_id_masked:
        notes.append("Account ids are masked.")
    return [f"> {' '.join(notes)}", ""]


def _summary(report: Report) -> list[str]:
    s = report.summary
    rows = []
    if s.failing_request:
        rows.append(["Failing request", code(s.failing_request, cell=True)])
    if s.response:
        rows.append(["Response", esc(s.response)])
    if s.request_ids:
        rows.append(["Request id(s)", ", ".join(code(r, cell=True) for r in s.request_ids)])
    if s.failing_caller:
        rows.append(["Failing caller", code(s.failing_caller, cell=True)])
    cause = f" ({code(s.cause_id, cell=True)})" if s.cause_id else ""
    rows.append(["Root cause", prose(s.root_cause) + cause])
    rows.append(["Status", f"**{s.status.upper()}**: {esc(s.status_reason)}"])
    who = []
    if s.caller_arn:
        who.append(f"AWS identity {code(s.caller_arn, cell=True)}")
    if s.confirmed_by:
        who.append("changes confirmed by " + ", ".join(esc(b) for b in s.confirmed_by))
    if s.generated_by:
        who.append(f"report by {esc(s.generated_by)}")
    rows.append(["Run by", "; ".join(who) or "not recorded (offline walk)"])
    when = esc(s.started_at) + (f" to {esc(s.ended_at)}" if s.ended_at else "")
    rows.append(["When", when])
    rows.append(["Questions answered", str(s.questions_answered)])
    return ["## Details", "", *_table(["", ""], rows), ""]


def _changes(report: Report) -> list[str]:
    if not report.changes:
        return []
    lines = ["## Changes made", ""]
    for change in report.changes:
        lines += _change(change)
    return lines


def _change(c: ChangeRecord) -> list[str]:
    by = f" by {esc(c.by)}" if c.by else ""
    lines = [f"### {esc(c.title)} ({code(c.fix_id)}): {esc(c.outcome)}", ""]
    lines += [f"At {esc(c.at)}{by}.", ""]
    if c.detail:
        lines += [esc(c.detail), ""]
    if c.commands:
        lines += [
            "Commands run (through boto3, no shell):",
            "",
            *block("\n".join(c.commands), "sh"),
            "",
        ]
    if c.results:
        lines += ["Results:", ""]
        for r in c.results:
            msg = f": {esc(r.message)}" if r.message else ""
            lines.append(f"- {code(r.command)} → **{esc(r.status)}**{msg}")
        lines.append("")
    if c.changes:
        lines += ["What changed:", ""]
        for d in c.changes:
            lines += [f"- {esc(d.what)}", "", *block(d.text, "diff"), ""]
    if c.verification is not None:
        v = c.verification
        word = {True: "Verified", False: "NOT verified", None: "Not checked"}[v.verified]
        replay = f" (the request now returns {v.replay_status})" if v.replay_status else ""
        lines += [f"Verification: **{word}**{replay}. {esc(v.message)}", ""]
        for check in v.checks:
            mark = "ok" if check.ok else "FAILED"
            lines.append(
                f"- {esc(check.what)}: expected {code(check.expected)}, "
                f"found {code(check.actual)} ({mark})"
            )
        if v.checks:
            lines.append("")
    if c.rollback:
        lines += ["Rollback (undoes this change):", "", *block("\n".join(c.rollback), "sh"), ""]
    for note in c.rollback_notes:
        lines += [f"- Rollback note: {esc(note)}"]
    if c.rollback_notes:
        lines.append("")
    return lines


def _proposed(report: Report) -> list[str]:
    pending = [f for f in report.proposed_fixes if not f.applied]
    if not pending:
        return []
    title = "## Fixes proposed" if not report.changes else "## Other fixes proposed"
    lines = [title, ""]
    for fix in pending:
        lines += _proposal(fix)
    return lines


def _proposal(fix: ProposedFix) -> list[str]:
    lines = [f"### {esc(fix.title)} ({code(fix.fix_id)})", ""]
    if fix.explanation:
        lines += [prose(fix.explanation), ""]
    if fix.guidance:
        lines += [f"By hand first: {prose(fix.guidance)}", ""]
    if fix.corrected_request:
        lines += ["The corrected request (the fix is the client's):", ""]
        lines += [*block(fix.corrected_request, "sh"), ""]
        lines += [f"- {prose(change)}" for change in fix.corrected_changes]
        lines += [""] if fix.corrected_changes else []
    if fix.commands:
        lines += ["Commands:", "", *block("\n".join(fix.commands), "sh"), ""]
    if fix.operations:
        lines += ["Operations:", "", *block("\n".join(fix.operations)), ""]
    extra = []
    if fix.needs_redeploy:
        extra.append("needs a new deployment of the stage")
    if fix.needs_cache_flush:
        extra.append("needs the authorizer cache flushed")
    if extra:
        lines += [f"Note: {'; '.join(extra)}.", ""]
    return lines


def _prevention(report: Report) -> list[str]:
    """The follow-ups are on the first page; the appendix says how to check it is gone."""
    if not report.verify_hint:
        return []
    return ["## How to confirm it is gone", "", prose(report.verify_hint), ""]


def _evidence(report: Report) -> list[str]:
    lines = ["## Evidence", ""]
    for item in report.evidence:
        lines += _evidence_item(item)
    if report.facts:
        lines += ["### Facts established", "", "Decisive facts are marked with ★.", ""]
        rows = [
            [
                ("★ " if f.decisive else "") + code(f.name, cell=True),
                code(f.value, cell=True) if f.value else "",
                esc(f"{f.source}: {f.origin}"),
            ]
            for f in report.facts
        ]
        lines += [*_table(["Fact", "Value", "Source"], rows), ""]
    if report.unknown_facts:
        lines += [
            "Could not be read (unknown, never assumed false): "
            + "; ".join(esc(u) for u in report.unknown_facts),
            "",
        ]
    if report.not_recorded:
        lines += [
            "Not recorded in this session (it was saved by an earlier version): "
            + "; ".join(esc(n) for n in report.not_recorded)
            + ".",
            "",
        ]
    return lines


def _evidence_item(item: Evidence) -> list[str]:
    lines = [f"### {esc(item.title)}", "", f"*Source: {esc(item.source)}*", ""]
    if item.method_arn:
        lines += [f"Method ARN: {code(item.method_arn)}", ""]
    if item.decision:
        lines += [f"Decision: **{esc(item.decision)}**", ""]
    if item.text and item.kind == "policy":
        lines += [prose(item.text), ""]
    elif item.text:
        lines += [*block(item.text), ""]
    if item.claims is not None:
        lines += [
            *block(json.dumps(item.claims, indent=2, ensure_ascii=False, default=str), "json"),
            "",
        ]
    if item.statements:
        rows = [
            [
                ("★ " if s.decisive else "") + code(s.label, cell=True),
                esc(s.effect),
                esc(s.outcome or "?"),
                "<br>".join(code(r, cell=True) for r in s.resources[:5]) or "",
                {True: "yes", False: "no", None: "?"}[s.covers_method_arn],
                "yes" if s.has_condition else "",
                esc(s.reason or ""),
            ]
            for s in item.statements
        ]
        header = ["Statement", "Effect", "Outcome", "Resource", "Matches ARN", "Condition", "Why"]
        lines += [*_table(header, rows), ""]
        for s in item.statements:
            if s.decisive:
                lines += [
                    f"Decisive statement {code(s.label)}:",
                    "",
                    *block(s.json_text, "json"),
                    "",
                ]
    for req in item.requests:
        head = " ".join(
            x
            for x in (
                code(req.request_id),
                esc(req.method or ""),
                esc(req.resource_path or ""),
                f"status {req.status}" if req.status is not None else "",
                {True: "(authorizer ran)", False: "(authorizer NOT run)", None: ""}[
                    req.authorizer_invoked
                ],
            )
            if x
        )
        text = "\n".join(f"{ln.time or ''} [{ln.kind or ''}] {ln.text}".strip() for ln in req.lines)
        if req.more_lines:
            text += f"\n… ({req.more_lines} more lines)"
        role = f" ({esc(req.role)})" if req.role else ""
        lines += [f"Request {head}{role}:", "", *block(text), ""]
    for note in item.notes:
        lines.append(f"- {esc(note)}")
    if item.notes:
        lines.append("")
    return lines


def _timeline(report: Report) -> list[str]:
    rows = [
        [
            code(e.at, cell=True),
            esc(e.kind),
            esc(e.title) + (f"<br>{esc(e.detail)}" if e.detail else ""),
        ]
        for e in report.timeline
    ]
    return ["## Timeline", "", *_table(["Time (UTC)", "Kind", "What"], rows), ""]


def _path(report: Report) -> list[str]:
    return [
        "## Path through the playbook",
        "",
        *block(report.path.tree),
        "",
        *block(report.path.mermaid, "mermaid"),
        "",
    ]


def _candidates(report: Report) -> list[str]:
    if not report.candidates or report.summary.cause_id is not None:
        return []  # a concluded walk's checks decide; the text-only ranking would only distract
    rows = [[code(c.id, cell=True), esc(c.title), f"{c.confidence:.2f}"] for c in report.candidates]
    return [
        "## Candidates the classifier ranked",
        "",
        *_table(["Cause", "Title", "Score"], rows),
        "",
    ]


def _environment(report: Report) -> list[str]:
    e = report.environment
    rows = [["Tool version", code(e.tool_version, cell=True)]]
    if e.playbook_id:
        rows.append(
            ["Playbook", f"{code(e.playbook_id, cell=True)} {esc(e.playbook_version or '')}"]
        )
    for label, value in (
        ("Region", e.region),
        ("Account id", e.account_id),
        ("Caller ARN", e.caller_arn),
        ("API id", e.api_id),
        ("Stage", e.stage),
    ):
        rows.append([label, code(value, cell=True) if value else "unknown"])
    if e.endpoint_url:
        rows.append(["Endpoint", code(e.endpoint_url, cell=True)])
    return ["## Environment", "", *_table(["", ""], rows), ""]
