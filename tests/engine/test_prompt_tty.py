"""`apigw-wizard --plain` for real, in a pseudo-terminal: a paste that ends on an empty line,
the walk going on, and Ctrl-C saving the session where it says."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ANSI = re.compile(rb"\x1b\[[0-9;?]*[a-zA-Z]")


class Terminal:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        # a real terminal has a size; prompt_toolkit draws nothing in a 0x0 one
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.seen = b""
        self.mark = 0

    @property
    def text(self) -> str:
        return ANSI.sub(b"", self.seen).decode(errors="replace")

    def _flat(self) -> str:
        # the screen wraps and redraws lines: compare without whitespace
        return re.sub(r"\s+", "", self.text)

    def expect(self, pattern: str, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while re.sub(r"\s+", "", pattern) not in self._flat()[self.mark :]:
            if time.monotonic() > end:
                raise AssertionError(f"{pattern!r} not seen; screen:\n{self.text[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    time.sleep(0.1)

    def send(self, keys: str) -> None:
        self.mark = len(self._flat())  # expect() looks at what comes after this
        os.write(self.master, keys.encode())

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


def test_plain_mode_in_a_terminal(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        XDG_DATA_HOME=str(tmp_path),
        TERM="xterm",
        COLUMNS="120",
        LINES="40",
        PROMPT_TOOLKIT_NO_CPR="1",  # this terminal does not answer cursor position requests
    )
    term = Terminal([sys.executable, "-m", "wizard", "--plain"], env)
    try:
        term.expect("Paste what the failing call returned")
        term.send('{"message":"User is not authorized to access this resource"}\r\r')
        term.expect("Which call fails?")
        term.expect("The response looks like an API Gateway 403.")
        term.send("?\r")  # help: why and where
        term.expect("Where:")
        term.send(":back\r")  # to the paste again
        term.expect("Paste what the failing call returned", timeout=30)
        term.expect("Paste:")  # the input is up (keys sent earlier would be lost)
        time.sleep(0.5)
        term.send("\x03")  # Ctrl-C
        term.expect("Resume with: apigw-wizard --plain --resume")
    finally:
        code = term.close()
    assert code == 130
    saved = list((tmp_path / "apigw-wizard" / "sessions").glob("session-*.json"))
    assert len(saved) == 1
    assert f"Sessionsavedto{saved[0]}" in re.sub(r"\s+", "", term.text)
