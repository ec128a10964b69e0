"""Issue 11's next step, shown by every front end when the diagnosis is inconclusive: the
Outcome carries the question that best separates the ranked causes; headless text, prompt mode
and the TUI findings each show it, and none shows one for a settled diagnosis."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from test_tui_findings_view import _seed_outcome
from tui_helpers import SEED_POLICY, fixed_clock, run_async, seed_evidence

from wizard.investigation import ScriptedAnswers
from wizard.investigation.outcome import Outcome
from wizard.investigation.outcome_build import next_step
from wizard.ui.headless import render_text
from wizard.ui.prompt import PromptWalk
from wizard.ui.tui.driver import SessionDriver
from wizard.ui.tui.findings_view import findings_view

# Two causes an authorizer-cache question tells apart (and a third far behind).
CLOSE = [
    {"id": "authz-implicit-deny-arn-mismatch", "confidence": 0.4},
    {"id": "authz-cache-scoped-policy", "confidence": 0.35},
    {"id": "rp-explicit-deny", "confidence": 0.2},
]


def _inconclusive(outcome: Outcome) -> Outcome:
    assert outcome.diagnosis is not None
    diagnosis = outcome.diagnosis.model_copy(
        update={"cause": None, "title": None, "inconclusive": True, "summary": "Not settled."}
    )
    return outcome.model_copy(
        update={"diagnosis": diagnosis, "fixes": [], "next_step": next_step(CLOSE, "us-east-1")}
    )


def test_the_step_separates_the_leading_causes_and_none_is_left_when_settled() -> None:
    step = next_step(CLOSE, "us-east-1")
    assert step is not None and step.kind == "question"
    pointed = {a.points_to for a in step.answers}
    assert {"authz-implicit-deny-arn-mismatch", "authz-cache-scoped-policy"} <= pointed
    assert next_step([{"id": "authz-explicit-deny", "confidence": 0.99}], None) is None


def test_a_diagnosed_walk_carries_no_next_step() -> None:
    outcome = _seed_outcome()
    assert outcome.diagnosis is not None and not outcome.inconclusive
    assert outcome.next_step is None
    assert "would settle it" not in render_text(outcome.to_dict())
    assert findings_view(outcome).next_step == ""


def test_headless_text_shows_the_question_and_its_answers() -> None:
    outcome = _inconclusive(_seed_outcome())
    assert outcome.next_step is not None
    text = render_text(outcome.to_dict())
    assert "The question that would settle it:" in text
    assert outcome.next_step.text in text
    assert "-> authz-cache-scoped-policy" in text


def test_prompt_mode_shows_the_question() -> None:
    outcome = _inconclusive(_seed_outcome())
    assert outcome.next_step is not None
    shown: list[str] = []
    walk = PromptWalk.__new__(PromptWalk)  # only conclude() runs: no session to walk
    walk.investigation = SimpleNamespace(outcome=lambda: outcome, live=False)  # type: ignore[assignment]
    walk.prompter = SimpleNamespace(show=shown.append)
    walk.conclude()
    assert "Inconclusive: the evidence does not single out one cause." in shown
    assert "The question that would settle it:" in shown
    assert f"  {outcome.next_step.text}" in shown


@run_async
async def test_tui_findings_show_the_question(monkeypatch: Any) -> None:
    from textual.widgets import Static

    from wizard.ui.tui.app import WizardApp
    from wizard.ui.tui.screens.findings import FindingsScreen

    driver = SessionDriver.create(seed_evidence(), clock=fixed_clock)
    inv = driver.investigation
    assert inv is not None
    inv.drive(ScriptedAnswers({"authorizer_ttl": 300, "policy_text": SEED_POLICY}))
    outcome = _inconclusive(inv.outcome())
    assert outcome.next_step is not None
    view = findings_view(outcome)
    assert view.next_step.startswith(outcome.next_step.text)
    monkeypatch.setattr(driver, "findings", lambda: view)  # the screen renders this view
    app = WizardApp(seed_evidence(), driver=driver, probe_aws=False)
    async with app.run_test(size=(140, 60)) as pilot:
        await app.push_screen(FindingsScreen(driver))
        await pilot.pause()
        shown = str(app.screen.query_one("#next-step", Static).render())
    assert shown.startswith("To settle it: " + outcome.next_step.text[:40])
