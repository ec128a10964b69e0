"""The change journal against a real crash: the seed's three-call fix is SIGKILLed at every
step, on MiniStack over real HTTP, then `apigw-wizard rollback` restores the configuration
exactly, and a second rollback changes nothing."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from typing import Any

import pytest
from faultproxy import HANG, HOLD_ANSWER, Action

from tests.safety.killed_apply import apply_killed_at, seed_config_dump, seed_fix_facts
from wizard.aws.fixes.journal import journal_dir, unfinished_journals
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator

STEPS = 3  # UpdateAuthorizer, CreateDeployment, FlushStageAuthorizersCache


@pytest.fixture
def seed(aws_client: Any, ministack: Any) -> dict[str, Any]:
    out = provision(
        load_scenario("authz-cache-scoped-policy"), aws_client, endpoint_url=ministack.endpoint_url
    )
    return seed_fix_facts(out)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )


@pytest.mark.parametrize("step", range(STEPS))
@pytest.mark.parametrize(
    "when", [HANG, HOLD_ANSWER], ids=["before-the-call-lands", "after-it-lands"]
)
def test_sigkill_at_every_step_is_restored(
    seed: dict[str, Any], aws_client: Any, ministack: Any, step: int, when: Action
) -> None:
    apigw = aws_client("apigateway")
    before = seed_config_dump(apigw, seed)
    err = apply_killed_at(ministack.endpoint_url, seed, when, step)
    assert "Change journal" in err  # it said where the way back is before the first call

    [journal] = unfinished_journals()
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal_dir().stat().st_mode) == 0o700
    assert journal.data["steps"][step]["status"] == "started"

    notice = _cli("rollback", "--list")
    assert "UNFINISHED" in notice.stdout

    restored = _cli("rollback", "--yes", "--endpoint-url", ministack.endpoint_url)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert seed_config_dump(apigw, seed) == before
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
    assert seed_config_dump(apigw, seed) == before
