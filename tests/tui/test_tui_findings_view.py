"""The findings view read from an Outcome (no emulator): plain labels, one sentence with the
confidence, policies as statements, and the scenario check itself shown to bite."""

from __future__ import annotations

import pytest
from test_tui_findings_scenarios import check_findings
from tui_helpers import SEED_POLICY, fixed_clock, seed_evidence

from wizard.catalogue.fact_labels import RAW_NAME, label
from wizard.investigation import ScriptedAnswers
from wizard.investigation.outcome import Outcome
from wizard.ui.tui.driver import SessionDriver
from wizard.ui.tui.findings_view import findings_view, value_text


def _seed_outcome() -> Outcome:
    driver = SessionDriver.create(seed_evidence(), clock=fixed_clock)
    inv = driver.investigation
    assert inv is not None
    inv.drive(ScriptedAnswers({"authorizer_ttl": 300, "policy_text": SEED_POLICY}))
    return inv.outcome()


def test_seed_findings_read_plainly() -> None:
    outcome = _seed_outcome()
    view = findings_view(outcome)
    assert view.sentence.startswith("Diagnosis (") and "% confidence)" in view.sentence
    assert view.evidence and all(not RAW_NAME.search(row.label) for row in view.evidence)
    check_findings(outcome)


def test_the_check_catches_a_raw_fact_name() -> None:
    outcome = _seed_outcome()
    assert outcome.diagnosis is not None
    leaky = outcome.model_copy(deep=True)
    assert leaky.diagnosis is not None
    leaky.diagnosis.title = "Cached for authorizer_ttl seconds"  # titles are shown as written
    with pytest.raises(AssertionError, match="authorizer_ttl"):
        check_findings(leaky)


def test_engine_reasons_name_facts_by_their_labels() -> None:
    view = findings_view(_seed_outcome())
    assert any("could not check" in r for r in view.reasons)  # the seed walk has such a reason
    assert not any("live_status" in r for r in view.reasons)
    assert any("“status of the replayed request”" in r for r in view.reasons)


def test_labels_and_values_are_words() -> None:
    assert label("authorizer_ttl") == "Authorizer cache TTL (seconds)"
    assert label("some_new_arn") == "Some new ARN"  # no entry: still words, acronyms kept
    assert value_text(True) == "yes" and value_text(False) == "no"
    assert value_text("explicit_deny") == "explicit deny"  # a verdict token, as words
    policy = {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "a"}]}
    assert value_text({"policyDocument": policy}) == "Allow execute-api:Invoke on a"
    assert value_text("x" * 500).endswith("…") and len(value_text("x" * 500)) == 160
