"""The failing request: from a URL, a curl command or curl -v output, or a denied ARN."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.analysis.arn import parse_method_arn
from wizard.analysis.invoke_url import InvokeUrlError, parse_invoke_url
from wizard.analysis.paste_fields import parse_paste_fields
from wizard.engine.offline_probes._common import (
    _given,
    _text_param,
)
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

# --------------------------------------------------------------------------- request

# wizard.analysis.invoke_url kinds → the host_kind values the playbook branches on.
_HOST_KINDS = {
    "execute-api": "execute_api",
    "private-alias": "vpce_alias",
    "vpce-dns": "vpce_public_dns",
    "custom-domain": "custom_domain",
    "emulator": "emulator",
}
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def parse_target_url(url: str) -> dict[str, Any]:
    """api_id/region/stage/path (or the custom domain) of an invoke URL, flat; pure."""
    out: dict[str, Any] = dict.fromkeys(
        ("url", "host", "host_kind", "api_id", "region", "stage", "path", "domain_name", "vpce_id")
    )
    out["url"] = url
    try:
        target = parse_invoke_url(url)
    except InvokeUrlError:
        return out
    out.update(
        host=target.host,
        host_kind=_HOST_KINDS.get(target.kind, target.kind),
        api_id=target.api_id,
        region=target.region,
        stage=target.stage,
        path=target.path,
        domain_name=target.domain_name,
        vpce_id=target.vpce_id,
    )
    if target.kind == "custom-domain" and target.host in _LOCAL_HOSTS:
        out.update(host_kind="local", domain_name=None)
    return out


def _request_url(ev: Any) -> str | None:
    """The failing request's URL: a full URL in the paste, else Host header + request path."""
    if ev.url:
        return str(ev.url)
    if ev.host and ev.url_path:
        return f"https://{ev.host}{ev.url_path}"
    return None


@REGISTRY.probe(
    "parse_request",
    "Read the failing request (METHOD URL, a curl command or curl -v output): API id, stage, path",
)
def parse_request(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    text = _text_param(params, "text")
    ev = parse_paste_fields(text)
    url = _request_url(ev)
    if url is None:
        raise ProbeError(
            ProbeErrorKind.INVALID_INPUT,
            "could not find a URL in the request (expected e.g. "
            "'POST https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/items')",
            manual_hint="type the HTTP method and the full URL you called",
        )
    out = parse_target_url(url)
    method = _given(params, "method", ctx) or ev.http_method
    out["method"] = (method or "GET").upper()
    out["method_given"] = method is not None
    out["authorization_scheme"] = ev.authorization_scheme
    out["sends_api_key"] = ev.has_api_key_header
    out["cache_control"] = ev.headers.get("cache-control")
    out["path_has_connections"] = "@connections" in url
    return out


@REGISTRY.probe(
    "request_from_arn",
    "Read the failing call from the method ARN an AccessDenied message names",
)
def request_from_arn(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    text = _text_param(params, "arn")
    try:
        arn = parse_method_arn(text)
    except ValueError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, str(exc)) from None
    return {
        "method": arn.method.upper(),
        "host_kind": None,
        "api_id": arn.api_id,
        "region": arn.region,
        "stage": arn.stage,
        "path": arn.request_path,
        "account_id": arn.account,
        "path_has_connections": "@connections" in arn.path,
    }
