"""HS256 JWTs for the sandbox scenarios, minted with the standard library (no PyJWT needed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint_hs256(
    secret: str,
    claims: Mapping[str, Any],
    *,
    expires_in: float | None = 3600,
    now: float | None = None,
) -> str:
    """A signed compact JWT; `exp` = now + expires_in unless claims set it or expires_in is None."""
    issued = int(now if now is not None else time.time())
    body: dict[str, Any] = {"iat": issued, **claims}
    if expires_in is not None and "exp" not in body:
        body["exp"] = int(issued + expires_in)
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"
