"""A Lambda-proxy backend (an internal service behind its own API) that refuses with its own 403
unless the request carries the header named by REQUIRED_HEADER, the way a service checks the
caller's credentials itself. Its 403 body names the header it missed."""

import json
import os


def handler(event: dict, context: object) -> dict:
    wanted = os.environ.get("REQUIRED_HEADER", "Authorization")
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    if not headers.get(wanted.lower()):
        body = {"error": f"missing {wanted} header", "code": "NO_CREDENTIALS"}
        return {
            "statusCode": 403,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body),
        }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"path": event.get("path"), "invoices": []}),
    }
