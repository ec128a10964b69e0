"""`cache simulate` at 100k requests: seconds, linearity, and a ratio to a reference loop.

Aim: 100k requests in under 5 s (load, simulate, text rendering), and time linear in the
number of requests. Each figure is taken in this run, so a loaded machine shows in the
reference too: the ratios are what to compare between runs. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_cache_sim.py [--requests 100000] [--repeat 3]

The reference loop is the least any simulator must do per request: read the JSON scenario
and keep a token -> cached-at table with a TTL check.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def scenario_text(n: int) -> str:
    """50 tokens over 7 routes, a token validation regex, TTL 300 s: hits, misses and 403s."""
    return json.dumps(
        {
            "name": "bench",
            "authorizer": {"type": "TOKEN", "ttl": 300, "token_validation": "^token-[0-9]+$"},
            "returns": {"resource": "{methodArn}"},
            "requests": [
                {
                    "at": round(i * 0.01, 2),
                    "token": f"token-{i % 50}",
                    "method": "GET",
                    "path": f"/items/{i % 7}",
                }
                for i in range(n)
            ],
        }
    )


def run_wizard(text: str) -> float:
    from wizard.analysis.cache_sim import load_scenario, simulate
    from wizard.commands.cache import _render

    t0 = time.process_time()
    _render(simulate(load_scenario(text)).to_dict())
    return time.process_time() - t0


def run_reference(text: str) -> float:
    t0 = time.process_time()
    data = json.loads(text)
    cached: dict[str, float] = {}
    hits = 0
    for req in data["requests"]:
        at = req["at"]
        token = req["token"]
        when = cached.get(token)
        if when is not None and at < when + 300:
            hits += 1
        else:
            cached[token] = at
    return time.process_time() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    full, half = scenario_text(args.requests), scenario_text(args.requests // 2)
    run_wizard(scenario_text(100))  # imports and first-use compilation out of the figures
    wizard_s, half_s, ratios, linear = [], [], [], []
    for _ in range(args.repeat):
        w, h, r = run_wizard(full), run_wizard(half), run_reference(full)
        wizard_s.append(w)
        half_s.append(h)
        ratios.append(w / r)
        linear.append(w / h)
    print(
        f"cache simulate, {args.requests} requests: {statistics.median(wizard_s):.2f} s CPU "
        "(median; aim < 5 s; load + simulate + text)"
    )
    print(
        f"  {args.requests // 2} requests: {statistics.median(half_s):.2f} s; "
        f"time({args.requests}) / time({args.requests // 2}) = {statistics.median(linear):.2f} "
        "(2.0 is linear)"
    )
    print(
        f"  vs the reference loop: {statistics.median(ratios):.0f}x its CPU "
        "(median of paired ratios)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
