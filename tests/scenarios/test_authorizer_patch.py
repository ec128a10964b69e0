"""The authorizer's fix derived from the policy it really returns, shown as a diff of the sandbox
Lambda's code (here its policy configuration), and re-verified by redeploying the patched
authorizer: the same request then succeeds."""

from __future__ import annotations

import difflib
import json
import time
from typing import Any

import pytest

from wizard.analysis.authorizer_resource import patch_resource_lines, wrong_parts
from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import load_scenario

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

_VARIABLE = "POLICY_STATEMENTS"


def _returned_policy(lam: Any, function: str, token: str, method_arn: str) -> dict[str, Any]:
    """What the authorizer returns for this call: the TOKEN event API Gateway sends it."""
    event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
    answer = lam.invoke(FunctionName=function, Payload=json.dumps(event).encode())
    return dict(json.loads(answer["Payload"].read()))


def _set_statements(lam: Any, function: str, statements: str, probe: dict[str, str]) -> None:
    """Redeploy the authorizer with `statements`, and wait until it answers with them.

    Waits on what the test needs (the Resource the function returns has changed; the
    statements are templates the function fills in) rather than on LastUpdateStatus: after the
    authorizer has served requests, MiniStack 1.5.33 can leave an update "InProgress" for good
    while already running the new configuration."""

    def returned() -> list[str]:
        policy = _returned_policy(lam, function, probe["token"], probe["method_arn"])
        return [s["Resource"] for s in policy["policyDocument"]["Statement"]]

    before = returned()
    env = lam.get_function_configuration(FunctionName=function)["Environment"]["Variables"]
    lam.update_function_configuration(
        FunctionName=function, Environment={"Variables": {**env, _VARIABLE: statements}}
    )
    deadline = time.monotonic() + 120
    while (got := returned()) == before:
        assert time.monotonic() < deadline, f"the redeployed authorizer still returns {got}"
        time.sleep(0.2)  # poll interval of a condition wait, bounded by the deadline


@pytest.mark.parametrize("wrong", ["stage", "region"])
def test_the_patch_from_the_returned_policy_fixes_the_request(wrong: str) -> None:
    scenario = load_scenario("authz-implicit-deny-arn-mismatch")
    with Sandbox(scenario) as box:
        out = box.provision()
        lam = box.aws().client("lambda")
        function = scenario.api.authorizers[0].function.name
        symptom = scenario.symptom_request()
        method_arn = out.method_arn(symptom.method, symptom.path)
        token = out.tokens[symptom.token or ""]
        probe = {"token": token, "method_arn": method_arn}
        if wrong == "region":  # the same bug, typed in another part: a region
            bad = f"arn:aws:execute-api:eu-west-3:{out.account_id}:{out.api_id}/{out.stage}/*/*"
            statements = [{"Effect": "Allow", "Resource": bad, "Action": "*"}]
            _set_statements(lam, function, json.dumps(statements), probe)
        repro = box.reproduce()
        assert repro.reproduced
        request = repro.symptom
        assert method_arn == out.method_arn(request.request.method, request.request.path)

        policy = _returned_policy(lam, function, token, method_arn)
        allows = [s["Resource"] for s in policy["policyDocument"]["Statement"]]
        parts = wrong_parts(allows[0], method_arn)
        assert [p.part for p in parts] == [wrong]

        before = lam.get_function_configuration(FunctionName=function)["Environment"]
        text = before["Variables"][_VARIABLE]
        patched, changed = patch_resource_lines(text, parts)
        assert changed == 1
        diff = "".join(difflib.unified_diff([text + "\n"], [patched + "\n"]))
        assert f"-{text}" in diff and f"+{patched}" in diff

        _set_statements(lam, function, patched, probe)  # redeploy the patched authorizer
        again = box.resend_symptom().result
        assert again.status_code == 200, (again.status_code, again.error_message)
