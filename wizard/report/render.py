"""An investigation's Outcome to report text (`render_outcome(outcome, "html")`), and the
pieces the front ends share: the formats, a file's format, the live connection's context.
Saved sessions and live investigations are rendered through wizard.investigation.report,
which builds their Outcome first.

Redaction is on unless `redact=False` (the command's --no-redact, which warns on stderr).
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.analysis.inert import inert
from wizard.catalogue.model import load_catalogue
from wizard.outcome import Outcome
from wizard.report.build import report_from_outcome
from wizard.report.common import ReportError
from wizard.report.model import Report
from wizard.report.render_html import render_html
from wizard.report.render_json import render_json
from wizard.report.render_md import render_markdown

FORMATS = ("md", "html", "json")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


def format_report(report: Report, fmt: str) -> str:
    """The report as text; made inert (control characters from AWS names,
    messages and claims escaped, in a form JSON also reads back)."""
    if fmt == "md":
        return inert(render_markdown(report))
    if fmt == "html":
        return inert(render_html(report))
    if fmt == "json":
        return inert(render_json(report))
    raise ReportError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")


def render_outcome(
    outcome: Outcome,
    fmt: str = "md",
    redact: bool = True,
    *,
    generated_at: str | None = None,
    **options: Any,
) -> str:
    """The report of an investigation's Outcome as text (the MCP server's and every front
    end's); the shipped catalogue unless one is given."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    if options.get("catalogue") is None:
        options["catalogue"] = shipped_catalogue()
    report = report_from_outcome(
        outcome,
        generated_at=generated_at or datetime.now(UTC).isoformat(),
        redact=redact,
        **options,
    )
    return format_report(report, fmt)


def live_context(session: Any) -> dict[str, Any]:
    """Caller ARN, account, region and endpoint of a live session's AWS connection ({} when
    offline or when they cannot be read: a report never fails for want of them)."""
    aws = getattr(session, "aws", None)
    if aws is None:
        return {}
    out: dict[str, Any] = {}
    try:
        out.update({k: v for k, v in aws.describe().items() if k in ("region", "endpoint_url")})
        out.update(aws.caller_identity())  # cached by the session after "Running as ..."
    except Exception:  # expired credentials, no network: the report still gets written
        pass
    return out


def local_user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return None


def format_for_path(path: str | Path, default: str = "md") -> str:
    return _SUFFIXES.get(Path(path).suffix.lower(), default)


def shipped_catalogue() -> Any:
    try:
        return load_catalogue()
    except Exception:  # a report without prevention notes beats no report
        return None
