"""Classifier latency and held-out accuracy.

Latency: a typical report, a 100 KB log paste and a 10 MB paste (explain's cap). Aim: a typical
report well under 100 ms after the first call, a 10 MB paste under 3 s.

Accuracy (`--accuracy`, a few minutes): the corpus scored by leave-one-source-out
cross-validation - top-1, top-3, expected calibration error and the reliability table - the same
figures benchmarks/fit_evidence.py prints. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wizard.analysis.classify import classify

REPORT = (
    "first profile update works, later ones get 403 "
    '{"message":"User is not authorized to access this resource"}, the authorizer never logs the '
    "failing calls, TTL 300"
)
LOG_LINE = (
    "(8d2c) Starting authorizer: q1w2e3 for request: 8d2c\n"
    '(8d2c) Authorizer result body before parsing: {"principalId":"u","policyDocument":{"Statement":'
    '[{"Effect":"Allow","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc1234567/prod/GET/x"}]}}\n'
    "(8d2c) Method completed with status: 403\n"
)


def timed(label: str, text: str, repeat: int = 5) -> None:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        classify(text)
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<28} {len(text) / 1024:>9.1f} KiB  best of {repeat}: {best * 1000:8.1f} ms")


def accuracy() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import fit_evidence

    from wizard.catalogue import load_catalogue

    cases = fit_evidence.load_cases()
    scored = fit_evidence.leave_one_source_out(cases, list(load_catalogue().ids()))
    fit_evidence.report("leave-one-source-out (held out)", scored)
    fit_evidence.per_source(scored)


def main() -> None:
    parser = argparse.ArgumentParser(description="classifier latency and held-out accuracy")
    parser.add_argument("--accuracy", action="store_true", help="also print held-out figures")
    args = parser.parse_args()
    latency()
    if args.accuracy:
        accuracy()


def latency() -> None:
    t0 = time.perf_counter()
    classify(REPORT)
    print(
        f"{'first call (loads catalogue)':<28} {'':>13}  {(time.perf_counter() - t0) * 1000:8.1f} ms"
    )
    timed("typical report", REPORT, repeat=20)
    timed("100 KiB of execution logs", REPORT + "\n" + LOG_LINE * (100_000 // len(LOG_LINE)))
    rnd = random.Random(7)
    noise = "".join(rnd.choice(string.ascii_letters + ' {}":\n/.') for _ in range(10 * 1024 * 1024))
    timed("10 MiB of noise", noise, repeat=2)


if __name__ == "__main__":
    main()
