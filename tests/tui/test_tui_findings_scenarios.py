"""Issue 15's findings check, live on MiniStack over real HTTP: every demo scenario is
provisioned and reproduced, the investigation walks it (answering as an engineer who pastes
nothing would: "I don't know" when allowed, else the default), and the findings the TUI shows
for that Outcome name no raw fact (`authorizer_ttl`), no node id, and state every fact with the
value of the Outcome's facts table."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.catalogue.fact_labels import RAW_NAME, label
from wizard.commands.demo import failing_request
from wizard.engine.facts import UNKNOWN
from wizard.investigation import Investigation, open_investigation
from wizard.investigation.outcome import Outcome
from wizard.investigation.stages import load_stages, walk_stages
from wizard.sandbox.demo import Sandbox, sandbox_credentials
from wizard.sandbox.scenario import list_scenarios
from wizard.ui.tui.findings_view import findings_view, value_text
from wizard.ui.tui.stage_view import stage_page

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

SCENARIOS = [s.name for s in list_scenarios()]


class Newcomer:
    """Answers every question as someone with nothing to paste."""

    def ask(self, question: Any) -> Any:
        node = question.node
        if node.allow_unknown:
            return UNKNOWN
        if question.default is not None:
            return question.default
        return node.choices[-1].value if node.choices else "none"

    def rejected(self, question: Any, error: str) -> None:
        raise AssertionError(f"{question.node_id}: {error}")

    def notice(self, events: list[Any]) -> None:
        pass


def _walk(name: str) -> Investigation:
    scenario = next(s for s in list_scenarios() if s.name == name)
    with Sandbox(scenario) as box, sandbox_credentials():
        box.provision()
        repro = box.reproduce()
        assert repro.reproduced, name
        inv = open_investigation(failing_request(repro), aws=box.aws())
        assert inv.drive(Newcomer()) == "ended", name
        return inv


def check_stages(inv: Investigation) -> None:
    """The guided walk's pages: no raw fact, probe or node name; every value as in the table."""
    outcome = inv.outcome()
    book = load_stages(inv.playbook, inv.session.playbook_path)
    assert book is not None
    stages = walk_stages(book, outcome, prefilled=inv.prefilled, target=inv.target())
    assert stages[0].status == "done" and stages[0].id == "error_text"
    facts = {f.name for f in outcome.evidence} | {f.name for f in outcome.unknown}
    nodes = {step.node for step in outcome.path}
    probes = {spec.name for spec in inv.session.registry}
    table = {f.name: f.value for f in outcome.evidence}
    for stage in stages:
        page = stage_page(stage, stages, outcome, list(stage.rules_out))
        for text in page.texts():
            leaked = {m for m in RAW_NAME.findall(text) if m in facts | nodes | probes}
            assert not leaked, f"{stage.id}: raw names {leaked} in: {text}"
        shown = dict(page.showed)
        for name in stage.facts:
            assert shown[label(name)] == value_text(table[name]), (stage.id, name)
        for line in page.looked:
            for command in line.commands:
                assert command.startswith("aws ") and "--region" in command, command
        assert diagnosis_not_ruled_out(stage, outcome), stage.id


def diagnosis_not_ruled_out(stage: Any, outcome: Outcome) -> bool:
    """No stage rules out the cause the walk concludes (that would contradict the findings)."""
    return outcome.diagnosis is None or outcome.diagnosis.cause not in stage.rules_out


def check_findings(outcome: Outcome) -> None:
    """No raw fact name or node id in what is shown; each stated fact agrees with the table."""
    view = findings_view(outcome)
    facts = {f.name for f in outcome.evidence} | {f.name for f in outcome.unknown}
    nodes = {step.node for step in outcome.path}
    for text in view.texts():
        leaked = {m for m in RAW_NAME.findall(text) if m in facts or m in nodes}
        assert not leaked, f"raw names {leaked} in: {text}"
    table = {f.name: f.value for f in outcome.evidence}
    for row in view.evidence:
        assert row.value == value_text(table[row.name]), row
    assert len({row.name for row in view.evidence}) == len(view.evidence)
    if outcome.diagnosis is not None and not outcome.diagnosis.inconclusive:
        assert view.confidence is not None and f"{view.confidence:.0%}" in view.sentence


@pytest.mark.parametrize("name", SCENARIOS)
def test_findings_of_every_scenario_read_plainly_and_agree_with_the_facts(name: str) -> None:
    inv = _walk(name)
    outcome = inv.outcome()
    check_findings(outcome)
    check_stages(inv)
    assert outcome.diagnosis is not None
    if name == "mat-route-not-found":  # the near miss is named, from the routes the probe read
        assert findings_view(outcome).near_miss.startswith("GET /orders exists"), outcome
