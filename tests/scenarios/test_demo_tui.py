"""The demo's hand-over to the Textual wizard: the start screen is pre-filled with the failing
call and bound to the emulator, and starting the walk diagnoses the seed incident live."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("textual")

from tests.tui.tui_helpers import settle
from wizard.commands.demo import tui_app
from wizard.sandbox.demo import Sandbox, sandbox_credentials
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator


async def _walk(app: Any) -> tuple[Any, str]:
    from wizard.ui.tui.screens.findings import FindingsScreen

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        evidence = app.evidence
        assert "403" in evidence.response and evidence.method == "POST"
        assert evidence.url.endswith("/dashboard/update-profile")
        await pilot.press("ctrl+r")  # start the walk with the pre-filled evidence
        await settle(pilot)
        assert isinstance(app.screen, FindingsScreen), type(app.screen).__name__
        return app.driver.session.diagnosis(), evidence.endpoint_url


def test_tui_opens_pre_filled_and_diagnoses_the_seed_live() -> None:
    with Sandbox(load_scenario("authz-cache-scoped-policy")) as box, sandbox_credentials():
        box.provision()
        repro = box.reproduce()
        app = tui_app(box, repro)
        diagnosis, endpoint = asyncio.run(_walk(app))
        assert endpoint == box.endpoint_url
        assert diagnosis.cause == "authz-cache-scoped-policy"
