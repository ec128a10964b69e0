"""The fix lifecycle of an investigation on the seed incident (MiniStack): the diagnosed cause's
fixes are offered in order, manual ones are skipped with the reason, the first confirmed one is
applied and verified by replaying the request, and stops there (alternatives, not steps); every
run is recorded on the session in the one vocabulary (proposed, declined, applied, verified,
failed, rolled_back); the rollback restores the saved state."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from wizard.aws.fixes.driver import terminal_confirm
from wizard.aws.session import sandbox_session
from wizard.investigation import (
    FailingRequest,
    FixState,
    ScriptedAnswers,
    exit_code,
    open_investigation,
)
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator

SEED_FIX_PLAYBOOK = Path(__file__).parents[1] / "aws" / "fixes" / "playbooks" / "seed-fix.yaml"


@pytest.fixture
def seed(aws_client: Any, ministack: Any) -> dict[str, Any]:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    return {
        "facts": {
            "api_id": out.api_id,
            "stage": out.stage,
            "authorizer_id": out.authorizer_ids["jwt-authorizer"],
        },
        "out": out,
        "token": out.tokens["alice"],
    }


def _ttl(aws_client: Any, facts: dict[str, Any]) -> int:
    auth = aws_client("apigateway").get_authorizer(
        restApiId=facts["api_id"], authorizerId=facts["authorizer_id"]
    )
    return int(auth["authorizerResultTtlInSeconds"])


def _investigation(seed: dict[str, Any], ministack: Any) -> Any:
    out, token = seed["out"], seed["token"]
    aws = sandbox_session(ministack.endpoint_url)
    # the GET fills the authorizer cache with a policy scoped to GET /dashboard
    get = FailingRequest(url=out.url("/dashboard"), method="GET", token=token)
    warm = open_investigation(get, aws=aws, playbook=SEED_FIX_PLAYBOOK).replay()
    assert warm is not None and warm()["status_code"] == 200
    post = FailingRequest(url=out.url("/dashboard/update-profile"), method="POST", token=token)
    inv = open_investigation(post, aws=aws, playbook=SEED_FIX_PLAYBOOK)
    inv.drive(ScriptedAnswers(dict(seed["facts"])))
    return inv


def test_apply_first_skips_manual_fixes_and_stops_after_the_first_verified(
    seed: dict[str, Any], aws_client: Any, ministack: Any
) -> None:
    inv = _investigation(seed, ministack)
    before = {s.fix_id: s.state for s in inv.fix_slots()}
    assert set(before.values()) == {FixState.PROPOSED}
    tried = inv.apply_first(terminal_confirm(yes=True, who="ci", out=io.StringIO()))
    assert [s.fix_id for s in tried] == ["fix-cache-ttl-zero"]
    outcome = inv.outcome()
    by_id = {f.fix: f for f in outcome.fixes}
    if "fix-cache-wildcard-resource" in by_id:
        assert not by_id["fix-cache-wildcard-resource"].applicable
    ttl = by_id["fix-cache-ttl-zero"]
    assert (ttl.state, ttl.applied, ttl.verified) == (FixState.VERIFIED, True, True), ttl.detail
    assert ttl.confirmed_by == "ci (--yes)"
    assert ttl.status_after == 200
    assert ttl.rollback and "value=300" in ttl.rollback[-1]
    others = [f for f in outcome.fixes if f.fix != "fix-cache-ttl-zero"]
    assert all(f.state is FixState.PROPOSED and not f.applied for f in others)
    assert exit_code(outcome) == outcome.exit_code == 0
    record = inv.session.applied[-1]
    assert (record.fix, record.outcome, record.by, record.verified) == (
        "fix-cache-ttl-zero",
        "verified",
        "ci (--yes)",
        True,
    )
    assert _ttl(aws_client, seed["facts"]) == 0


def test_declined_changes_nothing_and_rollback_restores(
    seed: dict[str, Any], aws_client: Any, ministack: Any
) -> None:
    inv = _investigation(seed, ministack)
    no = terminal_confirm(out=io.StringIO(), inp=io.StringIO("n\n"))
    inv.apply("fix-cache-ttl-zero", no)
    outcome = inv.outcome()
    ttl = next(f for f in outcome.fixes if f.fix == "fix-cache-ttl-zero")
    assert (ttl.state, ttl.applied) == (FixState.DECLINED, False)
    assert outcome.exit_code == 1  # a fix is still pending
    assert _ttl(aws_client, seed["facts"]) == 300

    inv.apply("fix-cache-ttl-zero", terminal_confirm(yes=True, who="ci", out=io.StringIO()))
    assert inv.slot("fix-cache-ttl-zero").state is FixState.VERIFIED
    assert inv.outcome().exit_code == 0
    inv.rollback("fix-cache-ttl-zero", terminal_confirm(yes=True, who="ci", out=io.StringIO()))
    back = next(f for f in inv.outcome().fixes if f.fix == "fix-cache-ttl-zero")
    assert (back.state, back.applied) == (FixState.ROLLED_BACK, False)
    assert inv.outcome().exit_code == 1
    assert _ttl(aws_client, seed["facts"]) == 300
    assert [a.outcome for a in inv.session.applied] == ["declined", "verified", "rolled_back"]
