"""The one file-name scheme for reports, used by every front end (the TUI's export, prompt
mode's offer, `diagnose --report`, the `report` command):

    apigw-403-<UTC start of the walk, YYYYMMDD-HHMMSS>.<md|html|json>

The time is when the investigation started (the session's `started_at`), so one incident gets
one name whichever front end writes it, and a saved session's report is named like the live
one. Where a front end takes a path, a directory means "this name, in that directory".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

PREFIX = "apigw-403"
SUFFIXES = {"md": ".md", "html": ".html", "json": ".json"}


def report_stem(started_at: datetime | str | None) -> str:
    """`apigw-403-20261202-075510` (the walk's start, in UTC; now when it is unknown)."""
    at: datetime | None
    if isinstance(started_at, str):
        try:
            at = datetime.fromisoformat(started_at.replace("Z", "+00:00"))
        except ValueError:
            at = None
    else:
        at = started_at
    at = at or datetime.now(UTC)
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return f"{PREFIX}-{at.strftime('%Y%m%d-%H%M%S')}"


def report_name(started_at: datetime | str | None, fmt: str = "md") -> str:
    return report_stem(started_at) + SUFFIXES.get(fmt, f".{fmt}")


def report_path(
    target: str | Path | None, started_at: datetime | str | None, fmt: str = "md"
) -> Path:
    """Where to write: `target` itself, or the scheme's name inside `target` when it is a
    directory (or ends in a slash), or in the current directory when there is no target."""
    if target is None or str(target) == "":
        return Path.cwd() / report_name(started_at, fmt)
    path = Path(target)
    if path.is_dir() or str(target).endswith(("/", "\\")):
        return path / report_name(started_at, fmt)
    return path
