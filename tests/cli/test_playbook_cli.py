"""`apigw-wizard playbook validate|graph`: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.catalogue.evidence import EVIDENCE_FILE
from wizard.cli import main

ENGINE = Path(__file__).resolve().parents[1] / "engine"
WALK = ENGINE / "playbooks" / "walk.yaml"
BROKEN = ENGINE / "broken"


def test_validate_a_valid_playbook(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wizard.commands.playbook.probe_registry", lambda: None)
    assert main(["playbook", "validate", str(WALK)]) == 0
    assert capsys.readouterr().out == f"ok {WALK} (8 nodes)\n"


def test_validate_reports_every_error_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    broken = BROKEN / "unknown-key.yaml"
    assert main(["playbook", "validate", str(WALK), str(broken)]) == 2
    out, err = capsys.readouterr()
    assert (
        f"{broken}:13: nodes.ask.nxt: unknown key 'nxt' (did you mean 'next'?)" in out.splitlines()
    )
    assert "problems found" in err
    assert "Traceback" not in out + err


def test_validate_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wizard.commands.playbook.probe_registry", lambda: None)
    assert main(["playbook", "validate", "--format", "json", str(BROKEN / "cycle.yaml")]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["playbooks"][0]["errors"][0]["message"] == "cycle: ask → route → ask"


def test_validate_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playbook", "validate", "/nonexistent/p.yaml"]) == 2
    assert "/nonexistent/p.yaml: no such file" in capsys.readouterr().out


def test_validate_with_no_path_checks_the_shipped_playbooks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "one.yaml").write_text(WALK.read_text())
    monkeypatch.setattr("wizard.paths.playbooks_dir", lambda: tmp_path)
    monkeypatch.setattr("wizard.commands.playbook.probe_registry", lambda: None)
    assert main(["playbook", "validate"]) == 0
    assert capsys.readouterr().out == (
        f"ok {tmp_path / 'one.yaml'} (8 nodes)\nok {EVIDENCE_FILE} (39 causes)\n"
    )


def _evidence_with(tmp_path: Path, old: str, new: str) -> Path:
    text = EVIDENCE_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "evidence.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "always_possible: [gateway-response-override,",
            "always_possible: [gateway-response-overide,",
            "always_possible[0]: unknown cause id 'gateway-response-overide'"
            " (did you mean 'gateway-response-override'?)",
        ),
        # A family evidence.yaml declares but families.yaml never produces.
        (
            "      forbidden, invalid-signature-generic,",
            "      forbidden, ghost-family, invalid-signature-generic,",
            "evidence.yaml: facts.families.values: unknown family 'ghost-family'",
        ),
    ],
)
def test_validate_lints_the_evidence_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    old: str,
    new: str,
    error: str,
) -> None:
    monkeypatch.setattr("wizard.commands.playbook.probe_registry", lambda: None)
    bad = _evidence_with(tmp_path, old, new)
    assert main(["playbook", "validate", "--evidence", str(bad), str(WALK)]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"ok {WALK} (8 nodes)"
    assert any(error in line and str(tmp_path) in line for line in out.splitlines()[1:]), out
    assert "problem" in err
    assert main(["playbook", "validate", "--format", "json", "--evidence", str(bad)]) == 2
    entry = json.loads(capsys.readouterr().out)["playbooks"][-1]
    assert entry["ok"] is False and entry["path"] == str(bad)
    assert any(error in f"{e['file']}: {e['path']}: {e['message']}" for e in entry["errors"])


def test_validate_a_good_evidence_copy(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("wizard.commands.playbook.probe_registry", lambda: None)
    good = _evidence_with(tmp_path, "schema_version: 1", "schema_version: 1")
    assert main(["playbook", "validate", "--evidence", str(good), str(WALK)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"ok {good} (39 causes)"


def test_graph_text_and_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playbook", "graph", str(WALK)]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "Test walk (test-walk 1.0)"
    assert "when ttl > 0 and invoked = false → fix_cache [fix: authz-cache-scoped-policy]" in text
    assert "route (see above)" in text
    assert main(["playbook", "graph", str(WALK), "--format", "mermaid"]) == 0
    mermaid = capsys.readouterr().out
    assert mermaid.startswith("flowchart TD\n")
    assert '    n_route -.->|"if unknown, ask"| n_ask_ttl' in mermaid.splitlines()
    assert "n_end_cache(((" in mermaid


def test_graph_of_an_unparseable_playbook_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playbook", "graph", str(BROKEN / "yaml-syntax.yaml")]) == 2
    assert "YAML syntax error" in capsys.readouterr().err


def test_playbook_without_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playbook"]) == 2
    assert "choose an action" in capsys.readouterr().err
