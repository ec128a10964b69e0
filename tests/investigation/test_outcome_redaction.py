"""A secret a probe read stays redacted wherever the Outcome shows it: the probe's raw result,
the timeline (a probe failure's message), the probe failures, and every report format -- also
when the Outcome is built a second time and the same strings are answered by the redaction
memo (wizard.analysis.redact) instead of the rules."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest

from tests.engine.helpers import PLAYBOOKS, Clock, catalogue, registry
from wizard.engine.loader import load_playbook
from wizard.engine.probes import ProbeError, ProbeErrorKind
from wizard.engine.session import Session
from wizard.investigation import Investigation
from wizard.outcome import Outcome
from wizard.report.render import render_outcome

TOKEN = jwt.encode({"sub": "alice", "scope": "orders/read"}, "a-test-key-" * 4, algorithm="HS256")
SIGNATURE = "9f2c" * 16
ACCESS_KEY_ID = "AKIAZ7QX3MPL4NVRB2KD"
SECRETS = [TOKEN, TOKEN.split(".")[2], SIGNATURE, ACCESS_KEY_ID]


def authorizer(ctx: Any, params: Any) -> dict[str, Any]:
    return {"authorizer": {"ttl": 300}}


def logs(ctx: Any, params: Any) -> dict[str, Any]:
    # an execution log line as AWS returns it, the caller's header in it
    line = (
        f"Method request headers: {{Authorization=Bearer {TOKEN}, "
        f"X-Amz-Signature={SIGNATURE}, key={ACCESS_KEY_ID}}}"
    )
    return {"invoked": False, "events": [{"message": line}, {"message": line}]}


def policy(ctx: Any, params: Any) -> dict[str, Any]:
    raise ProbeError(
        ProbeErrorKind.ACCESS_DENIED,
        f"denied for the request signed with Signature={SIGNATURE} by {ACCESS_KEY_ID}",
    )


def investigation() -> Investigation:
    reg = registry(authorizer=authorizer, logs=logs, policy=policy)
    playbook = load_playbook(PLAYBOOKS / "walk.yaml", check=False)
    session = Session(
        playbook,
        registry=reg,
        catalogue=catalogue(),
        clock=Clock(),
        inputs={"region": "eu-west-1"},
    )
    session.answer("not_authorized")
    session.run_probes()
    return Investigation.from_session(session)


def leaks(text: str) -> list[str]:
    return [secret[:12] for secret in SECRETS if secret in text]


def test_the_secrets_really_are_in_the_raw_outcome() -> None:
    raw = investigation().outcome(keep_secrets=True).to_dict()
    assert leaks(json.dumps(raw["probe_results"])) == [s[:12] for s in SECRETS]
    assert leaks(json.dumps(raw["timeline"])) == [SIGNATURE[:12], ACCESS_KEY_ID[:12]]


@pytest.mark.parametrize("build", ["first", "again"])
def test_a_secret_in_a_probe_result_is_redacted_in_the_outcome(build: str) -> None:
    inv = investigation()
    outcome: Outcome = inv.outcome()
    if build == "again":  # the same strings, answered from the memo this time
        outcome = inv.outcome()
    data = outcome.to_dict()
    logs_result = next(r for r in data["probe_results"] if r["source"] == "inspect/logs")
    assert data["probe_failures"], "the policy probe's failure is in the Outcome"
    for part in ("probe_results", "timeline", "probe_failures"):
        assert leaks(json.dumps(data[part])) == [], part
    assert leaks(outcome.to_json()) == []
    message = logs_result["result"]["events"][0]["message"]
    assert "Bearer [redacted]" in message or "[redacted JWT]" in message
    assert "AKIA…B2KD" in message  # what helps a diagnosis stays readable


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_a_secret_in_a_probe_result_is_redacted_in_every_report(fmt: str) -> None:
    inv = investigation()
    inv.outcome()  # the memo is warm: the report's strings are answered from it
    for outcome in (inv.outcome(), inv.outcome(keep_secrets=True)):
        assert leaks(render_outcome(outcome, fmt)) == [], fmt
