"""A fix applied by `apply_child.py` in a subprocess, through a fault proxy in front of MiniStack,
and SIGKILLed at one of its mutating calls: what the journal SIGKILL tests and the TUI's
interrupted-fix test share."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from faultproxy import FORWARD, HOLD_ANSWER, Action, FaultProxy, Request

from wizard.sandbox.provision import Provisioned

CHILD = Path(__file__).with_name("apply_child.py")


def seed_fix_facts(out: Provisioned) -> dict[str, Any]:
    """The facts the seed's fix (TTL 0, redeploy, flush) is bound with."""
    return {
        "api_id": out.api_id,
        "stage": out.stage,
        "authorizer_id": out.authorizer_ids["jwt-authorizer"],
        "region": out.region,
        "account_id": out.account_id,
    }


def seed_config_dump(apigw: Any, facts: dict[str, Any]) -> dict[str, Any]:
    """What the seed's fix touches and the rollback must put back (a new deployment stays in
    the API's history by design: the stage points back at the old one)."""
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


def kill_at(rule_kind: Action, step: int) -> Any:
    """The proxy rule: the fix's `step`-th mutating call (0-based) gets `rule_kind` (HANG:
    held before it lands; HOLD_ANSWER: answered by AWS, the answer held back)."""

    def rule(request: Request) -> Action:
        if request.mutating and request.mutating_before == step:
            return rule_kind
        return FORWARD

    return rule


def apply_killed_at(
    endpoint_url: str, facts: dict[str, Any], when: Action, step: int, fix: Sequence[str] = ()
) -> str:
    """Run the fix (`fix`: CAUSE FIX_ID, or the seed's TTL-0 fix) until its `step`-th mutating
    call is held as `when` says, SIGKILL the process there; its stderr."""
    with FaultProxy(endpoint_url, rule=kill_at(when, step)) as proxy:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), proxy.url, json.dumps(facts), *fix],
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
    return err
