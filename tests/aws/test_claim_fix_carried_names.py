"""The names the claim/parameter code fix may rename to: what the request is known to carry."""

from __future__ import annotations

from wizard.aws.probes.authorizer_code import _carried
from wizard.engine.probes import ProbeContext


def test_identity_sources_given_headers_the_token_and_the_urls_query_are_carried() -> None:
    ctx = ProbeContext(
        inputs={
            "url": "wss://abc123defg.execute-api.us-east-1.amazonaws.com/prod?token=t&room=7",
            "token": "Bearer t",
            "headers": {"X-Tenant-Id": "acme"},
        },
        facts={
            "authorizer_identity_source": "route.request.querystring.token,"
            "route.request.header.X-Auth-Token"
        },
    )
    headers, query = _carried(ctx, {})
    assert headers == ["X-Auth-Token", "X-Tenant-Id", "Authorization"]
    assert query == ["token", "room"]


def test_nothing_known_carries_nothing() -> None:
    assert _carried(ProbeContext(inputs={}, facts={}), {}) == ([], [])
