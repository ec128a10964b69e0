"""`reproduce`: send the failing request again and record status, x-amzn-ErrorType and body."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from wizard.analysis.invoke_url import InvokeUrlError, parse_invoke_url
from wizard.aws import prefetch
from wizard.aws.loopback import is_loopback_host
from wizard.aws.probes._base import arg
from wizard.aws.reproduce import send
from wizard.aws.resend_consent import needs_resend_consent
from wizard.aws.target import RESOURCE_LISTING
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind


def _headers(value: Any) -> dict[str, str]:
    if not value:
        return {}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    out = {}
    for item in value if isinstance(value, list | tuple) else [value]:
        name, sep, val = str(item).partition(":")
        if not sep:
            raise ProbeError(ProbeErrorKind.INVALID_INPUT, f"header {item!r} is not NAME:VALUE")
        out[name.strip()] = val.strip()
    return out


_MAX_AGE_ZERO = re.compile(r"(?:^|,)\s*max-age\s*=\s*0+\s*(?:,|$)", re.IGNORECASE)


def _prefetch_target(ctx: ProbeContext, url: str, method: str) -> None:
    """The walk resolves this URL's API next: start its reads now (wizard.aws.prefetch)."""
    try:
        parsed = parse_invoke_url(url)
    except InvokeUrlError:
        return
    if parsed.kind == "custom-domain" or ctx.aws is None:
        return  # only the base-path mapping names the API (resolve_target)
    api_id = arg(ctx, {}, "api_id", None) or parsed.api_id
    region = arg(ctx, {}, "region", None) or parsed.region or ctx.aws.region
    if api_id:
        prefetch.rest_target(
            ctx, str(api_id), parsed.stage, region, RESOURCE_LISTING, parsed.path, method
        )


def _check_resend_allowed(
    ctx: ProbeContext, params: Mapping[str, Any], method: str, url: str
) -> None:
    """Re-sending a POST/PUT/PATCH/DELETE to a real API may change data if it now succeeds:
    it needs `confirm_resend` (a front end asks). The local emulator needs no confirmation."""

    if not needs_resend_consent(method, url):
        return
    confirmed = arg(ctx, params, "confirm_resend", False)
    if str(confirmed).lower() not in ("true", "yes", "1"):
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT,
            f"not sent again without your consent: re-sending {method} {url} could change data "
            "if it succeeds now (diagnose --resend allows it; the TUI asks on its start screen)",
            manual_hint="send the request yourself (curl -i) and paste the status line and body",
        )


@REGISTRY.probe(
    "reproduce",
    "Send the failing request again (with the token, API key or a SigV4 signature) and record "
    "the status, x-amzn-ErrorType, message and request id",
    iam_actions=(),
    needs_aws=False,
)
def reproduce(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    url = str(arg(ctx, params, "url"))
    method = str(arg(ctx, params, "method", "GET")).upper()
    headers = _headers(arg(ctx, params, "headers", None))
    token = arg(ctx, params, "token", None)
    if token:
        header = str(arg(ctx, params, "token_header", "Authorization"))
        headers.setdefault(header, str(token))
    api_key = arg(ctx, params, "api_key", None)
    if api_key:
        headers.setdefault("x-api-key", str(api_key))
    _check_resend_allowed(ctx, params, method, url)
    _prefetch_target(ctx, url, method)
    sign = bool(arg(ctx, params, "sigv4", False))
    credentials = None
    if sign:
        if ctx.aws is None:
            raise ProbeError(
                ProbeErrorKind.MISSING_INPUT, "SigV4 signing needs AWS credentials (live mode)"
            )
        credentials = ctx.aws.credentials()
    ctx.check_cancelled()
    result = send(
        method,
        url,
        headers=headers,
        body=arg(ctx, params, "body", None),
        sign_with=credentials,
        region=str(
            arg(ctx, params, "region", None) or (ctx.aws.region if ctx.aws else "us-east-1")
        ),
        connect_to=(origin := emulated_domain_origin(ctx, url)),
    )
    return {
        "status_code": result.status_code,
        "error_type": result.error_type,
        "error_message": result.error_message,
        "request_id": result.request_id,
        "response_body": result.body[:4000],
        "reproduced_403": result.status_code == 403,
        "elapsed_ms": result.elapsed_ms,
        "signed": result.signed,
        # Whether this request carried an API key: a method that requires one answers a call
        # without it with the same "Forbidden" as a key outside the stage's usage plans.
        "api_key_sent": any(k.lower() == "x-api-key" for k in headers),
        # Cache-Control: max-age=0 asks API Gateway to invalidate the stage's cached entry.
        "cache_invalidation_sent": any(
            k.lower() == "cache-control" and _MAX_AGE_ZERO.search(v) for k, v in headers.items()
        ),
        "url": url,
        "method": method,
        "source_ip": loopback_source_ip(origin or url),
    }


def emulated_domain_origin(ctx: ProbeContext, url: str) -> str | None:
    """The loopback endpoint to send a custom-domain URL to, when the session is the local
    emulator's: no DNS resolves a domain registered only there, so the request goes to the
    emulator with its Host header kept (it routes custom domains by Host). None otherwise:
    against AWS, or for any other URL, the request goes where the URL says."""

    endpoint = getattr(ctx.aws, "endpoint_url", None) if ctx.aws is not None else None
    if not endpoint or not is_loopback_host(urlsplit(str(endpoint)).hostname or ""):
        return None
    try:
        kind = parse_invoke_url(url).kind
    except InvokeUrlError:
        return None
    host = urlsplit(url).hostname or ""
    return str(endpoint) if kind == "custom-domain" and not is_loopback_host(host) else None


def loopback_source_ip(url: str) -> str | None:
    """The address the API saw this request come from, when it is certain: a loopback
    endpoint (the emulator) sees the loopback address. For a real endpoint it is this
    network's public egress address (behind NAT, a proxy or a VPN), which the wizard cannot
    know without asking a third party, so None (unknown)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return "127.0.0.1"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return None
    return str(addr) if addr.is_loopback else None
