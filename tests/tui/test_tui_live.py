"""The TUI against MiniStack over real HTTP: the seed incident from the start screen to a
verified fix, and declining the fix changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.widgets import Button
from tui_helpers import answer_text, live_seed_app, run_async, settle, wait_for_screen

from tests.aws.aws_probe_helpers import provision_seed, wizard_session
from wizard.sandbox.provision import Provisioned
from wizard.sandbox.replay import replay
from wizard.sandbox.scenario import load_scenario
from wizard.ui.tui.app import WizardApp
from wizard.ui.tui.driver import SessionDriver
from wizard.ui.tui.screens.confirm import ConfirmFixScreen
from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.screens.rollback import RollbackScreen
from wizard.ui.tui.screens.start import StartScreen
from wizard.ui.tui.screens.step import StepScreen
from wizard.ui.tui.start_input import StartEvidence

pytestmark = pytest.mark.emulator

CAUSE = "authz-cache-scoped-policy"
TTL_ZERO = "fix-cache-ttl-zero"


@pytest.fixture
def seed(aws: Any, ministack: Any) -> tuple[Any, Provisioned]:
    """The seed incident provisioned and replayed: GET /dashboard 200, then the POST 403s."""
    session = wizard_session(ministack)
    return session, provision_seed(ministack, session)


def _policy_for_get(out: Provisioned) -> str:
    statement = {
        "Action": "execute-api:Invoke",
        "Effect": "Allow",
        "Resource": out.method_arn("GET", "/dashboard"),
    }
    return json.dumps(
        {
            "principalId": "alice",
            "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        }
    )


async def _walk_to_findings(pilot: Any, out: Provisioned) -> FindingsScreen:
    """Start from the start screen; answer only what the live probes could not read."""
    app = pilot.app
    await pilot.press("ctrl+r")
    await settle(pilot)
    for _ in range(5):
        if not isinstance(app.screen, StepScreen):
            break
        question = app.screen.question
        if question.fact == "policy_text":
            await answer_text(pilot, _policy_for_get(out))
        elif question.fact == "authorizer_ttl":
            await answer_text(pilot, "300")
        else:
            pytest.fail(f"the live walk asked {question.node_id} ({question.fact})")
    assert isinstance(app.screen, FindingsScreen)
    return app.screen


def _ttl(session: Any, out: Provisioned) -> int:
    client = session.client("apigateway")
    authorizer_id = next(iter(out.authorizer_ids.values()))
    got = client.get_authorizer(restApiId=out.api_id, authorizerId=authorizer_id)
    return int(got.get("authorizerResultTtlInSeconds", 300))


def _index(screen: FindingsScreen, fix_id: str) -> int:
    return next(i for i, f in enumerate(screen.fixes) if f.fix_id == fix_id)


@run_async
async def _full(seed: tuple[Any, Provisioned]) -> None:
    session, out = seed
    app = live_seed_app(session, out)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _walk_to_findings(pilot, out)
        assert app.driver.session.diagnosis().cause == CAUSE
        index = _index(screen, TTL_ZERO)
        fix = screen.fixes[index]
        assert fix.applicable and any("update-authorizer" in c for c in fix.commands)

        screen.query_one(f"#apply-{index}", Button).press()
        modal = await wait_for_screen(pilot, ConfirmFixScreen)
        assert modal.fix.commands == fix.commands  # the exact commands, shown again
        assert "authorizerResultTtlInSeconds" in (modal.fix.before + modal.fix.after)
        modal.query_one("#confirm-yes", Button).press()
        await settle(pilot)

        assert app.screen is screen
        status = str(screen.query_one(f"#fix-{index} .fix-status").render())
        assert "verified" in status.lower(), status
        assert _ttl(session, out) == 0
        applied = app.driver.session.applied[-1]
        assert applied.outcome == "verified" and applied.verified is True
        # The failing POST now succeeds.
        from wizard.aws.reproduce import send

        again = send(
            "POST",
            out.url("/dashboard/update-profile"),
            headers={"Authorization": out.tokens["alice"]},
        )
        assert again.status_code == 200
        # Rollback is offered, shown as exact commands, and also needs a confirmation.
        rollback = screen.query_one(f"#rollback-{index}", Button)
        assert not rollback.disabled
        rollback.press()
        # Its own dialog (not Apply's): it says the 403 returns and that the request is replayed.
        modal = await wait_for_screen(pilot, RollbackScreen)
        assert any("update-authorizer" in c and "300" in c for c in modal.fix.commands)
        warning = str(modal.query_one("#rollback-warning").render())
        assert "403 returns" in warning
        modal.query_one("#rollback-yes", Button).press()
        await settle(pilot)
        assert app.screen is screen
        assert _ttl(session, out) == 300
        status = str(screen.query_one(f"#fix-{index} .fix-status").render())
        assert "rolled back" in status.lower(), status
        # Replayed after the rollback, and the screen says what it returned. The seed's 403
        # needs a first call to fill the authorizer cache: from an empty cache, the scenario's
        # own requests (GET, then the POST) are refused again exactly as before the fix.
        replayed = app.driver.investigation.slot(TTL_ZERO).out.status_after
        assert replayed is not None and f"returns {replayed}" in status, status
        session.client("apigateway").flush_stage_authorizers_cache(
            restApiId=out.api_id, stageName=out.stage
        )
        assert [r.mismatches for r in replay(load_scenario(CAUSE), out)] == [[], []]
        assert app.driver.session.applied[-1].outcome == "rolled_back"


def test_seed_incident_from_the_start_screen_to_a_verified_fix(seed: Any) -> None:
    _full(seed)


@run_async
async def _decline(seed: tuple[Any, Provisioned]) -> None:
    session, out = seed
    app = live_seed_app(session, out)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _walk_to_findings(pilot, out)
        index = _index(screen, TTL_ZERO)
        screen.query_one(f"#apply-{index}", Button).press()
        await wait_for_screen(pilot, ConfirmFixScreen)
        await pilot.press("enter")  # the focused button is "Don't apply"
        await settle(pilot)
        assert app.screen is screen
        assert _ttl(session, out) == 300
        assert [a.outcome for a in app.driver.session.applied] == ["declined"]
        status = str(screen.query_one(f"#fix-{index} .fix-status").render())
        assert "declined" in status and "Nothing was changed" in status
        assert not screen.query_one(f"#apply-{index}", Button).disabled  # can still apply
        from wizard.aws.reproduce import send

        again = send(
            "POST",
            out.url("/dashboard/update-profile"),
            headers={"Authorization": out.tokens["alice"]},
        )
        assert again.status_code == 403


def test_declining_the_fix_changes_nothing(seed: Any) -> None:
    _decline(seed)


@run_async
async def _identity(endpoint_url: str) -> None:
    from textual.widgets import Static

    evidence = StartEvidence(endpoint_url=endpoint_url, region="us-east-1", offline=False)
    app = WizardApp(evidence, driver=SessionDriver.unstarted(), probe_aws=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        identity = app.screen.query_one("#identity", Static)
        text = str(identity.render())
        assert "Signed in as arn:aws:" in text and "000000000000" in text
        assert identity.has_class("ok")


def test_start_screen_shows_the_caller_identity_once_credentials_resolve(
    aws: Any, ministack: Any
) -> None:
    _identity(ministack.endpoint_url)


@run_async
async def _keys(seed: tuple[Any, Provisioned], size: tuple[int, int]) -> None:
    """The findings by keys alone: a number focuses a fix card, `a` opens the recommended fix's
    confirmation (the first the wizard can apply), and declining it changes nothing."""
    from wizard.catalogue.fact_labels import RAW_NAME
    from wizard.ui.tui.screens.findings import FixCard

    session, out = seed
    app = live_seed_app(session, out)
    async with app.run_test(size=size) as pilot:
        screen = await _walk_to_findings(pilot, out)
        # Prose only: commands keep their <placeholders>, example code its own identifiers.
        prose = [
            s
            for s in screen.query("#findings Static")
            if not (s.has_class("code") or s.has_class("command"))
        ]
        shown = " ".join(str(s.render()) for s in prose)
        facts = {f.name for f in app.driver.investigation.outcome().evidence}
        assert not {m for m in RAW_NAME.findall(shown) if m in facts}, shown
        recommended = screen.view.recommended
        assert recommended is not None and screen.fixes[recommended].applicable
        cards = list(screen.query(FixCard))
        assert str(cards[recommended].query_one(".fix-title").render()).startswith(
            f"{recommended + 1}. "
        )
        await pilot.press(str(len(cards)))
        assert app.focused is cards[-1]
        await pilot.press("a")
        modal = await wait_for_screen(pilot, ConfirmFixScreen)
        assert modal.fix.fix_id == screen.fixes[recommended].fix_id
        await pilot.press("enter")  # the focused button is "Don't apply"
        await settle(pilot)
        assert app.screen is screen
        assert [a.outcome for a in app.driver.session.applied] == ["declined"]
        assert _ttl(session, out) == 300
        # Esc is back: to the last question answered, or to the start screen when the probes
        # answered everything (no earlier step to go back to).
        earlier = app.driver.can_go_back()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen if earlier else StartScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_findings_keys_focus_a_fix_and_apply_the_recommended_one(
    seed: Any, size: tuple[int, int]
) -> None:
    _keys(seed, size)
