"""JWT inspector: what a token says, whether it is still valid, and what a senior would flag.

Pure: the token, the current time, the authorizer cache TTL and any key material (a shared
secret, a PEM, a JWKS document) are passed in; nothing is read from disk or the network.
Decoding is PyJWT's (`get_unverified_header`, `decode` without verification, `PyJWKSet`).
The raw token and its signature are never part of the result unless `reveal=True`.

This module parses the token and assembles the report; jwt_claims reads the claims,
jwt_signature checks the signature, jwt_findings says what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt

from wizard.analysis.jwt_claims import (
    Issuer,
    TimeClaim,
    as_list,
    human_duration,
    lifetime_of,
    now_epoch,
    read_time_claims,
    recognise_issuer,
    relative,
    scopes_of,
    str_or_none,
)
from wizard.analysis.jwt_findings import (
    CacheComparison,
    Expectations,
    Finding,
    cache_comparison,
    expectation_findings,
    time_claim_problems,
    time_findings,
    type_findings,
)
from wizard.analysis.jwt_signature import KeyMaterialError, SignatureCheck, verify_signature

# The inspector's whole vocabulary, importable from this one module.
__all__ = [
    "CacheComparison",
    "Expectations",
    "Finding",
    "Issuer",
    "JwtReport",
    "KeyMaterialError",
    "SignatureCheck",
    "TimeClaim",
    "TokenError",
    "extract_token",
    "human_duration",
    "inspect_token",
    "recognise_issuer",
    "relative",
]


class TokenError(ValueError):
    """The input is not a readable JWT; the message is one line naming what is wrong and where."""


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
    now_s = now_epoch(now)
    findings: list[Finding] = time_claim_problems(claims)
    times = read_time_claims(claims, now_s)
    exp = times.get("exp")
    expires_in = exp.seconds_from_now if exp else None
    lifetime = lifetime_of(times)
    issuer = recognise_issuer(claims.get("iss"))
    token_use = str_or_none(claims.get("token_use"))
    scopes = scopes_of(claims)
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
    findings.extend(time_findings(times, claims))
    findings.extend(type_findings(header, claims, issuer, token_use, scopes))
    cache: CacheComparison | None = None
    if ttl is not None:
        cache, cache_findings = cache_comparison(ttl, expires_in, lifetime)
        findings.extend(cache_findings)
    if expect is not None:
        findings.extend(expectation_findings(expect, claims, scopes))
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
        client_id=str_or_none(claims.get("client_id")),
        audience=as_list(claims.get("aud")),
        scopes=scopes,
        signature=signature,
        cache=cache,
        findings=findings,
        token=token if reveal else None,
        signature_b64=parts[2] if reveal else None,
    )
