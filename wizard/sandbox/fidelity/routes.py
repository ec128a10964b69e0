"""Control-plane operations MiniStack does not route: a table the other behaviours add to.

`install` wraps `apigateway_v1.handle_request` once; a request whose method and path match a
registered route is answered by its handler, every other request goes to MiniStack unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

Response = tuple[int, dict[str, str], bytes]
# handler(path parameters, request body as JSON, headers, query parameters) -> response
Handler = Callable[
    [dict[str, str], dict[str, Any], dict[str, Any], dict[str, Any]], Awaitable[Response]
]

_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []
# A JSON body bigger than this is refused: these operations take a few headers and a token.
MAX_BODY = 256 * 1024


def add(method: str, template: str, handler: Handler) -> None:
    """Answer `method` on `template` (`{name}` matches one path segment) with `handler`."""
    pattern = re.compile(
        "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "/?$"
    )
    _ROUTES.append((method.upper(), pattern, handler))


def error(code: str, message: str, status: int) -> Response:
    """An API Gateway control-plane error, shaped as botocore's rest-json parser reads it."""
    body = json.dumps({"message": message, "__type": code}).encode()
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body


def ok(payload: dict[str, Any] | None, status: int = 200) -> Response:
    body = b"" if payload is None else json.dumps(payload).encode()
    return status, {"Content-Type": "application/json"}, body


def install(v1: ModuleType) -> None:
    original = v1.handle_request

    async def handle_request(
        method: str, path: str, headers: dict[str, Any], body: bytes, query_params: dict[str, Any]
    ) -> Any:
        for verb, pattern, handler in _ROUTES:
            match = pattern.match(path) if verb == method.upper() else None
            if match is None:
                continue
            if body and len(body) > MAX_BODY:
                return error("BadRequestException", "Request body too large", 400)
            try:
                data = json.loads(body) if body else {}
            except (ValueError, UnicodeDecodeError):
                return error("BadRequestException", "Invalid JSON in request body", 400)
            if not isinstance(data, dict):
                return error("BadRequestException", "Request body must be a JSON object", 400)
            return await handler(match.groupdict(), data, headers, query_params)
        return await original(method, path, headers, body, query_params)

    setattr(v1, "handle_request", handle_request)  # noqa: B010 - a module's function
