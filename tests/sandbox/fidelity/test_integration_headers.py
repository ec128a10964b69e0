"""HTTP integrations send the backend the headers their request parameters map.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping.html
(an integration request header is mapped from a method request header or a static value) and
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-integration-types.html
(a non-proxy HTTP integration sends what it maps; HTTP_PROXY passes the client's headers through).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3

from wizard.sandbox.fidelity.integration_headers import backend_headers

pytestmark = pytest.mark.emulator


class _Echo(BaseHTTPRequestHandler):
    """Answers 200 with the headers it received, lower-cased."""

    def do_GET(self) -> None:
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/echo"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _api(apigw, kind: str, uri: str, mappings: dict[str, str]) -> str:
    api = apigw.create_rest_api(name=f"headers-{kind}")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(
        restApiId=api,
        resourceId=root,
        httpMethod="GET",
        authorizationType="NONE",
        requestParameters={"method.request.header.Authorization": False},
    )
    apigw.put_integration(
        restApiId=api,
        resourceId=root,
        httpMethod="GET",
        type=kind,
        integrationHttpMethod="GET",
        uri=uri,
        requestParameters=mappings,
    )
    apigw.create_deployment(restApiId=api, stageName="prod")
    return api


def _received(ministack, api: str) -> dict[str, str]:
    got = urllib3.request(
        "GET",
        ministack.data_plane_url(api, "prod", "/"),
        headers={"Authorization": "Bearer t", "X-Trace": "abc"},
    )
    assert got.status == 200, got.data
    return json.loads(got.data)


def test_a_non_proxy_http_integration_sends_only_what_it_maps(aws, ministack, echo_url):
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    bare = _received(ministack, _api(apigw, "HTTP", echo_url, {}))
    assert "authorization" not in bare and "x-trace" not in bare
    mapped = _received(
        ministack,
        _api(
            apigw,
            "HTTP",
            echo_url,
            {
                "integration.request.header.Authorization": "method.request.header.Authorization",
                "integration.request.header.X-Service": "'billing'",
            },
        ),
    )
    assert mapped["authorization"] == "Bearer t"
    assert mapped["x-service"] == "billing"
    assert "x-trace" not in mapped


def test_an_http_proxy_integration_passes_the_client_headers_and_adds_its_mappings(
    aws, ministack, echo_url
):
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    got = _received(
        ministack,
        _api(apigw, "HTTP_PROXY", echo_url, {"integration.request.header.X-Service": "'billing'"}),
    )
    assert got["authorization"] == "Bearer t" and got["x-trace"] == "abc"
    assert got["x-service"] == "billing"


def test_a_mapping_from_a_header_the_client_did_not_send_sends_nothing() -> None:
    integration = {
        "type": "HTTP",
        "requestParameters": {
            "integration.request.header.X-Tenant": "method.request.header.X-Tenant"
        },
    }
    assert backend_headers(integration, {"content-type": "application/json"}) == {
        "content-type": "application/json"
    }
