"""Seed `diagnose` against the same evidence gathered by hand with the AWS CLI: CPU and wall ratios.

Issue 14 asks for seed `diagnose` / the manual procedure <= 0.15. "The manual procedure" is what an
engineer without the wizard runs: one `aws` command for each read the wizard makes. The benchmark
does not write that list itself (it would drift from the product): it runs one `diagnose` on the
seed incident (authz-cache-scoped-policy) on MiniStack in this process, records every request it
sent (service, operation, parameters), renders each through the wizard's one CLI renderer
(`wizard.aws.fixes.render.render_argv`, the one that prints fixes and manual hints) and runs those
commands with the real AWS CLI, one after the other, as a person would. The Lambda invoke is
rendered the way the authorizer probe's manual hint renders it (payload from a file, an outfile).

Then, in rounds, a cold `apigw-wizard diagnose` process and the manual sequence run interleaved,
so both see the same machine load; the printed figures are medians of the paired ratios.
Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.aws.api_size import diagnose_calls  # noqa: E402
from tests.aws.aws_probe_helpers import (  # noqa: E402
    emulator_env,
    provision_seed,
    seed_diagnose_argv,
    wizard_session,
)
from wizard.aws.fixes.render import CliTarget, render_argv  # noqa: E402
from wizard.sandbox import emulator  # noqa: E402

# The CLI next to this Python (awscli is a test dependency), so the run does not depend on a
# machine-wide install.
AWS = str(Path(sys.executable).with_name("aws"))
# Children keep bytecode caches, as installed tools have them.
CHILD_ENV = {k: v for k, v in emulator_env().items() if k != "PYTHONDONTWRITEBYTECODE"}


def manual_commands(
    requests: list[tuple[str, str, dict[str, Any]]], endpoint: str, workdir: Path
) -> list[list[str]]:
    """One AWS CLI argv for each request `diagnose` sent, in the order it sent them."""
    target = CliTarget(region="us-east-1", endpoint_url=endpoint)
    commands = []
    for n, (service, operation, params) in enumerate(requests):
        if (service, operation) == ("lambda", "Invoke"):
            event = workdir / f"event-{n}.json"
            event.write_bytes(bytes(params.get("Payload") or b"{}"))
            rest = {k: v for k, v in params.items() if k != "Payload"}
            argv = [
                *render_argv(service, operation, rest, target),
                "--payload",
                f"fileb://{event}",
                str(workdir / f"out-{n}.json"),
            ]
        else:
            argv = render_argv(service, operation, params, target)
        commands.append([AWS, *argv[1:]])
    return commands


def _run(cmd: list[str]) -> tuple[float, float, int]:
    """CPU seconds (the child's user + system), wall seconds and exit code of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    code = subprocess.run(cmd, check=False, capture_output=True, env=CHILD_ENV).returncode
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, code


def _sequence(commands: list[list[str]]) -> tuple[float, float, int]:
    cpu = wall = 0.0
    failed = 0
    for cmd in commands:
        c, w, code = _run(cmd)
        cpu, wall, failed = cpu + c, wall + w, failed + (code != 0)
    return cpu, wall, failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with emulator.running() as emu, tempfile.TemporaryDirectory() as tmp:
        session = wizard_session(emu)
        out = provision_seed(emu, session)
        code, result, calls = diagnose_calls(out, emu.endpoint_url)
        cause = (result.get("diagnosis") or {}).get("cause")
        commands = manual_commands(calls.requests, emu.endpoint_url, Path(tmp))
        print(
            f"seed diagnose on MiniStack ({emu.endpoint_url}): exit {code}, cause {cause}, "
            f"{len(commands)} AWS requests -> {len(commands)} AWS CLI commands"
        )
        for cmd in commands:
            print("  " + " ".join(cmd[1:4]))
        wizard = [sys.executable, "-m", "wizard", *seed_diagnose_argv(out, emu.endpoint_url)]
        _run(wizard)  # the validated caches and the page cache filled for both sides
        for cmd in commands:  # each must succeed, or the comparison is not fair
            done = subprocess.run(cmd, check=False, capture_output=True, env=CHILD_ENV)
            if done.returncode:
                err = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
                print(f"  FAILED: {' '.join(cmd[1:4])}: {' '.join(err)[:200]}")
        pairs = []
        failures = 0
        for _ in range(args.rounds):
            w_cpu, w_wall, _ = _run(wizard)
            m_cpu, m_wall, failed = _sequence(commands)
            failures += failed
            pairs.append((w_cpu, w_wall, m_cpu, m_wall))
        med = [statistics.median(p[i] for p in pairs) for i in range(4)]
        cpu_ratio = statistics.median(p[0] / p[2] for p in pairs)
        wall_ratio = statistics.median(p[1] / p[3] for p in pairs)
        print(
            f"diagnose process:        {med[0]:.2f} s CPU, {med[1]:.2f} s wall (median of {args.rounds})"
        )
        print(
            f"the same reads by hand:  {med[2]:.2f} s CPU, {med[3]:.2f} s wall ({len(commands)} aws commands)"
        )
        print(f"  commands that failed: {failures} of {len(commands) * args.rounds}")
        print(f"diagnose / by hand, CPU:  {cpu_ratio:.2f} (median of paired ratios; aim <= 0.15)")
        print(f"diagnose / by hand, wall: {wall_ratio:.2f}")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
