"""A REQUEST Lambda authorizer that reads its token from a header the client does not send.

The API's identity source is ``method.request.header.X-Auth-Token`` and the web client sends
``X-Auth-Token``, but the code looks the token up as ``x-token``: it always finds none. It then
returns a Deny instead of raising "Unauthorized" (the trap the catalogue names: a 403 where a
401 would tell the client what is wrong), so every call gets an explicit Deny. The decision is
not the author's intent but a wrong name, so the fix is a code change (UpdateFunctionCode).

This file is zipped on its own and runs as a Lambda function: it imports only the standard
library, so the small HS256 check is repeated here rather than imported.
"""

import base64
import hashlib
import hmac
import json
import os
import time


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
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    token = headers.get("x-token", "")  # the bug: the client sends X-Auth-Token
    method_arn = event["methodArn"]
    try:
        claims = verify_hs256(token, os.environ["JWT_SECRET"])
        effect, principal = "Allow", str(claims.get("sub", "user"))
    except ValueError as exc:
        effect, principal = "Deny", "anonymous"  # a Deny, not "Unauthorized": a 403
        print(json.dumps({"decision": "Deny", "reason": str(exc)}))
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": method_arn}
            ],
        },
    }
