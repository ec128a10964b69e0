"""Invoke URL parsing: every form API Gateway hands out, plus the emulator's."""

from __future__ import annotations

import pytest

from wizard.analysis.invoke_url import (
    InvokeUrlError,
    longest_base_path,
    parse_invoke_url,
    resource_specificity,
)

CASES = [
    (
        "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/dashboard/update-profile?x=1",
        {
            "kind": "execute-api",
            "api_id": "a1b2c3d4e5",
            "region": "eu-west-1",
            "stage": "prod",
            "path": "/dashboard/update-profile",
            "query": "x=1",
        },
    ),
    (
        "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
        {"kind": "execute-api", "api_id": "a1b2c3d4e5", "stage": "prod", "path": "/"},
    ),
    (
        "https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.us-east-1.amazonaws.com/dev/items/7",
        {
            "kind": "private-alias",
            "api_id": "a1b2c3d4e5",
            "vpce_id": "vpce-0123456789abcdef0",
            "stage": "dev",
            "path": "/items/7",
        },
    ),
    (
        "https://vpce-0a1b2c3d4e5f6a7b8-x1y2z3.execute-api.ap-southeast-2.vpce.amazonaws.com/prod/x",
        {
            "kind": "vpce-dns",
            "api_id": None,
            "vpce_id": "vpce-0a1b2c3d4e5f6a7b8",
            "region": "ap-southeast-2",
            "stage": "prod",
            "path": "/x",
        },
    ),
    (
        "wss://abcdef1234.execute-api.us-west-2.amazonaws.com/production",
        {"kind": "execute-api", "scheme": "wss", "stage": "production", "path": "/"},
    ),
    (
        "https://api.example.com/v1/orders/42",
        {
            "kind": "custom-domain",
            "domain_name": "api.example.com",
            "stage": None,
            "path": "/v1/orders/42",
            "api_id": None,
        },
    ),
    (
        "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_/dashboard",
        {
            "kind": "emulator",
            "api_id": "abc123",
            "stage": "prod",
            "path": "/dashboard",
            "port": 4566,
        },
    ),
    (
        "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_",
        {"kind": "emulator", "path": "/"},
    ),
    # MiniStack's /_aws/execute-api/ form (it was taken for a custom domain): REST and HTTP
    # APIs, with a stage or on $default (then the first segment is only a candidate stage).
    (
        "http://127.0.0.1:4566/_aws/execute-api/abc123/prod/orders/7",
        {"kind": "emulator", "api_id": "abc123", "stage": "prod", "path": "/orders/7"},
    ),
    (
        "http://localhost:4566/_aws/execute-api/abc123/$default",
        {"kind": "emulator", "api_id": "abc123", "stage": "$default", "path": "/"},
    ),
    (
        "http://127.0.0.1:4566/_aws/execute-api/abc123",
        {"kind": "emulator", "api_id": "abc123", "stage": None, "path": "/"},
    ),
    (
        "ws://127.0.0.1:4566/_aws/execute-api/abc123/dev",
        {"kind": "emulator", "scheme": "ws", "stage": "dev"},
    ),
    (
        "http://abc12345.execute-api.localhost:4566/prod/orders",
        {"kind": "emulator", "api_id": "abc12345", "stage": "prod", "path": "/orders"},
    ),
    # A private API through a VPC endpoint, named as AWS's {api}-{vpce} alias does, in each of
    # the emulator's forms (the sandbox's vpc_endpoint_path serves them).
    (
        "http://127.0.0.1:4566/restapis/abc123-vpce-0a1b2c3d/prod/_user_request_/ledger",
        {"kind": "emulator", "api_id": "abc123", "vpce_id": "vpce-0a1b2c3d", "path": "/ledger"},
    ),
    (
        "http://127.0.0.1:4566/_aws/execute-api/abc123-vpce-0a1b/prod/x",
        {"kind": "emulator", "api_id": "abc123", "vpce_id": "vpce-0a1b", "stage": "prod"},
    ),
    (
        "http://abc123-vpce-9f.execute-api.localhost:4566/prod/x",
        {"kind": "emulator", "api_id": "abc123", "vpce_id": "vpce-9f", "path": "/x"},
    ),
    (
        "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_/x",
        {"kind": "emulator", "api_id": "abc123", "vpce_id": None},
    ),
    (
        "https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn/prod/a%20b",
        {"kind": "execute-api", "region": "cn-north-1", "path": "/a%20b"},
    ),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_parse(url, expected):
    parsed = parse_invoke_url(url)
    for key, value in expected.items():
        assert getattr(parsed, key) == value, key


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("ftp://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod", "scheme"),
        ("https://x.execute-api.nowhere/prod", "execute-api host"),
        ("https://host:99999/x", "port"),
    ],
)
def test_bad_urls_are_one_line_errors(url, message):
    with pytest.raises(InvokeUrlError, match=message):
        parse_invoke_url(url)


def test_full_path_round_trips():
    assert (
        parse_invoke_url(
            "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/a/b"
        ).full_path
        == "/prod/a/b"
    )


def test_specificity_orders_static_then_param_then_greedy():
    templates = ["/{proxy+}", "/items/{id}", "/items/special"]
    assert max(templates, key=resource_specificity) == "/items/special"
    assert sorted(templates, key=resource_specificity)[0] == "/{proxy+}"


@pytest.mark.parametrize(
    ("mappings", "path", "expected"),
    [
        (["(none)", "v1"], "/v1/orders", ("v1", "/orders")),
        (["(none)", "v1"], "/v2/orders", ("(none)", "/v2/orders")),
        (["orders", "orders/v2"], "/orders/v2/list", ("orders/v2", "/list")),
        (["v1"], "/v2/x", None),
        (["v1"], "/v1", ("v1", "/")),
    ],
)
def test_longest_base_path(mappings, path, expected):
    assert longest_base_path(mappings, path) == expected
