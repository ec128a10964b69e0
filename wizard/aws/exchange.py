"""One request and API Gateway's answer, shared by the HTTP reproduce (reproduce.py) and the
WebSocket handshake (ws_handshake.py): the answer record, how much body is kept, the reason
read from a gateway body, and the connection that resolves `.localhost` names to loopback.
A module of its own because reproduce.py sends WebSocket URLs through ws_handshake.py."""

from __future__ import annotations

import http.client
import json
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_BODY = 64 * 1024


@dataclass
class ReproduceResult:
    method: str
    url: str
    status_code: int
    error_type: str | None  # x-amzn-ErrorType, e.g. AccessDeniedException
    error_message: str | None  # the gateway response body's message / Message
    request_id: str | None
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    signed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class LoopbackNameConnection(http.client.HTTPConnection):
    """An HTTP connection for which a name under `.localhost` is the loopback address, as RFC 6761
    section 6.3 has it (and curl and browsers do) without asking DNS: the emulator's
    `{api_id}.execute-api.localhost:PORT` URLs. The Host header keeps the name."""

    def connect(self) -> None:
        if not self.host.lower().endswith(".localhost"):
            super().connect()
            return
        name, self.host = self.host, "127.0.0.1"
        try:
            super().connect()
        finally:
            self.host = name


def error_message_from_body(body: str) -> str | None:
    """API Gateway puts the reason in `message` (or `Message` for ACCESS_DENIED)."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        return None
    if isinstance(data, dict):
        for key in ("message", "Message", "errorMessage"):
            value = data.get(key)
            if isinstance(value, str):
                return value
    return None
