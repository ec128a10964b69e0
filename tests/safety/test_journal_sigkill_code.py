"""The change journal against a real crash, for the two-call authorizer code fix
(UpdateFunctionCode, then FlushStageAuthorizersCache): SIGKILLed at each step, before and after
the call lands, on MiniStack over real HTTP; `apigw-wizard rollback` re-deploys the previous code
byte for byte (the same CodeSha256) even when the code artifact was lost (the journal holds a
copy), and a second rollback changes nothing."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from faultproxy import HANG, HOLD_ANSWER, Action

from tests.safety.killed_apply import apply_killed_at
from wizard.analysis.authorizer_resource import wrong_parts
from wizard.aws.fixes.code import artifact_path, patch_code, save_artifact
from wizard.aws.fixes.journal import unfinished_journals
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario

from .test_journal_sigkill import _cli

pytestmark = pytest.mark.emulator

STEPS = 2  # UpdateFunctionCode, FlushStageAuthorizersCache
SCENARIO = "authz-hand-built-resource"


@pytest.fixture
def code_fix(aws_client: Any, ministack: Any) -> dict[str, Any]:
    """The scenario's API, and the fix's facts as the probe derives them: the deployed zip
    patched where the Resource names the wrong stage, both zips saved as artifacts."""
    scenario = load_scenario(SCENARIO)
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    name = scenario.api.authorizers[0].function.name
    got = aws_client("lambda").get_function(FunctionName=name)
    with urllib.request.urlopen(got["Code"]["Location"], timeout=30) as answer:
        current = answer.read()
    method_arn = out.method_arn("GET", "/items")
    returned = f"arn:aws:execute-api:{out.region}:{out.account_id}:{out.api_id}/dev/*/*"
    config = got["Configuration"]
    fix = patch_code(
        current, config["Handler"], config["Runtime"], wrong_parts(returned, method_arn)
    )
    assert fix.patched is not None, fix.reason
    save_artifact(current)
    return {
        "api_id": out.api_id,
        "stage": out.stage,
        "region": out.region,
        "account_id": out.account_id,
        "authorizer_function_name": name,
        "authorizer_code_zip": save_artifact(fix.patched),
        "previous_sha": config["CodeSha256"],
    }


def _code(lam: Any, name: str) -> str:
    return str(lam.get_function_configuration(FunctionName=name)["CodeSha256"])


@pytest.mark.parametrize("step", range(STEPS))
@pytest.mark.parametrize(
    "when", [HANG, HOLD_ANSWER], ids=["before-the-call-lands", "after-it-lands"]
)
def test_sigkill_during_the_code_fix_is_restored(
    code_fix: dict[str, Any], aws_client: Any, ministack: Any, step: int, when: Action
) -> None:
    lam, name = aws_client("lambda"), code_fix["authorizer_function_name"]
    assert _code(lam, name) == code_fix["previous_sha"]
    facts = {k: v for k, v in code_fix.items() if k != "previous_sha"}
    fix = ["authz-implicit-deny-arn-mismatch", "fix-authorizer-code-patch"]
    err = apply_killed_at(ministack.endpoint_url, facts, when, step, fix)
    assert "Change journal" in err
    [journal] = unfinished_journals()
    assert journal.data["steps"][step]["status"] == "started"
    assert code_fix["previous_sha"] in journal.data["code"]  # the way back is in the journal
    if when is HOLD_ANSWER and step == 0:
        assert _code(lam, name) != code_fix["previous_sha"]  # the new code did land
    # The artifact of the previous code is lost: the journal's copy is enough.
    Path(artifact_path(code_fix["previous_sha"])).unlink()

    restored = _cli("rollback", "--yes", "--endpoint-url", ministack.endpoint_url)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert _code(lam, name) == code_fix["previous_sha"]
    assert unfinished_journals() == []

    again = _cli(
        "rollback", str(journal.path), "--yes", "--endpoint-url", ministack.endpoint_url,
        "--format", "json",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["commands"] == []
    assert _code(lam, name) == code_fix["previous_sha"]
