"""A REST API whose default endpoint is disabled answers its execute-api URL with 403.

AWS ("Disable the default endpoint for REST APIs"): with `disableExecuteApiEndpoint` true,
clients must call the API through a custom domain; a call to the default
`{api-id}.execute-api.{region}.amazonaws.com` URL gets 403 `{"message":"Forbidden"}`, and the
setting (either way) takes effect at the next deployment. MiniStack stores the flag and keeps
serving. Here a request that does not come in through a registered custom domain (its Host
names none) is refused when the stage's *deployed* API record has the flag on: installed
before `deployment_snapshots`, this check runs inside the deployment being served.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity.request_trace import header


def forbidden() -> tuple[int, dict[str, str], bytes]:
    """API Gateway's bare 403 (a new headers dict each time: MiniStack adds to it)."""
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": "ForbiddenException"}
    return 403, headers, json.dumps({"message": "Forbidden"}).encode()


def through_custom_domain(v1: ModuleType, headers: dict[str, Any]) -> bool:
    """The request's Host is a custom domain registered in the emulator."""
    host = header(headers or {}, "host").split(":")[0].strip().lower()
    return bool(host) and "." in host and v1.find_domain_scope(host) is not None


def install(v1: ModuleType) -> None:
    execute_in_scope = v1._handle_execute_in_scope

    async def refuse_default_endpoint(
        api_id: str, stage_name: str, method: str, path: str, headers: dict[str, Any], *rest: Any
    ) -> Any:
        api = v1._rest_apis.get(api_id) or {}
        if api.get("disableExecuteApiEndpoint") is True and not through_custom_domain(v1, headers):
            return forbidden()
        return await execute_in_scope(api_id, stage_name, method, path, headers, *rest)

    setattr(v1, "_handle_execute_in_scope", refuse_default_endpoint)  # noqa: B010
