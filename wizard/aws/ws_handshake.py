"""The opening handshake of a WebSocket connection (RFC 6455 section 4), standard library only.

A WebSocket API runs its `$connect` route on the HTTP upgrade request: API Gateway answers 101
when the connection is accepted, or an HTTP error (403 when the authorizer or IAM refuses it,
which clients report as "Unexpected server response: 403"). Reproducing the failure needs only
that answer, so this sends the upgrade (ws:// plain, wss:// over TLS), reads the status line,
the headers and (for an error) the body, and closes: no message is ever sent on the socket.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from wizard.aws.exchange import (
    MAX_BODY,
    LoopbackNameConnection,
    ReproduceResult,
    error_message_from_body,
)

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3


class HandshakeError(ValueError):
    """The URL is not ws:// or wss://, or the server answered 101 with a wrong accept key."""


def accept_key(key: str) -> str:
    """The Sec-WebSocket-Accept a server must answer for `key`."""
    return base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()


def open_handshake(
    url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 15.0
) -> ReproduceResult:
    """Send the upgrade request for `url` (ws:// or wss://) and record the answer. Raises
    OSError (incl. TimeoutError) when the host cannot be reached."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise HandshakeError(f"a WebSocket handshake needs a ws:// or wss:// URL, not {url!r}")
    key = base64.b64encode(os.urandom(16)).decode()
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    sent = {
        "Host": parts.netloc,
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Version": "13",
        **dict(headers or {}),
    }
    started = time.perf_counter()
    conn: http.client.HTTPConnection
    if parts.scheme == "wss":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port or 443, timeout=timeout)
    else:
        conn = LoopbackNameConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        got = {k: v for k, v in resp.getheaders()}
        body = b"" if resp.status == 101 else resp.read(MAX_BODY)
    finally:
        conn.close()
    if resp.status == 101:
        lower = {k.lower(): v for k, v in got.items()}
        if lower.get("sec-websocket-accept") != accept_key(key):
            raise HandshakeError("the server answered 101 with a wrong Sec-WebSocket-Accept")
    text = body.decode("utf-8", errors="replace")
    lower = {k.lower(): v for k, v in got.items()}
    return ReproduceResult(
        method="GET",
        url=url,
        status_code=int(resp.status),
        error_type=lower.get("x-amzn-errortype"),
        error_message=error_message_from_body(text),
        request_id=lower.get("x-amzn-requestid") or lower.get("apigw-requestid"),
        body=text,
        headers=got,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )
