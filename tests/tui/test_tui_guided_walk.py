"""The guided walk (issue 15 items 1-3) against MiniStack over real HTTP: the seed incident from
the start screen through every stage the probes answer (a page each: what was looked at, what
it showed, what it means, what it rules out), Esc/back/skip, the findings, Apply, Verify and
the rollback dialog, at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button, Static
from tui_helpers import answer_text, live_seed_app, run_async, settle, wait_for_screen

from tests.aws.aws_probe_helpers import provision_seed, wizard_session
from wizard.catalogue.fact_labels import RAW_NAME
from wizard.sandbox.provision import Provisioned
from wizard.ui.tui.app import WizardApp
from wizard.ui.tui.screens.confirm import ConfirmFixScreen
from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.screens.rollback import RollbackScreen
from wizard.ui.tui.screens.stage import StageScreen
from wizard.ui.tui.screens.start import StartScreen
from wizard.ui.tui.screens.step import StepScreen
from wizard.ui.tui.widgets.stage_rail import StageRail

pytestmark = pytest.mark.emulator

CAUSE = "authz-cache-scoped-policy"
TTL_ZERO = "fix-cache-ttl-zero"
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def seed(aws: Any, ministack: Any) -> tuple[Any, Provisioned]:
    """The seed incident provisioned and replayed: GET /dashboard 200, then the POST 403s."""
    session = wizard_session(ministack)
    return session, provision_seed(ministack, session)


def _shown(screen: Any) -> str:
    """The prose of a screen (commands keep their <placeholders>, example code its own
    identifiers: both are left out)."""
    return " ".join(
        str(s.render())
        for s in screen.query(Static)
        if not (s.has_class("command") or s.has_class("code") or isinstance(s, StageRail))
    )


def _raw_names(text: str, app: WizardApp) -> set[str]:
    facts = {f.name for f in app.driver.investigation.outcome().evidence}
    facts |= {f.name for f in app.driver.investigation.outcome().unknown}
    probes = {spec.name for spec in app.driver.session.registry}
    return {m for m in RAW_NAME.findall(text) if m in facts | probes}


async def _pages(pilot: Any) -> list[Any]:
    """Read every stage page in turn (Enter), until a question or the findings."""
    app = pilot.app
    pages = []
    while isinstance(app.screen, StageScreen):
        page = app.screen.page
        pages.append(page)
        text = _shown(app.screen)
        assert not _raw_names(text, app), (page.title, _raw_names(text, app))
        rail = app.screen.query_one(StageRail)
        assert rail.stops and any(stop.viewing for stop in rail.stops)
        await pilot.press("enter")
        await settle(pilot, through_stages=False)
    return pages


@run_async
async def _walk(seed: tuple[Any, Provisioned], size: tuple[int, int]) -> None:
    session, out = seed
    app = live_seed_app(session, out)
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot, through_stages=False)
        assert isinstance(app.screen, StageScreen), app.screen
        first = app.screen.page
        # Esc on the first page goes back to the start screen; starting again shows it again.
        await pilot.press("escape")
        await settle(pilot, through_stages=False)
        assert isinstance(app.screen, StartScreen)
        await pilot.press("ctrl+r")
        await settle(pilot, through_stages=False)
        assert isinstance(app.screen, StageScreen) and app.screen.page.stage_id == first.stage_id
        # Enter, then Esc: back to the previous page, and Enter again moves on.
        await pilot.press("enter")
        await settle(pilot, through_stages=False)
        second = app.screen.page if isinstance(app.screen, StageScreen) else None
        if second is not None:
            await pilot.press("escape")
            await settle(pilot, through_stages=False)
            assert (
                isinstance(app.screen, StageScreen) and app.screen.page.stage_id == first.stage_id
            )
            await pilot.press("enter")
            await settle(pilot, through_stages=False)
        pages = [first, *await _pages(pilot)]
        # Every stage the walk passed without a question has a page; each says what it looked
        # at, in words and with the exact AWS calls.
        ids = [p.stage_id for p in pages]
        assert ids[:1] == ["error_text"] and "logs" in ids, ids
        assert len(ids) == len(set(ids))
        looked = [line for p in pages for line in p.looked]
        assert all(" " in line.what for line in looked)
        commands = [c for line in looked for c in line.commands]
        assert any(c.startswith("aws apigateway get-authorizer ") for c in commands), commands
        assert all("--endpoint-url" in c and "--region" in c for c in commands)
        logs = next(p for p in pages if p.stage_id == "logs")
        assert logs.means, logs
        assert any(p.rules_out for p in pages)
        # The questions the probes could not answer, then the findings.
        while isinstance(app.screen, StepScreen):
            question = app.screen.question
            assert question is not None
            if question.fact == "authorizer_ttl":
                await answer_text(pilot, "300")
            else:
                pytest.fail(f"the live walk asked {question.node_id}")
            await _pages(pilot)
        screen = app.screen
        assert isinstance(screen, FindingsScreen), screen
        rail = screen.query_one(StageRail)
        assert [s.status for s in rail.stops if s.label == "Error"] == ["done"]
        assert not _raw_names(_shown(screen), app)
        # Apply, verify: the result is announced and in view even at 80x24.
        index = next(i for i, f in enumerate(screen.fixes) if f.fix_id == TTL_ZERO)
        await pilot.press(str(index + 1))
        screen.query_one(f"#apply-{index}", Button).press()
        modal = await wait_for_screen(pilot, ConfirmFixScreen)
        modal.query_one("#confirm-yes", Button).press()
        await settle(pilot, through_stages=False)
        status = screen.query_one(f"#fix-{index} .fix-status", Static)
        assert "verified" in str(status.render()).lower()
        assert _in_view(screen, status), (size, status.region, screen.query_one("#findings").region)
        # Rollback: its own dialog; Esc keeps the fix; then roll back for real.
        screen.query_one(f"#rollback-{index}", Button).press()
        modal = await wait_for_screen(pilot, RollbackScreen)
        assert "403 returns" in str(modal.query_one("#rollback-warning").render())
        await pilot.press("escape")
        await settle(pilot, through_stages=False)
        assert app.screen is screen
        assert app.driver.investigation.slot(TTL_ZERO).out.state.value == "verified"
        screen.query_one(f"#rollback-{index}", Button).press()
        modal = await wait_for_screen(pilot, RollbackScreen)
        modal.query_one("#rollback-yes", Button).press()
        await settle(pilot, through_stages=False)
        text = str(status.render())
        assert "Rolled back" in text and "Replayed" in text, text
        assert _in_view(screen, status)
        assert app.driver.investigation.slot(TTL_ZERO).out.state.value == "rolled_back"


def _in_view(screen: Any, widget: Any) -> bool:
    scroller = screen.query_one("#findings")
    return bool(scroller.region.contains_region(widget.region)) and widget.region.height > 0


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_seed_walk_shows_every_stage_then_apply_verify_and_rollback(
    seed: Any, size: tuple[int, int]
) -> None:
    _walk(seed, size)


@run_async
async def _skip(seed: tuple[Any, Provisioned]) -> None:
    session, out = seed
    app = live_seed_app(session, out)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot, through_stages=False)
        assert isinstance(app.screen, StageScreen)
        await pilot.press("s")  # the expert: straight on, no more stage pages
        await settle(pilot, through_stages=False)
        while isinstance(app.screen, StepScreen):
            await answer_text(pilot, "300")
        assert isinstance(app.screen, FindingsScreen)
        assert app.driver.skip_stages


def test_skip_to_findings_shows_no_more_stage_pages(seed: Any) -> None:
    _skip(seed)
