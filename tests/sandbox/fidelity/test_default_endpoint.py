"""A disabled default endpoint on the fidelity emulator: 403 on execute-api, served by the domain.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html
(with disableExecuteApiEndpoint the execute-api URL answers 403 Forbidden, the custom domain
keeps serving, and the setting takes effect at the next deployment).
"""

from __future__ import annotations

import json

import pytest
import urllib3
from fidelity_helpers import deployed_mock_api

pytestmark = pytest.mark.emulator

DOMAIN = "api.disabled-endpoint.test"


def _disable(apigw, api, value):
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[{"op": "replace", "path": "/disableExecuteApiEndpoint", "value": value}],
    )


@pytest.fixture
def disabled(aws, ministack):
    """A deployed API with its default endpoint disabled (and deployed so), mapped on DOMAIN."""
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = deployed_mock_api(apigw, "domain-only")
    _disable(apigw, api, "true")
    apigw.create_deployment(restApiId=api, stageName="prod")
    apigw.create_domain_name(
        domainName=DOMAIN,
        regionalCertificateArn="arn:aws:acm:us-east-1:000000000000:certificate/x",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    apigw.create_base_path_mapping(domainName=DOMAIN, basePath="v1", restApiId=api, stage="prod")
    return apigw, api


def _default(ministack, api):
    return urllib3.request("GET", ministack.data_plane_url(api, "prod", "/"))


def _domain(ministack):
    return urllib3.request("GET", f"{ministack.endpoint_url}/v1/", headers={"Host": DOMAIN})


def test_the_execute_api_url_is_forbidden_and_the_custom_domain_serves(disabled, ministack):
    _, api = disabled
    refused = _default(ministack, api)
    assert refused.status == 403
    assert json.loads(refused.data) == {"message": "Forbidden"}
    assert refused.headers["x-amzn-ErrorType"] == "ForbiddenException"
    assert _domain(ministack).status == 200


def test_re_enabling_takes_effect_at_the_next_deployment(disabled, ministack):
    apigw, api = disabled
    _disable(apigw, api, "false")
    assert _default(ministack, api).status == 403  # saved, not deployed yet
    apigw.create_deployment(restApiId=api, stageName="prod")
    assert _default(ministack, api).status == 200


def test_disabling_without_a_deployment_keeps_serving(aws, ministack):
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = deployed_mock_api(apigw, "still-open")
    _disable(apigw, api, "true")
    assert _default(ministack, api).status == 200
