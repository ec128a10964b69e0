"""Helpers for the live-probe tests: a wizard session on the emulator and a probe runner."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from wizard.aws.probes import register_all
from wizard.aws.session import AwsSession, sandbox_session
from wizard.engine.probes import REGISTRY, ProbeContext
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import replay
from wizard.sandbox.scenario import load_scenario

register_all()


def wizard_session(emu: Any) -> AwsSession:
    return sandbox_session(emu.endpoint_url)


def run_probe(
    name: str,
    session: AwsSession | None,
    params: Mapping[str, Any] | None = None,
    facts: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    ctx = ProbeContext(inputs=dict(inputs or {}), facts=dict(facts or {}), aws=session)
    return REGISTRY.get(name).fn(ctx, dict(params or {}))


SEED_FAILING = "/dashboard/update-profile"


def seed_diagnose_argv(out: Provisioned, endpoint: str, fmt: str = "json") -> list[str]:
    """`apigw-wizard diagnose` arguments for the seed's failing POST, live. `endpoint` may be a
    proxy in front of the emulator (the fault proxy): the request is sent through it too."""
    return [
        "diagnose",
        "--url",
        out.url(SEED_FAILING).replace(out.endpoint_url, endpoint),
        "--method",
        "POST",
        "--token",
        out.tokens["alice"],
        "--region",
        "us-east-1",
        "--endpoint-url",
        endpoint,
        "--format",
        fmt,
    ]


def emulator_env() -> dict[str, str]:
    """The environment of a wizard subprocess on the emulator: dummy credentials (it takes any),
    its region, and no profile of the machine's own."""
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
    )
    env.pop("AWS_PROFILE", None)
    return env


def provision_seed(emu: Any, session: AwsSession, *, replayed: bool = True) -> Provisioned:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, session.client, endpoint_url=emu.endpoint_url)
    if replayed:
        results = replay(scenario, out)
        assert [r.mismatches for r in results] == [[], []]
    return out
