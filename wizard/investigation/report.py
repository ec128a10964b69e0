"""The incident report of an investigation, always through its one Outcome: a live investigation
renders `inv.outcome()`; a saved session (a dict or file) is restored into an investigation
first and its Outcome built by the same builder (outcome_build), so no report is built from the
raw session record.

    render_investigation(inv, "md")                    # TUI, --plain, diagnose --report
    render_report(session_dict, "html")                # `apigw-wizard report` on a saved file
    write_report(inv, "incident.html")                 # format from the file name

Redaction is on unless `redact=False` (the command's --no-redact, which warns on stderr).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.engine.session import Session, SessionError
from wizard.investigation.investigation import Investigation
from wizard.investigation.probes import registry_for
from wizard.outcome import Outcome
from wizard.private_file import write_private
from wizard.report.build import report_from_outcome
from wizard.report.common import ReportError
from wizard.report.model import Report
from wizard.report.render import (
    FORMATS,
    format_for_path,
    format_report,
    live_context,
    local_user,
    shipped_catalogue,
)

SESSION_FORMAT = "apigw-wizard-session"

# The parts every saved session has, with their JSON types: a file missing one is damaged
# (truncated by hand, written by something else), and a report from it would mislead.
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "started_at": str,
    "playbook": Mapping,
    "facts": Mapping,
    "path": list,
    "timeline": list,
}
_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "visits": list,
    "fixes": list,
    "applied": list,
    "ranking": list,
    "inputs": Mapping,
    "diagnosis": (Mapping, type(None)),
}


def check_record(session: Any) -> None:
    """ReportError (one line, naming the field) for what is not a whole saved session."""
    if not isinstance(session, Mapping) or session.get("format") != SESSION_FORMAT:
        raise ReportError("not an apigw-wizard session (its 'format' is not apigw-wizard-session)")
    for key, kind in _REQUIRED.items():
        if key not in session:
            raise ReportError(f"the session is damaged: it has no '{key}'")
        if not isinstance(session[key], kind):
            raise ReportError(f"the session is damaged: '{key}' is not a {_kind_name(kind)}")
    for key, kind in _OPTIONAL.items():
        if key in session and not isinstance(session[key], kind):
            raise ReportError(f"the session is damaged: '{key}' is not a {_kind_name(kind)}")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    first = kind[0] if isinstance(kind, tuple) else kind
    return {"Mapping": "JSON object", "list": "JSON list", "str": "string"}.get(
        first.__name__, first.__name__
    )


def outcome_from_record(session: Mapping[str, Any], *, keep_secrets: bool = False) -> Outcome:
    """The Outcome of a saved session: restored offline (no probe runs, nothing is changed),
    then built by the investigation's one builder. Raises ReportError (one line)."""
    check_record(session)
    try:
        restored = Session.from_dict(session, registry=registry_for(live=False))
        return Investigation.from_session(restored).outcome(keep_secrets=keep_secrets)
    except SessionError as exc:
        raise ReportError(f"the session does not match its playbook: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportError(f"the session is damaged: {type(exc).__name__}: {exc}") from None


def report_from_session(session: Mapping[str, Any], **options: Any) -> Report:
    """The incident report of a saved session dict (options: wizard.report.build)."""
    outcome = outcome_from_record(session, keep_secrets=options.get("redact") is False)
    return report_from_outcome(outcome, **options)


def build(
    session_dict: Mapping[str, Any],
    *,
    catalogue: Any = None,
    generated_at: str | None = None,
    **options: Any,
) -> Report:
    """The Report model for a saved session dict, with the shipped catalogue (for prevention)
    when it loads, and now as the generation time."""
    return report_from_session(
        session_dict,
        catalogue=catalogue if catalogue is not None else shipped_catalogue(),
        generated_at=generated_at or datetime.now(UTC).isoformat(),
        **options,
    )


def render_report(
    session_dict: Mapping[str, Any], fmt: str = "md", redact: bool = True, **options: Any
) -> str:
    """The report for a saved session dict as text. Raises ReportError (one line) for a
    damaged session or an unknown format."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    return format_report(build(session_dict, redact=redact, **options), fmt)


def render_investigation(
    inv: Investigation, fmt: str = "md", redact: bool = True, **options: Any
) -> str:
    """The report of a live investigation's Outcome: what its AWS connection knows (caller,
    account, region, endpoint) and the local user are added unless given."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    options.setdefault("live", live_context(inv.session))
    options.setdefault("generated_by", local_user())
    options.setdefault("catalogue", shipped_catalogue())
    options.setdefault("generated_at", datetime.now(UTC).isoformat())
    outcome = inv.outcome(keep_secrets=not redact)
    return format_report(report_from_outcome(outcome, redact=redact, **options), fmt)


def write_report(
    source: Investigation | Mapping[str, Any],
    path: str | Path,
    fmt: str | None = None,
    redact: bool = True,
    **options: Any,
) -> Path:
    """Write the report of an investigation (or a saved session dict) to `path`; the format
    defaults to the file's suffix (.md, .html, .json), else Markdown."""
    fmt = fmt or format_for_path(path)
    if isinstance(source, Mapping):
        text = render_report(source, fmt, redact, **options)
    else:
        text = render_investigation(source, fmt, redact, **options)
    return write_private(path, text)
