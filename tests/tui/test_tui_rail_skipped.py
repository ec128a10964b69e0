"""Offline walks: a stage the walk reached whose every look was skipped (no AWS to read) shows
as skipped on the progress rail, never as still to come."""

from __future__ import annotations

from test_tui_walk import _to_ttl_question
from tui_helpers import SEED_POLICY, answer_text, run_async, seed_app

from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.widgets.stage_rail import StageRail


@run_async
async def test_offline_seed_walk_shows_the_unread_resource_policy_as_skipped() -> None:
    app = seed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_ttl_question(pilot)
        await answer_text(pilot, "300")
        await answer_text(pilot, SEED_POLICY)
        assert isinstance(app.screen, FindingsScreen)
        stops = {stop.label: stop.status for stop in app.screen.query_one(StageRail).stops}
        assert stops["Resource policy"] == "skipped"  # its probe needs AWS; offline, not read
        assert stops["Token"] == "not_needed"  # never reached: not skipped
        assert "pending" not in stops.values()
        text = str(app.screen.query_one(StageRail).render())
        assert "⊘ Resource policy" in text
