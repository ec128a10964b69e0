"""Issue 10's "Done when": the same incidents through headless `diagnose`, a scripted
prompt-mode session, the TUI pilot and an MCP client (`ClientSession` over stdio against
`apigw-wizard mcp`) give identical Outcome JSON — causes, fix ids, commands
byte for byte, fix states and exit code. Live: the seed incident and two other scenarios on
MiniStack (every applicable fix offered and declined); offline: the seed walk file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.investigation.frontends import (
    Case,
    essentials,
    via_headless,
    via_mcp,
    via_prompt,
    via_tui,
)
from wizard.commands.demo import failing_request
from wizard.investigation import FailingRequest
from wizard.outcome import Outcome
from wizard.report.render import render_outcome
from wizard.sandbox.demo import Sandbox, sandbox_credentials
from wizard.sandbox.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SEED_WALK = ROOT / "tests" / "playbooks" / "walks" / "seed-cache-scoped.yaml"

# scenario → answers to what its live probes cannot read (none: the probes read it all)
LIVE = {
    "authz-cache-scoped-policy": {"authorizer_ttl": "300"},
    "rp-explicit-deny": {},
    "apikey-missing-or-invalid": {},
}


def _run_all(case: Case, capsys: Any, monkeypatch: Any, tmp_path: Path) -> dict[str, Any]:
    outcomes = {
        "headless": via_headless(case, capsys, monkeypatch),
        "prompt": via_prompt(case, tmp_path),
        "tui": via_tui(case),
        "mcp": via_mcp(case, tmp_path),
    }
    shapes = {name: essentials(o) for name, o in outcomes.items()}
    assert shapes["prompt"] == shapes["headless"], case.name
    assert shapes["tui"] == shapes["headless"], case.name
    assert shapes["mcp"] == shapes["headless"], case.name
    _report_shows_the_same_fixes(outcomes["tui"], case.name)
    return shapes["headless"]


def _report_shows_the_same_fixes(outcome: dict[str, Any], name: str) -> None:
    """The report of the TUI's Outcome prints the commands and fix states every front end
    shows, byte for byte (it renders the Outcome's commands, it does not re-render them)."""
    model = Outcome.model_validate(outcome)
    report = json.loads(render_outcome(model, "json", mask_account=False))
    cause = model.diagnosis.cause if model.diagnosis else None
    shown = {f["fix_id"]: f for f in report["proposed_fixes"]}
    expected = [f for f in model.fixes if cause is None or f.cause == cause]
    assert expected and sorted(shown) == sorted(f.fix for f in expected), name
    for fix in expected:
        assert shown[fix.fix]["commands"] == fix.cli, (name, fix.fix)
        assert shown[fix.fix]["applied"] is fix.applied, (name, fix.fix)
    # The report's change log records every attempt (a declined one too, which changed nothing)
    # in the state the front ends show; every fix that changed the account is in it.
    recorded = {c["fix_id"]: c["outcome"] for c in report["changes"]}
    states = {f.fix: f.state.value for f in model.fixes}
    assert recorded == {fix: states[fix] for fix in recorded}, name
    assert {f.fix for f in model.fixes if f.applied} <= set(recorded), name


def test_offline_seed_walk_is_the_same_in_every_front_end(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import yaml

    answers = yaml.safe_load(SEED_WALK.read_text())["answers"]
    method, url = answers["q_request"].split()  # the TUI starts from the failing call
    request = FailingRequest(url=url, method=method)
    case = Case("offline seed", request, answers=answers, answers_file=SEED_WALK)
    shape = _run_all(case, capsys, monkeypatch, tmp_path)
    assert shape["diagnosis"] == "authz-cache-scoped-policy"
    assert shape["exit_code"] == 1 and shape["fixes"]
    assert all(f["state"] == "proposed" for f in shape["fixes"])
    # every command carries --region, even offline (from the URL the user gave)
    assert all("--region" in c for f in shape["fixes"] for c in f["cli"])


@pytest.mark.emulator
@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(LIVE))
def test_live_scenario_is_the_same_in_every_front_end(
    scenario: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    loaded = load_scenario(scenario)
    with Sandbox(loaded) as box, sandbox_credentials():
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced, scenario
        request = failing_request(repro)
        case = Case(scenario, request, answers=dict(LIVE[scenario]), aws=box.aws())
        shape = _run_all(case, capsys, monkeypatch, tmp_path)
        endpoint = box.endpoint_url
    assert shape["diagnosis"] == loaded.cause
    assert shape["target"]["endpoint_url"] == endpoint
    for fix in shape["fixes"]:
        for command in fix["cli"]:  # copying a demo command never reaches real AWS
            assert "--region" in command and "--endpoint-url" in command
