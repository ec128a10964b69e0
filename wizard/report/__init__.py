"""The incident report: a model built from a session (`build`), rendered as Markdown, one
self-contained HTML file, or JSON with a published schema (`render`).

Front ends call `wizard.report.render.render_report(session_dict, fmt, redact=True)`;
`build_report(session, path)` writes one file (diagnose --report). The two imports below stay
lazy so that importing this package (prompt mode does, at start) costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_report(
    session: Any, path: str | Path, fmt: str | None = None, redact: bool = True
) -> Path:
    """Write the report of `session` (an engine Session or its dict) to `path` (format from the
    suffix unless given)."""
    # lazy: wizard.report.render costs 330-750 ms (botocore via aws.fixes.render, the catalogue; -X importtime), paid only when a report is written
    from wizard.report.render import write_report

    return write_report(session, path, fmt, redact)


def render_report(session_dict: Any, fmt: str = "md", redact: bool = True) -> str:
    # lazy: the same 330-750 ms as write_report above
    from wizard.report.render import render_report as _render

    return _render(session_dict, fmt, redact)
