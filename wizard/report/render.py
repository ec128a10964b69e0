"""One entry point for every front end: a session (live object or dict) to report text.

    render_report(session.to_dict(), "md")            # TUI, --plain, diagnose --report
    render_session(session, "html")                   # the same from a live Session
    write_report(session, "incident.html")            # format from the file name

Redaction is on unless `redact=False` (the command's --no-redact, which warns on stderr).
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.analysis.inert import inert
from wizard.catalogue.model import load_catalogue
from wizard.outcome import Outcome
from wizard.private_file import write_private
from wizard.report.build import report_from_outcome, report_from_session
from wizard.report.common import ReportError
from wizard.report.model import Report
from wizard.report.render_html import render_html
from wizard.report.render_json import render_json
from wizard.report.render_md import render_markdown

FORMATS = ("md", "html", "json")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


def build(
    session_dict: Mapping[str, Any],
    *,
    redact: bool = True,
    mask_account: bool = True,
    generated_by: str | None = None,
    generated_at: str | None = None,
    catalogue: Any = None,
    live: Mapping[str, Any] | None = None,
) -> Report:
    """The Report model for a session dict, with the shipped catalogue (for prevention) when it
    loads, and now as the generation time."""
    if catalogue is None:
        catalogue = _shipped_catalogue()
    return report_from_session(
        session_dict,
        catalogue=catalogue,
        generated_at=generated_at or datetime.now(UTC).isoformat(),
        generated_by=generated_by,
        redact=redact,
        mask_account=mask_account,
        live=live,
    )


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


def render_report(
    session_dict: Mapping[str, Any], fmt: str = "md", redact: bool = True, **options: Any
) -> str:
    """The report for a session dict (`Session.to_dict()` or a saved session file) as text.
    Raises ReportError (one line) for a damaged session or an unknown format."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    return format_report(build(session_dict, redact=redact, **options), fmt)


def render_outcome(
    outcome: Outcome,
    record: Mapping[str, Any],
    fmt: str = "md",
    redact: bool = True,
    *,
    generated_at: str | None = None,
    **options: Any,
) -> str:
    """The report of an investigation's Outcome (`record`: its session's dict, for what the
    Outcome does not hold yet) as text; the shipped catalogue unless one is given."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    if options.get("catalogue") is None:
        options["catalogue"] = _shipped_catalogue()
    report = report_from_outcome(
        outcome,
        record,
        generated_at=generated_at or datetime.now(UTC).isoformat(),
        redact=redact,
        **options,
    )
    return format_report(report, fmt)


def render_session(session: Any, fmt: str = "md", redact: bool = True, **options: Any) -> str:
    """The same from a live engine Session: what its AWS connection knows (caller, account,
    region, endpoint) and the local user are added unless given."""
    options.setdefault("live", live_context(session))
    options.setdefault("generated_by", local_user())
    return render_report(session.to_dict(), fmt, redact, **options)


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


def write_report(
    session: Any, path: str | Path, fmt: str | None = None, redact: bool = True, **options: Any
) -> Path:
    """Write the report of a live Session (or a session dict) to `path`; the format defaults to
    the file's suffix (.md, .html, .json), else Markdown."""
    fmt = fmt or format_for_path(path)
    if isinstance(session, Mapping):
        text = render_report(session, fmt, redact, **options)
    else:
        text = render_session(session, fmt, redact, **options)
    return write_private(path, text)


def _shipped_catalogue() -> Any:
    try:
        return load_catalogue()
    except Exception:  # a report without prevention notes beats no report
        return None
