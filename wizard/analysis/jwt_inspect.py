"""JWT inspector: what a token says, whether it is still valid, and what a senior would flag.

Pure: the token, the current time, the authorizer cache TTL and any key material (a shared
secret, a PEM, a JWKS document) are passed in; nothing is read from disk or the network.
Decoding is PyJWT's (`get_unverified_header`, `decode` without verification, `PyJWKSet`).
The raw token and its signature are never part of the result unless `reveal=True`.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jwt

from wizard.analysis.redact import redact_text

# Claims that hold a NumericDate (seconds since the epoch).
TIME_CLAIMS = ("iat", "nbf", "exp", "auth_time")

_HMAC_ALGS = ("HS256", "HS384", "HS512")
_ASYMMETRIC_PREFIXES = ("RS", "PS", "ES", "Ed")
_KNOWN_ALGS = frozenset(
    {
        *_HMAC_ALGS,
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
        "ES256", "ES256K", "ES384", "ES512", "EdDSA", "Ed25519", "Ed448",
    }
)  # fmt: skip


def _alg(header: dict[str, Any]) -> str:
    """The header's alg as text; a missing or non-string alg is ""."""
    alg = header.get("alg")
    return alg if isinstance(alg, str) else ""


_MIN_HMAC_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


class TokenError(ValueError):
    """The input is not a readable JWT; the message is one line naming what is wrong and where."""


class KeyMaterialError(ValueError):
    """The secret, PEM or JWKS given for verification could not be used."""


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


@dataclass(frozen=True)
class SignatureCheck:
    checked: bool
    valid: bool | None
    method: str | None  # "secret" | "pem" | "jwks" | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "valid": self.valid,
            "method": self.method,
            "detail": self.detail,
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


@dataclass
class JwtReport:
    header: dict[str, Any]
    claims: dict[str, Any]
    times: dict[str, TimeClaim]
    lifetime_seconds: int | None
    expires_in_seconds: int | None
    issuer: Issuer | None
    token_use: str | None  # Cognito: "id" or "access"
    client_id: str | None
    audience: list[str]
    scopes: list[str]
    signature: SignatureCheck
    cache: CacheComparison | None
    findings: list[Finding] = field(default_factory=list)
    token: str | None = None  # only with reveal=True
    signature_b64: str | None = None  # only with reveal=True

    @property
    def expired(self) -> bool:
        return self.expires_in_seconds is not None and self.expires_in_seconds <= 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "header": self.header,
            "claims": self.claims,
            "times": {k: v.to_dict() for k, v in self.times.items()},
            "lifetime_seconds": self.lifetime_seconds,
            "expires_in_seconds": self.expires_in_seconds,
            "expired": self.expired,
            "issuer": self.issuer.to_dict() if self.issuer else None,
            "token_use": self.token_use,
            "client_id": self.client_id,
            "audience": self.audience,
            "scopes": self.scopes,
            "signature": self.signature.to_dict(),
            "authorizer_cache": self.cache.to_dict() if self.cache else None,
            "warnings": [f.to_dict() for f in self.findings],
        }
        if self.token is not None:
            out["token"] = self.token
            out["signature_b64"] = self.signature_b64
        return out


# --------------------------------------------------------------------------------------------
# Getting the token out of what people paste


_HEADER_LINE = re.compile(r"(?is)^\s*(?:-H\s*)?[\"']?\s*authorization\s*:\s*")
_BEARER = re.compile(r"(?i)^bearer\s+")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_=.-]*")
_JWT_IN_TEXT = re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")


def extract_token(text: str) -> str:
    """Accept a bare token, `Bearer <token>` or a whole `Authorization: Bearer ...` line."""
    token = text.strip()
    token = _HEADER_LINE.sub("", token)
    token = token.strip().strip("\"'").strip()
    token = _BEARER.sub("", token).strip().strip("\"'")
    # Pasted tokens are sometimes wrapped over several lines.
    compact = re.sub(r"\s+", "", token)
    if _TOKEN_CHARS.fullmatch(compact):
        return compact
    # A curl command, a JSON event or a log line around the token: take the JWT inside it.
    found = _JWT_IN_TEXT.search(text)
    return found.group(0) if found else compact


def _split(token: str) -> list[str]:
    if not token:
        raise TokenError("no token given (expected header.payload.signature)")
    parts = token.split(".")
    if len(parts) == 5:
        raise TokenError(
            "this is an encrypted token (JWE, 5 segments): its claims cannot be read without "
            "the recipient's private key, and API Gateway authorizers do not accept JWE"
        )
    if len(parts) != 3:
        raise TokenError(
            f"not a JWT: expected 3 segments separated by dots (header.payload.signature), "
            f"found {len(parts)}"
        )
    for name, part in zip(("header", "payload"), parts[:2], strict=True):
        if not part:
            raise TokenError(f"not a JWT: the {name} segment is empty")
        bad = re.search(r"[^A-Za-z0-9_=-]", part)
        if bad:
            raise TokenError(
                f"not a JWT: the {name} segment has a character that is not base64url "
                f"({bad.group(0)!r} at position {bad.start() + 1})"
            )
    return parts


def _decode_error(exc: Exception) -> TokenError:
    msg = str(exc)
    segment = "token"
    if "header" in msg.lower():
        segment = "header"
    elif "payload" in msg.lower():
        segment = "payload"
    elif "crypto" in msg.lower():
        segment = "signature"
    reason = msg.split(":", 1)[-1].strip() if ":" in msg else msg
    reason = re.sub(r"\s*\(char \d+\)$", "", reason.replace("Invalid ", "")).strip()
    if "padding" in reason:
        return TokenError(f"not a valid JWT: the {segment} segment is not valid base64url")
    if "json object" in reason:
        return TokenError(f"not a valid JWT: the {segment} segment is JSON but not an object")
    if segment in ("header", "payload"):
        return TokenError(f"not a valid JWT: the {segment} segment is not JSON ({reason})")
    return TokenError(f"not a valid JWT: the {segment} segment cannot be decoded ({reason})")


def _decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.exceptions.DecodeError as exc:
        raise _decode_error(exc) from None
    except jwt.exceptions.PyJWTError as exc:  # e.g. a non-string kid, an unknown `crit`
        raise TokenError(f"not a valid JWT: the header segment is not usable ({exc})") from None
    except (ValueError, TypeError) as exc:  # PyJWT lets a few of these through
        raise TokenError(f"not a valid JWT: {exc}") from None
    if not isinstance(claims, dict):
        raise TokenError("not a valid JWT: the payload segment is not a JSON object")
    return header, claims


# --------------------------------------------------------------------------------------------
# Times


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


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now_epoch(now: datetime | float) -> float:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now.timestamp()
    return float(now)


def _time_claims(
    claims: dict[str, Any], now: float, findings: list[Finding]
) -> dict[str, TimeClaim]:
    times: dict[str, TimeClaim] = {}
    for name in TIME_CLAIMS:
        if name not in claims:
            continue
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            findings.append(
                Finding(
                    f"{name}-not-a-number",
                    "error",
                    f"`{name}` is {json.dumps(value)[:40]}, not a number of seconds since 1970: "
                    "API Gateway JWT authorizers and most libraries reject such a token.",
                )
            )
            continue
        try:
            utc = _utc(value)
        except (OverflowError, OSError, ValueError):
            findings.append(
                Finding(f"{name}-out-of-range", "error", f"`{name}` ({value}) is not a valid date.")
            )
            continue
        delta = value - now
        times[name] = TimeClaim(name, value, utc, relative(delta), int(delta))
    return times


# --------------------------------------------------------------------------------------------
# Issuers, audiences, scopes


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


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _scopes(claims: dict[str, Any]) -> list[str]:
    # `scope` is a space-separated string (RFC 8693); Okta and Azure AD use `scp` (list or string).
    found: list[str] = []
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.extend(value.split())
        elif isinstance(value, list):
            found.extend(str(v) for v in value)
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------------------------
# Signature verification


_DECODE_OPTIONS = {
    "verify_signature": True,
    "verify_exp": False,  # time problems are reported as findings, not as a failed signature
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
}


def _public_key_from_pem(pem: str) -> Any:
    """A PEM public key, a certificate (its public key) or a private key (its public half)."""
    from cryptography.hazmat.primitives.serialization import (
        load_pem_private_key,
        load_pem_public_key,
    )
    from cryptography.x509 import load_pem_x509_certificate

    data = pem.strip().encode()
    try:
        if b"BEGIN CERTIFICATE" in data:
            return load_pem_x509_certificate(data).public_key()
        if b"PRIVATE KEY" in data:
            return load_pem_private_key(data, password=None).public_key()
        return load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise KeyMaterialError(f"the PEM cannot be read ({reason})") from None


def _parse_jwks(jwks: str) -> Any:
    try:
        data = json.loads(jwks)
    except json.JSONDecodeError as exc:
        raise KeyMaterialError(
            f"the JWKS is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if isinstance(data, dict) and "keys" not in data and "kty" in data:
        data = {"keys": [data]}  # a single JWK
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise KeyMaterialError('the JWKS has no "keys" list')
    try:
        return jwt.PyJWKSet.from_dict(data)
    except jwt.exceptions.PyJWKSetError as exc:
        raise KeyMaterialError(f"the JWKS holds no usable key ({exc})") from None


def _key_from_jwks(keyset: Any, header: dict[str, Any]) -> Any:
    kid = header.get("kid")
    kids = [str(k.key_id) for k in keyset.keys]
    if kid is None:
        if len(keyset.keys) == 1:
            return keyset.keys[0].key
        raise _NoKey("the token has no `kid` header, and the JWKS holds several keys")
    for k in keyset.keys:
        if k.key_id == kid:
            return k.key
    raise _NoKey(
        f"no key with kid {kid!r} in the JWKS (it holds {', '.join(kids) or 'none'}): "
        "the token comes from another issuer or user pool, or the keys were rotated"
    )


class _NoKey(Exception):
    pass


def verify_signature(
    token: str,
    header: dict[str, Any],
    *,
    secret: str | None = None,
    pem: str | None = None,
    jwks: str | None = None,
) -> SignatureCheck:
    method = "secret" if secret is not None else "pem" if pem is not None else "jwks"
    if secret is None and pem is None and jwks is None:
        return SignatureCheck(False, None, None, "not checked (give a secret, a PEM or a JWKS)")
    # Read the key material first: an unusable key file is an error whatever the token says.
    public_key = _public_key_from_pem(pem) if pem is not None else None
    keyset = _parse_jwks(jwks) if jwks is not None else None
    alg = _alg(header)
    if alg.lower() == "none":
        return SignatureCheck(True, False, method, "the token is unsigned (alg none)")
    if alg not in _KNOWN_ALGS:
        return SignatureCheck(
            True,
            False,
            method,
            f"the header's alg {header.get('alg')!r} is not a signing algorithm",
        )
    if secret is not None and alg not in _HMAC_ALGS:
        return SignatureCheck(
            True,
            None,
            method,
            f"the token is signed with {alg or 'no algorithm'}, a public-key algorithm: a shared "
            "secret cannot verify it; give the issuer's PEM or JWKS instead",
        )
    if secret is None and alg in _HMAC_ALGS:
        return SignatureCheck(
            True,
            None,
            method,
            f"the token is signed with {alg} (a shared secret): a public key cannot verify it; "
            "give the secret instead",
        )
    key: Any
    if secret is not None:
        key = secret
    elif public_key is not None:
        key = public_key
    else:
        try:
            key = _key_from_jwks(keyset, header)
        except _NoKey as exc:
            return SignatureCheck(True, False, method, str(exc))
    try:
        with warnings.catch_warnings():
            # PyJWT warns about short HMAC secrets; the report says so in words instead.
            warnings.simplefilter("ignore")
            jwt.decode(token, key=key, algorithms=[alg], options=_DECODE_OPTIONS)  # type: ignore[arg-type]
    except jwt.exceptions.InvalidSignatureError:
        return SignatureCheck(True, False, method, "the signature does not match this key")
    except jwt.exceptions.InvalidKeyError as exc:
        raise KeyMaterialError(f"the {method} cannot verify {alg} tokens ({exc})") from None
    except jwt.exceptions.InvalidAlgorithmError as exc:
        return SignatureCheck(True, None, method, f"cannot check a {alg} signature ({exc})")
    except jwt.exceptions.PyJWTError as exc:
        return SignatureCheck(True, False, method, f"verification failed ({exc})")
    except (ValueError, TypeError) as exc:
        # cryptography raises ValueError for a PEM it cannot parse.
        raise KeyMaterialError(f"the {method} key cannot be loaded ({exc})") from None
    if secret is not None and len(secret.encode()) < _MIN_HMAC_BYTES.get(alg, 32):
        return SignatureCheck(
            True,
            True,
            method,
            f"valid {alg} signature, but the secret is only {len(secret.encode())} bytes "
            f"(at least {_MIN_HMAC_BYTES.get(alg, 32)} recommended): it can be brute-forced",
        )
    return SignatureCheck(True, True, method, f"valid {alg} signature")


# --------------------------------------------------------------------------------------------
# What a senior would say


def _time_findings(times: dict[str, TimeClaim], claims: dict[str, Any]) -> list[Finding]:
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


def _lifetime(times: dict[str, TimeClaim]) -> int | None:
    exp, start = times.get("exp"), times.get("iat") or times.get("nbf")
    if exp is None or start is None:
        return None
    return int(exp.epoch - start.epoch)


def _cache_comparison(
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


def _type_findings(
    header: dict[str, Any],
    claims: dict[str, Any],
    issuer: Issuer | None,
    token_use: str | None,
    scopes: list[str],
) -> list[Finding]:
    out: list[Finding] = []
    alg = _alg(header)
    if alg not in _KNOWN_ALGS and alg.lower() != "none":
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
    elif alg in _HMAC_ALGS:
        out.append(
            Finding(
                "hmac-signed",
                "info",
                f"Signed with {alg} (a shared secret). API Gateway's built-in JWT authorizers "
                "verify public-key signatures against the issuer's JWKS, so this token fits a "
                "Lambda authorizer that knows the secret, not a JWT authorizer.",
            )
        )
    elif alg.startswith(_ASYMMETRIC_PREFIXES) and "kid" not in header:
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
    elif not scopes and _looks_like_oidc_id_token(header, claims):
        out.append(
            Finding(
                "looks-like-id-token",
                "warning",
                "This looks like an OpenID Connect ID token (it has "
                + ", ".join(f"`{c}`" for c in _ID_TOKEN_CLAIMS if c in claims)
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


# Claims only OpenID Connect ID tokens carry (access tokens per RFC 9068 have none of them).
_ID_TOKEN_CLAIMS = ("nonce", "at_hash", "c_hash", "email", "email_verified", "name", "given_name")


def _looks_like_oidc_id_token(header: dict[str, Any], claims: dict[str, Any]) -> bool:
    if str(header.get("typ", "")).lower() in ("at+jwt", "application/at+jwt"):
        return False
    return any(c in claims for c in _ID_TOKEN_CLAIMS)


@dataclass(frozen=True)
class Expectations:
    """What the authorizer requires: a route's authorization scopes (the token needs at least
    one), the audiences it accepts (`aud`, or `client_id` when `aud` is absent), its issuer."""

    scopes: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    issuer: str | None = None


def _expectation_findings(
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
        presented = _as_list(claims.get("aud")) if has_aud else _as_list(claims.get("client_id"))
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


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def inspect_token(
    text: str,
    *,
    now: datetime | float,
    ttl: int | None = None,
    secret: str | None = None,
    pem: str | None = None,
    jwks: str | None = None,
    reveal: bool = False,
    expect: Expectations | None = None,
) -> JwtReport:
    """Decode and explain a JWT pasted as a bare token, `Bearer ...` or an Authorization line.

    `expect` holds what the authorizer is configured to require (route scopes, audiences,
    issuer); each mismatch becomes a finding.

    Raises TokenError (not a JWT) or KeyMaterialError (unusable secret/PEM/JWKS), each with a
    one-line message.
    """
    token = extract_token(text)
    parts = _split(token)
    header, claims = _decode_unverified(token)
    now_s = _now_epoch(now)
    findings: list[Finding] = []
    times = _time_claims(claims, now_s, findings)
    exp = times.get("exp")
    expires_in = exp.seconds_from_now if exp else None
    lifetime = _lifetime(times)
    issuer = recognise_issuer(claims.get("iss"))
    token_use = _str_or_none(claims.get("token_use"))
    scopes = _scopes(claims)
    signature = verify_signature(token, header, secret=secret, pem=pem, jwks=jwks)
    if signature.checked and signature.valid is False:
        findings.append(
            Finding(
                "signature-invalid",
                "error",
                f"Signature check failed: {signature.detail}. Any authorizer verifying with this "
                "key rejects the token.",
            )
        )
    findings.extend(_time_findings(times, claims))
    findings.extend(_type_findings(header, claims, issuer, token_use, scopes))
    cache: CacheComparison | None = None
    if ttl is not None:
        cache, cache_findings = _cache_comparison(ttl, expires_in, lifetime)
        findings.extend(cache_findings)
    if expect is not None:
        findings.extend(_expectation_findings(expect, claims, scopes))
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: order.get(f.severity, 3))
    return JwtReport(
        header=header,
        claims=claims,
        times=times,
        lifetime_seconds=lifetime,
        expires_in_seconds=expires_in,
        issuer=issuer,
        token_use=token_use,
        client_id=_str_or_none(claims.get("client_id")),
        audience=_as_list(claims.get("aud")),
        scopes=scopes,
        signature=signature,
        cache=cache,
        findings=findings,
        token=token if reveal else None,
        signature_b64=parts[2] if reveal else None,
    )


def safe_excerpt(text: str) -> str:
    """A redacted, shortened view of bad input for an error message."""
    return redact_text(text.strip()[:40])
