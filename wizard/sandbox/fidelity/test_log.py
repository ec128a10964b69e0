"""The `log` text of a TestInvoke* answer: "Execution log for request ..." then dated lines.

The console and the CLI show this text as API Gateway writes it: one line per step, each
`<date> : <message>`, the messages being the execution-log messages of a real request.
"""

from __future__ import annotations

import time


class TestLog:
    """Collects the messages of one test invocation and renders them."""

    __test__ = False  # not a pytest class, whatever its name

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self.started = time.monotonic()
        self._lines: list[str] = []

    def add(self, message: str) -> None:
        stamp = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime())
        self._lines.append(f"{stamp} : {message}")

    def latency_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def text(self) -> str:
        return "\n".join([f"Execution log for request {self.request_id}", *self._lines, ""])
