"""The front-end flow on the seed incident: the user sees the commands and the before/after,
answers, and only a yes changes the account; the run records who/when/what and the rollback."""

from __future__ import annotations

import io
from typing import Any

import pytest

from wizard.aws.fixes.driver import replay_with_probe, rollback_fix, run_fix, terminal_confirm
from wizard.aws.fixes.plan import build_plan
from wizard.catalogue.model import load_catalogue
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator


@pytest.fixture
def seed(aws_client: Any, ministack: Any) -> dict[str, Any]:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    facts = {
        "api_id": out.api_id,
        "stage": out.stage,
        "authorizer_id": out.authorizer_ids["jwt-authorizer"],
    }
    fix = next(
        f
        for f in load_catalogue().get("authz-cache-scoped-policy").fixes
        if f.id == "fix-cache-ttl-zero"
    )
    token = out.tokens["alice"]

    def inputs(method: str, path: str) -> dict[str, Any]:
        return {"url": out.url(path), "method": method, "token": token}

    replay = replay_with_probe(inputs("GET", "/dashboard"), {}, None)
    assert replay()["status_code"] == 200  # fills the cache with the GET-only policy
    failing = replay_with_probe(inputs("POST", "/dashboard/update-profile"), {}, None)
    assert failing()["status_code"] == 403
    return {"plan": build_plan(fix, facts), "replay": failing, "facts": facts, "token": token}


def _ttl(aws_client: Any, facts: dict[str, Any]) -> int:
    auth = aws_client("apigateway").get_authorizer(
        restApiId=facts["api_id"], authorizerId=facts["authorizer_id"]
    )
    return int(auth["authorizerResultTtlInSeconds"])


def test_no_at_the_prompt_changes_nothing(seed: dict[str, Any], aws_client: Any) -> None:
    shown = io.StringIO()
    run = run_fix(
        seed["plan"],
        aws_client,
        terminal_confirm(out=shown, inp=io.StringIO("n\n")),
        seed["replay"],
    )
    assert run.status == "declined" and not run.applied and run.result is None
    text = shown.getvalue()
    assert seed["plan"].cli[0] in text  # the exact command was shown before the question
    assert "/authorizerResultTtlInSeconds: 300 → 0" in text
    assert "Apply these 3 command(s)? [y/N]" in text
    assert _ttl(aws_client, seed["facts"]) == 300
    assert seed["replay"]()["status_code"] == 403


def test_empty_input_is_a_no(seed: dict[str, Any], aws_client: Any) -> None:
    run = run_fix(
        seed["plan"], aws_client, terminal_confirm(out=io.StringIO(), inp=io.StringIO(""))
    )
    assert run.status == "declined"
    assert _ttl(aws_client, seed["facts"]) == 300


def test_yes_applies_verifies_and_records_the_rollback(
    seed: dict[str, Any], aws_client: Any
) -> None:
    run = run_fix(
        seed["plan"],
        aws_client,
        terminal_confirm(yes=True, who="alice", out=io.StringIO()),
        seed["replay"],
    )
    assert run.status == "applied", run.detail
    assert run.verified is True
    assert "now returns 200" in run.detail and "not supported by this endpoint" not in run.detail
    assert run.applied and run.verified
    assert run.rollback is not None
    undo_ttl = [c for c in run.rollback.cli if c.startswith("aws apigateway update-authorizer")]
    assert len(undo_ttl) == 1 and "value=300" in undo_ttl[0]
    # the deployment the fix made is deleted once the stage points back at the old one
    rollback = list(run.rollback.cli)
    assert rollback.index(next(c for c in rollback if "update-stage" in c)) < (
        rollback.index(next(c for c in rollback if "delete-deployment" in c))
    )
    record = run.to_dict()
    assert record["confirmation"]["confirmed_by"] == "alice (--yes)"
    assert record["confirmation"]["commands_shown"] == list(seed["plan"].cli)
    assert _ttl(aws_client, seed["facts"]) == 0

    undo = rollback_fix(run, aws_client, terminal_confirm(yes=True, who="alice", out=io.StringIO()))
    assert undo.status == "applied", undo.detail
    assert _ttl(aws_client, seed["facts"]) == 300
