"""A fault-injecting HTTP proxy on 127.0.0.1 in front of MiniStack, controlled per test.

    with FaultProxy(ministack.endpoint_url) as proxy:
        proxy.rule = throttle()               # every call answers 429 TooManyRequestsException
        run(["--endpoint-url", proxy.url, ...])

A rule sees each request (method, path, how many non-GET calls came before) and returns what
to do: forward it, answer with an AWS error, reset the connection, hang until released (or
the test ends), or forward it and hold the answer. `proxy.arrived` records what came in, and
`wait_for(predicate)` waits on a condition (never on a sleep).
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    mutating_before: int  # how many non-GET requests came before this one

    @property
    def mutating(self) -> bool:
        return self.method != "GET"


@dataclass(frozen=True)
class Action:
    kind: str  # forward | error | reset | hang | hold-answer
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


FORWARD = Action("forward")
RESET = Action("reset")
HANG = Action("hang")
HOLD_ANSWER = Action("hold-answer")

Rule = Callable[[Request], Action]


def aws_error(status: int, code: str, message: str) -> Action:
    """An AWS REST-JSON error (API Gateway, STS-less services): the code in a header and body."""
    body = json.dumps({"message": message, "__type": code}).encode()
    return Action(
        "error",
        status,
        body,
        (("x-amzn-ErrorType", code), ("Content-Type", "application/json")),
    )


@dataclass
class FaultProxy:
    upstream: str
    rule: Rule = field(default=lambda r: FORWARD)
    arrived: list[Request] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        proxy = self
        target = urlsplit(self.upstream)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._cond:
                    before = sum(1 for r in proxy.arrived if r.mutating)
                    request = Request(self.command, self.path, before)
                    proxy.arrived.append(request)
                    proxy._cond.notify_all()
                action = proxy.rule(request)
                if action.kind == "reset":
                    self._reset()
                    return
                if action.kind == "hang":
                    proxy._release.wait(120)  # bounded: the test's own deadline ends first
                    self._reset()
                    return
                if action.kind == "error":
                    self._answer(action.status, list(action.headers), action.body)
                    return
                status, headers, data = proxy._forward(target, self, body)
                if action.kind == "hold-answer":
                    with proxy._cond:
                        proxy.arrived.append(Request("ANSWERED", self.path, before))
                        proxy._cond.notify_all()
                    proxy._release.wait(120)
                    self._reset()
                    return
                self._answer(status, headers, data)

            def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _reset(self) -> None:
                # SO_LINGER 0: close with RST, as a dropped connection looks to the client.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def release(self) -> None:
        """Let every hanging or held request end (with a reset)."""
        self._release.set()

    def wait_for(self, predicate: Callable[[list[Request]], bool], timeout: float = 120) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self.arrived), timeout)

    @staticmethod
    def _forward(
        target: Any, handler: BaseHTTPRequestHandler, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP}
            headers["Host"] = target.netloc
            conn.request(handler.command, handler.path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, list(response.getheaders()), response.read()
        finally:
            conn.close()
