"""The provisioner's other paths (API keys and usage plans, resource policies with
placeholders, AWS_IAM with SigV4, path parameters, Lambda-proxy backends), each proven by a
small scenario replayed over HTTP. The scenario files here are test data; the product's
scenarios live in wizard/sandbox/scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.aws.session import sandbox_session
from wizard.sandbox.provision import provision
from wizard.sandbox.replay import replay
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator
HERE = Path(__file__).parent / "scenarios"


def _run(emu, name):
    scenario = load_scenario(HERE / f"{name}.yaml")
    session = sandbox_session(emu.endpoint_url)
    out = provision(scenario, session.client, endpoint_url=emu.endpoint_url)
    return out, replay(scenario, out, credentials=session.credentials())


def test_api_key_outside_the_stage_plan(aws, ministack):
    out, results = _run(ministack, "apikey-not-in-plan")
    assert [r.mismatches for r in results] == [[], []]
    assert '"principal": null' in results[0].result.body  # the Lambda-proxy backend answered
    assert set(out.api_keys) == {"partner", "internal"}


def test_resource_policy_placeholders_and_source_ip(aws_auth, ministack_auth):
    out, results = _run(ministack_auth, "rp-deny-ip")
    assert [r.mismatches for r in results] == [[]]
    assert "explicit deny" in (results[0].result.error_message or "")
    assert out.api_id in (results[0].result.error_message or "")


def test_iam_method_signed_and_unsigned(aws, ministack):
    _, results = _run(ministack, "iam-unsigned")
    assert [r.mismatches for r in results] == [[], []]
    assert results[0].result.signed is True
