"""What happened to one data-plane request, collected while MiniStack serves it.

`install` wraps `handle_execute` (one REST API request) and the steps inside it that the logs
tell: the Lambda-authorizer invocation (absent on a cache hit), the API-key check and the
gateway response. The finished `RequestTrace` goes to every registered writer (execution logs,
access logs), which decide from the stage's settings whether to write anything.
"""

from __future__ import annotations

import contextvars
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


@dataclass
class AuthorizerCall:
    """One invocation of a Lambda authorizer: the event sent and what came back."""

    authorizer_id: str
    event: dict[str, Any]
    result: dict[str, Any] | None
    latency_ms: int


@dataclass
class RequestTrace:
    api_id: str
    stage_name: str
    method: str
    path: str
    headers: dict[str, Any]
    started: float = field(default_factory=time.time)
    request_id: str = ""
    extended_request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16] + "=")
    resource_path: str | None = None
    authorizer: AuthorizerCall | None = None
    authorizer_principal: str | None = None
    api_key_checked: bool = False
    api_key_error: str | None = None  # the gateway response type of a refused key
    api_key_known: bool = False  # the key exists and is enabled (refused: not in a plan)
    gateway_response: tuple[str, str | None] | None = None  # (response type, message)
    status: int = 0
    response_headers: dict[str, Any] = field(default_factory=dict)
    response_body: bytes = b""
    latency_ms: int = 0

    @property
    def reached_integration(self) -> bool:
        return self.gateway_response is None and self.resource_path is not None


Writer = Callable[[ModuleType, RequestTrace, dict[str, Any]], None]
_WRITERS: list[Writer] = []
_CURRENT: contextvars.ContextVar[RequestTrace | None] = contextvars.ContextVar(
    "fidelity_request_trace", default=None
)


def add_writer(writer: Writer) -> None:
    """`writer(v1, trace, stage)` runs after every REST API request, in the API's scope."""
    _WRITERS.append(writer)


def current() -> RequestTrace | None:
    return _CURRENT.get()


def header(headers: dict[str, Any], name: str) -> str:
    """A header's value, case-insensitively (the last of a repeated one), or ''."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) else (value[-1] if value else "")
    return ""


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import request_scope

    handle_execute = v1.handle_execute
    invoke_authorizer = v1._invoke_authorizer_lambda
    gateway_error_response = v1._gateway_error_response
    check_api_key = v1._check_api_key
    match_resource_tree = v1._match_resource_tree
    authorize = v1._authorize_request_v1

    async def traced_execute(
        api_id: str,
        stage_name: str,
        method: str,
        path: str,
        headers: dict[str, Any],
        body: bytes,
        query_params: dict[str, Any],
    ) -> Any:
        trace = RequestTrace(api_id, stage_name, method, path, dict(headers or {}))
        token = _CURRENT.set(trace)
        try:
            status, out_headers, out_body = await handle_execute(
                api_id, stage_name, method, path, headers, body, query_params
            )
        finally:
            _CURRENT.reset(token)
        trace.latency_ms = int((time.time() - trace.started) * 1000)
        trace.request_id = header(out_headers, "x-amzn-requestid") or str(uuid.uuid4())
        out_headers.setdefault("x-amzn-requestid", trace.request_id)
        trace.status, trace.response_headers = int(status), dict(out_headers)
        trace.response_body = out_body if isinstance(out_body, bytes) else str(out_body).encode()
        scope = v1.find_api_scope(api_id)
        if scope is not None:
            with request_scope(*scope):
                stage = v1._stages_v1.get(api_id, {}).get(stage_name)
                for writer in _WRITERS if stage else ():
                    writer(v1, trace, stage)
        return status, out_headers, out_body

    async def traced_authorizer(
        authorizer: dict[str, Any], event: dict[str, Any], account_id: str, region: str
    ) -> Any:
        started = time.time()
        result = await invoke_authorizer(authorizer, event, account_id, region)
        trace = current()
        if trace is not None:
            latency = int((time.time() - started) * 1000)
            trace.authorizer = AuthorizerCall(str(authorizer.get("id")), event, result, latency)
            body = (result or {}).get("body")
            if isinstance(body, bytes | str):
                try:
                    body = json.loads(body)
                except ValueError:
                    body = None
            if isinstance(body, dict) and body.get("principalId") is not None:
                trace.authorizer_principal = str(body["principalId"])
        return result

    async def traced_authorize(*args: Any) -> Any:
        refused, context = await authorize(*args)
        trace = current()
        if trace is not None and refused is None and isinstance(context, dict):
            # Also on a cache hit: the cached context carries the principal.
            trace.authorizer_principal = context.get("principalId", trace.authorizer_principal)
        return refused, context

    def traced_gateway_error(error: Any, request: dict[str, Any]) -> Any:
        trace = current()
        if trace is not None:
            trace.gateway_response = (str(error.response_type), error.message)
            # Set once a method matched; an unmatched route has no resource path.
            trace.resource_path = request.get("resource_path") or None
        return gateway_error_response(error, request)

    def traced_api_key(
        method_obj: dict[str, Any], api_id: str, stage_name: str, headers: dict[str, Any]
    ) -> Any:
        refused, key = check_api_key(method_obj, api_id, stage_name, headers)
        trace = current()
        if trace is not None and method_obj.get("apiKeyRequired"):
            trace.api_key_checked = True
            trace.api_key_error = getattr(refused, "response_type", None)
            trace.api_key_known = v1._resolve_api_key(v1._api_key_from_request(headers)) is not None
        return refused, key

    def traced_match(api_id: str, segments: list[str]) -> Any:
        resource, params = match_resource_tree(api_id, segments)
        trace = current()
        if trace is not None and resource:
            trace.resource_path = resource.get("path")
        return resource, params

    setattr(v1, "handle_execute", traced_execute)  # noqa: B010 - replacing a module's function
    setattr(v1, "_invoke_authorizer_lambda", traced_authorizer)  # noqa: B010
    setattr(v1, "_gateway_error_response", traced_gateway_error)  # noqa: B010
    setattr(v1, "_check_api_key", traced_api_key)  # noqa: B010
    setattr(v1, "_match_resource_tree", traced_match)  # noqa: B010
    setattr(v1, "_authorize_request_v1", traced_authorize)  # noqa: B010
