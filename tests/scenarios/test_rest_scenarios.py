"""The REST scenarios of issue 12's last round, beyond what the shared suites hold every
scenario to (test_scenarios_e2e.py: reproduced, diagnosed, declining changes nothing;
test_scenario_loop.py: the whole loop for a scenario that names a fix).

Here: the scenarios exist (one going missing is a failure, not a smaller suite), and the
client-side one shows its fix is the client's: `--apply --yes` changes nothing, and the same
request, signed again now, succeeds.
"""

from __future__ import annotations

import pytest
from scenario_helpers import run_diagnose

from wizard.sandbox.config_dump import dump_text
from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import list_scenarios, load_scenario

pytestmark = pytest.mark.emulator

ADDED = {
    "default-endpoint-disabled": "fix-enable-default-endpoint",
    "sigv4-signature-expired": None,
}


def test_the_scenarios_exist_with_their_fixes() -> None:
    bundled = {s.name: s for s in list_scenarios()}
    for name, fix in ADDED.items():
        assert name in bundled, name
        assert bundled[name].cause == name
        assert bundled[name].fix == fix


def test_an_expired_signature_is_the_clients_to_fix(monkeypatch, capsys) -> None:
    scenario = load_scenario("sigv4-signature-expired")
    with Sandbox(scenario) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced, [s.mismatches for s in repro.sent]
        assert repro.symptom.result.error_message.startswith("Signature expired: ")
        clients, api_id = box.aws().client, repro.provisioned.api_id
        before = dump_text(clients, api_id)
        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
        assert result["causes"][0]["id"] == "sigv4-signature-expired"
        assert result["questions"] == 0
        assert code == 1  # a fix is pending: the client's, which --apply cannot make
        assert [f["fix"] for f in result["fixes"]] == ["fix-clock"]
        assert not any(f["applied"] or f["cli"] for f in result["fixes"]), result["fixes"]
        assert dump_text(clients, api_id) == before
        # The client's fix: sign right before sending. The same request, signed now, passes.
        fresh = scenario.symptom_request().model_copy(update={"sigv4_signed_ago": 0})
        assert box.send(fresh).result.status_code == 200
        assert box.resend_symptom().result.status_code == 403  # signed 20 minutes ago again
