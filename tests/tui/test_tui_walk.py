"""Pilot tests of the wizard: the offline seed walk, back and change, save/resume, quit."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input
from tui_helpers import SEED_POLICY, answer_text, run_async, seed_app, settle

from wizard.ui.tui.driver import SessionDriver
from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.screens.start import StartScreen
from wizard.ui.tui.screens.step import StepScreen
from wizard.ui.tui.widgets.policy_view import AuthorizerPolicyPanel


async def _to_ttl_question(pilot) -> None:
    app = pilot.app
    assert isinstance(app.screen, StartScreen)
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert isinstance(app.screen, StepScreen)
    # The pasted response answered the first question and its prose ("the authorizer never
    # logs the failing calls") settled the logs question: the walk asks for the TTL next.
    assert app.screen.question is not None
    assert app.screen.question.fact == "authorizer_ttl"


@run_async
async def test_offline_seed_walk_reaches_the_cached_policy_cause() -> None:
    app = seed_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_ttl_question(pilot)
        await answer_text(pilot, "300")
        assert app.screen.question.fact == "policy_text"
        await answer_text(pilot, SEED_POLICY)

        assert isinstance(app.screen, FindingsScreen)
        session = app.driver.session
        assert session.diagnosis().cause == "authz-cache-scoped-policy"
        assert session.question_count <= 5
        top = app.driver.ranking()[0]
        assert top.cause_id == "authz-cache-scoped-policy"
        # One diagnosis sentence with its confidence, then what happened with the ARNs filled in.
        conclusion = str(app.screen.query_one("#conclusion").render())
        assert conclusion.startswith("Diagnosis (") and "% confidence)" in conclusion
        summary = str(app.screen.query_one("#summary").render())
        assert "GET/dashboard" in summary and "POST/dashboard/update-profile" in summary
        # The policy is shown beside the failing method ARN with the method marked as the miss.
        panel = app.screen.query_one(AuthorizerPolicyPanel)
        assert panel.view.rows[0].mismatch == "method"
        # Offline: the fixes are explained but nothing can be applied from here.
        assert app.screen.fixes and not any(f.applicable for f in app.screen.fixes)
        assert not app.screen.query("Button#apply-0")


@run_async
async def test_back_and_change_an_answer_takes_the_other_branch() -> None:
    app = seed_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_ttl_question(pilot)
        await answer_text(pilot, "300")
        assert app.screen.question.fact == "policy_text"

        await pilot.press("ctrl+b")
        await settle(pilot)
        question = app.screen.question
        assert question.fact == "authorizer_ttl"
        assert app.screen.query_one("#answer-text", Input).value == "300"  # remembered

        await answer_text(pilot, "0")
        # TTL 0: nothing is cached, so the wizard now asks for the policy of the failing call.
        assert app.screen.question.node_id == "q_policy_failing"
        assert app.driver.known_facts()["authorizer_ttl"] == 0


@run_async
async def test_an_answer_that_does_not_fit_is_asked_again() -> None:
    app = seed_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_ttl_question(pilot)
        await answer_text(pilot, "five minutes")
        assert isinstance(app.screen, StepScreen)
        assert app.screen.question.fact == "authorizer_ttl"
        assert app.screen.query_one("#answer-text", Input).value == "five minutes"
        assert "authorizer_ttl" not in app.driver.known_facts()


@run_async
async def test_save_resume_and_quit_keep_the_session(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    app = seed_app(session_path=path)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_ttl_question(pilot)
        await answer_text(pilot, "300")
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = json.loads(path.read_text())
    assert saved["current"] == "q_policy_cached"
    assert "User is not authorized" in json.dumps(saved)

    resumed = SessionDriver.resume(path)
    app2 = WizardApp_from(resumed, path)
    async with app2.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app2.screen, StepScreen)
        assert app2.screen.question.fact == "policy_text"
        await answer_text(pilot, SEED_POLICY)
        assert isinstance(app2.screen, FindingsScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app2.return_value == 1  # diagnosed, fix pending
    assert app2.saved_on_exit == path
    assert json.loads(path.read_text())["diagnosis"]["cause"] == "authz-cache-scoped-policy"


def WizardApp_from(driver: SessionDriver, path: Path):
    from wizard.ui.tui.app import WizardApp

    return WizardApp(driver=driver, session_path=path, probe_aws=False)


@run_async
async def test_ctrl_c_quits_and_saves_mid_walk(tmp_path: Path) -> None:
    path = tmp_path / "interrupted.json"
    app = seed_app(session_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_ttl_question(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert path.exists()
    assert json.loads(path.read_text())["current"] == "q_ttl"
    assert app.return_value == 130  # interrupted mid-walk; resumable


@run_async
async def test_quit_before_starting_saves_nothing(tmp_path: Path) -> None:
    app = seed_app(session_path=tmp_path / "none.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_value == 0
    assert not (tmp_path / "none.json").exists()


@run_async
async def test_copy_puts_the_exact_fix_command_on_the_clipboard() -> None:
    from textual.widgets import Button

    app = seed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_ttl_question(pilot)
        await answer_text(pilot, "300")
        await answer_text(pilot, SEED_POLICY)
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        index, fix = next((i, f) for i, f in enumerate(screen.fixes) if f.commands)
        assert fix.commands[0].startswith("aws apigateway ")
        assert "abc123defg" in fix.commands[0]  # bound from the pasted evidence
        screen.query_one(f"#copy-{index}-0", Button).press()
        await pilot.pause()
        assert app.clipboard == fix.commands[0]


@run_async
async def test_i_dont_know_leaves_the_fact_unknown_and_the_walk_goes_on() -> None:
    from textual.widgets import Button

    app = seed_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_ttl_question(pilot)
        assert app.screen.question.allow_unknown
        app.screen.query_one("#answer-unknown", Button).press()
        await settle(pilot)
        assert "authorizer_ttl" not in app.driver.known_facts()
        # The walk assumes the default TTL and asks for the cached policy next.
        assert isinstance(app.screen, StepScreen)
        assert app.screen.question.fact == "policy_text"


@run_async
async def test_a_choice_question_is_answered_from_the_list() -> None:
    from textual.widgets import Button, OptionList
    from tui_helpers import SEED_URL, StartEvidence

    # The bare response, without what was observed: the wizard has to ask for the logs.
    response = seed_evidence_response().split("\n\nOpening the dashboard")[0]
    assert "authorizer" not in response
    app = seed_app(StartEvidence(response=response, url=SEED_URL, method="POST"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen.question.fact == "logs_text"
        app.screen.query_one("#answer-unknown", Button).press()  # no logs at hand
        await settle(pilot)
        question = app.screen.question
        assert question.kind == "choice" and question.fact == "failure_timing"
        olist = app.screen.query_one("#answer-choice", OptionList)
        assert olist.has_focus
        values = [c.value for c in question.choices]
        for _ in range(values.index("first_works")):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert app.driver.known_facts()["failure_timing"] == "first_works"
        assert app.screen.question.fact == "authorizer_ttl"


def seed_evidence_response() -> str:
    from tui_helpers import SEED_RESPONSE

    return SEED_RESPONSE


@run_async
async def test_back_from_the_findings_reopens_the_last_question_with_its_answer() -> None:
    from textual.widgets import TextArea

    app = seed_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_ttl_question(pilot)
        await answer_text(pilot, "300")
        await answer_text(pilot, SEED_POLICY)
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert app.screen.question.fact == "policy_text"
        assert app.screen.query_one("#answer-paste", TextArea).text == SEED_POLICY
        assert not app.driver.finished
