"""What a senior engineer would flag about a JWT, in plain words, tied to catalogue causes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wizard.analysis.jwt_claims import (
    ID_TOKEN_CLAIMS,
    TIME_CLAIMS,
    Issuer,
    TimeClaim,
    as_list,
    human_duration,
    looks_like_oidc_id_token,
    relative,
    utc_iso,
)
from wizard.analysis.jwt_signature import ASYMMETRIC_PREFIXES, HMAC_ALGS, KNOWN_ALGS, alg_of


@dataclass(frozen=True)
class Finding:
    """Something a senior engineer would point out about the token, in plain words."""

    code: str
    severity: str  # "error" (explains a failure), "warning" (likely trouble), "info"
    message: str
    cause_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "cause_ids": list(self.cause_ids),
        }


@dataclass(frozen=True)
class CacheComparison:
    """The token's remaining life against the authorizer's result cache TTL."""

    ttl_seconds: int
    expires_in_seconds: int | None
    lifetime_seconds: int | None
    # Token still valid: a decision cached now is served this long after the token expires.
    cached_allow_outlives_token_by: int | None
    # Token already expired: an Allow cached just before expiry may still be served this long.
    cache_may_still_serve_for: int | None

    @property
    def outlives(self) -> bool:
        return bool(self.cached_allow_outlives_token_by or self.cache_may_still_serve_for)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ttl_seconds": self.ttl_seconds,
            "expires_in_seconds": self.expires_in_seconds,
            "lifetime_seconds": self.lifetime_seconds,
            "cached_allow_outlives_token_by": self.cached_allow_outlives_token_by,
            "cache_may_still_serve_for": self.cache_may_still_serve_for,
        }


@dataclass(frozen=True)
class Expectations:
    """What the authorizer requires: a route's authorization scopes (the token needs at least
    one), the audiences it accepts (`aud`, or `client_id` when `aud` is absent), its issuer."""

    scopes: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    issuer: str | None = None


def time_claim_problems(claims: dict[str, Any]) -> list[Finding]:
    """NumericDate claims that are not numbers, or not valid dates."""
    out: list[Finding] = []
    for name in TIME_CLAIMS:
        if name not in claims:
            continue
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(
                Finding(
                    f"{name}-not-a-number",
                    "error",
                    f"`{name}` is {json.dumps(value)[:40]}, not a number of seconds since 1970: "
                    "API Gateway JWT authorizers and most libraries reject such a token.",
                )
            )
            continue
        try:
            utc_iso(value)
        except (OverflowError, OSError, ValueError):
            out.append(
                Finding(f"{name}-out-of-range", "error", f"`{name}` ({value}) is not a valid date.")
            )
    return out


def time_findings(times: dict[str, TimeClaim], claims: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    exp = times.get("exp")
    if "exp" not in claims:
        out.append(
            Finding(
                "no-exp",
                "warning",
                "The token has no `exp` claim, so it never expires. HTTP API JWT authorizers "
                "validate `exp`; a Lambda authorizer that does not check it trusts the token forever.",
            )
        )
    elif exp is not None and exp.seconds_from_now <= 0:
        out.append(
            Finding(
                "expired",
                "error",
                f"The token expired {relative(exp.seconds_from_now)} (at {exp.utc}). An HTTP API JWT "
                "or Cognito authorizer answers 401 for it. A Lambda authorizer that returns Deny "
                "instead of raising Unauthorized turns that into 403 — and if the Deny is cached "
                "under a key a fresh token also hits, the 403 outlives the refresh.",
                ("authz-explicit-deny", "authz-cache-stale-decision", "not-403-lookalikes"),
            )
        )
    nbf = times.get("nbf")
    if nbf is not None and nbf.seconds_from_now > 0:
        out.append(
            Finding(
                "not-yet-valid",
                "error",
                f"The token is not valid yet: `nbf` is {nbf.relative} ({nbf.utc}). Either the "
                "issuer's clock or this machine's clock is off; authorizers reject it until then.",
                ("not-403-lookalikes",),
            )
        )
    iat = times.get("iat")
    if iat is not None and iat.seconds_from_now > 60:
        out.append(
            Finding(
                "issued-in-future",
                "warning",
                f"`iat` (issued at) is {iat.relative} ({iat.utc}): a clock is wrong somewhere. "
                "Authorizers that check `iat` reject the token.",
            )
        )
    return out


def cache_comparison(
    ttl: int, expires_in: int | None, lifetime: int | None
) -> tuple[CacheComparison, list[Finding]]:
    outlives: int | None = None
    still: int | None = None
    findings: list[Finding] = []
    ttl = max(ttl, 0)
    if expires_in is not None and expires_in > 0:
        outlives = max(0, ttl - expires_in)
    elif expires_in is not None:
        still = max(0, ttl + expires_in)
    comp = CacheComparison(ttl, expires_in, lifetime, outlives, still)
    if ttl == 0:
        return comp, findings
    if lifetime is not None and lifetime < ttl:
        findings.append(
            Finding(
                "lifetime-shorter-than-ttl",
                "warning",
                f"The authorizer caches its decision for {human_duration(ttl)}, longer than these "
                f"tokens live ({human_duration(lifetime)}). A cached Allow keeps admitting a token "
                "after it expires, and a cached Deny keeps refusing a refreshed token if the cache "
                "key is not the token itself. Keep the TTL at or below the token lifetime.",
                ("authz-cache-stale-decision",),
            )
        )
    if still:
        findings.append(
            Finding(
                "expired-but-maybe-cached",
                "warning",
                f"The token has expired, but with a {human_duration(ttl)} cache an Allow cached "
                f"just before it expired can still be served for up to {human_duration(still)} "
                "more: an expired token that still works is the cache, not the authorizer.",
                ("authz-cache-stale-decision",),
            )
        )
    elif outlives and not findings:
        findings.append(
            Finding(
                "cache-outlives-token",
                "info",
                f"A decision cached now (TTL {human_duration(ttl)}) would still be served "
                f"{human_duration(outlives)} after this token expires.",
                ("authz-cache-stale-decision",),
            )
        )
    return comp, findings


def type_findings(
    header: dict[str, Any],
    claims: dict[str, Any],
    issuer: Issuer | None,
    token_use: str | None,
    scopes: list[str],
) -> list[Finding]:
    out: list[Finding] = []
    alg = alg_of(header)
    if alg not in KNOWN_ALGS and alg.lower() != "none":
        out.append(
            Finding(
                "unknown-alg",
                "error",
                f"The header's `alg` is {json.dumps(header.get('alg'))[:40]}, not a JWS signing "
                "algorithm (RS256, ES256, HS256 ...): every authorizer rejects this token.",
            )
        )
    elif alg.lower() == "none":
        out.append(
            Finding(
                "alg-none",
                "error",
                "`alg` is none: the token is unsigned and anyone could have written it. API Gateway "
                "JWT and Cognito authorizers reject it; a Lambda authorizer that accepts it is a "
                "security hole.",
            )
        )
    elif alg in HMAC_ALGS:
        out.append(
            Finding(
                "hmac-signed",
                "info",
                f"Signed with {alg} (a shared secret). API Gateway's built-in JWT authorizers "
                "verify public-key signatures against the issuer's JWKS, so this token fits a "
                "Lambda authorizer that knows the secret, not a JWT authorizer.",
            )
        )
    elif alg.startswith(ASYMMETRIC_PREFIXES) and "kid" not in header:
        out.append(
            Finding(
                "no-kid",
                "warning",
                "The header has no `kid`: a JWT authorizer cannot pick the key from the issuer's "
                "JWKS to verify it (401).",
            )
        )
    if token_use == "id":
        out.append(
            Finding(
                "id-token",
                "warning",
                "This is a Cognito ID token: it carries no OAuth scopes. A route or method that "
                "requires authorization scopes needs the ACCESS token: an HTTP API JWT authorizer "
                "answers 403 (insufficient scope), a REST Cognito authorizer 401.",
                ("httpapi-jwt-insufficient-scope", "not-403-lookalikes"),
            )
        )
    elif token_use == "access":
        out.append(
            Finding(
                "access-token",
                "info",
                "This is a Cognito access token (it has `client_id` and `scope`, no `aud`). A REST "
                "Cognito authorizer accepts it only on methods that list authorization scopes; on "
                "a method without scopes it expects the ID token (401 otherwise).",
                ("not-403-lookalikes",),
            )
        )
    elif not scopes and "permissions" in claims:
        out.append(
            Finding(
                "permissions-not-scopes",
                "warning",
                "The token lists `permissions` but has no `scope`/`scp` claim. API Gateway JWT "
                "authorizers read only `scope`/`scp`, so a route that requires scopes answers 403. "
                "Ask the identity provider to put them in `scope` (Auth0: enable RBAC and add "
                "permissions to the access token).",
                ("httpapi-jwt-insufficient-scope",),
            )
        )
    elif not scopes and looks_like_oidc_id_token(header, claims):
        out.append(
            Finding(
                "looks-like-id-token",
                "warning",
                "This looks like an OpenID Connect ID token (it has "
                + ", ".join(f"`{c}`" for c in ID_TOKEN_CLAIMS if c in claims)
                + " and no scopes). ID tokens prove who the user is to the client; APIs expect "
                "the ACCESS token. A route that requires scopes refuses it (HTTP API: 403).",
                ("httpapi-jwt-insufficient-scope",),
            )
        )
    elif not scopes and token_use is None:
        out.append(
            Finding(
                "no-scopes",
                "info",
                "The token has no `scope`/`scp` claim: any route that requires authorization "
                "scopes will refuse it (HTTP API: 403).",
                ("httpapi-jwt-insufficient-scope",),
            )
        )
    if "aud" not in claims and "client_id" not in claims:
        out.append(
            Finding(
                "no-audience",
                "warning",
                "The token has neither `aud` nor `client_id`: an HTTP API JWT authorizer with an "
                "audience list rejects it (401).",
            )
        )
    return out


def expectation_findings(
    expect: Expectations, claims: dict[str, Any], scopes: list[str]
) -> list[Finding]:
    out: list[Finding] = []
    if expect.scopes and not set(expect.scopes) & set(scopes):
        out.append(
            Finding(
                "missing-scope",
                "error",
                f"The route requires one of {', '.join(expect.scopes)}; the token carries "
                f"{', '.join(scopes) if scopes else 'no scopes'}. An HTTP API JWT authorizer answers "
                "403 Forbidden for this (a REST Cognito authorizer 401): request a token with the "
                "scope, or change the route's authorization scopes.",
                ("httpapi-jwt-insufficient-scope",),
            )
        )
    if expect.audiences:
        # API Gateway checks `aud`, and `client_id` only when the token has no `aud`.
        has_aud = "aud" in claims
        presented = as_list(claims.get("aud")) if has_aud else as_list(claims.get("client_id"))
        if not set(expect.audiences) & set(presented):
            field_name = "aud" if has_aud else "client_id"
            out.append(
                Finding(
                    "audience-mismatch",
                    "error",
                    f"The authorizer accepts audiences {', '.join(expect.audiences)}; the token's "
                    f"`{field_name}` is {', '.join(presented) or 'missing'}. A JWT authorizer "
                    "answers 401 for this — often a token minted for another app client.",
                    ("not-403-lookalikes",),
                )
            )
    if expect.issuer is not None:
        iss = claims.get("iss")
        if not isinstance(iss, str) or iss.rstrip("/") != expect.issuer.rstrip("/"):
            out.append(
                Finding(
                    "issuer-mismatch",
                    "error",
                    f"The authorizer trusts issuer {expect.issuer}; this token was issued by "
                    f"{iss if isinstance(iss, str) else 'nobody (no iss claim)'}. A JWT authorizer "
                    "answers 401 — often a token from another user pool, tenant or stage.",
                    ("not-403-lookalikes",),
                )
            )
    return out
