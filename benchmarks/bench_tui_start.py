"""TUI figures: cold start to the first painted screen, and input latency while a probe runs.

1. Cold start: a fresh interpreter builds the WizardApp and runs it headless until the start
   screen has been painted once (the start screen's on_mount asks to exit right after its
   next refresh; the lazily mounted AWS settings come after it), then exits. Measured as process
   wall time, median of N runs, in the same run as `python -c "import textual.app"`; the figure
   that matters is the difference (aim, issue 14: at most +0.3 s CPU).
2. Input latency: the wizard's step screen runs a slow probe (registered in a test registry:
   it waits in short steps like a probe paging through logs, with a CPU burst between waits)
   in its thread worker; meanwhile keys are typed into the command palette's input. The time
   from posting each key to the input's value changing is measured, idle and with the probe in
   flight (aim < 50 ms).

Run: .venv/bin/python benchmarks/bench_tui_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time

# Children run with bytecode caches, as an installed wheel has them: with PYTHONDONTWRITEBYTECODE
# set (this environment sets it) every run compiled the TUI's modules from source again, which
# measured +1.47 s instead of a few tenths of CPU over `import textual.app`.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

FIRST_PAINT = """
from wizard.ui.tui.app import WizardApp
from wizard.ui.tui.screens import start

shown = start.StartScreen.on_mount

def on_mount(self):
    shown(self)
    # Leave right after the start screen's first refresh: the first paint the user sees
    # (the AWS settings, mounted lazily, come just after it).
    self.call_after_refresh(self.app.exit, 0)

start.StartScreen.on_mount = on_mount
WizardApp(probe_aws=False).run(headless=True, size=(80, 24))
"""

SETTLED = """
from wizard.ui.tui.app import WizardApp

async def settled(pilot):
    await pilot.pause()  # every pending message handled: the lazy AWS settings are mounted too
    pilot.app.exit(0)

WizardApp(probe_aws=False).run(headless=True, size=(80, 24), auto_pilot=settled)
"""

HELLO_PAINT = """
from textual.app import App
from textual.widgets import Footer, Static

class Hello(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit, 0)

Hello().run(headless=True, size=(80, 24))
"""


def _run(code: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): CPU time is what a busy machine distorts least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, env=CHILD_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cold_start(runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, cpu) of each, the two interleaved so load changes hit both alike."""
    _run("import textual.app")  # warm the OS file cache once for both
    _run(FIRST_PAINT)
    runs_of: dict[str, list[tuple[float, float]]] = {
        "base": [],
        "hello": [],
        "app": [],
        "settled": [],
    }
    code = {
        "base": "import textual.app",
        "hello": HELLO_PAINT,
        "app": FIRST_PAINT,
        "settled": SETTLED,
    }
    for _ in range(runs):
        for name, xs in runs_of.items():
            xs.append(_run(code[name]))
    return {
        name: (statistics.median(w for w, _ in xs), statistics.median(c for _, c in xs))
        for name, xs in runs_of.items()
    }


async def _latency(keys: int, *, with_probe: bool = True) -> list[float]:
    """Key-to-screen latency in the wizard's step screen while its probe worker runs."""
    import threading
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    from textual import events
    from textual.widgets import Input

    from wizard.engine.probes import ProbeContext, ProbeRegistry
    from wizard.ui.tui.app import WizardApp
    from wizard.ui.tui.driver import SessionDriver
    from wizard.ui.tui.screens.step import StepScreen
    from wizard.ui.tui.start_input import StartEvidence

    running = threading.Event()

    def slow_probe(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        # Like a probe paging through CloudWatch Logs: network waits with parsing in between.
        running.set()
        while not ctx.cancel.wait(0.02):
            sum(i * i for i in range(20_000))
        ctx.check_cancelled()
        return {"ttl": 300}

    registry = ProbeRegistry()
    registry.probe("tui_test_read_ttl", "read the authorizer TTL")(slow_probe)
    playbook = Path(__file__).resolve().parent.parent / "tests/tui/playbooks/probe-trouble.yaml"
    driver = SessionDriver.unstarted(playbook=str(playbook), registry=registry)
    app = WizardApp(StartEvidence(api_id="a1b2c3"), driver=driver, probe_aws=False)
    samples: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StepScreen)
        field = screen.query_one("#answer-text", Input)
        if with_probe:
            # Answer the first question: the probe node starts in its worker and stays busy.
            field.value = "a1b2c3"
            await pilot.press("ctrl+n")
            while not running.is_set():
                await asyncio.sleep(0.01)
            # While it runs, the user keeps typing: in the help screen's search of the palette.
            await pilot.press("ctrl+p")
            await pilot.pause()
            field = app.screen.query_one(Input)
        else:
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
        if with_probe:
            assert isinstance(screen, StepScreen) and screen.busy, "the probe was still running"
            screen.cancel_event.set()
            # Close the palette and let its search finish before the app exits: a search still
            # in flight at exit found its list gone (NoMatches CommandList) and failed the run.
            await pilot.press("escape")
            await app.workers.wait_for_complete()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=60)
    args = parser.parse_args()

    cold = cold_start(args.runs)
    (base_wall, base_cpu), (app_wall, app_cpu) = cold["base"], cold["app"]
    hello_wall, hello_cpu = cold["hello"]
    print(f"cold start ({args.runs} runs each, interleaved; medians)")
    print(f"  python -c 'import textual.app'  wall {base_wall:.3f} s  cpu {base_cpu:.3f} s")
    print(f"  a hello-world Textual app       wall {hello_wall:.3f} s  cpu {hello_cpu:.3f} s")
    print(f"  first painted start screen      wall {app_wall:.3f} s  cpu {app_cpu:.3f} s")
    print(
        f"  overhead over the import        wall {app_wall - base_wall:+.3f} s  "
        f"cpu {app_cpu - base_cpu:+.3f} s (aim <= +0.300 s CPU)"
    )
    settled_wall, settled_cpu = cold["settled"]
    print(
        f"  start screen settled (lazy AWS settings mounted) wall {settled_wall:.3f} s "
        f"({settled_wall - base_wall:+.3f} s)  cpu {settled_cpu:.3f} s"
    )

    for label, with_probe in (("idle", False), ("with a slow probe in flight", True)):
        samples = sorted(asyncio.run(_latency(args.keys, with_probe=with_probe)))
        p50 = statistics.median(samples) * 1000
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)] * 1000
        print(
            f"input latency {label}: median {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {samples[-1] * 1000:.1f} ms over {len(samples)} keys (aim < 50 ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
