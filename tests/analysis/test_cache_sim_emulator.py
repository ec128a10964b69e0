"""The cache simulator agrees with API Gateway as emulated by MiniStack, over real HTTP.

The seed scenario's authorizer returns an Allow scoped to event.methodArn; the same request
sequence is sent to the emulated API and run through the simulator, and every response and the
number of authorizer invocations must match.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from wizard.analysis.cache_sim import load_scenario as load_sim
from wizard.analysis.cache_sim import simulate
from wizard.sandbox.provision import provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator


def _invocations(logs: Any, function_name: str) -> int:
    group = f"/aws/lambda/{function_name}"
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    if group not in names:
        return 0
    events = logs.filter_log_events(logGroupName=group)["events"]
    return sum(1 for e in events if e["message"].startswith("{"))


@pytest.mark.parametrize("ttl", [300, 0])
def test_simulator_matches_the_emulated_gateway(aws: Any, ministack: Any, ttl: int) -> None:
    scenario = load_scenario("authz-cache-scoped-policy")
    authorizer = scenario.api.authorizers[0]
    authorizer.ttl = ttl
    authorizer.function.name = f"{authorizer.function.name}-sim{ttl}"
    out = provision(
        scenario,
        lambda name: aws.client(name, endpoint_url=ministack.endpoint_url),
        endpoint_url=ministack.endpoint_url,
    )
    get_req, post_req = scenario.requests
    sequence = [get_req, post_req, get_req, post_req]
    real = [send_request(req, out) for req in sequence]

    sim = simulate(
        load_sim(
            {
                "authorizer": {
                    "type": authorizer.type,
                    "identity_sources": [authorizer.identity_source],
                    "ttl": ttl,
                },
                "returns": {"resource": "{methodArn}"},
                "requests": [
                    {"at": i, "token": "alice", "arn": out.method_arn(r.method, r.path)}
                    for i, r in enumerate(sequence)
                ],
            }
        )
    )
    assert [r.status_code for r in real] == [s.status for s in sim.steps]
    for r, s in zip(real, sim.steps, strict=True):
        if s.status != 200:
            assert (r.error_type, r.error_message) == (s.error_type, s.message)
    logs = aws.client("logs", endpoint_url=ministack.endpoint_url)
    assert _invocations(logs, authorizer.function.name) == sim.invocations
    assert json.dumps(sim.to_dict())  # the JSON form stays serialisable
