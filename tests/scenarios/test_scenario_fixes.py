"""Fixes applied for real on the emulator, beyond the seed (tests/scenarios/test_scenarios_e2e.py
covers the seed's --apply --yes), and a scenario's second failing request diagnosed too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from scenario_helpers import run_diagnose

from wizard.sandbox.demo import Reproduction, Sandbox
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator


@pytest.fixture
def stale() -> Iterator[tuple[Sandbox, Reproduction]]:
    with Sandbox(load_scenario("authz-cache-stale-decision")) as box:
        box.provision()
        yield box, box.reproduce()


def _fix(result: dict[str, Any], fix_id: str) -> dict[str, Any]:
    return next(f for f in result["fixes"] if f["fix"] == fix_id)


def test_stale_decision_keyed_on_the_token_lets_the_refreshed_token_in(
    stale: tuple[Sandbox, Reproduction],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Decline the flush (first offer), accept keying the cache on the token (second)."""
    box, repro = stale
    assert repro.reproduced
    code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, stdin="n\ny\n")
    assert result["diagnosis"]["cause"] == "authz-cache-stale-decision"
    flush = _fix(result, "fix-stale-flush")
    assert not flush["applied"] and flush["detail"] == "not applied: declined"
    keyed = _fix(result, "fix-stale-key-on-token")
    assert keyed["applied"] and keyed["verified"], keyed["detail"]
    assert code == 0
    apigw = box.aws().client("apigateway")
    authorizer = apigw.get_authorizers(restApiId=repro.provisioned.api_id)["items"][0]
    assert authorizer["identitySource"] == "method.request.header.Authorization"
    assert box.resend_symptom().result.status_code == 200


def test_stale_decision_flush_fixes_it_and_no_further_fix_is_applied(
    stale: tuple[Sandbox, Reproduction],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--yes takes the first fix, the flush: the emulator flushes the stage's authorizer cache
    (docs/emulator.md), the refreshed token is evaluated afresh and the request is verified as
    fixed, so the driver applies nothing more."""
    box, repro = stale
    code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
    flush = _fix(result, "fix-stale-flush")
    assert flush["applied"] and flush["verified"], flush["detail"]
    others = [f for f in result["fixes"] if f["fix"] != "fix-stale-flush"]
    assert not any(f.get("applied") for f in others)
    assert code == 0
    assert box.resend_symptom().result.status_code == 200


def test_route_not_found_wrong_method_is_diagnosed_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(load_scenario("mat-route-not-found")) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced
        wrong_method = next(s for s in repro.sent if s.request.name == "wrong-method")
        assert (wrong_method.request.method, wrong_method.result.status_code) == ("POST", 403)
        _, result = run_diagnose(box, repro, monkeypatch, capsys, sent=wrong_method)
        assert result["diagnosis"]["cause"] == "mat-route-not-found"
