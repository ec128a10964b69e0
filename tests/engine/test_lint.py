"""The loader and linter: one broken playbook per rule, each with its golden error text
(the `# expect:` lines at the end of each file under tests/engine/broken/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.helpers import BROKEN, PLAYBOOKS, catalogue, registry
from wizard.engine import lint as lint_module
from wizard.engine import loader as loader_module
from wizard.engine.loader import PlaybookError, load_playbook, parse_playbook
from wizard.engine.probes import ProbeRegistry

BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))


def _expected(path: Path) -> list[str]:
    prefix = "# expect: "
    return [
        line[len(prefix) :] for line in path.read_text().splitlines() if line.startswith(prefix)
    ]


def _errors(path: Path, **kwargs: object) -> list[str]:
    kwargs.setdefault("registry", registry())
    kwargs.setdefault("catalogue", catalogue())
    with pytest.raises(PlaybookError) as info:
        load_playbook(path, **kwargs)  # type: ignore[arg-type]
    return [str(e).removeprefix(f"{path}:") for e in info.value.errors]


def test_there_is_a_broken_playbook_for_each_rule() -> None:
    assert len(BROKEN_FILES) >= 30
    for path in BROKEN_FILES:
        assert _expected(path), f"{path.name} has no '# expect:' line"


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_broken_playbook_gives_its_golden_errors(path: Path) -> None:
    assert _errors(path) == _expected(path)


def test_errors_name_the_file_and_line() -> None:
    path = BROKEN / "unknown-key.yaml"
    with pytest.raises(PlaybookError) as info:
        load_playbook(path, registry=registry(), catalogue=catalogue())
    first = str(info.value.errors[0])
    assert first.startswith(f"{path}:7: nodes.ask.next: ")


def test_the_test_walk_playbook_is_clean() -> None:
    reg = registry(authorizer=lambda c, p: {}, logs=lambda c, p: {}, policy=lambda c, p: {})
    playbook = load_playbook(PLAYBOOKS / "walk.yaml", registry=reg, catalogue=catalogue())
    assert playbook.start == "ask_error"


def test_probe_names_are_not_judged_without_registered_probes() -> None:
    path = BROKEN / "unknown-probe.yaml"
    load_playbook(path, registry=ProbeRegistry(), catalogue=catalogue())  # no error
    load_playbook(path, registry=None, catalogue=catalogue())


def test_catalogue_ids_are_skipped_while_the_catalogue_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for module in (loader_module, lint_module):  # the loader asks for it, and the lint
        monkeypatch.setattr(module, "shipped_catalogue", lambda: None)
    load_playbook(BROKEN / "unknown-cause.yaml", registry=registry())  # no error
    with pytest.raises(PlaybookError):
        load_playbook(BROKEN / "unknown-cause.yaml", registry=registry(), catalogue=catalogue())


def test_ask_edge_back_to_its_decision_is_not_a_cycle() -> None:
    # walk.yaml: route -(on_unknown ask)-> ask_ttl -(next)-> route
    reg = registry(authorizer=lambda c, p: {}, logs=lambda c, p: {}, policy=lambda c, p: {})
    load_playbook(PLAYBOOKS / "walk.yaml", registry=reg, catalogue=catalogue())


def test_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="no such file"):
        load_playbook(tmp_path / "nope.yaml")


def test_each_error_is_one_line() -> None:
    for path in BROKEN_FILES:
        for line in _expected(path):
            assert "\n" not in line and line.strip() == line


def test_parse_only_skips_graph_checks() -> None:
    text = (BROKEN / "unreachable.yaml").read_text()
    playbook, lines = parse_playbook(text, "x.yaml")
    assert set(playbook.nodes) == {"done", "orphan"}
    assert lines.line(("nodes", "orphan")) == 8


def test_exists_may_test_a_fact_produced_later() -> None:
    # "is the TTL known yet?" before the question that asks for it is a legitimate test
    text = (
        (BROKEN / "fact-downstream.yaml")
        .read_text()
        .replace("{fact: later, op: eq, value: x}", "{fact: later, op: exists, value: false}")
    )
    playbook, lines = parse_playbook(text, "x.yaml")
    assert (
        lint_module.lint(playbook, lines, "x.yaml", registry=registry(), catalogue=catalogue())
        == []
    )
