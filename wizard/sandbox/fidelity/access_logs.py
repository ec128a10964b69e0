"""Access logs: one record per request, in the stage's `$context` format, to its destination.

AWS ("Set up CloudWatch logging for REST APIs in API Gateway", and "Variables for access
logging"): when the stage has `accessLogSettings` (destinationArn, format), every request
writes one event to that log group — which must already exist — with each `$context.*`
variable of the format replaced by its value, and `-` for a value the request does not have.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity import log_sink, request_trace
from wizard.sandbox.fidelity.request_trace import RequestTrace

_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+[A-Za-z0-9_])")


def _error_message(trace: RequestTrace) -> str | None:
    return trace.gateway_response[1] if trace.gateway_response else None


def _authorizer_status(trace: RequestTrace) -> str | None:
    if trace.authorizer is None or trace.authorizer.result is None:
        return None
    return "200" if not trace.authorizer.result.get("error") else "500"


_VALUES: dict[str, Callable[[RequestTrace], Any]] = {
    "requestId": lambda t: t.request_id,
    "extendedRequestId": lambda t: t.extended_request_id,
    "apiId": lambda t: t.api_id,
    "stage": lambda t: t.stage_name,
    "httpMethod": lambda t: t.method,
    "resourcePath": lambda t: t.resource_path,
    "path": lambda t: f"/{t.stage_name}{t.path}",
    "protocol": lambda t: "HTTP/1.1",
    "status": lambda t: t.status,
    "responseLength": lambda t: len(t.response_body),
    "responseLatency": lambda t: t.latency_ms,
    "requestTime": lambda t: time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(t.started)),
    "requestTimeEpoch": lambda t: int(t.started * 1000),
    "identity.sourceIp": lambda t: (
        request_trace.header(t.headers, "x-forwarded-for").split(",")[0].strip() or "127.0.0.1"
    ),
    "identity.userAgent": lambda t: request_trace.header(t.headers, "user-agent") or None,
    "error.message": _error_message,
    # Quoted even when absent, so a JSON format that leaves it unquoted stays JSON.
    "error.messageString": lambda t: json.dumps(_error_message(t) or "-"),
    "error.responseType": lambda t: t.gateway_response[0] if t.gateway_response else None,
    "authorizer.principalId": lambda t: t.authorizer_principal,
    "authorizer.integrationLatency": lambda t: t.authorizer.latency_ms if t.authorizer else None,
    "authorizer.integrationStatus": _authorizer_status,
    "authorizer.status": lambda t: (
        None if t.authorizer is None else (t.status if t.gateway_response else 200)
    ),
    "integration.status": lambda t: t.status if t.reached_integration else None,
    "integrationStatus": lambda t: t.status if t.reached_integration else None,
    "integrationLatency": lambda t: t.latency_ms if t.reached_integration else None,
}


def render(fmt: str, trace: RequestTrace) -> str:
    """`fmt` with each `$context.name` replaced; unknown names and absent values are `-`."""

    def value(match: re.Match[str]) -> str:
        getter = _VALUES.get(match.group(1))
        found = getter(trace) if getter else None
        return "-" if found is None or found == "" else str(found)

    return _VARIABLE.sub(value, fmt)


def destination_group(arn: str) -> str | None:
    """The log group an access-log destination ARN names (`arn:aws:logs:...:log-group:NAME`)."""
    _, sep, rest = arn.partition(":log-group:")
    if not sep or not rest:
        return None
    return rest.removesuffix(":*") or None


def write(v1: ModuleType, trace: RequestTrace, stage: dict[str, Any]) -> None:
    settings = stage.get("accessLogSettings") or {}
    group = destination_group(str(settings.get("destinationArn") or ""))
    fmt = settings.get("format")
    if group is None or not fmt:
        return
    log_sink.put(group, [render(str(fmt), trace)], create_group=False, started=trace.started)


def install(v1: ModuleType) -> None:
    request_trace.add_writer(write)
