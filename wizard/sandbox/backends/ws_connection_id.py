"""A WebSocket route's backend that answers every message with the caller's connection id.

API Gateway tells only the backend (in requestContext) which connection a message came on; a
client that must be named in an @connections call learns its id from this reply.
"""


def handler(event: dict, context: object) -> dict:
    return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}
