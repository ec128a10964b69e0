"""Where a REQUEST authorizer reads the caller's identity, and that value in a request."""

from __future__ import annotations

import pytest

import wizard.engine.offline_probes as op
from wizard.analysis.identity_source import (
    IdentitySource,
    identity_value,
    parse_identity_sources,
)
from wizard.engine.probes import ProbeContext

WS = "wss://abc123defg.execute-api.us-east-1.amazonaws.com/prod"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("route.request.querystring.token", [IdentitySource("querystring", "token")]),
        ("method.request.header.Authorization", [IdentitySource("header", "Authorization")]),
        (
            "$request.header.X-Token, $request.querystring.room",
            [IdentitySource("header", "X-Token"), IdentitySource("querystring", "room")],
        ),
        # not the caller's identity: stage variables and $context values are skipped
        ("stageVariables.env,context.routeKey,$context.routeKey", []),
        ("", []),
        (None, []),
    ],
)
def test_parse_identity_sources(text: str | None, expected: list[IdentitySource]) -> None:
    assert parse_identity_sources(text) == expected


def test_a_browser_token_is_read_from_the_query_string_not_the_authorization_header() -> None:
    sources = parse_identity_sources("route.request.querystring.token")
    url = f"{WS}?room=1&token=eyJ.query.token"
    assert identity_value(sources, url=url, token="Bearer eyJ.header.token") == "eyJ.query.token"
    assert identity_value(sources, url=WS, token="Bearer eyJ.header.token") is None


def test_a_header_source_reads_the_header_then_the_token_given() -> None:
    sources = parse_identity_sources(
        "route.request.header.X-Token,route.request.header.Authorization"
    )
    got = identity_value(sources, url=WS, headers={"x-token": "t1"}, token="Bearer t2")
    assert got == "t1"  # the first source the request carries, header names case-insensitive
    assert identity_value(sources, url=WS, token="Bearer t2") == "Bearer t2"


def test_repeated_query_parameters_give_the_last_value() -> None:
    sources = parse_identity_sources("route.request.querystring.token")
    assert identity_value(sources, url=f"{WS}?token=a&token=b") == "b"


def test_the_probe_reads_the_url_and_token_of_the_session() -> None:
    ctx = ProbeContext(inputs={"url": f"{WS}?token=eyJ.q.t", "token": "Bearer h"}, facts={})
    got = op.identity_token(ctx, {"identity_source": "route.request.querystring.token"})
    assert got == {"token": "eyJ.q.t", "identity_sources": ["querystring.token"]}
    missing = op.identity_token(ctx, {"identity_source": "route.request.querystring.jwt"})
    assert missing["token"] is None
