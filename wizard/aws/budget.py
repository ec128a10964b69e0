"""The time a run may spend on AWS: a whole-run deadline and a breaker for a dead endpoint.

botocore's timeouts and retries are per call: a black-holed endpoint costs connect-timeout x
attempts on every probe, one after the other (140 s in silence in the campaign). A `RunBudget`
is hooked into every client of a session (`install`):

- before each attempt is sent, past the deadline the call fails at once (`DeadlineExceeded`);
- after two attempts in a row that failed in transport (timeout, refused, reset), or four in a
  row answered 429/5xx (one call's retries), the endpoint is taken as down and every later call
  fails at once (`EndpointDown`, carrying the fault that tripped it) instead of waiting out
  its own retries;
- each fault and retry is told to `progress` (a line for stderr), so a slow run is never a
  silent one.

Both exceptions are classified by `errors.classify` (timeout, with the manual path).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 90.0  # seconds for a whole live diagnosis (documented in docs/safety.md)
_TRANSPORT_FAULTS = (
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "EndpointConnectionError",
    "ConnectionClosedError",
    "ConnectionError",
    "ProtocolError",
    "ConnectionResetError",
)
_DOWN_AFTER = 2  # transport faults in a row
_DOWN_AFTER_ANSWERS = 4  # 429/5xx answers in a row (within the first call's retries)


class DeadlineExceeded(Exception):
    """The run's `--timeout` is spent: no further AWS call is sent."""


class EndpointDown(Exception):
    """The endpoint keeps failing: later calls are not sent. `kind` is the fault that tripped
    the breaker (a ProbeErrorKind value: connection_reset, timeout, throttled...)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


Progress = Callable[[str], object]


@dataclass
class RunBudget:
    timeout: float | None = DEFAULT_TIMEOUT
    progress: Progress | None = None
    started: float = field(default_factory=time.monotonic)
    # Per endpoint host (apigateway, logs and lambda are different hosts on AWS): faults in
    # a row (transport, 429/5xx answers) and why it is taken as down.
    _faults: dict[str, list[int]] = field(default_factory=dict)
    _down: dict[str, EndpointDown] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def remaining(self) -> float | None:
        if self.timeout is None:
            return None
        return self.timeout - (time.monotonic() - self.started)

    def install(self, client: Any) -> Any:
        """Hook this budget into a botocore client (returns the client)."""
        events = client.meta.events
        events.register("before-send.*.*", self._before_send)
        events.register("needs-retry.*.*", self._after_attempt)
        return client

    # botocore handlers ---------------------------------------------------------------

    def _before_send(self, request: Any = None, **_: Any) -> None:
        remaining = self.remaining
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded(
                f"the run's time limit ({self.timeout:g} s, --timeout) is spent; "
                "the calls left were not sent"
            )
        with self._lock:
            down = self._down.get(_host(getattr(request, "url", None)))
        if down is not None:
            raise EndpointDown(str(down), down.kind)

    def _after_attempt(
        self,
        response: Any = None,
        caught_exception: BaseException | None = None,
        attempts: int = 1,
        operation: Any = None,
        request_dict: Any = None,
        **_: Any,
    ) -> None:
        name = getattr(operation, "name", None) or "a call"
        host = _host((request_dict or {}).get("url"))
        if isinstance(caught_exception, DeadlineExceeded | EndpointDown):
            return
        if caught_exception is not None:
            kind = _transport_kind(caught_exception)
            if kind is not None:
                fault = type(caught_exception).__name__
                self._count(host, transport=True, kind=kind, why=f"{fault} on {name}")
                self._tell(f"AWS: {name}: {fault} (attempt {attempts})")
            return
        status = _status(response)
        if status == 429 or (status is not None and status >= 500):
            kind = "throttled" if status == 429 else "server_error"
            self._count(host, transport=False, kind=kind, why=f"HTTP {status} on {name}")
            self._tell(f"AWS: {name}: HTTP {status} (attempt {attempts}), retrying if allowed")
            return
        with self._lock:
            self._faults.pop(host, None)

    def _count(self, host: str, *, transport: bool, kind: str, why: str) -> None:
        with self._lock:
            counts = self._faults.setdefault(host, [0, 0])
            counts[0 if transport else 1] += 1
            tripped = counts[0] >= _DOWN_AFTER or counts[1] >= _DOWN_AFTER_ANSWERS
            if tripped and host not in self._down:
                self._down[host] = EndpointDown(
                    f"the AWS endpoint keeps failing ({why}); later calls were not sent", kind
                )

    def _tell(self, line: str) -> None:
        if self.progress is not None:
            with contextlib.suppress(Exception):  # a closed stderr must not break a probe
                self.progress(line)


def _transport_kind(exc: BaseException) -> str | None:
    """The fault kind of a transport failure (timeout, reset, unreachable), else None."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"ConnectTimeoutError", "ReadTimeoutError"}:
        return "timeout"
    if names & {"ConnectionClosedError", "ProtocolError", "ConnectionResetError"}:
        return "connection_reset"
    if names & set(_TRANSPORT_FAULTS):
        return "unreachable"
    return None


def _host(url: Any) -> str:

    return urlsplit(str(url or "")).netloc


def _status(response: Any) -> int | None:
    # needs-retry's response is (http_response, parsed) or None.
    try:
        return int(response[0].status_code)
    except (TypeError, IndexError, AttributeError, ValueError):
        return None
