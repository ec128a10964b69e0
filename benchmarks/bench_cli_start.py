"""Cold start of `apigw-wizard --help`: median wall time of a fresh process over several runs.

Aim: under 0.3 s. Measured in the same run as a bare `python -c pass` (the interpreter's own
start) so the figure can be read on a slow or busy machine: the difference is what the CLI
adds. Also lists any heavy module `--help` pulled in (there should be none). Prints figures;
asserts nothing.

    .venv/bin/python benchmarks/bench_cli_start.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("boto3", "botocore", "textual", "pydantic", "yaml", "jwt", "questionary", "rich")


def _median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _heavy_modules() -> list[str]:
    code = (
        "import sys, json\nfrom wizard.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    return sorted(m for m in loaded if m.split(".")[0] in HEAVY)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    script = shutil.which("apigw-wizard", path=str(Path(sys.executable).parent))
    cli = [script, "--help"] if script else [sys.executable, "-m", "wizard", "--help"]
    _median_wall(cli, 2)  # warm the OS file cache; cold means a new process, not a cold disk
    bare = _median_wall([sys.executable, "-c", "pass"], args.runs)
    cli_time = _median_wall(cli, args.runs)
    module = _median_wall([sys.executable, "-m", "wizard", "--help"], args.runs)
    print(f"python -c pass:             {bare * 1000:6.0f} ms (median of {args.runs})")
    print(f"apigw-wizard --help:        {cli_time * 1000:6.0f} ms  (aim < 300 ms)")
    print(f"python -m wizard --help:    {module * 1000:6.0f} ms")
    print(f"added by the CLI:           {(cli_time - bare) * 1000:6.0f} ms")
    heavy = _heavy_modules()
    print(f"heavy modules imported by --help: {', '.join(heavy) if heavy else 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
