"""A WebSocket $connect REQUEST authorizer whose group check reads the wrong claim name.

Browsers cannot set headers on a WebSocket upgrade, so the chat client sends its token in the
query string (``?token=...``) and the authorizer's identity source is
``route.request.querystring.token``: that part is right. The authorizer verifies the HS256 JWT,
then admits members of the group ``CHAT_GROUP``. The bug: it reads the claim ``groups`` while the
tokens (Cognito-style) carry ``cognito:groups``, so nobody is in any group and every connection
gets an explicit Deny (the upgrade is answered 403). The fix is a code change
(UpdateFunctionCode).

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
    query = event.get("queryStringParameters") or {}
    method_arn = event["methodArn"]
    try:
        claims = verify_hs256(str(query.get("token") or ""), os.environ["JWT_SECRET"])
    except ValueError as exc:
        print(json.dumps({"decision": "Unauthorized", "reason": str(exc)}))
        raise Exception("Unauthorized") from None  # API Gateway maps exactly this to 401
    groups = claims.get("groups") or []  # the bug: the tokens carry "cognito:groups"
    effect = "Allow" if os.environ.get("CHAT_GROUP", "chat-users") in groups else "Deny"
    print(json.dumps({"decision": effect, "sub": claims.get("sub"), "groups": groups}))
    return {
        "principalId": str(claims.get("sub", "user")),
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": method_arn}
            ],
        },
    }
