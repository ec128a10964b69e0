"""integration_request: the header a non-proxy integration drops is named only when the
backend's own 403 names it, the client sent it and the method request declares it."""

from __future__ import annotations

import pytest
from aws_probe_helpers import run_probe, wizard_session

from wizard.aws.probes.integration import named_in_body, unmapped
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario

BODY = '{"error": "missing Authorization header", "code": "NO_CREDENTIALS"}'
SENT = {"Authorization": "Bearer t", "X-Trace": "abc"}


@pytest.fixture(scope="module")
def unmapped_api(ministack):
    session = wizard_session(ministack)
    scenario = load_scenario("integration-unmapped-header")
    out = provision(scenario, session.client, endpoint_url=ministack.endpoint_url)
    return session, {"api_id": out.api_id, "path": "/invoices", "method": "GET"}


@pytest.mark.emulator
def test_the_header_the_backend_names_is_the_one_to_map(unmapped_api):
    session, facts = unmapped_api
    got = run_probe("integration_request", session, {"backend_body": BODY, "headers": SENT}, facts)
    assert got["integration_type"] == "HTTP"
    assert got["headers_not_passed"] == ["Authorization", "X-Trace"]
    assert got["header_to_map"] == "Authorization"
    assert got["http_method_defined"] == "GET" and got["resource_id"]


@pytest.mark.emulator
def test_no_header_to_map_without_the_backend_naming_a_declared_one(unmapped_api):
    session, facts = unmapped_api
    silent = run_probe(
        "integration_request",
        session,
        {"backend_body": '{"error": "tenant 7 may not read invoices"}', "headers": SENT},
        facts,
    )
    assert silent["header_to_map"] is None
    undeclared = run_probe(
        "integration_request",
        session,
        {"backend_body": '{"error": "missing X-Trace header"}', "headers": SENT},
        facts,
    )
    assert undeclared["backend_names_header"] == "X-Trace"
    assert undeclared["header_to_map"] is None  # the method request does not declare it


def test_a_proxy_integration_drops_no_header_and_names_are_whole_words() -> None:
    assert unmapped({"type": "HTTP_PROXY"}, SENT) == []
    mapped = {"integration.request.header.authorization": "method.request.header.Authorization"}
    assert unmapped({"type": "HTTP", "requestParameters": mapped}, SENT) == ["X-Trace"]
    assert unmapped({"type": "HTTP"}, {"Bad Header\n": "x"}) == []  # not a header name
    assert named_in_body("missing x-trace-id", ["X-Trace"]) is None
    assert named_in_body("AUTHORIZATION required", ["Authorization"]) == "Authorization"
