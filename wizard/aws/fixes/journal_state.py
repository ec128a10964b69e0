"""Which journal states mean "interrupted", and a check for one that costs a directory read.

Every front end asks at start whether an earlier fix stopped half-way. The journal module
(wizard.aws.fixes.journal) answers it fully, but importing it pulls the fix renderer and
botocore (~1.5 s CPU of the TUI's first paint, -X importtime), and almost every start has
nothing to report. This module reads only the journals' `state` field; when it sees nothing
that could be unfinished, the front end skips the full check.
"""

from __future__ import annotations

import json
from pathlib import Path

from wizard.paths import journal_dir

# Calls (or a restore) were in flight when the process stopped.
UNFINISHED = ("applying", "rolling-back")


def maybe_unfinished(directory: Path | None = None) -> bool:
    """False only when every journal file reads and none is in an unfinished state. A file that
    cannot be read or parsed counts as maybe: the full check decides (it skips damaged ones)."""
    try:
        paths = list((directory or journal_dir()).glob("*.json"))
    except OSError:
        return True
    for path in paths:
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return True
        if not isinstance(data, dict) or str(data.get("state")) in UNFINISHED:
            return True
    return False
