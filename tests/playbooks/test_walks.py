"""Walk the main playbook through every branch from answer files, and check its coverage.

Each file in tests/playbooks/walks/ is one incident as an engineer would describe it; the walk
must end at the expected diagnosis within the expected number of questions. Coverage tests fail
when a node of the playbook is never visited by any walk, or when a catalogue cause has no end
node that can reach it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.playbooks.walking import load_walk, main_playbook, run_walk, walk_files
from wizard.engine.lint import shipped_catalogue
from wizard.engine.models import EndNode, FixNode, successors


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", walk_files(), ids=_ids(walk_files()))
def test_walk_reaches_expected_diagnosis(path: Path) -> None:
    data = load_walk(path)
    expect = data["expect"]
    session = run_walk(data)
    diagnosis = session.diagnosis()
    assert diagnosis is not None, f"{path.name}: the walk did not end"
    route = " → ".join(step.node for step in session.path)
    assert diagnosis.cause == expect["diagnosis"], f"{path.name}: {route}"
    assert session.question_count <= expect["max_questions"], (
        f"{path.name}: {session.question_count} questions (max {expect['max_questions']}): {route}"
    )
    if "end" in expect:
        assert diagnosis.node == expect["end"], route
    for name, value in (expect.get("facts") or {}).items():
        assert session.known_facts().get(name) == value, f"{path.name}: fact {name}"
    if diagnosis.cause is not None:
        assert session.fixes(), f"{path.name}: a diagnosis without a proposed fix"
        assert all(f.cause == diagnosis.cause for f in session.fixes())


def test_seed_incident_within_four_questions_and_says_why() -> None:
    data = load_walk(Path(__file__).with_name("walks") / "seed-cache-scoped.yaml")
    session = run_walk(data)
    diagnosis = session.diagnosis()
    assert diagnosis is not None and diagnosis.cause == "authz-cache-scoped-policy"
    assert session.question_count <= 4  # issue 11: the seed from pasted evidence in at most 4
    why = session.fixes()[0].explanation
    # cached policy, its Resource, the method ARN it fails to cover, the TTL
    assert "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/dashboard" in why
    assert "a1b2c3d4e5/prod/POST/dashboard/update-profile" in why
    assert "300 seconds" in why
    assert "cache" in why
    facts = session.known_facts()
    # The cache model replays the two calls: the failing one is a cache hit, no Lambda call.
    assert facts["replay_failing_cache"] == "hit"
    assert facts["replay_authorizer_invoked"] is False
    assert facts["replay_failing_status"] == 403
    fix_ids = [f.fix_id for f in session.fixes()]
    assert "fix-cache-wildcard-resource" in fix_ids
    assert "fix-cache-ttl-zero" in fix_ids


def _reachable(start: str) -> set[str]:
    playbook = main_playbook()
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(target for _, target in successors(playbook.nodes[node]))
    return seen


def test_every_node_is_reachable_from_start() -> None:
    playbook = main_playbook()
    unreachable = sorted(set(playbook.nodes) - _reachable(playbook.start))
    assert unreachable == []


def test_every_catalogue_cause_has_a_reachable_end_and_fix_node() -> None:
    playbook = main_playbook()
    reachable = _reachable(playbook.start)
    ends = {
        n.diagnosis
        for node_id, n in playbook.nodes.items()
        if isinstance(n, EndNode) and node_id in reachable
    }
    fixes = {
        n.cause
        for node_id, n in playbook.nodes.items()
        if isinstance(n, FixNode) and node_id in reachable
    }
    causes = set(shipped_catalogue().ids())
    assert sorted(causes - ends) == [], "causes with no end node"
    assert sorted(causes - fixes) == [], "causes with no fix node"


def test_every_node_and_every_cause_is_walked() -> None:
    """The walk files together visit every node and end at every catalogue cause."""
    playbook = main_playbook()
    visited: set[str] = set()
    diagnosed: set[str | None] = set()
    for path in walk_files():
        session = run_walk(load_walk(path))
        visited.update(step.node for step in session.path)
        diagnosis = session.diagnosis()
        diagnosed.add(diagnosis.cause if diagnosis else None)
    assert sorted(set(playbook.nodes) - visited) == [], "nodes no walk visits"
    assert sorted(set(shipped_catalogue().ids()) - diagnosed) == [], "causes no walk reaches"
