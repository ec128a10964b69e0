"""A Lambda-proxy backend that answers 200 with what it was asked (method, path, principal)."""

import json


def handler(event: dict, context: object) -> dict:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(
            {
                "method": event.get("httpMethod"),
                "path": event.get("path"),
                "principal": authorizer.get("principalId"),
            }
        ),
    }
