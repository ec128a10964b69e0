"""`apigw-wizard explain` end to end in a subprocess: JSON contract, text, exit codes, errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli.helpers import run_wizard

SEED = (
    'first profile update works, later ones get 403 {"message":"User is not authorized to access '
    'this resource"}, the authorizer never logs the failing calls, TTL 300'
)


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return run_wizard("explain", *args, stdin=stdin if stdin is not None else b"", timeout=60)


def test_json_contract_for_the_seed_incident() -> None:
    out = run(SEED, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    causes = data["causes"]
    assert len(causes) == 5
    assert causes[0]["id"] == "authz-cache-scoped-policy"
    for c in causes:
        assert set(c) == {"id", "title", "confidence", "evidence", "next_checks"}
        assert 0 <= c["confidence"] <= 1
    assert [c["confidence"] for c in causes] == sorted(
        (c["confidence"] for c in causes), reverse=True
    )
    assert data["inconclusive"] is False
    assert data["evidence"]["authorizer_ttl"] == 300


def test_all_lists_every_cause_and_top_limits() -> None:
    everything = json.loads(run(SEED, "--format", "json", "--all").stdout)["causes"]
    assert len(everything) == 39
    assert len(json.loads(run(SEED, "--format", "json", "--top", "2").stdout)["causes"]) == 2


def test_text_output_teaches() -> None:
    out = run(SEED)
    assert out.returncode == 0
    text = out.stdout
    assert "Most likely" in text and "authz-cache-scoped-policy" in text
    assert "What API Gateway did" in text
    assert "Check next" in text and "Starting authorizer" in text
    assert "The fix" in text
    assert "Other possibilities" in text


def test_stdin_dash_file_and_piped_input(tmp_path: Path) -> None:
    body = b'{"message":"Missing Authentication Token"}'
    assert (
        json.loads(run("-", "--format", "json", stdin=body).stdout)["causes"][0]["id"]
        == "mat-route-not-found"
    )
    report = tmp_path / "report.txt"
    report.write_bytes(body)
    assert (
        json.loads(run(f"@{report}", "--format", "json").stdout)["causes"][0]["id"]
        == "mat-route-not-found"
    )
    assert (
        json.loads(run("--format", "json", stdin=body).stdout)["causes"][0]["id"]
        == "mat-route-not-found"
    )


def test_inconclusive_exits_4() -> None:
    out = run('{"message":"Forbidden"}', "--format", "json")
    assert out.returncode == 4
    assert json.loads(out.stdout)["inconclusive"] is True
    text = run('{"message":"Forbidden"}')
    assert text.returncode == 4 and "Not sure yet" in text.stdout


def test_facts_rerank() -> None:
    body = '{"message":"Missing Authentication Token"}'
    out = run(body, "--format", "json", "--fact", "authorization_type=AWS_IAM")
    assert json.loads(out.stdout)["causes"][0]["id"] == "mat-iam-unsigned"


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args, stdin in (
        (("",), None),
        (("-",), b"   \n"),
        (("@" + str(tmp_path / "missing.txt"),), None),
        (("x", "--fact", "novalue"), None),
        (("x", "--top", "0"), None),
        (("-",), b"\x00\x01\x02binary"),
    ):
        out = run(*args, stdin=stdin)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
        assert out.stderr.startswith("apigw-wizard: error:")
