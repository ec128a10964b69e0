"""A browser HAR file (the network tab's "Save all as HAR"), read as the failing call's curl -i.

`pick_failing_entry(har, url=None)` chooses the entry to diagnose: the one whose URL contains
`url` when it is given (the first failing one among several), else the first 4xx/5xx response
to an API host - an execute-api or custom API domain that answers with API Gateway's headers, a
fetch/XHR/WebSocket request - rather than a failed image or script. `render(entry)` writes it as
the request and response lines, headers and body `explain` reads from a curl -v paste.

Secrets never leave this module: the Authorization header keeps its scheme (Bearer, SigV4's
credential scope) and loses the token or signature; x-api-key, cookies and set-cookie keep only
the fact that they were sent; a presigned URL's X-Amz-Signature, X-Amz-Credential and
X-Amz-Security-Token parameters are replaced.

Bounded: the file is parsed with the depth bound of analysis/bounded.py by the caller, at most
`MAX_ENTRIES` entries are looked at, `MAX_HEADERS` headers per side, and at most `MAX_BODY`
characters of a body (base64 bodies are decoded from a bounded prefix).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from wizard.analysis.redact import REDACTED, redact_text

MAX_ENTRIES = 5_000
MAX_HEADERS = 200
MAX_BODY = 64 * 1024
MAX_VALUE = 8 * 1024


class HarError(ValueError):
    """The document is not a HAR file, or has no entry to diagnose: one line for the user."""


@dataclass
class HarEntry:
    index: int  # position in log.entries (0-based)
    method: str
    url: str  # redacted
    status: int
    status_text: str = ""
    request_headers: list[tuple[str, str]] = field(default_factory=list)  # redacted
    response_headers: list[tuple[str, str]] = field(default_factory=list)  # redacted
    body: str = ""
    resource_type: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "entry": self.index,
            "method": self.method,
            "url": self.url,
            "status": self.status,
        }


# Headers that say API Gateway answered.
_APIGW_HEADERS = frozenset(
    {"x-amzn-requestid", "x-amz-apigw-id", "apigw-requestid", "x-amzn-errortype"}
)
_API_TYPES = frozenset({"xhr", "fetch", "websocket", "eventsource", "preflight"})
_ASSET = re.compile(
    r"(?i)\.(?:png|jpe?g|gif|svg|webp|ico|css|js|mjs|map|woff2?|ttf|eot|mp4|webm|html?)(?:$|\?)"
)
_PRESIGNED = frozenset({"x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature"})
_SECRET_HEADERS = frozenset(
    {"x-api-key", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization"}
)
_AUTH_KEEP = re.compile(r"(?i)^(Bearer|Basic|AWS4-HMAC-SHA256)\b(.*)$", re.DOTALL)


def entries_of(har: object) -> list[tuple[int, Mapping[str, Any]]]:
    """The `log.entries` of a parsed HAR document with their positions, or HarError."""
    if not isinstance(har, Mapping):
        raise HarError("not a HAR file: the document is not a JSON object with a 'log'")
    log = har.get("log")
    entries = log.get("entries") if isinstance(log, Mapping) else None
    if not isinstance(entries, list):
        raise HarError("not a HAR file: it has no log.entries list")
    return [(i, e) for i, e in enumerate(entries[:MAX_ENTRIES]) if isinstance(e, Mapping)]


def pick_failing_entry(har: object, url: str | None = None) -> HarEntry:
    """The entry to diagnose (see the module doc), or HarError naming what was missing."""
    entries = entries_of(har)
    if not entries:
        raise HarError("the HAR file has no requests in it")
    scored: list[tuple[int, int]] = []
    by_index = dict(entries)
    for i, e in entries:
        req_url = _str(_get(e, "request", "url"))
        status = _status(e)
        if url is not None:
            if url not in req_url:
                continue
            # Among the matching entries, a failing one first; else the first match.
            scored.append((0 if status >= 400 else 1, i))
            continue
        if status < 400:
            continue
        scored.append((0 if _is_api_call(e) else 1, i))
    if not scored:
        if url is not None:
            raise HarError(f"no request in the HAR file has a URL containing {url!r}")
        raise HarError(
            "no request in the HAR file failed (no 4xx/5xx response); a request the browser "
            "blocked (CORS) has status 0 - pass --url to pick it"
        )
    # An API call first; when only assets failed, the first failure is still better than none.
    _, index = min(scored)
    return _entry(by_index[index], index)


def _is_api_call(e: Mapping[str, Any]) -> bool:
    headers = {name.lower() for name, _ in _headers(_get(e, "response", "headers"))}
    if headers & _APIGW_HEADERS:
        return True
    url = _str(_get(e, "request", "url"))
    host = urlsplit(url).hostname or ""
    if ".execute-api." in host or host.endswith(".on.aws"):
        return True
    rtype = _str(e.get("_resourceType")).lower()
    if rtype in _API_TYPES:
        return True
    return not _ASSET.search(urlsplit(url).path or "") and rtype not in (
        "image",
        "stylesheet",
        "script",
        "font",
        "media",
        "document",
    )


def _entry(e: Mapping[str, Any], index: int) -> HarEntry:
    request = _mapping(e.get("request"))
    response = _mapping(e.get("response"))
    method = re.sub(r"[^A-Z]", "", _str(request.get("method")).upper())[:10] or "GET"
    return HarEntry(
        index=index,
        method=method,
        url=redact_url(_str(request.get("url"))[:MAX_VALUE]),
        status=_status(e),
        status_text=_one_line(_str(response.get("statusText")))[:80],
        request_headers=[(n, redact_header(n, v)) for n, v in _headers(request.get("headers"))],
        response_headers=[(n, redact_header(n, v)) for n, v in _headers(response.get("headers"))],
        body=_body(response.get("content")),
        resource_type=_str(e.get("_resourceType")) or None,
    )


def redact_url(url: str) -> str:
    """The URL with a presigned request's signature, credential and token parameters replaced
    (and any user:password@ part)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if not parts.query:
        return redact_text(url)
    query = [
        (k, REDACTED if k.lower() in _PRESIGNED else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    rebuilt = urlunsplit(parts._replace(query=urlencode(query, safe="[]/:")))
    return redact_text(rebuilt)


def redact_header(name: str, value: str) -> str:
    low = name.lower()
    if low in _SECRET_HEADERS:
        return REDACTED
    if low == "authorization":
        m = _AUTH_KEEP.match(value)
        if not m:
            return REDACTED
        if m.group(1).upper() == "AWS4-HMAC-SHA256":
            # The credential scope (key id prefix, date, region, service) is evidence.
            return redact_text(value)
        return f"{m.group(1)} {REDACTED}"
    return redact_text(value)


# The first line of a rendered entry: paste.py reads it back as `paste:har`.
HAR_MARK = "# failing request from a HAR file"
RENDERED_MARK = HAR_MARK


def render(entry: HarEntry) -> str:
    """The entry as curl -v would print it: request line and headers, then the response."""
    lines = [f"{RENDERED_MARK} (entry {entry.index})", f"> {entry.method} {entry.url}"]
    lines += [f"> {n}: {v}" for n, v in entry.request_headers]
    lines.append("")
    lines.append(f"HTTP/1.1 {entry.status} {entry.status_text}".rstrip())
    lines += [f"{n}: {v}" for n, v in entry.response_headers]
    if entry.body:
        lines += ["", entry.body]
    return "\n".join(lines) + "\n"


def _get(e: Mapping[str, Any], *keys: str) -> Any:
    cur: Any = e
    for k in keys:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(k)
    return cur


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _status(e: Mapping[str, Any]) -> int:
    value = _get(e, "response", "status")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value) if 0 <= value <= 999 else 0


_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")


def _headers(raw: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if not isinstance(raw, list):
        return out
    for h in raw[:MAX_HEADERS]:
        if not isinstance(h, Mapping):
            continue
        name, value = _str(h.get("name")), _str(h.get("value"))
        # HTTP/2 pseudo-headers (:authority, :path) carry nothing the request line does not.
        if not _HEADER_NAME.match(name):
            continue
        out.append((name, _one_line(value)[:MAX_VALUE]))
    return out


def _one_line(value: str) -> str:
    return re.sub(r"[\r\n]+", " ", value)


def _body(content: Any) -> str:
    if not isinstance(content, Mapping):
        return ""
    text = _str(content.get("text"))
    if not text:
        return ""
    if _str(content.get("encoding")).lower() == "base64":
        raw = text[: (MAX_BODY * 4) // 3 + 4]
        raw = raw[: len(raw) - len(raw) % 4]
        try:
            text = base64.b64decode(raw, validate=False).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    return redact_text(text[:MAX_BODY])
