"""The analyzers' records are facts, so the one Outcome carries them (issue 10): the offline
seed investigation's Outcome holds the policy evaluator's per-statement record, and the report
of that investigation's session lays out exactly that record."""

from __future__ import annotations

from pathlib import Path

import yaml

from wizard.investigation import FailingRequest, ScriptedAnswers, open_investigation
from wizard.investigation.report import build, render_report, report_from_session
from wizard.report.build import report_from_outcome
from wizard.report.render import render_outcome

SEED_WALK = Path(__file__).resolve().parents[1] / "playbooks" / "walks" / "seed-cache-scoped.yaml"


def test_the_outcome_carries_the_policy_evaluation_and_the_report_renders_it() -> None:
    answers = yaml.safe_load(SEED_WALK.read_text())["answers"]
    method, url = answers["q_request"].split()
    inv = open_investigation(FailingRequest(url=url, method=method))
    inv.drive(ScriptedAnswers(answers))
    outcome = inv.outcome()
    assert outcome.diagnosis is not None and outcome.diagnosis.cause == "authz-cache-scoped-policy"
    (fact,) = [f for f in outcome.evidence if f.name == "policy_evaluation"]
    record = fact.value
    assert fact.type == "object" and record["analysis"] == "policy_evaluation"
    assert record["decision"] == "implicit_deny"
    (statement,) = record["statements"]
    assert statement["outcome"] == "silent" and statement["covers_method_arn"] is False
    assert statement["resources"] == [
        "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/dashboard"
    ]
    # the report of the same session shows that record, statement for statement
    report = build(inv.session.to_dict(), mask_account=False)
    (policy,) = [e for e in report.evidence if e.kind == "policy"]
    assert policy.method_arn == record["method_arn"]
    assert [(s.label, s.outcome, s.reason) for s in policy.statements] == [
        (statement["label"], statement["outcome"], statement["reason"])
    ]
    assert policy.text == record["explanation"]


def test_the_report_of_the_outcome_is_the_report_of_its_session() -> None:
    answers = yaml.safe_load(SEED_WALK.read_text())["answers"]
    method, url = answers["q_request"].split()
    inv = open_investigation(FailingRequest(url=url, method=method))
    inv.drive(ScriptedAnswers(answers))
    record = inv.session.to_dict()
    at = "2026-12-03T08:00:00Z"
    from_outcome = report_from_outcome(inv.outcome(), generated_at=at)
    from_session = report_from_session(record, generated_at=at)
    assert from_outcome.summary.cause_id == "authz-cache-scoped-policy"
    assert from_outcome.facts  # not vacuous: the seed walk knows facts
    assert from_outcome.model_dump() == from_session.model_dump()
    # the facts are read from the Outcome, not from the record
    name = from_outcome.facts[0].name
    outcome = inv.outcome()
    fewer = outcome.model_copy(update={"evidence": [f for f in outcome.evidence if f.name != name]})
    shown = {row.name for row in report_from_outcome(fewer, generated_at=at).facts}
    assert name not in shown and shown
    # rendered as text the same way as the session's report
    text = render_outcome(outcome, "md", generated_at=at)
    assert text == render_report(record, "md", generated_at=at)
    assert "authz-cache-scoped-policy" in text
