"""A TOKEN Lambda authorizer whose role check reads the wrong claim name.

It verifies an HS256 JWT (standard library only: this file is zipped and run as a Lambda
function), then allows the verbs the caller's role may use and denies the rest explicitly. The
bug: it reads the claim ``roles`` while the tokens carry ``role``, so every caller has no role
and every call gets an explicit Deny, an editor's DELETE included. The decision is not the
author's intent but a typo, so the fix is a code change (UpdateFunctionCode).
"""

import base64
import hashlib
import hmac
import json
import os
import time

ALLOWED_VERBS = {"viewer": ["GET"], "editor": ["GET", "DELETE"]}


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def verify_hs256(token: str, secret: str) -> dict:
    """The token's claims if its HS256 signature and `exp` are valid; else raise."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64url_decode(header_b64))
        claims = json.loads(_b64url_decode(payload_b64))
        signature = _b64url_decode(signature_b64)
    except ValueError as exc:
        raise ValueError("malformed token") from exc
    if header.get("alg") != "HS256":
        raise ValueError("unexpected alg")
    expected = hmac.new(
        secret.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, signature):
        raise ValueError("bad signature")
    if "exp" in claims and float(claims["exp"]) < time.time():
        raise ValueError("token expired")
    return claims


def handler(event: dict, context: object) -> dict:
    token = event.get("authorizationToken") or ""
    if token.lower().startswith("bearer "):
        token = token[7:]
    try:
        claims = verify_hs256(token, os.environ["JWT_SECRET"])
    except ValueError as exc:
        print(json.dumps({"decision": "Unauthorized", "reason": str(exc)}))
        raise Exception("Unauthorized") from None  # API Gateway maps exactly this to 401
    role = claims.get("roles", "")  # the bug: the tokens carry "role"
    method_arn = event["methodArn"]
    verb = method_arn.split("/")[2]
    effect = "Allow" if verb in ALLOWED_VERBS.get(role, []) else "Deny"
    print(json.dumps({"decision": effect, "sub": claims.get("sub"), "role": role, "verb": verb}))
    return {
        "principalId": str(claims.get("sub", "user")),
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": method_arn}
            ],
        },
    }
