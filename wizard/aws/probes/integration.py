"""The method's integration request against the failing call: which of the headers the client
sent reach the backend, and which one the backend's own 403 says it missed.

A non-proxy integration (HTTP, AWS) sends the backend only the headers its requestParameters
map (`integration.request.header.X`); the client's other headers stop at API Gateway. When the
backend refuses with a body that names a header the client did send and the integration does
not map, the API - not the backend, not the client - dropped the credential.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client
from wizard.aws.probes.reproduce import _headers
from wizard.aws.target import find_rest_resource
from wizard.engine.probes import REGISTRY, ProbeContext

HEADER_TARGET = "integration.request.header."
HEADER_SOURCE = "method.request.header."
PROXY_TYPES = frozenset({"AWS_PROXY", "HTTP_PROXY"})
# A header name as RFC 9110 allows it (token characters), bounded: it goes into a patch path.
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")
# The names a fix may put in a patch path (the allowlist's UpdateIntegration rule takes these).
_MAPPABLE = re.compile(r"[A-Za-z0-9-]{1,64}")
MAX_BODY = 4000  # the backend's body is read as far as the reproduce probe keeps it


def sent_headers(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, str]:
    """The headers the failing request carried (its token in its header)."""
    headers = _headers(arg(ctx, params, "headers", None))
    token = arg(ctx, params, "token", None)
    if token:
        headers.setdefault(str(arg(ctx, params, "token_header", "Authorization")), str(token))
    return headers


def named_in_body(body: str, names: list[str]) -> str | None:
    """The first of `names` the body mentions as a word (case-insensitively), else None."""
    text = body[:MAX_BODY].lower()
    for name in names:
        if re.search(rf"(?<![a-z0-9-]){re.escape(name.lower())}(?![a-z0-9-])", text):
            return name
    return None


def unmapped(integration: Mapping[str, Any], headers: Mapping[str, str]) -> list[str]:
    """The sent headers a non-proxy integration does not map (none for a proxy integration)."""
    if integration.get("type") in PROXY_TYPES:
        return []
    mapped = {
        str(k)[len(HEADER_TARGET) :].lower()
        for k in (integration.get("requestParameters") or {})
        if str(k).startswith(HEADER_TARGET)
    }
    return sorted(n for n in headers if _HEADER_NAME.fullmatch(n) and n.lower() not in mapped)


@REGISTRY.probe(
    "integration_request",
    "Read the method's integration request: its type, URI and header mappings, which headers "
    "of the failing call it does not pass to the backend, and the one the backend's 403 names",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def integration_request(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    method = str(arg(ctx, params, "method", "GET")).upper()
    resource_id = arg(ctx, params, "resource_id", None)
    apigw = client(ctx, "apigateway")
    if resource_id is None:
        res, _, _ = find_rest_resource(
            apigw, api_id, str(arg(ctx, params, "path", "/")), method, ctx.check_cancelled
        )
        resource_id = res["id"] if res else None
    if resource_id is None:
        return {"integration_found": False}
    manual = manual_command(
        ctx.aws,
        "apigateway",
        "GetMethod",
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
    )
    with aws_errors("apigateway:GET", manual=manual):
        try:
            m = apigw.get_method(restApiId=api_id, resourceId=resource_id, httpMethod=method)
            used = method
        except apigw.exceptions.NotFoundException:
            m = apigw.get_method(restApiId=api_id, resourceId=resource_id, httpMethod="ANY")
            used = "ANY"
    integration = m.get("methodIntegration") or {}
    headers = sent_headers(ctx, params)
    dropped = unmapped(integration, headers)
    body = str(arg(ctx, params, "backend_body", "") or "")
    missed = named_in_body(body, dropped)
    declared = {
        str(k)[len(HEADER_SOURCE) :].lower()
        for k in (m.get("requestParameters") or {})
        if str(k).startswith(HEADER_SOURCE)
    }
    return {
        "integration_found": bool(integration),
        "resource_id": resource_id,
        "http_method_defined": used,
        "integration_type": integration.get("type"),
        "integration_uri": integration.get("uri"),
        "header_mappings": dict(integration.get("requestParameters") or {}),
        "headers_not_passed": dropped,
        # The header to map: sent by the client, not passed by the integration, named by the
        # backend's refusal, and declared on the method request (the only source a mapping may
        # name). Without all four the evidence does not say the API dropped it.
        "header_to_map": (
            missed
            if missed is not None and missed.lower() in declared and _MAPPABLE.fullmatch(missed)
            else None
        ),
        "backend_names_header": missed,
        "method_declares_header": missed is not None and missed.lower() in declared,
    }
