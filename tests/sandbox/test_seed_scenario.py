"""The seed incident for real: GET works, the POST is denied from the authorizer cache."""

from __future__ import annotations

import json

import pytest

from wizard.sandbox.provision import provision
from wizard.sandbox.replay import replay, send_request
from wizard.sandbox.scenario import list_scenarios, load_scenario

pytestmark = pytest.mark.emulator


def _authorizer_invocations(logs, function_name: str) -> list[dict]:
    """The decisions the authorizer logged (one JSON line per invocation)."""
    group = f"/aws/lambda/{function_name}"
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    if group not in names:
        return []
    events = logs.filter_log_events(logGroupName=group)["events"]
    return [json.loads(e["message"]) for e in events if e["message"].startswith("{")]


def test_seed_incident_reproduces_from_the_cache(aws, ministack):
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(
        scenario,
        lambda name: aws.client(name, endpoint_url=ministack.endpoint_url),
        endpoint_url=ministack.endpoint_url,
    )
    results = replay(scenario, out)
    assert [r.mismatches for r in results] == [[], []]
    get, post = results
    assert get.result.status_code == 200
    assert post.result.status_code == 403
    assert post.result.error_type == "AccessDeniedException"
    assert post.result.error_message == "User is not authorized to access this resource"
    assert post.result.request_id

    logs = aws.client("logs", endpoint_url=ministack.endpoint_url)
    fn = scenario.api.authorizers[0].function.name
    calls = _authorizer_invocations(logs, fn)
    # Invoked once, for the GET; the POST was decided from the cached GET-scoped Allow.
    assert calls == [
        {"decision": "Allow", "sub": "alice", "methodArn": out.method_arn("GET", "/dashboard")}
    ]


def test_with_ttl_zero_the_same_post_succeeds(aws, ministack):
    """The control: without the cache the authorizer sees the POST's own methodArn."""
    scenario = load_scenario("authz-cache-scoped-policy")
    scenario.api.authorizers[0].ttl = 0
    out = provision(
        scenario,
        lambda name: aws.client(name, endpoint_url=ministack.endpoint_url),
        endpoint_url=ministack.endpoint_url,
    )
    get_req, post_req = scenario.requests
    assert send_request(get_req, out).status_code == 200
    assert send_request(post_req, out).status_code == 200


def test_every_bundled_scenario_loads():
    names = [s.name for s in list_scenarios()]
    assert "authz-cache-scoped-policy" in names
