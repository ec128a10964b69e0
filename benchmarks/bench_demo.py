"""How long the demo takes per scenario: emulator start, provisioning, reproducing the 403, and
the live headless diagnosis (in this process, as `demo --headless` runs it).

    .venv/bin/python benchmarks/bench_demo.py [SCENARIO ...]

Prints one row per scenario (seconds). Figures, not assertions: the machine is shared.
"""

from __future__ import annotations

import contextlib
import io
import sys
import time

from wizard.cli import main
from wizard.sandbox.demo import Sandbox, diagnose_argv, sandbox_credentials
from wizard.sandbox.scenario import list_scenarios, load_scenario


def bench(name: str) -> tuple[float, float, float, float, int]:
    scenario = load_scenario(name)
    t0 = time.perf_counter()
    with Sandbox(scenario) as box:
        t1 = time.perf_counter()
        box.provision()
        t2 = time.perf_counter()
        repro = box.reproduce()
        t3 = time.perf_counter()
        argv = diagnose_argv(box.endpoint_url, repro.symptom, repro.provisioned, fmt="json")
        quiet_out, quiet_err = io.StringIO(), io.StringIO()
        with (
            sandbox_credentials(),
            contextlib.redirect_stdout(quiet_out),
            contextlib.redirect_stderr(quiet_err),
        ):
            code = main(argv)
        t4 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, t4 - t3, code


def run() -> None:
    names = sys.argv[1:] or [s.name for s in list_scenarios()]
    print(f"{'scenario':34} {'start':>6} {'build':>6} {'403':>6} {'diag':>6}  exit")
    totals = [0.0, 0.0, 0.0, 0.0]
    for name in names:
        figures = bench(name)
        for i in range(4):
            totals[i] += figures[i]
        start, build, repro, diag, code = figures
        print(f"{name:34} {start:6.2f} {build:6.2f} {repro:6.2f} {diag:6.2f}  {code}")
    n = len(names)
    print(f"{'mean':34} " + " ".join(f"{t / n:6.2f}" for t in totals))


if __name__ == "__main__":
    run()
