"""A WebSocket API's management (@connections) endpoint, called at the wrong URL: 403, not 404.

AWS: the backend posts to `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/@connections/{id}`
("Use @connections commands in your backend service"). A call that leaves the stage out (the SDK
given the API's host alone) is answered 403 `{"message":"Forbidden"}`; one that names the stage
twice (a custom domain's base path plus the stage) reaches the stage with a path no route has,
and is answered 403 "No method found matching route {path} for http method {METHOD}."
MiniStack answers both 404 "Not Found" (its HTTP API answer), so the wizard never sees the 403
its users report. Only plain HTTP calls to a WebSocket API change; the upgrade handshake and
HTTP APIs are untouched.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity import routes


def forbidden(message: str = "Forbidden") -> routes.Response:
    body = json.dumps({"message": message}).encode()
    return 403, {"Content-Type": "application/json", "x-amzn-ErrorType": "ForbiddenException"}, body


def wrong_endpoint(stages: Any, stage: str, path: str, method: str) -> routes.Response | None:
    """The 403 API Gateway answers for an HTTP call on a WebSocket API outside @connections, or
    None when the call is not one (MiniStack answers it)."""
    if stage not in stages:
        return forbidden()
    return forbidden(
        f"No method found matching route {path.lstrip('/')} for http method {method.upper()}."
    )


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.services import apigateway as v2

    original = v2.handle_execute

    async def handle_execute(
        api_id: str,
        stage: str,
        path: str,
        method: str,
        headers: dict[str, Any],
        body: bytes,
        query_params: dict[str, Any],
        raw_query_string: str | None = None,
    ) -> Any:
        if v2._api_protocol(api_id) == "WEBSOCKET":
            owner = v2._api_owner(api_id)
            stages = v2._stages.get_scoped(owner[1], owner[2], api_id, {}) if owner else {}
            return wrong_endpoint(stages, stage, path, method)
        return await original(
            api_id, stage, path, method, headers, body, query_params, raw_query_string
        )

    setattr(v2, "handle_execute", handle_execute)  # noqa: B010 - a module's function
