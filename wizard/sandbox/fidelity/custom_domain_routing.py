"""A registered custom domain answers a path no base path mapping serves with 403 Forbidden.

AWS ("Troubleshoot 403 errors with a custom domain" / "Working with API mappings for REST
APIs"): a request to a custom domain whose first path segment matches none of the domain's base
path mappings (or a domain with no mapping at all) gets 403 `{"message":"Forbidden"}` from API
Gateway. MiniStack routes a custom domain by its Host header only when a mapping matches, and
otherwise lets the request fall through to its other services. Here, once no mapping matched, a
Host that names a registered domain is answered as API Gateway does. (MiniStack also answers
`/v2/` on any host as a container registry's ping before API Gateway sees it; a registered
domain's Host keeps it for the API.)
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity.default_endpoint import forbidden


def registered_domain(v1: ModuleType, host: str) -> bool:
    name = (host or "").split(":")[0].strip().lower()
    return bool(name) and "." in name and v1.find_domain_scope(name) is not None


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    import ministack.app as app

    original = app._handle_execute_api_request

    async def handle_execute_api_request(host: str, path: str, *args: Any, **kwargs: Any) -> Any:
        response = await original(host, path, *args, **kwargs)
        if response is None and registered_domain(v1, host):
            return forbidden()
        return response

    registry = app._handle_ecr_registry_request

    async def handle_ecr_registry_request(method: str, path: str, headers: Any, *rest: Any) -> Any:
        host = next((v for k, v in (headers or {}).items() if k.lower() == "host"), "")
        if registered_domain(v1, str(host)):
            return None
        return await registry(method, path, headers, *rest)

    setattr(app, "_handle_execute_api_request", handle_execute_api_request)  # noqa: B010
    setattr(app, "_handle_ecr_registry_request", handle_ecr_registry_request)  # noqa: B010
