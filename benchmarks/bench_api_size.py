"""AWS calls per `diagnose` as the API grows: 10, 1,000 and 10,000 resources. Prints; asserts nothing.

The seed incident (authz-cache-scoped-policy) is provisioned on one MiniStack on 127.0.0.1,
then 50 authorizers, 500 usage plans and 20,000 authorizer log lines are added, and the API is
grown to each size in turn (concurrently, on the same emulator). At each size `diagnose` runs
in this process on the failing POST and every request it sends is counted with a botocore
`before-call` handler (read-cache answers are not requests). Figures: calls per size, the ratio
to the smallest size, reads repeated within the run, and whether the diagnosis is unchanged.
The aim: the same number of calls (<= 15) at every size, none repeated.

At the smallest size, the CPU of a fresh `apigw-wizard diagnose` process (aim <= 0.8 s), paired
with a fresh boto3 process sending the first call alone. Then every request waits `--rtt-ms` (40) before it is sent, as a real AWS
round trip would: the diagnose's wall time against its longest chain of calls that waited on one
another (chain x RTT). Aim: ratio <= 1.3. The same ratio is printed against the chain's measured
time too (each call's round trip plus the emulator's own time to answer, which on AWS is inside
the round trip): what is left over that is the wizard's own CPU and waits. Measured with reads
started ahead (wizard.aws.prefetch) and without, interleaved in the same run.

    .venv/bin/python benchmarks/bench_api_size.py [--sizes 10,1000,10000]
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.aws.api_size import (  # noqa: E402
    add_authorizers,
    add_log_events,
    add_usage_plans,
    diagnose_calls,
    grow_resources,
)
from tests.aws.aws_probe_helpers import (  # noqa: E402
    provision_seed,
    seed_diagnose_argv,
    wizard_session,
)
from wizard.aws import prefetch  # noqa: E402
from wizard.sandbox import emulator  # noqa: E402

# A fresh `diagnose` process runs with bytecode caches, as an installed wheel has them (with
# PYTHONDONTWRITEBYTECODE set each run would compile the wizard's modules from source again).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
}
REFERENCE = (
    "import sys, boto3\n"
    "boto3.client('sts', region_name='us-east-1', endpoint_url=sys.argv[1]).get_caller_identity()"
)


def _child_cpu(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=False, capture_output=True, env=CHILD_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_cold_cpu(out: Any, endpoint: str, runs: int) -> None:
    """CPU of a fresh `apigw-wizard diagnose` process on the seed (aim <= 0.8 s), paired with a
    fresh boto3 process that sends only the first call (GetCallerIdentity)."""
    wizard = [sys.executable, "-m", "wizard", *seed_diagnose_argv(out, endpoint)]
    reference = [sys.executable, "-c", REFERENCE, endpoint]
    _child_cpu(wizard)  # the validated-playbook cache and the page cache filled
    pairs = [(_child_cpu(wizard), _child_cpu(reference)) for _ in range(runs)]
    cpu = statistics.median(p[0] for p in pairs)
    ratio = statistics.median(p[0] / p[1] for p in pairs)
    print(
        f"       cold diagnose process: {cpu:.2f} s CPU (median of {runs}; aim <= 0.8 s), "
        f"{ratio:.1f}x a boto3 process sending GetCallerIdentity alone"
    )


def _latency_run(out: Any, endpoint: str, rtt: float) -> tuple[float, int, int, float]:
    started = time.perf_counter()
    _, _, calls = diagnose_calls(out, endpoint, rtt)
    return time.perf_counter() - started, calls.chain(), calls.count, calls.chain_seconds()


def bench_latency(out: Any, endpoint: str, rtt: float, runs: int) -> None:
    """The same diagnose with reads started ahead (wizard.aws.prefetch) and without, runs
    interleaved so both see the same machine load. The ratio wall / (chain x RTT) is the
    issue's figure; a shorter chain (reads overlapped) raises it even as the wall drops, so the
    wall and the chain are printed beside it."""
    _latency_run(out, endpoint, rtt)  # the first in-process diagnose pays the imports
    figures: dict[bool, list[tuple[float, int, int, float]]] = {True: [], False: []}
    try:
        for _ in range(runs):
            for ahead in (False, True):
                prefetch.ENABLED = ahead
                figures[ahead].append(_latency_run(out, endpoint, rtt))
    finally:
        prefetch.ENABLED = True
    walls = {k: statistics.median(f[0] for f in v) for k, v in figures.items()}
    for ahead in (False, True):
        runs_ = figures[ahead]
        wall, chain = walls[ahead], statistics.median(f[1] for f in runs_)
        ratio = statistics.median(f[0] / (f[1] * rtt) for f in runs_)
        print(
            f"       with {rtt * 1000:.0f} ms per call, prefetch {'on ' if ahead else 'off'}: "
            f"diagnose wall {wall:.2f} s, {statistics.median(f[2] for f in runs_):.0f} calls, "
            f"longest chain {chain:.0f} calls ({chain * rtt:.2f} s); median ratio wall / chain = "
            f"{ratio:.2f} over {len(runs_)} runs (aim <= 1.3)"
        )
        # The emulator answers in its own time on top of the simulated round trip, as AWS's
        # servers do inside theirs: the chain's measured time counts it, so this ratio is the
        # share of the wall the wizard itself adds (its CPU and any wait that is not a call).
        timed = statistics.median(f[3] for f in runs_)
        print(
            f"         the same chain as measured (round trip + the emulator's answer): "
            f"{timed:.2f} s; median ratio wall / measured chain = "
            f"{statistics.median(f[0] / f[3] for f in runs_):.2f}"
        )
    paired = statistics.median(
        on[0] / off[0] for on, off in zip(figures[True], figures[False], strict=True)
    )
    print(f"       wall, prefetch on / off: {paired:.2f} (median of {runs} paired runs)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,1000,10000")
    ap.add_argument("--authorizers", type=int, default=50)
    ap.add_argument("--usage-plans", type=int, default=500)
    ap.add_argument("--log-events", type=int, default=20_000)
    ap.add_argument("--rtt-ms", type=float, default=40.0)
    ap.add_argument("--runs", type=int, default=3, help="simulated-latency runs (median)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with emulator.running() as emu:
        session = wizard_session(emu)
        out = provision_seed(emu, session)
        started = time.perf_counter()
        add_authorizers(session, out, args.authorizers)
        add_usage_plans(session, out, args.usage_plans)
        add_log_events(session, "/aws/lambda/dashboard-jwt-authorizer", args.log_events)
        print(
            f"MiniStack on {emu.endpoint_url}: seed API {out.api_id} + {args.authorizers} "
            f"authorizers, {args.usage_plans} usage plans, {args.log_events} log events "
            f"({time.perf_counter() - started:.1f} s to build)"
        )
        base = None
        for size in sizes:
            t = time.perf_counter()
            grow_resources(session, out, size)
            built = time.perf_counter() - t
            code, result, calls = diagnose_calls(out, emu.endpoint_url)
            base = base or calls.count
            ops = collections.Counter(calls.operations())
            print(
                f"{size:>6} resources (built in {built:5.1f} s): {calls.count:3d} calls, "
                f"ratio to {sizes[0]} resources {calls.count / base:.2f}, "
                f"repeated {len(calls.repeated())}, exit {code}, "
                f"cause {(result.get('diagnosis') or {}).get('cause')}"
            )
            print("       " + ", ".join(f"{op} x{n}" if n > 1 else op for op, n in ops.items()))
            if size == sizes[0]:
                bench_cold_cpu(out, emu.endpoint_url, max(3, args.runs))
                bench_latency(out, emu.endpoint_url, args.rtt_ms / 1000, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
