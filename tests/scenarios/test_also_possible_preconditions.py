"""No "also possible" cause of a live diagnosis is one the session's own facts rule out.

Per bundled scenario, against MiniStack: headless `diagnose` as the demo runs it, then every
cause it offers beside the diagnosis (what `render_text` prints under "Also possible") is checked
against the catalogue's data - each precondition (`requires:` in evidence.yaml) evaluated over
the facts that session read. A precondition a fact has proven false must not be offered; an
unknown fact leaves it open. Built from the catalogue and the session, not from a list of names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from scenario_helpers import run_diagnose

from wizard.analysis import classify_rules as R
from wizard.analysis.classify import session_facts
from wizard.analysis.diagnosis.observations import evidence_model
from wizard.sandbox.demo import Reproduction, Sandbox
from wizard.sandbox.scenario import list_scenarios, load_scenario
from wizard.ui.headless import ALSO_POSSIBLE

pytestmark = [pytest.mark.emulator, pytest.mark.slow]  # ~4 s a scenario

SCENARIOS = [s.name for s in list_scenarios()]


@pytest.fixture(params=SCENARIOS)
def reproduced(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, Reproduction]]:
    with Sandbox(load_scenario(request.param)) as box:
        box.provision()
        yield box, box.reproduce()


def _offered(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The causes the text report offers beside the diagnosis (or instead of one)."""
    causes = list(result.get("causes") or [])
    diagnosis = result.get("diagnosis") or {}
    if diagnosis and not diagnosis.get("inconclusive"):
        return [c for c in causes[1:4] if c["confidence"] >= ALSO_POSSIBLE]
    return causes[:3]


def test_no_offered_cause_has_a_precondition_the_session_proved_false(
    reproduced: tuple[Sandbox, Reproduction],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    box, repro = reproduced
    _, result = run_diagnose(box, repro, monkeypatch, capsys)
    facts = {e["name"]: e["value"] for e in result["evidence"]}
    model = evidence_model()
    impossible = R.contradicted(model, list(model.causes), session_facts(facts))
    offered = {c["id"]: c for c in _offered(result)}
    assert not set(offered) & set(impossible), {
        c: impossible[c] for c in offered if c in impossible
    }
    # Every cause the session ruled out scores 0 in the ranking, not just below the cut.
    diagnosed = (result.get("diagnosis") or {}).get("cause")
    for cause in result["causes"]:
        if cause["id"] in impossible and cause["id"] != diagnosed:
            assert cause["confidence"] == 0.0, (cause["id"], impossible[cause["id"]])
