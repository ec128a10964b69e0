"""An HTTP integration sends the backend the headers its request parameters map.

AWS ("Parameter mapping for REST APIs", "Choose an API Gateway API integration type"): in a
non-proxy HTTP integration the backend receives what the integration request maps - each
`integration.request.header.{name}` from a method request parameter
(`method.request.header.{name}`, declared on the method) or a static `'value'` - and not the
client's other headers; an HTTP_PROXY integration passes the client's headers through, and its
mappings add or override headers. MiniStack forwarded every client header to both kinds and
ignored header mappings, so an integration that forgets to map `Authorization` still worked.
Here the header set is built as AWS builds it before MiniStack sends the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity.request_trace import header

HEADER_TARGET = "integration.request.header."
HEADER_SOURCE = "method.request.header."
# What a non-proxy integration still sends without a mapping: the body's media type.
ALWAYS_SENT = frozenset({"content-type"})


def mapped_headers(
    integration: Mapping[str, Any], client_headers: Mapping[str, Any]
) -> dict[str, str]:
    """The headers the integration request maps, with their values for this request (a
    mapping from a header the client did not send is left out, as on AWS)."""
    out: dict[str, str] = {}
    for target, source in (integration.get("requestParameters") or {}).items():
        if not str(target).startswith(HEADER_TARGET) or not isinstance(source, str):
            continue
        name = str(target)[len(HEADER_TARGET) :]
        if len(source) >= 2 and source.startswith("'") and source.endswith("'"):
            out[name] = source[1:-1]
        elif source.startswith(HEADER_SOURCE):
            value = header(dict(client_headers), source[len(HEADER_SOURCE) :])
            if value:
                out[name] = value
    return out


def backend_headers(
    integration: Mapping[str, Any], client_headers: Mapping[str, Any]
) -> dict[str, Any]:
    """The headers the backend receives: HTTP_PROXY passes the client's and the mappings
    override; HTTP (non-proxy) sends the mapped ones and the content type only."""
    mapped = mapped_headers(integration, client_headers)
    if integration.get("type") == "HTTP_PROXY":
        lowered = {k.lower() for k in mapped}
        kept = {k: v for k, v in client_headers.items() if str(k).lower() not in lowered}
        return {**kept, **mapped}
    kept = {k: v for k, v in client_headers.items() if str(k).lower() in ALWAYS_SENT}
    return {**kept, **mapped}


def install(v1: ModuleType) -> None:
    original = v1._invoke_http_proxy_v1

    async def invoke_http(
        integration: dict[str, Any],
        path: str,
        method: str,
        headers: dict[str, Any],
        *rest: Any,
        **kwargs: Any,
    ) -> Any:
        sent = backend_headers(integration, headers or {})
        return await original(integration, path, method, sent, *rest, **kwargs)

    setattr(v1, "_invoke_http_proxy_v1", invoke_http)  # noqa: B010
