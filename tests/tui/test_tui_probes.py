"""Probes in the TUI: a slow probe is cancelled with Esc, a probe refused with AccessDenied
shows the error panel and the manual question — never a traceback or a frozen screen."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from textual.widgets import Input
from tui_helpers import answer_text, run_async, settle, trouble_app, wait_until

from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind, ProbeRegistry
from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.screens.step import StepScreen
from wizard.ui.tui.widgets.probes import ProbeErrorPanel, ProbeProgress


def _registry(fn: Any) -> ProbeRegistry:
    registry = ProbeRegistry()
    registry.probe("tui_test_read_ttl", "read the authorizer TTL", needs_aws=False)(fn)
    return registry


async def _start(pilot: Any) -> None:
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert pilot.app.screen.question.fact == "api_id"


async def _answer_then_probe_runs(pilot: Any, started: threading.Event) -> StepScreen:
    """Answer the first question; return once the slow probe after it is running."""
    app = pilot.app
    app.screen.query_one("#answer-text", Input).value = "a1b2c3"
    await pilot.press("ctrl+n")
    await wait_until(
        pilot,
        lambda: started.is_set() and bool(app.screen.query_one(ProbeProgress).states()),
        "the slow probe starting",
    )
    screen = app.screen
    assert isinstance(screen, StepScreen) and screen.busy
    return screen


@run_async
async def test_escape_cancels_a_slow_probe_and_asks_for_the_evidence() -> None:
    started = threading.Event()
    seen_cancel = threading.Event()

    def slow(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        started.set()
        for _ in range(600):  # up to 30 s, like a probe paging through logs
            ctx.check_cancelled()
            if ctx.cancel.wait(0.05):
                seen_cancel.set()
        ctx.check_cancelled()
        return {"ttl": 300}

    app = trouble_app(_registry(slow))
    async with app.run_test(size=(100, 30)) as pilot:
        await _start(pilot)
        screen = await _answer_then_probe_runs(pilot, started)
        assert screen.query_one(ProbeProgress).states() == {"tui_test_read_ttl": "running"}
        # The UI answers while the probe runs: typing goes through at once.
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        await pilot.press("escape")  # cancel the probe
        # The probe thread sees the cancel when the scheduler next runs it: wait for that.
        await wait_until(pilot, seen_cancel.is_set, "the probe seeing the cancel")
        await settle(pilot)
        assert screen.query_one(ProbeProgress).states() == {"tui_test_read_ttl": "cancelled"}
        # Its fact is unknown, so the decision asks for it: the manual path.
        assert screen.question.fact == "authorizer_ttl"
        await answer_text(pilot, "300")
        assert isinstance(app.screen, FindingsScreen)
        assert app.driver.session.diagnosis().cause == "authz-cache-scoped-policy"


@run_async
async def test_access_denied_shows_the_missing_permission_and_the_manual_path() -> None:
    def denied(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise ProbeError(
            ProbeErrorKind.ACCESS_DENIED,
            "not authorized to perform apigateway:GET on /restapis/a1b2c3/authorizers",
            missing_permission="apigateway:GET",
            manual_hint="paste the TTL from the console's Authorizers page",
        )

    app = trouble_app(_registry(denied))
    async with app.run_test(size=(100, 30)) as pilot:
        await _start(pilot)
        await answer_text(pilot, "a1b2c3")
        screen = app.screen
        assert isinstance(screen, StepScreen)
        panel = screen.query_one(ProbeErrorPanel)
        assert panel.has_class("-visible")
        text = " ".join(str(w.render()) for w in panel.query(".error-line, .manual"))
        assert "not allowed" in text and "apigateway:GET" in text
        assert "paste the TTL from the console" in text
        assert screen.query_one(ProbeProgress).states() == {"tui_test_read_ttl": "failed"}
        assert screen.question.fact == "authorizer_ttl"
        await answer_text(pilot, "0")
        assert isinstance(app.screen, FindingsScreen)
        assert app.driver.session.diagnosis().inconclusive


@run_async
async def test_a_probe_bug_is_a_panel_not_a_traceback() -> None:
    def broken(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        raise KeyError("authorizers")

    app = trouble_app(_registry(broken))
    async with app.run_test(size=(100, 30)) as pilot:
        await _start(pilot)
        await answer_text(pilot, "a1b2c3")
        assert isinstance(app.screen, StepScreen)
        assert app.screen.query_one(ProbeErrorPanel).has_class("-visible")
        assert app.screen.question.fact == "authorizer_ttl"


async def _esc_walk(size: tuple[int, int]) -> None:
    from wizard.ui.tui.screens.start import StartScreen

    started = threading.Event()

    def slow(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        started.set()
        for _ in range(1200):  # until Esc (at most a minute): a probe paging through logs
            if ctx.cancel.wait(0.05):
                break
        ctx.check_cancelled()
        return {"ttl": 300}

    app = trouble_app(_registry(slow))
    async with app.run_test(size=size) as pilot:
        await _start(pilot)
        first = app.screen.question.node_id
        screen = await _answer_then_probe_runs(pilot, started)
        await pilot.press("escape")  # 1st Esc: the probes stop, the walk asks for their fact
        await settle(pilot)
        assert not screen.busy and screen.question.fact == "authorizer_ttl"
        await pilot.press("escape")  # 2nd Esc: back to the question answered before
        await settle(pilot)
        assert screen.question.node_id == first
        await pilot.press("escape")  # 3rd Esc: no earlier step, so start over
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)


@run_async
async def test_escape_cancels_probes_then_goes_back_then_starts_over_80x24() -> None:
    await _esc_walk((80, 24))


@run_async
async def test_escape_cancels_probes_then_goes_back_then_starts_over_120x40() -> None:
    await _esc_walk((120, 40))
