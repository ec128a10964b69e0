"""The Outcome carries the analyzers' answers the evidence views show (issue 10): the offline
seed walk's Outcome holds the cached authorizer policy checked against the method ARN, so the
TUI renders it without running the policy or ARN analyzers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import yaml

from wizard.investigation import FailingRequest, ScriptedAnswers, open_investigation
from wizard.investigation.outcome_analysis import LOG_LINE_CHARS, LOG_LINES_KEPT, analyse_evidence
from wizard.outcome import Outcome

SEED_WALK = Path(__file__).resolve().parents[1] / "playbooks" / "walks" / "seed-cache-scoped.yaml"


def test_the_seed_outcome_holds_the_authorizer_policy_check() -> None:
    answers = yaml.safe_load(SEED_WALK.read_text())["answers"]
    method, url = answers["q_request"].split()
    inv = open_investigation(FailingRequest(url=url, method=method))
    inv.drive(ScriptedAnswers(answers))
    outcome = inv.outcome()
    check = outcome.analysis.authorizer_policy
    assert check is not None
    assert check.method_arn == inv.known_facts()["method_arn"]
    (resource,) = check.resources
    assert resource.effect == "Allow"
    assert resource.resource.endswith("/prod/GET/dashboard")
    assert resource.mismatch is not None  # the GET-scoped Resource misses the failing method
    assert check.verdict
    # it survives the Outcome's JSON, as the MCP server and headless print it
    again = Outcome.model_validate(json.loads(outcome.to_json()))
    assert again.analysis == outcome.analysis


def test_pasted_log_lines_stay_bounded_in_the_outcome() -> None:
    blob = "x" * (LOG_LINE_CHARS * 5)
    text = "\n".join([f"line {i}" for i in range(LOG_LINES_KEPT * 3)] + [blob])
    lines = analyse_evidence({"logs": text}, now=datetime(2026, 12, 3, tzinfo=UTC)).log_lines
    assert len(lines) == LOG_LINES_KEPT
    assert lines[-1].text.startswith("xxx") and len(lines[-1].text) <= LOG_LINE_CHARS + 1
    assert lines[0].text == f"line {LOG_LINES_KEPT * 2 + 1}"
