"""Execution logs: `API-Gateway-Execution-Logs_{apiId}/{stage}` when the stage logs (INFO/ERROR).

AWS ("Set up CloudWatch logging for REST APIs in API Gateway"): with the stage's
`*/*/logging/loglevel` (or one method's) at INFO, API Gateway writes every request's steps to
that group, each message prefixed by `(request id)`; at ERROR, only requests that failed.
The messages are the ones API Gateway writes (see tests/analysis/logs_data): the authorizer's
invocation (absent when the cache answered), its event and returned policy, the route, the
authorization refusal, the usage-plan check, the gateway response and the final status.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity import log_sink, request_trace
from wizard.sandbox.fidelity.request_trace import RequestTrace
from wizard.sandbox.fidelity.test_invoke_authorizer import masked

BODY_LIMIT = 1000  # API Gateway truncates logged bodies too


def group_name(api_id: str, stage: str) -> str:
    return f"API-Gateway-Execution-Logs_{api_id}/{stage}"


def logging_level(stage: dict[str, Any], resource_path: str | None, method: str) -> str:
    """OFF, ERROR or INFO: the method's own setting, else the stage-wide `*/*` one."""
    settings = stage.get("methodSettings") or {}
    keys = ["*/*"]
    if resource_path:
        keys[:0] = [f"{resource_path}/{method}", f"{resource_path.lstrip('/')}/{method}"]
    for key in keys:
        level = (settings.get(key) or {}).get("loggingLevel")
        if level:
            return str(level).upper()
    return "OFF"


def _authorizer_lines(trace: RequestTrace) -> list[str]:
    call = trace.authorizer
    if call is None:
        return []  # a cache hit: API Gateway did not invoke the authorizer
    lines = [f"Starting authorizer: {call.authorizer_id} for request: {trace.request_id}"]
    token = call.event.get("authorizationToken")
    if isinstance(token, str):
        lines.append(f"Incoming identity: {masked(token)}")
    lines.append(
        "Endpoint request body after transformations: "
        + json.dumps(call.event, separators=(",", ":"))[:BODY_LIMIT]
    )
    result = call.result
    if result is None:
        lines.append("Execution failed due to configuration error: Invalid function")
        return lines
    body = result.get("body")
    if result.get("error"):
        message = body.get("errorMessage", "") if isinstance(body, dict) else str(body)
        if str(message).strip().lower() == "unauthorized":
            lines.append(f"Unauthorized request: {trace.request_id}")
        else:
            lines.append("Execution failed due to configuration error: Authorizer error")
        return lines
    shown = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
    lines.append(f"Authorizer result body before parsing: {shown[:BODY_LIMIT]}")
    if trace.authorizer_principal is None and trace.gateway_response is not None:
        lines.append("Execution failed due to configuration error: Invalid JSON in response")
        return lines
    lines.append(f"Using valid authorizer policy for principal: {trace.authorizer_principal}")
    lines.append("Successfully completed authorizer execution")
    return lines


def _usage_plan_lines(trace: RequestTrace) -> list[str]:
    if not trace.api_key_checked:
        return []
    key = request_trace.header(trace.headers, "x-api-key")
    shown = "****" + key[-6:] if key else ""
    stage = f"{trace.api_id}/{trace.stage_name}"
    lines = [
        f"Verifying Usage Plan for request: {trace.request_id}. API Key: {shown} API Stage: {stage}"
    ]
    if trace.api_key_error is not None and trace.api_key_known:
        # The documented line for a valid key whose usage plans do not cover this stage; a
        # missing, unknown or disabled key gets no such line (its wording is not documented).
        lines.append(
            f"API Key {shown} not authorized because method '{trace.method} "
            f"{trace.resource_path}' requires API Key and API Key is not associated with a "
            f"Usage Plan for API Stage {stage}: API Stage is not in a Usage Plan"
        )
    return lines


def messages(trace: RequestTrace) -> list[str]:
    """The execution-log messages of one request, without the `(request id) ` prefix."""
    lines = [f"Extended Request Id: {trace.extended_request_id}"]
    lines += _authorizer_lines(trace)
    lines.append(f"Starting execution for request: {trace.request_id}")
    lines.append(f"HTTP Method: {trace.method}, Resource Path: {trace.resource_path or trace.path}")
    gateway = trace.gateway_response
    if gateway is not None and gateway[0] == "ACCESS_DENIED":
        lines.append("The client is not authorized to perform this operation.")
    lines += _usage_plan_lines(trace)
    body = trace.response_body.decode("utf-8", errors="replace")[:BODY_LIMIT]
    if gateway is not None:
        lines.append(f"Gateway response type: {gateway[0]} with status code: {trace.status}")
        lines.append(f"Gateway response body: {body}")
        shown = {
            k: v
            for k, v in trace.response_headers.items()
            if k.lower() in ("x-amzn-errortype", "x-amzn-requestid")
        }
        lines.append(
            "Gateway response headers: {" + ", ".join(f"{k}={v}" for k, v in shown.items()) + "}"
        )
    else:
        authorizer_ms = trace.authorizer.latency_ms if trace.authorizer else 0
        integration_ms = max(trace.latency_ms - authorizer_ms, 0)
        lines.append(
            f"Received response. Status: {trace.status}, Integration latency: {integration_ms} ms"
        )
        lines.append(f"Endpoint response body before transformations: {body}")
        lines.append("Successfully completed execution")
    lines.append(f"Method completed with status: {trace.status}")
    return lines


def write(v1: ModuleType, trace: RequestTrace, stage: dict[str, Any]) -> None:
    if trace.resource_path is None:
        return  # no method matched: the request never reached a method's execution
    level = logging_level(stage, trace.resource_path, trace.method)
    if level == "OFF" or (level == "ERROR" and trace.status < 400):
        return
    lines = [f"({trace.request_id}) {m}" for m in messages(trace)]
    log_sink.put(
        group_name(trace.api_id, trace.stage_name), lines, create_group=True, started=trace.started
    )


def install(v1: ModuleType) -> None:
    request_trace.add_writer(write)
