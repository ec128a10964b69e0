"""An HTTP API Lambda authorizer (payload 2.0, simple responses) that decides per route: a caller
with a token may use the routes in ALLOWED_ROUTES ("GET /orders,GET /orders/{id}"), no other.

Its decision depends on the route, but its identity source is the Authorization header alone, so
API Gateway caches one answer per token for every route (the bug the scenario reproduces)."""

import os


def handler(event: dict, context: object) -> dict:
    allowed = {r.strip() for r in os.environ.get("ALLOWED_ROUTES", "").split(",") if r.strip()}
    token = (event.get("headers") or {}).get("authorization", "")
    route = event.get("routeKey", "")
    return {"isAuthorized": bool(token) and route in allowed, "context": {"route": route}}
