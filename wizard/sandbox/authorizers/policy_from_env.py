"""A TOKEN or REQUEST Lambda authorizer whose policy is declared by the scenario (environment).

Several scenarios need an authorizer that verifies the JWT correctly but returns a *particular*
policy: an explicit Deny for one method, an Allow hand-built for the wrong stage, a Deny for an
expired token. Rather than one source file per bug, the scenario file states the statements in
``POLICY_STATEMENTS`` (JSON) with placeholders filled from the incoming ``methodArn``:

- ``{method_arn}``  the ARN API Gateway passed (``arn:aws:execute-api:r:acct:api/stage/VERB/path``)
- ``{api_arn}``     ``arn:aws:execute-api:r:acct:api`` (build your own stage/verb/path after it)
- ``{stage_arn}``   ``arn:aws:execute-api:r:acct:api/stage``

``EXPIRED_TOKEN`` says what an expired token gets: ``unauthorized`` (the right answer: 401,
never cached) or ``deny`` (the bug behind a cached Deny outliving the token). A bad signature is
always ``Unauthorized``. The token is ``authorizationToken`` (TOKEN) or, for REQUEST, the header
``TOKEN_HEADER`` names (``Authorization`` by default).

This file is zipped on its own and runs as a Lambda function: it imports only the standard
library, so the small HS256 check is repeated here rather than imported.
"""

import base64
import hashlib
import hmac
import json
import os
import time


class TokenExpired(ValueError):
    pass


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
        raise TokenExpired("token expired")
    return claims


def _token(event: dict) -> str:
    token = event.get("authorizationToken")
    if token is None:
        headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
        token = headers.get(os.environ.get("TOKEN_HEADER", "Authorization").lower()) or ""
    token = str(token)
    return token[7:] if token.lower().startswith("bearer ") else token


def _fill(value: object, names: dict) -> object:
    if isinstance(value, str):
        for key, sub in names.items():
            value = value.replace("{" + key + "}", sub)
        return value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def _policy(principal: str, statements: list, method_arn: str) -> dict:
    api_arn, _, rest = method_arn.partition("/")
    stage = rest.split("/", 1)[0]
    names = {"method_arn": method_arn, "api_arn": api_arn, "stage_arn": f"{api_arn}/{stage}"}
    return {
        "principalId": principal,
        "policyDocument": {"Version": "2012-10-17", "Statement": _fill(statements, names)},
    }


def handler(event: dict, context: object) -> dict:
    method_arn = event["methodArn"]
    try:
        claims = verify_hs256(_token(event), os.environ["JWT_SECRET"])
    except TokenExpired:
        if os.environ.get("EXPIRED_TOKEN", "unauthorized") == "deny":
            print(
                json.dumps({"decision": "Deny", "reason": "token expired", "methodArn": method_arn})
            )
            deny = [
                {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": "{stage_arn}/*/*"}
            ]
            return _policy("expired", deny, method_arn)
        print(json.dumps({"decision": "Unauthorized", "reason": "token expired"}))
        raise Exception("Unauthorized") from None
    except ValueError as exc:
        print(json.dumps({"decision": "Unauthorized", "reason": str(exc)}))
        raise Exception("Unauthorized") from None  # API Gateway maps exactly this to 401
    statements = json.loads(os.environ["POLICY_STATEMENTS"])
    principal = str(claims.get("sub", "user"))
    print(json.dumps({"decision": "policy", "sub": principal, "methodArn": method_arn}))
    return _policy(principal, statements, method_arn)
