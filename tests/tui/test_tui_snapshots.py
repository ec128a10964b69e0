"""Snapshots of the key screens at 80×24 and 120×40 (pytest-textual-snapshot).

Deterministic and isolated: the seed incident's evidence pasted offline into a playbook,
catalogue, probe registry and ranking kept under tests/tui/snapshot_data (so editing the
shipped playbook or catalogue does not move these pictures), a fixed clock, no AWS config read,
probe durations under a second not shown. Regenerate after a deliberate
change with `pytest tests/tui/test_tui_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from typing import Any

import pytest
from tui_helpers import SEED_POLICY, answer_text, settle, snapshot_app, snapshot_catalogue

from wizard.ui.tui.screens.confirm import ConfirmFixScreen
from wizard.ui.tui.view import FixView

SIZES = [(80, 24), (120, 40)]


async def _to_step(pilot: Any) -> None:
    await pilot.press("ctrl+r")
    await settle(pilot)


async def _to_findings(pilot: Any) -> None:
    await _to_step(pilot)
    await answer_text(pilot, "300")
    await answer_text(pilot, SEED_POLICY)


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


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_step_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_step)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_findings_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_findings)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_confirmation_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_to_confirm)


def test_findings_screen_light_theme(snap_compare: Any) -> None:
    app = snapshot_app()

    async def light(pilot: Any) -> None:
        await _to_findings(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=light)
