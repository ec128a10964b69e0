"""The change journal against a real crash: the seed's three-call fix is SIGKILLed at every
step, on MiniStack over real HTTP, then `apigw-wizard rollback` restores the configuration
exactly, and a second rollback changes nothing."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FORWARD, HANG, HOLD_ANSWER, Action, FaultProxy, Request

from wizard.aws.fixes.journal import journal_dir, unfinished_journals
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator

CHILD = Path(__file__).with_name("apply_child.py")
STEPS = 3  # UpdateAuthorizer, CreateDeployment, FlushStageAuthorizersCache


@pytest.fixture
def seed(aws_client: Any, ministack: Any) -> dict[str, Any]:
    out = provision(
        load_scenario("authz-cache-scoped-policy"), aws_client, endpoint_url=ministack.endpoint_url
    )
    return {
        "api_id": out.api_id,
        "stage": out.stage,
        "authorizer_id": out.authorizer_ids["jwt-authorizer"],
        "region": out.region,
        "account_id": out.account_id,
    }


def config_dump(apigw: Any, facts: dict[str, Any]) -> dict[str, Any]:
    """What the fix touches and the rollback must put back (a new deployment stays in the
    API's history by design: the stage points back at the old one)."""
    api = facts["api_id"]
    stage = apigw.get_stage(restApiId=api, stageName=facts["stage"])
    return {
        "authorizers": apigw.get_authorizers(restApiId=api)["items"],
        "stage": {
            k: v for k, v in stage.items() if k not in ("ResponseMetadata", "lastUpdatedDate")
        },
        "api": {
            k: v for k, v in apigw.get_rest_api(restApiId=api).items() if k != "ResponseMetadata"
        },
    }


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )


def _kill_at(rule_kind: Action, step: int) -> Any:
    def rule(request: Request) -> Action:
        if request.mutating and request.mutating_before == step:
            return rule_kind
        return FORWARD

    return rule


@pytest.mark.parametrize("step", range(STEPS))
@pytest.mark.parametrize(
    "when", [HANG, HOLD_ANSWER], ids=["before-the-call-lands", "after-it-lands"]
)
def test_sigkill_at_every_step_is_restored(
    seed: dict[str, Any], aws_client: Any, ministack: Any, step: int, when: Action
) -> None:
    apigw = aws_client("apigateway")
    before = config_dump(apigw, seed)
    with FaultProxy(ministack.endpoint_url, rule=_kill_at(when, step)) as proxy:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), proxy.url, json.dumps(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            landed = "ANSWERED" if when is HOLD_ANSWER else None
            assert proxy.wait_for(
                lambda seen: any(
                    r.mutating_before == step and (r.method == landed if landed else r.mutating)
                    for r in seen
                )
            ), "the fix never reached the step"
            child.send_signal(signal.SIGKILL)
            _, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert child.returncode == -signal.SIGKILL
    assert "Change journal" in err  # it said where the way back is before the first call

    [journal] = unfinished_journals()
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal_dir().stat().st_mode) == 0o700
    assert journal.data["steps"][step]["status"] == "started"

    notice = _cli("rollback", "--list")
    assert "UNFINISHED" in notice.stdout

    restored = _cli("rollback", "--yes", "--endpoint-url", ministack.endpoint_url)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert config_dump(apigw, seed) == before
    assert unfinished_journals() == []

    again = _cli(
        "rollback",
        str(journal.path),
        "--yes",
        "--endpoint-url",
        ministack.endpoint_url,
        "--format",
        "json",
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["commands"] == []  # idempotent: nothing left to undo
    assert config_dump(apigw, seed) == before
