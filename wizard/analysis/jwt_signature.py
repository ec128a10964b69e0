"""Checking a JWT's signature with a shared secret, a PEM key or certificate, or a JWKS.

Pure: the key material is passed in as text. Decoding and verification are PyJWT's.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from cryptography.x509 import load_pem_x509_certificate

from wizard.analysis.bounded import BoundedParseError, load_json

HMAC_ALGS = ("HS256", "HS384", "HS512")

ASYMMETRIC_PREFIXES = ("RS", "PS", "ES", "Ed")

KNOWN_ALGS = frozenset(
    {
        *HMAC_ALGS,
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
        "ES256", "ES256K", "ES384", "ES512", "EdDSA", "Ed25519", "Ed448",
    }
)  # fmt: skip


def alg_of(header: dict[str, Any]) -> str:
    """The header's alg as text; a missing or non-string alg is ""."""
    alg = header.get("alg")
    return alg if isinstance(alg, str) else ""


_MIN_HMAC_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


class KeyMaterialError(ValueError):
    """The secret, PEM or JWKS given for verification could not be used."""


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
        data = load_json(jwks, what="the JWKS")
    except BoundedParseError as exc:
        raise KeyMaterialError(str(exc)) from None
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
    alg = alg_of(header)
    if alg.lower() == "none":
        return SignatureCheck(True, False, method, "the token is unsigned (alg none)")
    if alg not in KNOWN_ALGS:
        return SignatureCheck(
            True,
            False,
            method,
            f"the header's alg {header.get('alg')!r} is not a signing algorithm",
        )
    if secret is not None and alg not in HMAC_ALGS:
        return SignatureCheck(
            True,
            None,
            method,
            f"the token is signed with {alg or 'no algorithm'}, a public-key algorithm: a shared "
            "secret cannot verify it; give the issuer's PEM or JWKS instead",
        )
    if secret is None and alg in HMAC_ALGS:
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
