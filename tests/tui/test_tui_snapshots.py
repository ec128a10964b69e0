"""Snapshots of the key screens at 80×24 and 120×40 (pytest-textual-snapshot): the start
screen, a stage page with the progress rail, a question, the findings, the Apply and the
rollback dialogs, and the rail alone in every state.

Deterministic and isolated: the seed incident's evidence pasted offline into a playbook, its
stages, a catalogue, probe registry and ranking kept under tests/tui/snapshot_data (so editing
the shipped playbook or catalogue does not move these pictures), a fixed clock, no AWS config
read, probe durations under a second not shown, and no blinking cursor (a blink caught
half-way made the start-screen pictures flaky under load). Regenerate after a deliberate
change with `pytest tests/tui/test_tui_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from tui_helpers import (
    SEED_POLICY,
    answer_text,
    settle,
    snapshot_app,
    snapshot_catalogue,
    steady_cursors,
)

from wizard.ui.tui.screens.confirm import ConfirmFixScreen
from wizard.ui.tui.screens.rollback import RollbackScreen
from wizard.ui.tui.screens.stage import StageScreen
from wizard.ui.tui.view import FixView, RailStop
from wizard.ui.tui.widgets.stage_rail import StageRail

SIZES = [(80, 24), (120, 40)]


async def _to_stage(pilot: Any) -> None:
    """The first stage page: the error text, answered from the paste and the request probe."""
    await pilot.press("ctrl+r")
    await settle(pilot, through_stages=False)
    assert isinstance(pilot.app.screen, StageScreen)
    await steady_cursors(pilot)


async def _to_step(pilot: Any) -> None:
    await pilot.press("ctrl+r")
    await settle(pilot)
    await steady_cursors(pilot)


async def _to_findings(pilot: Any) -> None:
    await _to_step(pilot)
    await answer_text(pilot, "300")
    await answer_text(pilot, SEED_POLICY)
    await steady_cursors(pilot)


def _ttl_zero_fix() -> FixView:
    from wizard.aws.fixes.plan import build_plan

    cause = snapshot_catalogue().get("authz-cache-scoped-policy")
    fix = next(f for f in cause.fixes if f.id == "fix-cache-ttl-zero")
    facts = {"api_id": "abc123defg", "authorizer_id": "x1y2z3", "stage": "prod"}
    plan = build_plan(fix, facts)
    return FixView(
        cause_id=cause.id,
        fix_id=fix.id,
        title=fix.title,
        explanation=fix.explanation,
        commands=plan.cli,
        before="authorizer x1y2z3 authorizerResultTtlInSeconds: 300",
        after="authorizer x1y2z3 authorizerResultTtlInSeconds: 0",
        applicable=True,
        needs_redeploy=fix.needs_redeploy,
        needs_cache_flush=fix.needs_cache_flush,
        plan=plan,
    )


async def _to_confirm(pilot: Any) -> None:
    await _to_findings(pilot)
    pilot.app.push_screen(ConfirmFixScreen(_ttl_zero_fix(), actor="alice"))
    await settle(pilot)


def _ttl_zero_rollback() -> FixView:
    """The TTL-0 fix's rollback as the findings screen shows it: TTL back to 300."""
    from dataclasses import replace

    from wizard.aws.fixes.render import render_cli

    fix = _ttl_zero_fix()
    restore = render_cli(
        "apigateway",
        "UpdateAuthorizer",
        {
            "restApiId": "abc123defg",
            "authorizerId": "x1y2z3",
            "patchOperations": [
                {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "300"}
            ],
        },
    )
    return replace(
        fix,
        fix_id=fix.fix_id + ".rollback",
        title="Roll back: " + fix.title,
        commands=(restore,),
        before=fix.after,
        after=fix.before,
        plan=None,
    )


async def _to_rollback(pilot: Any) -> None:
    await _to_findings(pilot)
    pilot.app.push_screen(RollbackScreen(_ttl_zero_rollback(), actor="alice"))
    await settle(pilot)


async def _start(pilot: Any) -> None:
    await steady_cursors(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_start)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stage_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_stage)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_step_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_step)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_findings_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_findings)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_confirmation_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_confirm)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_rollback_dialog(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_rollback)


class RailApp(App[None]):
    """The rail alone, in every state a stop can be in (and the branch left by)."""

    STOPS = (
        RailStop("Error", "done"),
        RailStop("Route and deployment", "done", branch=True),
        RailStop("Logs", "done", viewing=True),
        RailStop("Token", "not_needed"),
        RailStop("Cache TTL", "running"),
        RailStop("Policy", "pending"),
        RailStop("Resource policy", "pending"),
    )

    def compose(self) -> ComposeResult:
        yield StageRail(id="rail")

    def on_mount(self) -> None:
        self.query_one(StageRail).show(self.STOPS)


@pytest.mark.parametrize("size", [(80, 4), (120, 4)], ids=["80", "120"])
def test_progress_rail(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(RailApp(), terminal_size=size)


def test_findings_screen_light_theme(snap_compare: Any) -> None:
    app = snapshot_app()

    async def light(pilot: Any) -> None:
        await _to_findings(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=light)
