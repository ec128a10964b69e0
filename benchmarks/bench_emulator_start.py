"""Emulator start-up: MiniStack with the fidelity layer against MiniStack alone.

Starts each (start → `/_ministack/ready` → stop by PID) alternately, several times, and prints
the medians and their ratio: the ratio is what the layer costs, whatever the machine's speed.
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_emulator_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from wizard.sandbox import emulator


def _start_stop(fidelity: bool, root: Path) -> float:
    started = time.perf_counter()
    emu = emulator.start(tmpdir=Path(tempfile.mkdtemp(dir=root)), fidelity=fidelity)
    elapsed = time.perf_counter() - started
    emu.stop()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    plain: list[float] = []
    layered: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as root:
        for _ in range(args.runs):  # alternate, so a busy moment hits both alike
            plain.append(_start_stop(False, Path(root)))
            layered.append(_start_stop(True, Path(root)))
    reference, measured = statistics.median(plain), statistics.median(layered)
    print(
        json.dumps(
            {
                "runs": args.runs,
                "ministack_start_median_s": round(reference, 3),
                "fidelity_start_median_s": round(measured, 3),
                "ratio_fidelity_vs_ministack": round(measured / reference, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
