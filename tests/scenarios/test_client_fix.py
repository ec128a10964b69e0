"""The client-side fixes, end to end: for every scenario whose fix is the client's (its YAML names
`client_fix`), on the emulator over real HTTP: the 403 is reproduced; `diagnose --apply --yes`
names the cause first with 0 questions, prints the corrected request and changes nothing (a
full configuration dump is identical, the same request still fails); the corrected request as
printed, sent for real (curl in a shell, or the AWS CLI), succeeds.

The corrected request is signed with the credentials of the scenario's request that works (a
signed one) — the current key, where the incident used a deleted key, a wrong secret, a stale
signature or a Bearer token.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from client_request import run_corrected
from scenario_helpers import fresh_dump, run_diagnose

from wizard.cli import main
from wizard.outcome.model import Outcome
from wizard.report.build import report_from_outcome
from wizard.report.render_html import render_html
from wizard.report.render_md import render_markdown
from wizard.sandbox.demo import Sandbox, diagnose_argv, sandbox_credentials
from wizard.sandbox.replay import SECRET_HEADERS
from wizard.sandbox.scenario import Scenario, list_scenarios, load_scenario

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

CLIENT_FIXED = [s.name for s in list_scenarios() if s.client_fix is not None]


def test_the_client_side_scenarios_are_the_client_fix_suite() -> None:
    # The coverage table counts these as "client fix verified"; none may drop out silently.
    assert set(CLIENT_FIXED) >= {
        "sigv4-invalid-security-token",
        "sigv4-missing-session-token",
        "sigv4-signature-expired",
        "sigv4-signature-mismatch",
        "sigv4-incomplete-signature",
        "mat-route-not-found",
        "mat-iam-unsigned",
        "ws-mgmt-wrong-endpoint",
    }


def _working_signer(box: Sandbox, scenario: Scenario) -> Any:
    """The credentials of the scenario's signed request that succeeds (None: none is signed)."""
    works = [r for r in scenario.requests if r.sigv4 and r.expect.status < 300]
    return box.signer(works[0].sigv4_as) if works else None


@pytest.mark.parametrize("name", CLIENT_FIXED)
def test_the_printed_corrected_request_succeeds_and_apply_changes_nothing(
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    scenario = load_scenario(name)
    with Sandbox(scenario) as box:
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced, [s.mismatches for s in repro.sent]
        assert repro.symptom.result.status_code == 403
        api_id = repro.provisioned.api_id
        before = fresh_dump(box, api_id)

        code, result = run_diagnose(box, repro, monkeypatch, capsys, apply=True, yes=True)
        assert result["causes"][0]["id"] == scenario.cause
        assert result["questions"] == 0
        fix = next(f for f in result["fixes"] if f["fix"] == scenario.client_fix)
        corrected = fix["corrected_request"]
        assert corrected, (fix["fix"], fix["why_not"])
        assert not any(f["applied"] for f in result["fixes"])
        assert not fix["applicable"] and "changes nothing" in fix["why_not"]
        assert code == 1  # diagnosed, the fix is the user's to make
        assert fresh_dump(box, api_id) == before
        assert box.resend_symptom().result.status_code == 403  # as the client sends it

        signer = _working_signer(box, scenario)
        secrets = [v for k, v in repro.symptom.headers.items() if k.lower() in SECRET_HEADERS]
        secrets += [signer.secret_key] if signer is not None else []
        for secret in secrets:  # the failing request's credentials are never printed
            assert secret not in corrected["command"]
        if signer is not None and signer.token:  # temporary credentials: their token too
            assert "AWS_SESSION_TOKEN" in corrected["env"], corrected["command"]
        status = run_corrected(corrected, signer, tmp_path)
        assert 200 <= status < 300, (status, corrected["command"])


def test_the_text_front_end_and_the_report_show_the_outcomes_corrected_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(load_scenario("mat-route-not-found")) as box:
        box.provision()
        repro = box.reproduce()
        _code, result = run_diagnose(box, repro, monkeypatch, capsys)
        argv = diagnose_argv(box.endpoint_url, repro.symptom, repro.provisioned, fmt="text")
        capsys.readouterr()
        with sandbox_credentials():
            main(argv)
        text = capsys.readouterr().out
    fix = next(f for f in result["fixes"] if f["fix"] == "fix-call-right-route")
    command = fix["corrected_request"]["command"]
    assert command.endswith("/_user_request_/orders") and "-X GET" in command
    assert f"$ {command}" in text and fix["why_not"] in text
    report = report_from_outcome(Outcome.model_validate(result))
    assert command in render_markdown(report)
    assert html.escape(command) in render_html(report)


def test_the_wrong_method_on_a_served_path_gets_the_served_method(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with Sandbox(load_scenario("mat-route-not-found")) as box:
        box.provision()
        repro = box.reproduce()
        wrong = next(s for s in repro.sent if s.request.name == "wrong-method")
        assert wrong.result.status_code == 403
        _code, result = run_diagnose(box, repro, monkeypatch, capsys, sent=wrong)
        assert result["causes"][0]["id"] == "mat-route-not-found"
        fix = next(f for f in result["fixes"] if f["fix"] == "fix-call-right-route")
        corrected = fix["corrected_request"]
        assert corrected["argv"][:4] == ["curl", "-i", "-X", "GET"]
        assert run_corrected(corrected, None, tmp_path) == 200
