"""The app's shared behaviour: bindings with ids and tooltips, F1 help, themes, the command
palette and exporting the session/report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.binding import Binding
from textual.widgets import Button, Input
from tui_helpers import SEED_POLICY, answer_text, run_async, seed_app, settle

from wizard.ui.tui.app import WizardApp
from wizard.ui.tui.screens.confirm import ConfirmFixScreen
from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.screens.help import HelpScreen
from wizard.ui.tui.screens.report import ReportScreen
from wizard.ui.tui.screens.start import StartScreen
from wizard.ui.tui.screens.step import StepScreen


def test_every_binding_has_an_id_and_a_tooltip() -> None:
    owners = (WizardApp, StartScreen, StepScreen, FindingsScreen, ConfirmFixScreen)
    owners += (ReportScreen, HelpScreen)
    seen: set[str] = set()
    for owner in owners:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding), owner
            assert binding.id, f"{owner.__name__} {binding.key} has no id"
            assert binding.tooltip, f"{owner.__name__} {binding.key} has no tooltip"
            seen.add(binding.id)
    assert {"app.help", "app.quit", "session.save", "step.back", "step.cancel"} <= seen


async def _to_step(pilot: Any) -> None:
    await pilot.press("ctrl+r")
    await settle(pilot)


@run_async
async def test_f1_explains_the_current_question() -> None:
    app = seed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "any subset" in app.screen._text.lower()
        await pilot.press("escape")
        await _to_step(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Authorization caching" in app.screen._text  # the TTL question's prompt
        assert "reuses" in app.screen._text  # and its "why this matters"


@run_async
async def test_theme_toggles_between_light_and_dark() -> None:
    app = seed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


@run_async
async def test_palette_runs_step_go_back() -> None:
    app = seed_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_step(pilot)
        await answer_text(pilot, "300")
        assert app.screen.question.fact == "policy_text"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go back")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert app.screen.question.fact == "authorizer_ttl"


@run_async
async def test_palette_offers_namespaced_commands() -> None:
    from wizard.ui.tui.commands import WizardCommands

    app = seed_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_step(pilot)
        provider = WizardCommands(app.screen)
        titles = [title for title, _ in ((c.title, f) for c, f in provider._available())]
        # The pasted response answered the first question: going back to edit it is offered.
        assert {"step: go back", "step: re-run probes", "session: save", "report: export"} <= set(
            titles
        )
        assert "step: cancel probes" not in titles  # nothing is running


@run_async
async def test_export_session_json_and_markdown_report(tmp_path: Path) -> None:
    app = seed_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_step(pilot)
        await answer_text(pilot, "300")
        await answer_text(pilot, SEED_POLICY)
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        app.screen.query_one("#report-path", Input).value = str(tmp_path / "incident")
        for fmt in ("json", "md", "html"):
            app.screen.query_one(f"#export-{fmt}", Button).press()
            await settle(pilot)
        status = str(app.screen.query_one("#report-status").render())
        assert "Written" in status
    session = json.loads((tmp_path / "incident.json").read_text())
    assert session["diagnosis"]["cause"] == "authz-cache-scoped-policy"
    markdown = (tmp_path / "incident.md").read_text()
    assert "authz-cache-scoped-policy" in markdown or "first method" in markdown
    assert "<html" in (tmp_path / "incident.html").read_text().lower()


def test_resume_of_a_bad_file_is_a_one_line_error(tmp_path: Path, capsys: Any) -> None:
    import argparse

    from wizard.ui.tui.app import run

    bad = tmp_path / "session.json"
    bad.write_text("{not json")
    args = argparse.Namespace(resume=str(bad), playbook=None, profile=None, region=None)
    assert run(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("apigw-wizard: error:") and len(err.splitlines()) == 1
    assert "session" in err


def test_a_bad_playbook_is_a_one_line_error(tmp_path: Path, capsys: Any) -> None:
    import argparse

    from wizard.ui.tui.app import run

    book = tmp_path / "book.yaml"
    book.write_text("schema_version: 1\nid: x\n")
    args = argparse.Namespace(resume=None, playbook=str(book), profile=None, region=None)
    assert run(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("apigw-wizard: error:") and "book.yaml" in err
    assert len(err.splitlines()) == 1


@run_async
async def test_palette_exports_the_markdown_report_to_the_working_directory(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    app = seed_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_step(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"export Markdown")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
    written = list(tmp_path.glob("apigw-403-*.md"))
    assert len(written) == 1
    assert "403" in written[0].read_text()


async def _begin_live(answer: str) -> Any:
    from textual.app import App

    from wizard.ui.tui.screens.resend import ResendConsentScreen
    from wizard.ui.tui.start_input import StartEvidence

    began: list[Any] = []
    evidence = StartEvidence(
        url="https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/items",
        method="POST",
        offline=False,
    )

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(StartScreen(evidence, probe_aws=False))

        def on_start_screen_begin(self, message: StartScreen.Begin) -> None:
            began.append(message.evidence)

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ResendConsentScreen)
        assert not began  # nothing starts before the answer
        if answer == "enter":
            await pilot.press("enter")  # the focused, safe choice
        else:
            app.screen.query_one("#resend-yes", Button).press()
        await pilot.pause()
        await pilot.pause()
    assert len(began) == 1
    return began[0]


@run_async
async def test_a_live_post_asks_before_re_sending_and_enter_means_no() -> None:
    evidence = await _begin_live("enter")
    assert evidence.confirm_resend is False


@run_async
async def test_allowing_the_re_send_reaches_the_probes() -> None:
    from wizard.ui.tui.driver import failing_request

    evidence = await _begin_live("yes")
    assert evidence.confirm_resend is True
    inputs = failing_request(evidence).inputs()
    assert inputs["confirm_resend"] is True
    assert inputs["method"] == "POST" and inputs["url"].startswith("https://")


@run_async
async def test_question_mark_lists_every_key_of_the_findings_screen() -> None:
    """`?` on the findings: the overlay lists the screen's own keys (1–9, a, Esc) beside the
    app's, read from the active bindings; Esc closes it, and Esc again goes back."""
    from textual.widgets import Markdown

    app = seed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        await answer_text(pilot, "300")
        await answer_text(pilot, SEED_POLICY)
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text", Markdown).source
        for does in ("Show fix 1", "Show fix 9", "Apply the recommended fix", "Back to the last"):
            assert does in text, does
        await pilot.press("escape")
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("escape")  # back to the last question answered
        await settle(pilot)
        assert not isinstance(app.screen, FindingsScreen)
