"""A TOKEN Lambda authorizer with the classic caching bug (the seed incident).

It verifies an HS256 JWT with the standard library only (this file is zipped and run as a
Lambda function), then returns an Allow whose Resource is exactly ``event["methodArn"]`` — the
one method the *first* request called. API Gateway caches that policy for
``authorizerResultTtlInSeconds`` keyed on the token, so the next request with the same token to
a different method is evaluated against the cached policy and gets
403 "User is not authorized to access this resource" without the authorizer running again.
The fix is a wildcard Resource (``arn:aws:execute-api:{region}:{account}:{api}/{stage}/*/*``)
or TTL 0.
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
    print(
        json.dumps({"decision": "Allow", "sub": claims.get("sub"), "methodArn": event["methodArn"]})
    )
    return {
        "principalId": str(claims.get("sub", "user")),
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    # The bug: scoped to the one method of the request that filled the cache.
                    "Resource": event["methodArn"],
                }
            ],
        },
        "context": {"sub": str(claims.get("sub", ""))},
    }
