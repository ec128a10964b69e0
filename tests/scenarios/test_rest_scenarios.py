"""The REST scenarios of issue 12's last round, beyond what the shared suites hold every
scenario to (test_scenarios_e2e.py: reproduced, diagnosed, declining changes nothing;
test_scenario_loop.py: the whole loop for a scenario that names a fix).

Here: the scenarios exist (one going missing is a failure, not a smaller suite), and the
client-side one shows its fix is the client's: `--apply --yes` changes nothing, and the same
request, signed again now, succeeds.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest
from scenario_helpers import fresh_dump, run_diagnose

from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import list_scenarios, load_scenario

pytestmark = pytest.mark.emulator

ADDED = {
    "default-endpoint-disabled": "fix-enable-default-endpoint",
    "sigv4-signature-expired": None,
    "custom-domain-mapping": "fix-map-base-path",
    "cache-invalidation-unauthorized": "fix-cache-control-strategy",
}


def test_the_scenarios_exist_with_their_fixes() -> None:
    bundled = {s.name: s for s in list_scenarios()}
    for name, fix in ADDED.items():
        assert name in bundled, name
        assert bundled[name].cause == name
        assert bundled[name].fix == fix


@pytest.mark.slow  # 3.1 s of call time measured (--durations), an AUTH=true emulator
def test_an_expired_signature_is_the_clients_to_fix(monkeypatch, capsys) -> None:
    scenario = load_scenario("sigv4-signature-expired")
    with Sandbox(scenario) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced, [s.mismatches for s in repro.sent]
        assert repro.symptom.result.error_message.startswith("Signature expired: ")
        api_id = repro.provisioned.api_id
        before = fresh_dump(box, api_id)
        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
        assert result["causes"][0]["id"] == "sigv4-signature-expired"
        assert result["questions"] == 0
        assert code == 1  # a fix is pending: the client's, which --apply cannot make
        assert [f["fix"] for f in result["fixes"]] == ["fix-clock"]
        assert not any(f["applied"] or f["cli"] for f in result["fixes"]), result["fixes"]
        assert fresh_dump(box, api_id) == before
        # The client's fix: sign right before sending. The same request, signed now, passes.
        fresh = scenario.symptom_request().model_copy(update={"sigv4_signed_ago": 0})
        assert box.send(fresh).result.status_code == 200
        assert box.resend_symptom().result.status_code == 403  # signed 20 minutes ago again


def _node_index(result: dict, node: str) -> int:
    nodes = [step["node"] for step in result["path"]]
    assert node in nodes, f"{node} not on the walk: {nodes}"
    return nodes.index(node)


@pytest.mark.slow  # 3.6 s measured: a whole live diagnose with logs
def test_the_seed_walk_reads_the_failing_requests_execution_log_lines(monkeypatch, capsys) -> None:
    """Issue 12 item 5: the seed's stage logs, so the walk goes error text → execution logs →
    the authorizer's TTL → the cached policy, and the failing request's own lines are evidence."""
    scenario = load_scenario("authz-cache-scoped-policy")
    assert scenario.api.logging is not None and scenario.api.logging.execution == "INFO"
    with Sandbox(scenario) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced, [s.mismatches for s in repro.sent]
        failing = repro.symptom.result.request_id
        allowed = next(s for s in repro.sent if s.request.name == "open-dashboard")
        _, result = run_diagnose(box, repro, monkeypatch, capsys)
    assert result["causes"][0]["id"] == scenario.cause and result["questions"] == 0
    evidence = {e["name"]: e for e in result["evidence"]}
    log = evidence["execution_log_text"]
    assert log["origin"] == "p_live_authorizer/execution_logs"
    lines = str(log["value"]).splitlines()
    mine = [line for line in lines if line.startswith(f"({failing})")]
    assert f"({failing}) The client is not authorized to perform this operation." in mine
    assert f"({failing}) Method completed with status: 403" in mine
    # The cache answered the POST: no authorizer run in its lines, one in the GET's before it.
    assert not any("Starting authorizer" in line for line in mine)
    assert any(
        line.startswith(f"({allowed.result.request_id}) Starting authorizer") for line in lines
    )
    # What the log shows is what the walk concluded from: the policy cached for the GET.
    cached = evidence["cached_policy"]
    assert cached["origin"] == "p_live_scan/scan_logs"
    assert cached["value"]["Statement"][0]["Resource"].endswith("/prod/GET/dashboard")
    assert evidence["log_authorizer_invoked"]["value"] is False
    order = [
        _node_index(result, n)
        for n in ("p_classify_live", "p_live_authorizer", "p_live_scan", "d_ttl")
    ]
    assert order == sorted(order), order
    assert _node_index(result, "p_eval_cached_logged") > _node_index(result, "d_ttl")


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_custom_domain_curl_the_demo_prints_reaches_the_emulator() -> None:
    with Sandbox(load_scenario("custom-domain-mapping")) as box:
        box.provision()
        repro = box.reproduce()
        command = repro.symptom.curl()
        assert "--connect-to api.shop.test:80:127.0.0.1:" in command
        done = subprocess.run(
            shlex.split(command), capture_output=True, text=True, timeout=60, check=False
        )
    assert done.stdout.startswith("HTTP/1.1 403"), done.stdout[:300]
    assert done.stdout.rstrip().endswith('{"message": "Forbidden"}')
