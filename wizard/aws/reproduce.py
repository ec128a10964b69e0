"""`reproduce`: send the failing request ourselves and record what API Gateway answered.

Only http(s) URLs; redirects are never followed (a 3xx is recorded as the answer), so the
token, API key or signature is never sent to a host the user did not name. SigV4 signing uses
botocore's SigV4Auth with the session's credentials (service `execute-api`).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from wizard.aws.exchange import (
    MAX_BODY,
    LoopbackNameConnection,
    ReproduceResult,
    error_message_from_body,
)
from wizard.aws.loopback import is_loopback_host
from wizard.aws.ws_handshake import open_handshake
from wizard.engine.probes import ProbeError, ProbeErrorKind

DEFAULT_TIMEOUT = 15.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx, which we record


class _LoopbackNames(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(LoopbackNameConnection, req)


def _opener() -> urllib.request.OpenerDirector:
    # No proxies: a sandbox/loopback request must not leave the machine through an env proxy.
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirect(), _LoopbackNames()
    )


def validate_url(url: str) -> str:
    parts = urlsplit(url)
    # ws(s): a WebSocket API's connection URL; reproducing it is the upgrade handshake.
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc:
        raise ProbeError(
            ProbeErrorKind.INVALID_INPUT,
            f"reproduce needs an http(s) or ws(s) URL, got {url!r}",
            manual_hint="pass the full invoke URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod/items",
        )
    return url


def sigv4_headers(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    credentials: Any,
    region: str,
    service: str = "execute-api",
) -> dict[str, str]:
    """Headers with a SigV4 signature added (botocore.auth.SigV4Auth)."""
    # lazy: botocore.auth costs ~65 ms at import (-X importtime); only a signed replay needs it.
    from botocore.auth import SigV4Auth

    # lazy: botocore 170-300 ms (-X importtime); only the live/signing path needs it
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
    SigV4Auth(credentials, service, region).add_auth(request)
    return {k: str(v) for k, v in request.headers.items()}


def connected_url(url: str, origin: str) -> str:
    """`url`'s path and query on `origin`, which must be a loopback http(s) origin."""

    target = urlsplit(origin)
    if target.scheme not in ("http", "https") or not is_loopback_host(target.hostname or ""):
        raise ProbeError(
            ProbeErrorKind.INVALID_INPUT,
            f"connect_to must be a loopback http(s) origin, not {origin!r}",
        )
    parts = urlsplit(url)
    return parts._replace(scheme=target.scheme, netloc=target.netloc).geturl()


def send(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: str | bytes | None = None,
    sign_with: Any = None,
    region: str = "us-east-1",
    timeout: float = DEFAULT_TIMEOUT,
    connect_to: str | None = None,
) -> ReproduceResult:
    """Send one request; `sign_with` = botocore credentials to SigV4-sign it.

    `connect_to` (a loopback origin, the local emulator's) sends it there instead of to the
    URL's host, with the Host header kept (as `curl --connect-to` does): a custom domain
    registered in the emulator, which no DNS resolves. Signed for the URL as given."""
    validate_url(url)
    data = body.encode() if isinstance(body, str) else body
    hdrs = dict(headers or {})
    if sign_with is not None:
        hdrs = sigv4_headers(method, url, hdrs, data, sign_with, region)
    if urlsplit(url).scheme in ("ws", "wss"):
        return _handshake(url, hdrs, timeout, signed=sign_with is not None)
    wire = url
    if connect_to is not None:
        wire = connected_url(url, connect_to)
        hdrs = {k: v for k, v in hdrs.items() if k.lower() != "host"}
        hdrs["Host"] = urlsplit(url).netloc
    req = urllib.request.Request(wire, data=data, method=method.upper(), headers=hdrs)
    started = time.perf_counter()
    try:
        with _opener().open(req, timeout=timeout) as resp:
            status, resp_headers, raw = resp.status, dict(resp.headers), resp.read(MAX_BODY)
    except urllib.error.HTTPError as err:
        status, resp_headers, raw = err.code, dict(err.headers or {}), err.read(MAX_BODY)
    except (urllib.error.URLError, ConnectionError) as err:
        reason = getattr(err, "reason", err)
        raise ProbeError(
            ProbeErrorKind.UNREACHABLE,
            f"could not reach {urlsplit(url).netloc}: {reason}",
            manual_hint="run the request yourself (curl -i) and paste the status line and body",
        ) from err
    except TimeoutError as err:
        raise ProbeError(
            ProbeErrorKind.TIMEOUT,
            f"no answer from {urlsplit(url).netloc} within {timeout:.0f}s",
            manual_hint="run the request yourself (curl -i) and paste the status line and body",
        ) from err
    elapsed = (time.perf_counter() - started) * 1000
    text = raw.decode("utf-8", errors="replace")
    lower = {k.lower(): v for k, v in resp_headers.items()}
    return ReproduceResult(
        method=method.upper(),
        url=url,
        status_code=int(status),
        error_type=lower.get("x-amzn-errortype"),
        error_message=error_message_from_body(text),
        request_id=lower.get("x-amzn-requestid") or lower.get("x-amz-apigw-id"),
        body=text,
        headers=resp_headers,
        elapsed_ms=round(elapsed, 1),
        signed=sign_with is not None,
    )


def _handshake(
    url: str, headers: Mapping[str, str], timeout: float, *, signed: bool
) -> ReproduceResult:
    """A WebSocket URL: the upgrade request that runs the API's $connect route, and its answer."""

    try:
        result = open_handshake(url, headers=headers, timeout=timeout)
    except TimeoutError as err:
        raise ProbeError(
            ProbeErrorKind.TIMEOUT,
            f"no answer from {urlsplit(url).netloc} within {timeout:.0f}s",
            manual_hint="connect yourself (wscat -c URL) and paste the error it prints",
        ) from err
    except OSError as err:
        raise ProbeError(
            ProbeErrorKind.UNREACHABLE,
            f"could not reach {urlsplit(url).netloc}: {err}",
            manual_hint="connect yourself (wscat -c URL) and paste the error it prints",
        ) from err
    result.signed = signed
    return result
