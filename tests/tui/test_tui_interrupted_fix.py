"""The TUI's offer to roll back an interrupted fix (issue 13 leftover): the seed's three-call
fix is SIGKILLed half-way on MiniStack (as in tests/safety), then the wizard opens. A dialog
says what was interrupted and what a rollback would do; declining changes nothing, and
confirming restores the configuration exactly, through the same core as `apigw-wizard
rollback`."""

from __future__ import annotations

from typing import Any

import pytest
from faultproxy import HANG
from textual.widgets import Button, Static
from tui_helpers import run_async, settle, wait_for_screen

from tests.safety.killed_apply import apply_killed_at, seed_config_dump, seed_fix_facts
from wizard.aws.fixes.journal import unfinished_journals
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario
from wizard.ui.tui.app import WizardApp
from wizard.ui.tui.driver import SessionDriver
from wizard.ui.tui.screens.interrupted import InterruptedFixScreen
from wizard.ui.tui.screens.rollback import RollbackScreen
from wizard.ui.tui.screens.start import StartScreen
from wizard.ui.tui.start_input import StartEvidence

pytestmark = pytest.mark.emulator

STEP = 1  # killed while the second call (CreateDeployment) is in flight


@pytest.fixture
def killed(aws_client: Any, ministack: Any) -> dict[str, Any]:
    """The seed's TTL-0 fix, SIGKILLed at its second call: the journal is left unfinished."""
    out = provision(
        load_scenario("authz-cache-scoped-policy"), aws_client, endpoint_url=ministack.endpoint_url
    )
    facts = seed_fix_facts(out)
    apigw = aws_client("apigateway")
    before = seed_config_dump(apigw, facts)
    apply_killed_at(ministack.endpoint_url, facts, HANG, STEP)
    [journal] = unfinished_journals()
    return {"facts": facts, "before": before, "journal": journal, "apigw": apigw}


def _app(endpoint_url: str) -> WizardApp:
    evidence = StartEvidence(endpoint_url=endpoint_url, region="us-east-1", offline=False)
    return WizardApp(evidence, driver=SessionDriver.unstarted(), probe_aws=False)


@run_async
async def _decline(killed: dict[str, Any], endpoint_url: str) -> None:
    apigw, facts = killed["apigw"], killed["facts"]
    after_kill = seed_config_dump(apigw, facts)
    app = _app(endpoint_url)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_for_screen(pilot, InterruptedFixScreen)
        what = str(dialog.query_one("#interrupted-what", Static).render())
        assert "TTL" in what or "cache" in what.lower(), what
        shown = " ".join(str(s.render()) for s in dialog.query(".command"))
        assert "update-authorizer" in shown and "create-deployment" in shown
        assert app.focused is dialog.query_one("#interrupted-no", Button)
        await pilot.press("enter")  # the focused button: Leave it
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
    assert seed_config_dump(apigw, facts) == after_kill
    assert [j.path for j in unfinished_journals()] == [killed["journal"].path]


def test_declining_the_offer_changes_nothing(killed: dict[str, Any], ministack: Any) -> None:
    _decline(killed, ministack.endpoint_url)


@run_async
async def _restore(killed: dict[str, Any], endpoint_url: str) -> None:
    apigw, facts = killed["apigw"], killed["facts"]
    app = _app(endpoint_url)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await wait_for_screen(pilot, InterruptedFixScreen)
        dialog.query_one("#interrupted-yes", Button).press()
        confirm = await wait_for_screen(pilot, RollbackScreen)
        assert any("update-authorizer" in c for c in confirm.fix.commands), confirm.fix.commands
        confirm.query_one("#rollback-yes", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
    assert seed_config_dump(apigw, facts) == killed["before"]
    assert unfinished_journals() == []


def test_confirming_the_offer_restores_the_configuration(
    killed: dict[str, Any], ministack: Any
) -> None:
    _restore(killed, ministack.endpoint_url)
