"""The report as ONE self-contained HTML file: inline CSS (with print styles), no script, no
web fonts, no images, nothing fetched — it opens the same offline, in a mail attachment or a
ticket. Every piece of text from the session goes through `html.escape` (API names, paths,
headers and log lines are untrusted input); long lines wrap instead of widening the page.
The Mermaid source of the path is included as text (rendering it would need a script).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from wizard.report.common import is_web_address, spans
from wizard.report.model import ChangeRecord, Evidence, ProposedFix, Report

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
  max-width: 68rem; margin: 0 auto; padding: 1.5rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p, li, td, th { overflow-wrap: anywhere; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: #f3f4f6; padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .8rem;
  white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; max-width: 100%; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; table-layout: fixed; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
table.kv th { width: 12rem; }
.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .5rem .8rem; }
.warn { background: #ffebe9; border-color: #cf222e; }
.status { font-weight: 700; padding: .05rem .5rem; border-radius: 1rem; color: #fff; }
.status-resolved { background: #1a7f37; } .status-mitigated { background: #9a6700; }
.status-open { background: #cf222e; }
.decisive { background: #fff8c5; }
.ok { color: #1a7f37; font-weight: 600; } .bad { color: #cf222e; font-weight: 600; }
.source { color: #57606a; font-style: italic; }
ul.todo { list-style: "\\2610  "; }
.brief { border: 1px solid #d0d7de; border-radius: 8px; padding: .2rem 1.2rem 1rem; }
.brief h2 { border: none; margin-top: .8rem; }
.brief dl { margin: 0; }
.brief dt { font-weight: 700; margin-top: .7rem; }
.brief dd { margin: .1rem 0 0; } .brief dd p { margin: .1rem 0; }
.brief ul { margin: .2rem 0; padding-left: 1.4rem; }
.appendix-note { color: #57606a; }
@page { size: A4; margin: 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .brief { border: none; padding: 0; }
  #appendix { break-before: page; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  pre, table, .change, .evidence { break-inside: avoid; }
  pre { border-color: #999; background: #fff; }
  .status { color: #000; border: 1px solid #000; background: none; }
}
"""


def e(value: Any) -> str:
    return escape(str(value), quote=True)


def c(value: Any) -> str:
    return f"<code>{e(value)}</code>"


def pre(text: str, cls: str = "") -> str:
    attr = f' class="{e(cls)}"' if cls else ""
    return f"<pre{attr}><code>{e(text)}</code></pre>"


def _kv(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _table(header: list[str], rows: list[list[str]], row_cls: list[str] | None = None) -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = ""
    for i, row in enumerate(rows):
        cls = row_cls[i] if row_cls else ""
        attr = f' class="{e(cls)}"' if cls else ""
        body += f"<tr{attr}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def prose(text: Any) -> str:
    """Escaped text whose `code` spans (the catalogue's backticks) become <code>."""
    return "".join(c(piece) if is_code else e(piece) for is_code, piece in spans(str(text)))


def link(url: str) -> str:
    """A web address as a link (http and https only; anything else stays inert code)."""
    return f'<a href="{e(url)}">{e(url)}</a>' if is_web_address(url) else c(url)


def render_html(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # no request of any kind: no scripts, frames, fonts, images or forms, even if injected
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'\">",
        f"<title>{e(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head><body>",
        f"<h1>{e(report.title)}</h1>",
        _safety_note(report),
        _brief(report),
        '<section id="appendix"><h2>Engineer appendix</h2>',
        '<p class="appendix-note">Everything below is for the engineer who continues from '
        "here: the details, the changes with their exact commands and rollback, the evidence "
        "with its sources, the facts, the timeline and the path through the playbook.</p>",
        _summary(report),
    ]
    if report.explanation:
        parts.append(f"<h2>What went wrong</h2><p>{prose(report.explanation)}</p>")
    parts += [
        _changes(report),
        _proposed(report),
        _prevention(report),
        _evidence(report),
        _timeline(report),
        _path(report),
        _candidates(report),
        _environment(report),
    ]
    if report.further_reading:
        items = "".join(f"<li>{link(s)}</li>" for s in report.further_reading)
        parts.append(f"<h2>Further reading</h2><ul>{items}</ul>")
    parts.append("</section></body></html>")
    return "\n".join(p for p in parts if p) + "\n"


def _safety_note(report: Report) -> str:
    if report.redacted:
        text = "Tokens, signatures, API key values and secrets are redacted."
        cls = "note"
    else:
        text = "WARNING: this report is NOT redacted (--no-redact): it may contain tokens and keys."
        cls = "note warn"
    if report.account_id_masked:
        text += " Account ids are masked."
    return f'<p class="{cls}">{e(text)}</p>'


def _summary(report: Report) -> str:
    s = report.summary
    rows: list[tuple[str, str]] = []
    if s.failing_request:
        rows.append(("Failing request", c(s.failing_request)))
    if s.response:
        rows.append(("Response", e(s.response)))
    if s.request_ids:
        rows.append(("Request id(s)", ", ".join(c(r) for r in s.request_ids)))
    if s.failing_caller:
        rows.append(("Failing caller", c(s.failing_caller)))
    cause = f" ({c(s.cause_id)})" if s.cause_id else ""
    rows.append(("Root cause", e(s.root_cause) + cause))
    status = (
        f'<span class="status status-{e(s.status)}">{e(s.status.upper())}</span> '
        f"{e(s.status_reason)}"
    )
    rows.append(("Status", status))
    who = []
    if s.caller_arn:
        who.append(f"AWS identity {c(s.caller_arn)}")
    if s.confirmed_by:
        who.append("changes confirmed by " + ", ".join(e(b) for b in s.confirmed_by))
    if s.generated_by:
        who.append(f"report by {e(s.generated_by)}")
    rows.append(("Run by", "; ".join(who) or "not recorded (offline walk)"))
    rows.append(("When", e(s.started_at) + (f" to {e(s.ended_at)}" if s.ended_at else "")))
    rows.append(("Questions answered", e(s.questions_answered)))
    return "<h2>Details</h2>" + _kv(rows)


def _brief(report: Report) -> str:
    """The first page: for the reader who was not at the keyboard."""
    b, s = report.brief, report.summary
    items = [
        ("What broke", f"<p>{prose(b.what_broke)}</p>"),
        ("Impact window", f"<p>{prose(b.impact_window)}</p>"),
        ("Root cause", f"<p>{prose(b.root_cause)}</p>"),
        (
            "What changed",
            "<ul>" + "".join(f"<li>{prose(x)}</li>" for x in b.what_changed) + "</ul>",
        ),
        ("Verified", f"<p>{prose(b.verified)}</p>"),
    ]
    if b.prevention:
        todo = "".join(f"<li>{prose(p)}</li>" for p in b.prevention)
        items.append(("How to prevent it", f'<ul class="todo">{todo}</ul>'))
    if b.next_step:
        items.append(("Next step", f"<p>{prose(b.next_step)}</p>"))
    body = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in items)
    status = f'<span class="status status-{e(s.status)}">{e(s.status.upper())}</span>'
    return (
        f'<section id="brief" class="brief"><h2>Incident summary {status}</h2>'
        f"<dl>{body}</dl></section>"
    )


def _changes(report: Report) -> str:
    if not report.changes:
        return ""
    return "<h2>Changes made</h2>" + "".join(_change(ch) for ch in report.changes)


def _change(ch: ChangeRecord) -> str:
    by = f" by {e(ch.by)}" if ch.by else ""
    out = [
        '<section class="change">',
        f"<h3>{e(ch.title)} ({c(ch.fix_id)}): {e(ch.outcome)}</h3>",
        f"<p>At {e(ch.at)}{by}.</p>",
    ]
    if ch.detail:
        out.append(f"<p>{e(ch.detail)}</p>")
    if ch.commands:
        out += ["<p>Commands run (through boto3, no shell):</p>", pre("\n".join(ch.commands))]
    if ch.results:
        items = "".join(
            f"<li>{c(r.command)} → <strong>{e(r.status)}</strong>"
            + (f": {e(r.message)}" if r.message else "")
            + "</li>"
            for r in ch.results
        )
        out.append(f"<p>Results:</p><ul>{items}</ul>")
    if ch.changes:
        out.append("<p>What changed:</p>")
        for d in ch.changes:
            out += [f"<p>{e(d.what)}</p>", pre(d.text)]
    if ch.verification is not None:
        v = ch.verification
        word, cls = {
            True: ("Verified", "ok"),
            False: ("NOT verified", "bad"),
            None: ("Not checked", ""),
        }[v.verified]
        replay = f" (the request now returns {e(v.replay_status)})" if v.replay_status else ""
        out.append(
            f'<p>Verification: <span class="{cls}">{word}</span>{replay}. {e(v.message)}</p>'
        )
        if v.checks:
            rows = [
                [e(k.what), c(k.expected), c(k.actual), "ok" if k.ok else "FAILED"]
                for k in v.checks
            ]
            out.append(_table(["Check", "Expected", "Found", ""], rows))
    if ch.rollback:
        out += ["<p>Rollback (undoes this change):</p>", pre("\n".join(ch.rollback))]
    if ch.rollback_notes:
        out.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in ch.rollback_notes) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _proposed(report: Report) -> str:
    pending = [f for f in report.proposed_fixes if not f.applied]
    if not pending:
        return ""
    title = "Fixes proposed" if not report.changes else "Other fixes proposed"
    return f"<h2>{title}</h2>" + "".join(_proposal(f) for f in pending)


def _proposal(fix: ProposedFix) -> str:
    out = [f"<h3>{e(fix.title)} ({c(fix.fix_id)})</h3>"]
    if fix.explanation:
        out.append(f"<p>{prose(fix.explanation)}</p>")
    if fix.guidance:
        out.append(f"<p><strong>By hand first:</strong> {prose(fix.guidance)}</p>")
    if fix.corrected_request:
        out += ["<p>The corrected request (the fix is the client's):</p>"]
        out.append(pre(fix.corrected_request))
        if fix.corrected_changes:
            out.append("<ul>" + "".join(f"<li>{prose(x)}</li>" for x in fix.corrected_changes))
            out.append("</ul>")
    if fix.commands:
        out += ["<p>Commands:</p>", pre("\n".join(fix.commands))]
    if fix.operations:
        out += ["<p>Operations:</p>", pre("\n".join(fix.operations))]
    extra = []
    if fix.needs_redeploy:
        extra.append("needs a new deployment of the stage")
    if fix.needs_cache_flush:
        extra.append("needs the authorizer cache flushed")
    if extra:
        out.append(f"<p>Note: {e('; '.join(extra))}.</p>")
    return "".join(out)


def _prevention(report: Report) -> str:
    """The follow-ups are on the first page; the appendix says how to check it is gone."""
    if not report.verify_hint:
        return ""
    return f"<h2>How to confirm it is gone</h2><p>{prose(report.verify_hint)}</p>"


def _evidence(report: Report) -> str:
    out = ["<h2>Evidence</h2>"]
    out += [_evidence_item(item) for item in report.evidence]
    if report.facts:
        rows = [
            [c(f.name), c(f.value) if f.value else "", e(f"{f.source}: {f.origin}")]
            for f in report.facts
        ]
        classes = ["decisive" if f.decisive else "" for f in report.facts]
        out += [
            "<h3>Facts established</h3><p>Decisive facts are highlighted.</p>",
            _table(["Fact", "Value", "Source"], rows, classes),
        ]
    if report.unknown_facts:
        out.append(
            "<p><strong>Could not be read</strong> (unknown, never assumed false): "
            + e("; ".join(report.unknown_facts))
            + "</p>"
        )
    if report.not_recorded:
        out.append(
            "<p><strong>Not recorded in this session</strong> (it was saved by an earlier "
            "version): " + e("; ".join(report.not_recorded)) + ".</p>"
        )
    return "".join(out)


def _evidence_item(item: Evidence) -> str:
    out = [
        '<section class="evidence">',
        f"<h3>{e(item.title)}</h3>",
        f'<p class="source">Source: {e(item.source)}</p>',
    ]
    if item.method_arn:
        out.append(f"<p>Method ARN: {c(item.method_arn)}</p>")
    if item.decision:
        out.append(f"<p>Decision: <strong>{e(item.decision)}</strong></p>")
    if item.text and item.kind == "policy":
        out.append(f"<p>{prose(item.text)}</p>")
    elif item.text:
        out.append(pre(item.text))
    if item.claims is not None:
        out.append(pre(json.dumps(item.claims, indent=2, ensure_ascii=False, default=str)))
    if item.statements:
        rows = [
            [
                c(s.label),
                e(s.effect),
                e(s.outcome or "?"),
                "<br>".join(c(r) for r in s.resources[:5]),
                {True: "yes", False: "no", None: "?"}[s.covers_method_arn],
                "yes" if s.has_condition else "",
                e(s.reason or ""),
            ]
            for s in item.statements
        ]
        classes = ["decisive" if s.decisive else "" for s in item.statements]
        header = ["Statement", "Effect", "Outcome", "Resource", "Matches ARN", "Condition", "Why"]
        out.append(_table(header, rows, classes))
        for s in item.statements:
            if s.decisive:
                out += [f"<p>Decisive statement {c(s.label)}:</p>", pre(s.json_text)]
    for req in item.requests:
        bits = [c(req.request_id)]
        bits += [e(x) for x in (req.method, req.resource_path) if x]
        if req.status is not None:
            bits.append(f"status {e(req.status)}")
        invoked = {True: "(authorizer ran)", False: "(authorizer NOT run)", None: ""}
        if invoked[req.authorizer_invoked]:
            bits.append(invoked[req.authorizer_invoked])
        text = "\n".join(f"{ln.time or ''} [{ln.kind or ''}] {ln.text}".strip() for ln in req.lines)
        if req.more_lines:
            text += f"\n… ({req.more_lines} more lines)"
        if req.role:
            bits.append(f"({e(req.role)})")
        out += [f"<p>Request {' '.join(bits)}:</p>", pre(text)]
    if item.notes:
        out.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in item.notes) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _timeline(report: Report) -> str:
    rows = [
        [
            c(t.at),
            e(t.kind),
            e(t.title) + (f"<br><small>{e(t.detail)}</small>" if t.detail else ""),
        ]
        for t in report.timeline
    ]
    return "<h2>Timeline</h2>" + _table(["Time (UTC)", "Kind", "What"], rows)


def _path(report: Report) -> str:
    return (
        "<h2>Path through the playbook</h2>"
        + pre(report.path.tree)
        + "<details><summary>Mermaid source of this path</summary>"
        + pre(report.path.mermaid)
        + "</details>"
    )


def _candidates(report: Report) -> str:
    if not report.candidates or report.summary.cause_id is not None:
        return ""  # a concluded walk's checks decide; the text-only ranking would only distract
    rows = [[c(x.id), e(x.title), f"{x.confidence:.2f}"] for x in report.candidates]
    return "<h2>Candidates the classifier ranked</h2>" + _table(["Cause", "Title", "Score"], rows)


def _environment(report: Report) -> str:
    env = report.environment
    rows = [("Tool version", c(env.tool_version))]
    if env.playbook_id:
        rows.append(("Playbook", f"{c(env.playbook_id)} {e(env.playbook_version or '')}"))
    for label, value in (
        ("Region", env.region),
        ("Account id", env.account_id),
        ("Caller ARN", env.caller_arn),
        ("API id", env.api_id),
        ("Stage", env.stage),
    ):
        rows.append((label, c(value) if value else "unknown"))
    if env.endpoint_url:
        rows.append(("Endpoint", c(env.endpoint_url)))
    return "<h2>Environment</h2>" + _kv(rows)
