"""Where a REQUEST authorizer reads its caller's identity, and that value in a request (pure).

An authorizer's identity source names request parameters: `method.request.header.X` /
`method.request.querystring.X` (REST), `$request.header.X` / `$request.querystring.X` (HTTP),
`route.request.header.X` / `route.request.querystring.X` (WebSocket). A browser cannot set
headers on a WebSocket upgrade, so its token travels in the URL's query string; the wizard must
read the token there, not in an Authorization header the client never sends. Stage variables
and `$context` values are not the caller's identity and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_SOURCE = re.compile(
    r"^(?:method\.request|route\.request|\$request)\.(?P<where>header|querystring)\.(?P<name>.+)$"
)
MAX_SOURCES = 10  # API Gateway allows a handful; a longer list is not an identity source


@dataclass(frozen=True)
class IdentitySource:
    where: str  # "header" or "querystring"
    name: str


def parse_identity_sources(text: str | None) -> list[IdentitySource]:
    """The header and query-string parameters of an identity source (comma-separated)."""
    out = []
    for part in (text or "").split(",")[:MAX_SOURCES]:
        m = _SOURCE.match(part.strip())
        if m:
            out.append(IdentitySource(m["where"], m["name"]))
    return out


def identity_value(
    sources: list[IdentitySource],
    *,
    url: str | None,
    headers: Mapping[str, str] | None = None,
    token: str | None = None,
) -> str | None:
    """The value of the first identity source the request carries: a query-string parameter of
    `url`, a header of `headers`, or `token` (the Authorization header the user gave)."""
    query = parse_qs(urlsplit(url).query, keep_blank_values=False) if url else {}
    lower = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    if token:
        lower.setdefault("authorization", token)
    for source in sources:
        if source.where == "querystring" and query.get(source.name):
            return query[source.name][-1]  # API Gateway passes the last of repeated values
        if source.where == "header" and lower.get(source.name.lower()):
            return lower[source.name.lower()]
    return None
