"""TUI figures: cold start to the first painted screen, and input latency while a probe runs.

1. Cold start: a fresh interpreter builds the WizardApp and runs it headless until the start
   screen has been painted once (an auto-pilot waits for the first refresh), then exits. Measured as process
   wall time, median of N runs, in the same run as `python -c "import textual.app"`; the figure
   that matters is the difference (aim: at most +0.4 s).
2. Input latency: while a slow probe (a thread worker sleeping in short steps, like a probe
   waiting on the network, with a CPU burst between waits) is in flight, keys are typed into an
   Input; the time from posting each key to the Input's value changing is measured (aim < 50 ms).

Run: .venv/bin/python benchmarks/bench_tui_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

FIRST_PAINT = """
from wizard.ui.tui.app import WizardApp

async def first_paint(pilot):
    await pilot.pause()  # mount, layout and the first refresh of the start screen
    pilot.app.exit(0)

WizardApp(probe_aws=False).run(headless=True, size=(80, 24), auto_pilot=first_paint)
"""


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def cold_start(runs: int) -> tuple[float, float]:
    _wall("import textual.app")  # warm the OS file cache once for both
    _wall(FIRST_PAINT)
    base = [_wall("import textual.app") for _ in range(runs)]
    app = [_wall(FIRST_PAINT) for _ in range(runs)]
    return statistics.median(base), statistics.median(app)


async def _latency(keys: int, *, with_probe: bool = True) -> list[float]:
    import threading

    from textual import events, work
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    stop = threading.Event()

    class Probe(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="field")

        def on_mount(self) -> None:
            if with_probe:
                self.slow_probe()

        @work(thread=True, exclusive=True, exit_on_error=False, group="probes")
        def slow_probe(self) -> None:
            # Like a probe paging through logs: network waits with some parsing in between.
            while not stop.is_set():
                time.sleep(0.02)
                sum(i * i for i in range(20_000))

    samples: list[float] = []
    app = Probe()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        for n in range(keys):
            expected = len(field.value) + 1
            start = time.perf_counter()
            app.post_message(events.Key("x", "x"))  # what the terminal driver posts
            while len(field.value) < expected:
                await asyncio.sleep(0.0005)
            samples.append(time.perf_counter() - start)
            await asyncio.sleep(0.01 + (n % 3) * 0.005)
        stop.set()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=60)
    args = parser.parse_args()

    base, app = cold_start(args.runs)
    print(f"cold start: import textual.app  median {base:.3f} s ({args.runs} runs)")
    print(f"cold start: first painted screen median {app:.3f} s ({args.runs} runs)")
    print(f"cold start: overhead over textual   {app - base:+.3f} s (aim <= +0.400 s)")

    samples = asyncio.run(_latency(args.keys))
    samples.sort()
    p50 = statistics.median(samples) * 1000
    p95 = samples[int(len(samples) * 0.95) - 1] * 1000
    print(
        f"input latency with a slow probe in flight: median {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {samples[-1] * 1000:.1f} ms over {len(samples)} keys (aim < 50 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
