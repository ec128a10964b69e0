"""Scenario extras: execution-log lines the emulator cannot write, the curl command."""

from __future__ import annotations

import shlex

import pytest

from wizard.aws.gather import gather
from wizard.aws.probes import register_all
from wizard.aws.session import sandbox_session
from wizard.sandbox.provision import Provisioned, provision, request_headers, request_url
from wizard.sandbox.replay import curl_command
from wizard.sandbox.scenario import load_scenario

register_all()


@pytest.mark.emulator
def test_execution_log_lines_are_written_with_placeholders(aws, ministack):
    scenario = load_scenario("authz-cache-scoped-policy")
    scenario.execution_log_lines = [
        "(abc) Starting authorizer for {api_id}/{stage}",
        "(abc) Using valid cached policy",
    ]
    session = sandbox_session(ministack.endpoint_url)
    out = provision(scenario, session.client, endpoint_url=ministack.endpoint_url)
    g = gather([("execution_logs", {"api_id": out.api_id, "stage": out.stage})], aws=session)
    assert g.facts()["execution_log_lines"] == [
        f"(abc) Starting authorizer for {out.api_id}/prod",
        "(abc) Using valid cached policy",
    ]


def _fake_provisioned() -> Provisioned:
    return Provisioned(
        scenario="s",
        api_id="abc123",
        stage="prod",
        region="us-east-1",
        account_id="000000000000",
        endpoint_url="http://127.0.0.1:4566",
        tokens={"alice": "Bearer aaa.bbb.ccc"},
    )


def test_curl_command_is_quoted_and_redacted():
    scenario = load_scenario("authz-cache-scoped-policy")
    post = scenario.symptom_request()
    out = _fake_provisioned()
    url, headers = request_url(post, out), request_headers(post, out)
    text = curl_command(post, url, headers)
    argv = shlex.split(text)
    assert argv[:4] == ["curl", "-i", "-X", "POST"]
    assert "Authorization: <redacted>" in argv
    assert (
        argv[-1]
        == "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_/dashboard/update-profile"
    )
    assert '{"displayName": "Alice"}' in argv
    assert "Authorization: Bearer aaa.bbb.ccc" in shlex.split(
        curl_command(post, url, headers, show_secrets=True)
    )
