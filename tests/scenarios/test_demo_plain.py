"""`apigw-wizard demo --plain` in a real pseudo-terminal: the prompt wizard opens on the
emulator with the failing call filled in, walks it live, and the emulator is gone afterwards."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import time
from pathlib import Path

import pytest
from test_demo_lifecycle import READY, wait_gone

pytestmark = pytest.mark.emulator


YES_NO = re.compile(r"\(y/n\)|\[y/N\]", re.IGNORECASE)


def _run_in_pty(argv: list[str], timeout: float = 90.0) -> tuple[int, str]:
    """Run the demo with a pty as its terminal; answer "n" to every yes/no question (the
    wizard may offer to apply a fix: declining is the path under test)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the demo, with the pty as its terminal
        os.execv(sys.executable, [sys.executable, "-m", "wizard.cli", *argv])
    out = b""
    answered = 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
            text = out.decode(errors="replace")
            if len(YES_NO.findall(text)) > answered:
                answered = len(YES_NO.findall(text))
                os.write(fd, b"n\r")
    finally:
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGTERM)  # never leave the demo (and its emulator) hanging
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace").replace("\r\n", "\n")


def test_plain_wizard_walks_the_reproduced_call_live() -> None:
    before = set(Path.cwd().glob("apigw-403-*"))
    code, text = _run_in_pty(["demo", "--plain", "--scenario", "mat-route-not-found"])
    # "n" (and the Enter typed after it) declines the report too: nothing is written here
    assert set(Path.cwd().glob("apigw-403-*")) == before, text[-2000:]
    assert "Write an incident report" in text
    assert "Opening the wizard on the emulator" in text
    assert "read the API's configuration (live)" in text  # live probes, not questions
    assert (
        "Diagnosis: No resource and method match the URL that was called (mat-route-not-found)"
        in (text)
    )
    assert "No route matches GET /order." in text
    assert code == 1, text[-3000:]  # diagnosed, fix pending (declined or none to apply)
    match = READY.search(text)
    assert match is not None
    wait_gone(int(match.group(2)), int(match.group(1)))
