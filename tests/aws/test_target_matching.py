"""Resource and route matching (pure): API Gateway's precedence, {param} and {proxy+}."""

from __future__ import annotations

import pytest

from wizard.aws.target import match_rest_resource, match_route

RESOURCES = [
    {"id": "r0", "path": "/", "resourceMethods": {"GET": {}}},
    {"id": "r1", "path": "/items", "resourceMethods": {"GET": {}, "POST": {}}},
    {"id": "r2", "path": "/items/{id}", "resourceMethods": {"GET": {}}},
    {"id": "r3", "path": "/items/special", "resourceMethods": {"GET": {}}},
    {"id": "r4", "path": "/{proxy+}", "resourceMethods": {"ANY": {}}},
]


@pytest.mark.parametrize(
    ("method", "path", "rid", "params", "exists"),
    [
        ("GET", "/items/special", "r3", {}, True),
        ("GET", "/items/42", "r2", {"id": "42"}, True),
        ("DELETE", "/items/42", "r2", {"id": "42"}, False),
        ("POST", "/items", "r1", {}, True),
        ("GET", "/a/b/c", "r4", {"proxy": "a/b/c"}, True),
        ("GET", "/", "r0", {}, True),
        ("GET", "/items/", "r1", {}, True),
    ],
)
def test_rest_resource_precedence(method, path, rid, params, exists):
    res, found, has_method = match_rest_resource(RESOURCES, path, method)
    assert res is not None and res["id"] == rid
    assert (found, has_method) == (params, exists)


def test_no_resource_matches():
    res, params, exists = match_rest_resource(RESOURCES[:3], "/other", "GET")
    assert (res, params, exists) == (None, {}, False)


ROUTES = [
    {"RouteKey": "GET /orders/{id}", "RouteId": "a"},
    {"RouteKey": "ANY /orders/{id}", "RouteId": "b"},
    {"RouteKey": "GET /orders/{proxy+}", "RouteId": "c"},
    {"RouteKey": "$default", "RouteId": "d"},
]


@pytest.mark.parametrize(
    ("method", "path", "route_id"),
    [
        ("GET", "/orders/1", "a"),
        ("PUT", "/orders/1", "b"),
        ("GET", "/orders/1/lines", "c"),
        ("POST", "/elsewhere", "d"),
    ],
)
def test_http_route_precedence(method, path, route_id):
    route, _ = match_route(ROUTES, method, path)
    assert route is not None and route["RouteId"] == route_id


def test_no_route_and_no_default():
    assert match_route(ROUTES[:1], "POST", "/x") == (None, {})
