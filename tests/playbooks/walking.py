"""Helpers for walking the shipped playbooks from answer files (tests/playbooks/walks/*.yaml).

A walk file:

    description: what the engineer sees
    inputs: {url: ..., method: ...}        # optional: values given on the command line
    live:                                  # optional: canned results of live probes
      get_authorizer: {authorizer_ttl: 300}
      get_stage: {error: access_denied}    # a probe that fails that way
    answers: {q_error: "...", q_ttl: 300}  # question id (or fact) → answer
    expect:
      diagnosis: authz-cache-scoped-policy # or null for inconclusive
      max_questions: 5
      end: end_cache_scoped                # optional: the end node
      facts: {authorizer_ttl: 300}         # optional: facts known at the end

Live probes listed under `live` are replaced by fakes returning those results; the others are
left out, exactly like an offline run (their facts are unknown).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from wizard.engine.lint import shipped_catalogue
from wizard.engine.loader import load_playbook
from wizard.engine.models import Playbook
from wizard.engine.probes import (
    REGISTRY,
    ProbeContext,
    ProbeError,
    ProbeErrorKind,
    ProbeRegistry,
    ProbeSpec,
)
from wizard.engine.session import Session
from wizard.investigation import FailingRequest, ScriptedAnswers, open_investigation
from wizard.investigation.probes import offline_registry

ROOT = Path(__file__).resolve().parents[2]
MAIN_PLAYBOOK = ROOT / "playbooks" / "api-gateway-403.yaml"
WALKS = Path(__file__).with_name("walks")


def register_probes() -> None:
    import wizard.engine.offline_probes  # noqa: F401
    from wizard.aws.probes import register_all

    register_all()


@cache
def main_playbook() -> Playbook:
    register_probes()
    return load_playbook(MAIN_PLAYBOOK, registry=REGISTRY, catalogue=shipped_catalogue())


def walk_files() -> list[Path]:
    return sorted(WALKS.glob("*.yaml"))


def load_walk(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: a walk file is a mapping"
    assert "answers" in data and "expect" in data, f"{path.name}: needs answers and expect"
    return data


def _fake(name: str, result: Mapping[str, Any]) -> ProbeSpec:
    def run(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        if "error" in result:
            raise ProbeError(ProbeErrorKind(result["error"]), f"{name}: {result['error']}")
        return dict(result)

    return ProbeSpec(name, run, f"fake {name}")


def registry_for(live: Mapping[str, Any] | None) -> ProbeRegistry:
    live = dict(live or {})
    for name in live:
        assert name in REGISTRY, f"live probe {name!r} is not a registered probe"
    registry = ProbeRegistry()
    for spec in offline_registry(REGISTRY):
        registry.register(_fake(spec.name, live[spec.name]) if spec.name in live else spec)
    return registry


def run_walk(data: Mapping[str, Any], playbook: Playbook | None = None) -> Session:
    investigation = open_investigation(
        FailingRequest.from_inputs(data.get("inputs") or {}),
        playbook=playbook or main_playbook(),
        registry=registry_for(data.get("live")),
        prefill=False,
    )
    investigation.session.playbook_path = str(MAIN_PLAYBOOK)
    investigation.drive(ScriptedAnswers(data["answers"]))
    return investigation.session
