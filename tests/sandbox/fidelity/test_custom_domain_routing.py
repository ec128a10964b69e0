"""Custom domains on the fidelity emulator, reached by Host header (`send(connect_to=...)`).

Reproduces https://repost.aws/knowledge-center/api-gateway-403-custom-domain and
https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html (a path
whose first segment no base path mapping of the domain serves gets 403 Forbidden; a mapped base
path reaches the API stage it names, with the rest of the path as the resource path).
"""

from __future__ import annotations

import json

import pytest
from fidelity_helpers import deployed_mock_api

from wizard.aws.reproduce import send
from wizard.engine.probes import ProbeError

pytestmark = pytest.mark.emulator

DOMAIN = "api.routing.test"


@pytest.fixture
def mapped(aws, ministack):
    """GET / of a deployed API, mapped on DOMAIN under the base path v1."""
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = deployed_mock_api(apigw, "routed")
    apigw.create_domain_name(
        domainName=DOMAIN,
        regionalCertificateArn="arn:aws:acm:us-east-1:000000000000:certificate/x",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    apigw.create_base_path_mapping(domainName=DOMAIN, basePath="v1", restApiId=api, stage="prod")
    return apigw, api


def _get(ministack, path):
    return send("GET", f"http://{DOMAIN}{path}", connect_to=ministack.endpoint_url)


def test_a_mapped_base_path_reaches_its_stage(mapped, ministack):
    answer = _get(ministack, "/v1/")
    assert answer.status_code == 200, answer.body
    assert json.loads(answer.body) == {"ok": True}
    assert answer.url == f"http://{DOMAIN}/v1/"  # reported as the URL the client called


@pytest.mark.parametrize("path", ["/v2/orders", "/v2/", "/", "/prod/"])
def test_a_path_no_mapping_serves_is_forbidden(mapped, ministack, path):
    answer = _get(ministack, path)
    assert answer.status_code == 403
    assert json.loads(answer.body) == {"message": "Forbidden"}
    assert answer.error_type == "ForbiddenException"


def test_creating_the_mapping_lets_it_through(mapped, ministack):
    apigw, api = mapped
    assert _get(ministack, "/v2/").status_code == 403
    apigw.create_base_path_mapping(domainName=DOMAIN, basePath="v2", restApiId=api, stage="prod")
    assert _get(ministack, "/v2/").status_code == 200


def test_an_unregistered_host_is_not_answered_as_a_domain(mapped, ministack):
    answer = send("GET", "http://not-registered.test/v1/", connect_to=ministack.endpoint_url)
    assert answer.error_type != "ForbiddenException"


def test_connect_to_is_loopback_only():
    with pytest.raises(ProbeError, match="loopback"):
        send("GET", f"http://{DOMAIN}/v1/", connect_to="http://192.0.2.10:4566")
