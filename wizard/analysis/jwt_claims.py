"""Reading a JWT's claims: times (UTC and relative), issuer, audiences, scopes, token kind.

Pure helpers for the JWT inspector; nothing here judges the token (see jwt_findings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Claims that hold a NumericDate (seconds since the epoch).
TIME_CLAIMS = ("iat", "nbf", "exp", "auth_time")


@dataclass(frozen=True)
class TimeClaim:
    name: str
    epoch: float
    utc: str
    relative: str
    seconds_from_now: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "utc": self.utc,
            "relative": self.relative,
            "seconds_from_now": self.seconds_from_now,
        }


@dataclass(frozen=True)
class Issuer:
    url: str
    provider: str  # cognito | auth0 | okta | azure-ad | google | keycloak | other
    region: str | None = None
    user_pool_id: str | None = None
    tenant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "provider": self.provider,
            "region": self.region,
            "user_pool_id": self.user_pool_id,
            "tenant": self.tenant,
        }


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def human_duration(seconds: float) -> str:
    """`3 minutes`, `2 hours 5 minutes`, `4 days` — for people, not machines."""
    s = abs(int(seconds))
    if s < 60:
        return _plural(s, "second")
    if s < 3600:
        m, sec = divmod(s, 60)
        return _plural(m, "minute") + (f" {_plural(sec, 'second')}" if sec and m < 5 else "")
    if s < 86400:
        h, rem = divmod(s, 3600)
        m = rem // 60
        return _plural(h, "hour") + (f" {_plural(m, 'minute')}" if m else "")
    d, rem = divmod(s, 86400)
    h = rem // 3600
    return _plural(d, "day") + (f" {_plural(h, 'hour')}" if h and d < 7 else "")


def relative(seconds_from_now: float) -> str:
    if abs(seconds_from_now) < 1:
        return "now"
    if seconds_from_now > 0:
        return f"in {human_duration(seconds_from_now)}"
    return f"{human_duration(seconds_from_now)} ago"


def utc_iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_epoch(now: datetime | float) -> float:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.timestamp()
    return float(now)


def read_time_claims(claims: dict[str, Any], now: float) -> dict[str, TimeClaim]:
    """The NumericDate claims that are numbers and valid dates (see time_claim_problems)."""
    times: dict[str, TimeClaim] = {}
    for name in TIME_CLAIMS:
        value = claims.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        try:
            utc = utc_iso(value)
        except (OverflowError, OSError, ValueError):
            continue
        delta = value - now
        times[name] = TimeClaim(name, value, utc, relative(delta), int(delta))
    return times


def lifetime_of(times: dict[str, TimeClaim]) -> int | None:
    exp, start = times.get("exp"), times.get("iat") or times.get("nbf")
    if exp is None or start is None:
        return None
    return int(exp.epoch - start.epoch)


_ISSUERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cognito",
        re.compile(
            r"^https://cognito-idp\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<pool>[\w-]+_\w+)/?$"
        ),
    ),
    ("auth0", re.compile(r"^https://(?P<tenant>[\w.-]+?)(?:\.[a-z]{2})?\.auth0\.com/?$")),
    (
        "okta",
        re.compile(
            r"^https://(?P<tenant>[\w-]+)\.(?:okta|oktapreview|okta-emea)\.com(?:/oauth2/.*)?$"
        ),
    ),
    (
        "azure-ad",
        re.compile(
            r"^https://(?:login\.microsoftonline\.com|sts\.windows\.net)/(?P<tenant>[\w-]+)(?:/v2\.0)?/?$"
        ),
    ),
    ("google", re.compile(r"^https://accounts\.google\.com/?$")),
    ("keycloak", re.compile(r"^https?://.+/realms/(?P<tenant>[^/]+)/?$")),
)


def recognise_issuer(iss: object) -> Issuer | None:
    if not isinstance(iss, str) or not iss:
        return None
    for provider, pattern in _ISSUERS:
        m = pattern.match(iss)
        if m:
            groups = m.groupdict()
            return Issuer(
                url=iss,
                provider=provider,
                region=groups.get("region"),
                user_pool_id=groups.get("pool"),
                tenant=groups.get("tenant"),
            )
    return Issuer(url=iss, provider="other")


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def scopes_of(claims: dict[str, Any]) -> list[str]:
    # `scope` is a space-separated string (RFC 8693); Okta and Azure AD use `scp` (list or string).
    found: list[str] = []
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.extend(value.split())
        elif isinstance(value, list):
            found.extend(str(v) for v in value)
    return list(dict.fromkeys(found))


def str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


# Claims only OpenID Connect ID tokens carry (access tokens per RFC 9068 have none of them).
ID_TOKEN_CLAIMS = ("nonce", "at_hash", "c_hash", "email", "email_verified", "name", "given_name")


def looks_like_oidc_id_token(header: dict[str, Any], claims: dict[str, Any]) -> bool:
    if str(header.get("typ", "")).lower() in ("at+jwt", "application/at+jwt"):
        return False
    return any(c in claims for c in ID_TOKEN_CLAIMS)
