"""An HTTP API Lambda authorizer (payload 2.0, simple responses) that refuses every caller."""


def handler(event: dict, context: object) -> dict:
    return {"isAuthorized": False}
