"""AWS calls per `diagnose` as the API grows: 10, 1,000 and 10,000 resources. Prints; asserts nothing.

The seed incident (authz-cache-scoped-policy) is provisioned on one MiniStack on 127.0.0.1,
then 50 authorizers, 500 usage plans and 20,000 authorizer log lines are added, and the API is
grown to each size in turn (concurrently, on the same emulator). At each size `diagnose` runs
in this process on the failing POST and every request it sends is counted with a botocore
`before-call` handler (read-cache answers are not requests). Figures: calls per size, the ratio
to the smallest size, reads repeated within the run, and whether the diagnosis is unchanged.
The aim: the same number of calls (<= 15) at every size, none repeated.

Then, at the smallest size, every request waits `--rtt-ms` (40) before it is sent, as a real AWS
round trip would: the diagnose's wall time against its longest chain of calls that waited on one
another (chain x RTT). Aim: ratio <= 1.3.

    .venv/bin/python benchmarks/bench_api_size.py [--sizes 10,1000,10000]
"""

from __future__ import annotations

import argparse
import collections
import statistics
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
from tests.aws.aws_probe_helpers import provision_seed, wizard_session  # noqa: E402
from wizard.sandbox import emulator  # noqa: E402


def bench_latency(out: Any, endpoint: str, rtt: float, runs: int) -> None:
    ratios, walls, chains = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        _, _, calls = diagnose_calls(out, endpoint, rtt)
        wall = time.perf_counter() - started
        walls.append(wall)
        chains.append(calls.chain())
        ratios.append(wall / (calls.chain() * rtt))
    print(
        f"       with {rtt * 1000:.0f} ms per call: diagnose wall {statistics.median(walls):.2f} s, "
        f"longest chain {statistics.median(chains):.0f} calls "
        f"({statistics.median(chains) * rtt:.2f} s); median ratio wall / chain = "
        f"{statistics.median(ratios):.2f} over {runs} runs (aim <= 1.3)"
    )


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
                bench_latency(out, emu.endpoint_url, args.rtt_ms / 1000, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
