"""A TOKEN Lambda authorizer that builds its Resource by hand, with the stage typed in.

It verifies an HS256 JWT (standard library only: this file is zipped and run as a Lambda
function), then allows the whole stage — but the stage is the one the author tested on
("dev"), not the one in ``event["methodArn"]``. Called on any other stage the Allow covers
nothing, and API Gateway denies implicitly: 403 "User is not authorized to access this
resource". The bug is in this file's code, so the fix is a code change (UpdateFunctionCode),
not a configuration one.
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
    token = event.get("authorizationToken") or ""
    if token.lower().startswith("bearer "):
        token = token[7:]
    try:
        claims = verify_hs256(token, os.environ["JWT_SECRET"])
    except ValueError as exc:
        print(json.dumps({"decision": "Unauthorized", "reason": str(exc)}))
        raise Exception("Unauthorized") from None  # API Gateway maps exactly this to 401
    api_arn = event["methodArn"].split("/", 1)[0]  # arn:aws:execute-api:region:account:api
    resource = f"{api_arn}/dev/*/*"  # the bug: the stage is typed in, not taken from methodArn
    print(json.dumps({"decision": "Allow", "sub": claims.get("sub"), "resource": resource}))
    return {
        "principalId": str(claims.get("sub", "user")),
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}
            ],
        },
    }
