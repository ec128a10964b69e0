"""One WebSocket connection the sandbox holds open, so an @connections call can name a live id.

A `@connections/{id}` call for an id nobody holds gets 410 Gone whatever the caller may do, so a
scenario whose fix is a ManageConnections permission needs a connection that stays open while
the fix is applied, rolled back and applied again. This opens it (RFC 6455 handshake over a
plain socket, standard library only), sends one text frame to the `$default` route, whose
backend answers with the connection's id (backends/ws_connection_id.py), and keeps the socket
until `close`. Messages the API later pushes to it are left unread in the socket's buffer.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
from urllib.parse import urlsplit

from wizard.aws.ws_handshake import HandshakeError, accept_key

MAX_ID = 128  # a connection id is 16 characters; anything longer is not one
_TIMEOUT = 15.0


class LiveConnection:
    """An open WebSocket connection and the id API Gateway gave it."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "ws" or not parts.hostname:
            raise HandshakeError(f"a live connection needs a ws:// URL, not {url!r}")
        self._sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=_TIMEOUT)
        try:
            self._handshake(parts.netloc, parts.path or "/")
            self.connection_id = self._ask_id()
        except BaseException:
            self._sock.close()
            raise

    def _handshake(self, host: str, target: str) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self._sock.sendall(request.encode("ascii"))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self._sock.recv(4096)
            if not chunk or len(head) > 16_384:
                raise HandshakeError("the server closed or flooded the handshake")
            head += chunk
        lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        if lines[0].split(" ")[1:2] != ["101"]:
            raise HandshakeError(f"the connection was refused: {lines[0][:200]}")
        fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        if fields.get("sec-websocket-accept") != accept_key(key):
            raise HandshakeError("the server answered 101 with a wrong Sec-WebSocket-Accept")

    def _ask_id(self) -> str:
        payload = b'{"action": "whoami"}'
        mask = os.urandom(4)  # a client's frames are masked (RFC 6455 section 5.3)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self._sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + masked)
        first, size = self._read(2)
        length = size & 0x7F
        if length == 126:
            length = int.from_bytes(self._read(2), "big")
        if first & 0x0F != 0x1 or length > MAX_ID:
            raise HandshakeError("the $default route did not answer with a connection id")
        text = self._read(length).decode("utf-8", errors="replace").strip()
        if not text.isalnum():
            raise HandshakeError("the $default route's answer is not a connection id")
        return text

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self._sock.recv(n - len(data))
            if not chunk:
                raise HandshakeError("the server closed the connection")
            data += chunk
        return data

    def close(self) -> None:
        with contextlib.suppress(OSError):  # already gone: closing the socket is all that is left
            self._sock.sendall(bytes([0x88, 0x80]) + os.urandom(4))  # close frame, no payload
        self._sock.close()
