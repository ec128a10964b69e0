"""Cache-Control invalidation on the fidelity emulator: FAIL_WITH_403 refuses it, the
SUCCEED_ strategies serve the request.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
(section "Invalidate an API Gateway cache entry": `Cache-Control: max-age=0`,
requireAuthorizationForCacheControl, unauthorizedCacheControlHeaderStrategy).
"""

from __future__ import annotations

import json

import pytest
import urllib3
from fidelity_helpers import deployed_mock_api

from wizard.sandbox.fidelity.stage_cache import asks_invalidation

pytestmark = pytest.mark.emulator


def _settings(apigw, api, strategy, *, cluster="true", require="true"):
    apigw.update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/cacheClusterEnabled", "value": cluster},
            {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
            {
                "op": "replace",
                "path": "/*/*/caching/requireAuthorizationForCacheControl",
                "value": require,
            },
            {
                "op": "replace",
                "path": "/*/*/caching/unauthorizedCacheControlHeaderStrategy",
                "value": strategy,
            },
        ],
    )


@pytest.fixture
def cached(aws, ministack):
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    return apigw, deployed_mock_api(apigw, "cached")


def _get(ministack, api, **headers):
    return urllib3.request("GET", ministack.data_plane_url(api, "prod", "/"), headers=headers)


def test_fail_with_403_refuses_an_unauthorized_invalidation(cached, ministack):
    apigw, api = cached
    _settings(apigw, api, "FAIL_WITH_403")
    refused = _get(ministack, api, **{"Cache-Control": "max-age=0"})
    assert refused.status == 403
    assert json.loads(refused.data) == {"message": "Forbidden"}
    assert _get(ministack, api).status == 200  # without the header it is served
    assert _get(ministack, api, **{"Cache-Control": "max-age=60"}).status == 200


@pytest.mark.parametrize(
    "strategy", ["SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"]
)
def test_the_succeed_strategies_serve_it(cached, ministack, strategy):
    apigw, api = cached
    _settings(apigw, api, strategy)
    assert _get(ministack, api, **{"Cache-Control": "max-age=0"}).status == 200


@pytest.mark.parametrize(("cluster", "require"), [("false", "true"), ("true", "false")])
def test_no_cache_cluster_or_no_authorization_required_serves_it(
    cached, ministack, cluster, require
):
    apigw, api = cached
    _settings(apigw, api, "FAIL_WITH_403", cluster=cluster, require=require)
    assert _get(ministack, api, **{"Cache-Control": "max-age=0"}).status == 200


@pytest.mark.parametrize(
    ("value", "asks"),
    [
        ("max-age=0", True),
        ("no-store, MAX-AGE=0", True),
        ("max-age=00", True),
        ("max-age=600", False),
        ("no-cache", False),
        ("", False),
    ],
)
def test_what_counts_as_an_invalidation(value, asks):
    assert asks_invalidation({"Cache-Control": value} if value else {}) is asks
