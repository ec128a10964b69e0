"""The whole loop, for every scenario whose fix is the API's (its YAML names `fix`).

One emulator per scenario, and in it, in order: the 403 reproduced over HTTP; `diagnose
--apply --yes` from the invoke URL names the cause first with 0 questions, applies the named
fix, verifies it, and the same request now succeeds; the rollback commands it printed, run by
the real AWS CLI, return the full configuration dump to identical and the request fails again;
the fix commands it printed, run by the real AWS CLI, make the same request succeed. (Declining
changes nothing: test_scenarios_e2e.py, for every scenario.) A fix that carries an optimistic
lock token (a WAF web ACL's) is printed for the state it was read at: after the fix and its
rollback WAF refuses those commands, so the suite checks that and diagnoses again.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest
from aws_cli import CliFailed, run_all
from scenario_helpers import run_diagnose

from wizard.sandbox.config_dump import dump_text
from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import list_scenarios, load_scenario

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

FIXABLE = [s.name for s in list_scenarios() if s.fix is not None]

# Where the emulator, not the wizard, keeps the broken state from coming back after the rollback.
# (The fidelity layer's patched_booleans closed the last one: a key re-disabled by the rollback.)
EMULATOR_GAPS: dict[str, str] = {}

# Fixes that change no configuration (a cache flush): nothing to roll back; the broken state is
# what the cache holds, and the replayed sequence caches the expired token's Deny again.
NOTHING_TO_ROLL_BACK = {"authz-cache-stale-decision"}


def _fix(result: dict[str, Any], fix_id: str) -> dict[str, Any]:
    found = [f for f in result["fixes"] if f["fix"] == fix_id]
    assert found, f"{fix_id} not offered; offered: {[f['fix'] for f in result['fixes']]}"
    return found[0]


def _ok(status: int) -> bool:
    return 200 <= status < 300 or status == 101  # 101: a WebSocket handshake accepted


def test_the_scenarios_that_name_a_fix_are_the_loop_suite() -> None:
    # The coverage table counts these as fixed; none may drop out silently.
    assert {
        "apikey-disabled",
        "stage-not-found",
        "authz-cache-scoped-policy",
        "authz-cache-stale-decision",
        "mat-not-deployed",
        "rp-not-redeployed",
        "httpapi-jwt-wrong-audience",  # the JWT authorizer's audience (loops2)
        "authz-claim-name-deny",  # an explicit Deny from a typo in the code: the code patch (loops3)
        "ws-connect-claim-name-deny",  # the same typo in a WebSocket $connect authorizer (loops4)
        "authz-header-name-deny",  # the token read from a header the client does not send (loops4)
        "integration-unmapped-header",  # a header the integration does not map (loops5)
        "rp-cross-account-iam",  # a partner account's caller the resource policy omits (xacct)
        "vpce-endpoint-policy",  # a VPC endpoint's policy reset, its old document restored
        "waf-block",  # a web ACL rule switched to Count, with WAF's lock token (waffix)
    } <= set(FIXABLE)


@pytest.mark.parametrize("name", FIXABLE)
def test_apply_fixes_it_rollback_restores_it_and_the_printed_cli_fixes_it(
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    scenario = load_scenario(name)
    assert scenario.fix is not None
    with Sandbox(scenario) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced, [s.mismatches for s in repro.sent]
        clients, api_id = box.aws().client, repro.provisioned.api_id
        before = dump_text(box.dump_clients, api_id)

        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
        assert result["causes"][0]["id"] == scenario.cause
        assert result["questions"] == 0
        fix = _fix(result, scenario.fix)
        assert fix["applied"] and fix["verified"], (
            fix["applicability"],
            fix["missing"],
            fix["detail"],
        )
        assert code == 0
        assert _ok(box.resend_symptom().result.status_code)
        for other in result["fixes"]:  # nothing else is claimed to have fixed it
            assert other["fix"] == scenario.fix or not other["verified"], other
        if name in NOTHING_TO_ROLL_BACK:
            # A fix that changes no configuration prints no rollback: the dump must not move. The
            # verifying request cached an Allow under the same key; it goes before the replay.
            assert not fix["rollback"], fix["rollback"]
            stage = repro.provisioned.stage
            clients("apigateway").flush_stage_authorizers_cache(restApiId=api_id, stageName=stage)
        else:
            # The dump sees what the fix changed, so "restored to identical" below means something.
            assert dump_text(box.dump_clients, api_id) != before, (
                "the fix changed nothing the dump holds"
            )
            assert fix["rollback"], "an applied fix prints its rollback"
            run_all(fix["rollback"], tmp_path)
        after = dump_text(box.dump_clients, api_id)
        assert after == before, "".join(
            difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=2)
        )[-3000:]
        replayed = box.reproduce()  # the whole sequence: a cached policy needs its first call
        if name in EMULATOR_GAPS:
            # Pinned, so this fails (and the entry goes) once the emulator is fixed.
            assert replayed.symptom.result.status_code == 200, EMULATOR_GAPS[name]
        else:
            assert replayed.reproduced, [s.mismatches for s in replayed.sent]

        assert fix["cli"] and not fix["missing"], fix
        printed = fix["cli"]
        if any("--lock-token" in command for command in printed):
            # An optimistic lock token is good for the state it was read at: the fix's update
            # and the rollback's each moved it on, so WAF refuses the commands printed before
            # (WAFOptimisticLockException) and, as a user would, we diagnose again for fresh ones.
            with pytest.raises(CliFailed, match="WAFOptimisticLockException"):
                run_all(printed, tmp_path)
            _, again_result = run_diagnose(box, replayed, monkeypatch, capsys)
            printed = _fix(again_result, scenario.fix)["cli"]
        run_all(printed, tmp_path)
        again = box.resend_symptom().result
        assert _ok(again.status_code), (again.status_code, again.error_type, again.error_message)
