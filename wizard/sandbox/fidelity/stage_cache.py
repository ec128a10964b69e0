"""Per-key cache invalidation: `Cache-Control: max-age=0` on a caching stage that requires
authorization for it and fails unauthorized requests with 403.

AWS ("Cache settings for REST APIs in API Gateway", section "Invalidate an API Gateway cache
entry"): a client asks API Gateway to bypass and refresh a cached entry by sending
`Cache-Control: max-age=0`; when the method's setting requires authorization
(`requireAuthorizationForCacheControl`), a caller without `execute-api:InvalidateCache` is
handled by `unauthorizedCacheControlHeaderStrategy`: FAIL_WITH_403 refuses it with 403, the
two SUCCEED_ strategies ignore the header and serve the request. MiniStack stores these
settings and has no stage cache. Here the refusal is made when the stage has its cache cluster
on and the method's settings (its own `{path}/{METHOD}` entry, else `*/*`) say so.

Limits: no response is cached (the request is served by the integration, as on a cache miss),
and no caller is ever authorized to invalidate (the layer does not evaluate
`execute-api:InvalidateCache`). The body of the 403 is not documented; the layer answers API
Gateway's bare `{"message":"Forbidden"}`.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity.default_endpoint import forbidden
from wizard.sandbox.fidelity.patched_booleans import as_boolean
from wizard.sandbox.fidelity.request_trace import header

_MAX_AGE_ZERO = re.compile(r"(?:^|,)\s*max-age\s*=\s*0+\s*(?:,|$)", re.IGNORECASE)


def asks_invalidation(headers: dict[str, Any]) -> bool:
    """The request carries `Cache-Control: max-age=0` (among other directives or alone)."""
    return bool(_MAX_AGE_ZERO.search(header(headers or {}, "cache-control")))


def method_setting(stage: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    settings = stage.get("methodSettings") or {}
    own = settings.get(f"{path.strip('/')}/{method.upper()}")
    return dict(own or settings.get("*/*") or {})


def refuses_invalidation(stage: dict[str, Any] | None, path: str, method: str) -> bool:
    if not stage or as_boolean(stage.get("cacheClusterEnabled")) is not True:
        return False
    setting = method_setting(stage, path, method)
    return (
        as_boolean(setting.get("cachingEnabled")) is True
        and as_boolean(setting.get("requireAuthorizationForCacheControl", True)) is not False
        and setting.get("unauthorizedCacheControlHeaderStrategy") == "FAIL_WITH_403"
    )


def install(v1: ModuleType) -> None:
    execute_in_scope = v1._handle_execute_in_scope

    async def refuse_unauthorized_invalidation(
        api_id: str, stage_name: str, method: str, path: str, headers: dict[str, Any], *rest: Any
    ) -> Any:
        if asks_invalidation(headers):
            stage = v1._stages_v1.get(api_id, {}).get(stage_name)
            if refuses_invalidation(stage if isinstance(stage, dict) else None, path, method):
                return forbidden()
        return await execute_in_scope(api_id, stage_name, method, path, headers, *rest)

    setattr(v1, "_handle_execute_in_scope", refuse_unauthorized_invalidation)  # noqa: B010
