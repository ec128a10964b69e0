"""Write a file only its owner can read (mode 0600), atomically and durably.

Reports, saved sessions and the change journal hold account ids, resource names, policies and
what was changed: they are created 0600 from the start (never chmod-ed after a 0644 write), via
a temporary file in the same directory, fsync-ed and renamed over the target, so a crash leaves
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private(path: str | Path, text: str | bytes) -> Path:
    """Replace `path` with `text` (UTF-8; bytes as they are), mode 0600; the parent directory
    is created (0700)."""
    target = Path(path)
    parent = target.parent
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as fh:  # mkstemp creates it 0600
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(parent)
    return target


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
