"""Fixes that fit the request, and only those, are applied for real on the emulator: the
usage-plan fix (two alternatives, the first one MiniStack supports), and no OPTIONS fix offered
for a GET."""

from __future__ import annotations

from typing import Any

import pytest
from scenario_helpers import run_diagnose

from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator


def _fix(result: dict[str, Any], fix_id: str) -> dict[str, Any]:
    return next(f for f in result["fixes"] if f["fix"] == fix_id)


def test_key_not_in_stage_plan_is_fixed_by_adding_the_key_to_the_stage_plan(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(load_scenario("apikey-not-in-usage-plan-stage")) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced
        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
        assert result["diagnosis"]["cause"] == "apikey-not-in-usage-plan-stage"
        add_key = _fix(result, "fix-plan-add-key")
        assert add_key["applied"] and add_key["verified"], add_key["detail"]
        assert any("create-usage-plan-key" in c for c in add_key["cli"])
        # The alternative (a patch of the key's plan, which MiniStack cannot apply) stays unrun.
        add_stage = _fix(result, "fix-plan-add-stage")
        assert not add_stage["applied"] and "update-usage-plan" in add_stage["cli"][0]
        assert code == 0
        apigw = box.aws().client("apigateway")
        plans = {p["name"]: p["id"] for p in apigw.get_usage_plans()["items"]}
        keys = apigw.get_usage_plan_keys(usagePlanId=plans["internal-plan"])["items"]
        assert {k["name"] for k in keys} == {"internal", "partner"}
        assert box.resend_symptom().result.status_code == 200


def test_key_not_in_stage_plan_declined_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(load_scenario("apikey-not-in-usage-plan-stage")) as box:
        box.provision()
        repro = box.reproduce()
        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, stdin="n\nn\n")
        assert not any(f["applied"] for f in result["fixes"])
        assert _fix(result, "fix-plan-add-key")["applicable"] is True
        assert code == 1
        assert box.resend_symptom().result.status_code == 403


def test_unsigned_get_is_not_offered_the_options_preflight_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The OPTIONS fix applies only when the failing request is OPTIONS: for this GET it is
    not proposed, so --apply --yes changes nothing (it used to patch a missing OPTIONS)."""
    with Sandbox(load_scenario("mat-iam-unsigned")) as box:
        box.provision()
        repro = box.reproduce()
        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
        assert result["diagnosis"]["cause"] == "mat-iam-unsigned"
        ids = [f["fix"] for f in result["fixes"]]
        assert "fix-options-no-auth" not in ids and "fix-sign-requests" in ids
        assert not any(f["applied"] for f in result["fixes"])
        assert code == 1


@pytest.mark.parametrize(
    ("scenario", "fix_id", "allows"),
    [
        # The Deny on 127.0.0.0/8 keeps its range; only the caller's address is exempted.
        ("rp-explicit-deny", "fix-rp-exempt-caller", "except the caller's address 127.0.0.1/32"),
        # One Allow for this caller's address on this method only, not execute-api:/*.
        ("rp-implicit-deny", "fix-rp-allow-caller", "from 127.0.0.1/32 may call"),
    ],
)
def test_resource_policy_denial_is_fixed_by_the_corrected_policy(
    scenario: str,
    fix_id: str,
    allows: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    with Sandbox(load_scenario(scenario)) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced
        apigw = box.aws().client("apigateway")
        api_id = repro.provisioned.api_id
        before = json.loads(apigw.get_rest_api(restApiId=api_id)["policy"].replace('\\"', '"'))
        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
        assert result["diagnosis"]["cause"] == scenario
        fix = _fix(result, fix_id)
        assert fix["applied"] and fix["verified"], fix["detail"]
        assert "update-rest-api" in fix["cli"][0] and "create-deployment" in fix["cli"][1]
        assert any("update-rest-api" in line for line in fix["rollback"])  # the old policy back
        # The explanation says in words what the new policy allows.
        assert allows in fix["explanation"]
        assert code == 0
        assert box.resend_symptom().result.status_code == 200
        after = json.loads(apigw.get_rest_api(restApiId=api_id)["policy"].replace('\\"', '"'))
        # Minimal: the statements that were there are kept (the Deny too), one thing changed.
        assert len(after["Statement"]) - len(before["Statement"]) in (0, 1)
        assert [s["Effect"] for s in after["Statement"][: len(before["Statement"])]] == [
            s["Effect"] for s in before["Statement"]
        ]
        widened = [
            s
            for s in after["Statement"]
            if s["Effect"] == "Allow"
            and s.get("Resource") == "execute-api:/*"
            and s not in before["Statement"]
        ]
        assert not widened


def test_resource_policy_fix_declined_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(load_scenario("rp-implicit-deny")) as box:
        box.provision()
        repro = box.reproduce()
        apigw = box.aws().client("apigateway")
        api_id = repro.provisioned.api_id
        before = apigw.get_rest_api(restApiId=api_id)["policy"]
        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, stdin="n\n")
        assert _fix(result, "fix-rp-allow-caller")["applicable"] is True
        assert not any(f["applied"] for f in result["fixes"])
        assert code == 1
        assert apigw.get_rest_api(restApiId=api_id)["policy"] == before
        assert box.resend_symptom().result.status_code == 403
