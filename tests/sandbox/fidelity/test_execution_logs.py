"""Execution logs on the fidelity emulator.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
("CloudWatch execution logging": group `API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}`,
written when the stage's logging level is INFO or ERROR), with the messages of the sample
execution log tests/analysis/logs_data/seed_execution.log.
"""

from __future__ import annotations

import re

import pytest
from fidelity_helpers import deployed_mock_api, enable_logs, seed, seed_request

from wizard.analysis.logs.execution import classify_message
from wizard.aws.probes import register_all
from wizard.aws.reproduce import send
from wizard.aws.session import sandbox_session
from wizard.engine.probes import REGISTRY, ProbeContext
from wizard.sandbox.provision import Provisioned
from wizard.sandbox.replay import send_request

pytestmark = pytest.mark.emulator

_PREFIX = re.compile(r"^\(([0-9a-f-]{36})\) (.*)$")


def _execution_log(session, out, request_id):
    """The failing request's lines as the wizard's execution_logs probe reads them."""
    register_all()
    ctx = ProbeContext(inputs={}, facts={}, aws=session)
    return REGISTRY.get("execution_logs").fn(
        ctx, {"api_id": out.api_id, "stage": out.stage, "request_id": request_id}
    )


def _kinds(lines, request_id):
    kinds = []
    for line in lines:
        m = _PREFIX.match(line)
        assert m is not None, line
        assert m.group(1) == request_id
        found = classify_message(m.group(2))
        if found:
            kinds.append(found[0])
    return kinds


@pytest.fixture
def logged_seed(aws, ministack):
    session, out = seed(ministack)
    enable_logs(session, out)
    return session, out


def test_the_first_request_logs_the_authorizer_invocation_and_its_policy(logged_seed):
    session, out = logged_seed
    r = send_request(seed_request("open-dashboard"), out)
    log = _execution_log(session, out, r.request_id)
    assert log["execution_log_group"] == f"API-Gateway-Execution-Logs_{out.api_id}/prod"
    assert _kinds(log["execution_log_lines"], r.request_id) == [
        "authorizer-start",
        "authorizer-identity",
        "authorizer-request",
        "authorizer-result",
        "authorizer-policy-valid",
        "authorizer-complete",
        "request-route",
        "integration-status",
        "endpoint-response",
        "method-completed",
    ]
    start = classify_message(_PREFIX.match(log["execution_log_lines"][1]).group(2))
    assert start[1]["authorizer_id"] == out.authorizer_ids["jwt-authorizer"]
    request = classify_message(_PREFIX.match(log["execution_log_lines"][3]).group(2))
    assert request[1]["method_arn"] == out.method_arn("GET", "/dashboard")


def test_a_cache_hit_shows_no_authorizer_lines_then_the_refusal(logged_seed):
    session, out = logged_seed
    send_request(seed_request("open-dashboard"), out)
    r = send_request(seed_request("update-profile"), out)
    assert r.status_code == 403
    lines = _execution_log(session, out, r.request_id)["execution_log_lines"]
    assert _kinds(lines, r.request_id) == [
        "request-route",
        "not-authorized",
        "gateway-response",
        "gateway-response-body",
        "method-completed",
    ]
    assert lines[-1].endswith("Method completed with status: 403")
    assert "Gateway response type: ACCESS_DENIED with status code: 403" in "\n".join(lines)


def test_error_level_logs_only_the_failing_request(aws, ministack):
    session, out = seed(ministack)
    enable_logs(session, out, level="ERROR")
    ok = send_request(seed_request("open-dashboard"), out)
    failed = send_request(seed_request("update-profile"), out)
    assert _execution_log(session, out, ok.request_id)["execution_log_count"] == 0
    assert _execution_log(session, out, failed.request_id)["execution_log_count"] > 0


def test_nothing_is_written_while_logging_is_off(aws, ministack):
    session, out = seed(ministack)
    send_request(seed_request("open-dashboard"), out)
    assert _execution_log(session, out, None)["execution_log_group_exists"] is False


def test_the_usage_plan_check_names_a_key_whose_plans_miss_the_stage(aws, ministack):
    client = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = deployed_mock_api(client, "keyed", api_key_required=True)
    client.update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[{"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"}],
    )
    key = client.create_api_key(name="k", enabled=True, value="k" * 18 + "abcdef")
    plan = client.create_usage_plan(name="p")["id"]  # no stage: the key is not good for prod
    client.create_usage_plan_key(usagePlanId=plan, keyId=key["id"], keyType="API_KEY")
    url = ministack.data_plane_url(api, "prod", "/")
    session = sandbox_session(ministack.endpoint_url)
    out = Provisioned("keyed", api, "prod", "us-east-1", "000000000000", ministack.endpoint_url)
    for sent, kinds in (
        ({"x-api-key": key["value"]}, ["usage-plan-check", "apikey-not-authorized"]),
        ({}, ["usage-plan-check"]),  # no key: no "not authorized because" line
    ):
        r = send("GET", url, headers=sent)
        assert r.status_code == 403
        lines = _execution_log(session, out, r.request_id)["execution_log_lines"]
        found = [k for k in _kinds(lines, r.request_id) if k.startswith(("usage", "apikey"))]
        assert found == kinds
    last = [classify_message(_PREFIX.match(x).group(2)) for x in lines]
    assert ("gateway-response", {"response_type": "INVALID_API_KEY", "status": 403}) in last
