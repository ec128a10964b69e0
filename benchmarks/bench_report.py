"""Report rendering: a realistic session (the seed incident walked offline) in every format,
and a session with a 5 MB pasted log. Prints figures; asserts nothing (speed targets live here,
not in tests). Aim: a typical report well under 0.5 s, the large paste under 5 s."""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.report.sessions import seed_session
from wizard.catalogue.model import load_catalogue
from wizard.investigation.report import render_report


def _time(label: str, data: dict, fmt: str, catalogue: object, runs: int = 5) -> None:
    render_report(data, fmt, catalogue=catalogue)  # warm: imports, botocore model
    start = time.perf_counter()
    for _ in range(runs):
        text = render_report(data, fmt, catalogue=catalogue)
    ms = (time.perf_counter() - start) / runs * 1000
    print(f"{label:<28} {fmt:<5} {ms:8.1f} ms   {len(text) / 1024:8.1f} KiB")


def main() -> None:
    catalogue = load_catalogue()
    data = seed_session().to_dict()
    for fmt in ("md", "html", "json"):
        _time("seed incident", data, fmt, catalogue)
    big = copy.deepcopy(data)
    lines = big["facts"]["logs_text"]["value"].splitlines()
    big["facts"]["logs_text"]["value"] = "\n".join(lines * (5_000_000 // len("\n".join(lines))))
    size = len(big["facts"]["logs_text"]["value"]) / 1e6
    for fmt in ("md", "html"):
        _time(f"seed + {size:.1f} MB of logs", big, fmt, catalogue, runs=1)


if __name__ == "__main__":
    main()
