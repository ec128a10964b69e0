"""`apigw-wizard report SESSION.json`: formats, -o, --no-redact warning, account masking, and
one-line errors (exit 2) for missing, truncated, non-session and non-UTF-8 files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.report import sessions


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", "report", *args],
        capture_output=True,
        input=stdin,
        timeout=120,
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session saved the way the wizard saves it (redacted, 0600)."""
    path = tmp_path_factory.mktemp("sessions") / "seed.json"
    sessions.seed_session().save(path)
    return path


def test_markdown_to_stdout_by_default(saved: Path) -> None:
    proc = _cli(str(saved))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.startswith("# API Gateway 403 incident: Authorizer cache serves")
    assert "```mermaid" in out and "## Incident summary" in out and "## Engineer appendix" in out
    assert sessions.ACCOUNT not in out and "1234****9012" in out
    assert proc.stderr == b""


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("r.html", "<!DOCTYPE html>"),
        ("r.json", '"format": "apigw-wizard-report"'),
        ("r.md", "# API Gateway"),
    ],
)
def test_output_file_format_from_suffix(
    saved: Path, tmp_path: Path, name: str, marker: str
) -> None:
    target = tmp_path / "sub" / name
    proc = _cli(str(saved), "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    assert marker in target.read_text(encoding="utf-8")
    assert f"report written to {target}" in proc.stderr.decode()


def test_format_flag_wins_and_show_account_id(saved: Path) -> None:
    proc = _cli(str(saved), "--format", "json", "--show-account-id")
    doc: dict[str, Any] = json.loads(proc.stdout)
    assert doc["environment"]["account_id"] == sessions.ACCOUNT
    assert doc["account_id_masked"] is False


def test_no_redact_warns_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "raw.json"
    path.write_text(json.dumps(sessions.seed_session().to_dict()))  # unredacted dict
    quiet = _cli(str(path))
    assert sessions.token() not in quiet.stdout.decode()
    loud = _cli(str(path), "--no-redact")
    assert loud.returncode == 0
    assert b"warning: --no-redact" in loud.stderr and len(loud.stderr.splitlines()) == 1
    assert sessions.token() in loud.stdout.decode()


def test_session_from_stdin(saved: Path) -> None:
    proc = _cli("-", "--format", "json", stdin=saved.read_bytes())
    assert proc.returncode == 0 and json.loads(proc.stdout)["summary"]["status"] == "open"


def _one_line_error(proc: subprocess.CompletedProcess[bytes]) -> str:
    assert proc.returncode == 2
    assert proc.stdout == b""
    err = proc.stderr.decode()
    assert err.startswith("apigw-wizard: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_bad_files_are_one_line_errors(saved: Path, tmp_path: Path) -> None:
    assert "no such file" in _one_line_error(_cli(str(tmp_path / "missing.json")))
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(saved.read_bytes()[:500])
    assert "is the file truncated?" in _one_line_error(_cli(str(truncated)))
    other = tmp_path / "other.json"
    other.write_text('{"format": "something"}')
    assert "not an apigw-wizard session file" in _one_line_error(_cli(str(other)))
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert "empty" in _one_line_error(_cli(str(empty)))
    damaged = tmp_path / "damaged.json"
    data = json.loads(saved.read_text())
    del data["path"]
    damaged.write_text(json.dumps(data))
    assert "has no 'path'" in _one_line_error(_cli(str(damaged)))
    assert "is a directory" in _one_line_error(_cli(str(tmp_path)))


def test_non_utf8_bytes_are_replaced_not_fatal(saved: Path, tmp_path: Path) -> None:
    data = json.loads(saved.read_text())
    # in what the engineer pasted (a saved session's facts are refolded from its answers)
    (visit,) = [v for v in data["visits"] if v["node"] == "q_error"]
    visit["answer"] += " STAGE-MARK"
    raw = json.dumps(data).encode().replace(b"STAGE-MARK", b"pr\xff\xfeod")
    path = tmp_path / "latin.json"
    path.write_bytes(raw)
    proc = _cli(str(path), "--format", "html")
    assert proc.returncode == 0, proc.stderr
    assert "pr\ufffd\ufffdod" in proc.stdout.decode("utf-8")
