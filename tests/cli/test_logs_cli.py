"""`apigw-wizard logs scan` end to end in a subprocess: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import run_wizard

SEED = Path(__file__).parents[1] / "analysis" / "logs_data" / "seed_execution.log"
GET_ID = "7f3a1c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b"
POST_ID = "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return run_wizard("logs", *args, stdin=stdin)


def test_text_report_on_the_seed_incident() -> None:
    out = run("scan", str(SEED))
    assert out.returncode == 0, out.stderr
    assert "Scanned 24 lines: 24 parsed, 0 unparseable skipped" in out.stdout
    assert f"{POST_ID}  POST /dashboard/update-profile → 403 ACCESS_DENIED" in out.stdout
    assert "NOT invoked (no 'Starting authorizer' line for this request)" in out.stdout
    assert "authz-cache-scoped-policy" in out.stdout
    assert f"{GET_ID}  GET /dashboard → 200  [authorizer ran; policy Allow on" in out.stdout
    assert "eyJzdWIiOiJ1c2VyLTQyIn0" not in out.stdout


def test_json_report_from_stdin() -> None:
    out = run("scan", "-", "--format", "json", stdin=SEED.read_bytes())
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["counts"]["lines"] == 24
    reqs = {r["request_id"]: r for r in data["requests"]}
    assert reqs[GET_ID]["authorizer_invoked"] is True
    assert reqs[POST_ID]["authorizer_invoked"] is False
    assert reqs[POST_ID]["cached_policy_from"] == GET_ID
    assert {"request_id", "first_time", "last_time", "status", "notable", "signals"} <= reqs[
        POST_ID
    ].keys()


def test_request_id_filter() -> None:
    out = run("scan", str(SEED), "--request-id", POST_ID, "--format", "json")
    assert out.returncode == 0
    assert [r["request_id"] for r in json.loads(out.stdout)["requests"]] == [POST_ID]


def test_unknown_request_id_is_inconclusive() -> None:
    out = run("scan", str(SEED), "--request-id", "nope")
    assert out.returncode == 4
    assert "does not appear in the 24 lines read" in out.stderr


def test_binary_garbage_is_counted_not_fatal(tmp_path: Path) -> None:
    f = tmp_path / "garbage.bin"
    f.write_bytes(os.urandom(200_000) + b"\n" + SEED.read_bytes() + b"\x00\xff" * 1000)
    out = run("scan", str(f), "--format", "json")
    assert out.returncode == 0, out.stderr
    counts = json.loads(out.stdout)["counts"]
    assert counts["unparseable"] > 0
    assert counts["requests"] == 2


def test_a_huge_line_without_newline_is_cut_not_swallowed(tmp_path: Path) -> None:
    f = tmp_path / "one-line.log"
    f.write_bytes(b"x" * (3 * 1024 * 1024 + 5))
    out = run("scan", str(f), "--format", "json")
    assert out.returncode == 0
    assert json.loads(out.stdout)["counts"]["lines"] == 4


def test_gzip_export_is_read_and_a_truncated_one_is_a_clear_error(tmp_path: Path) -> None:
    import gzip

    f = tmp_path / "export.gz"
    f.write_bytes(gzip.compress(SEED.read_bytes()))
    out = run("scan", str(f), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts"]["requests"] == 2
    piped = run("scan", "-", "--format", "json", stdin=f.read_bytes())
    assert json.loads(piped.stdout)["counts"]["requests"] == 2
    cut = tmp_path / "cut.gz"
    cut.write_bytes(f.read_bytes()[:-40])
    out = run("scan", str(cut))
    assert out.returncode == 2
    assert "logs: reading" in out.stderr and "failed" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_empty_input() -> None:
    out = run("scan", "-", stdin=b"")
    assert out.returncode == 0
    assert "Scanned 0 lines" in out.stdout


def test_nothing_recognisable_says_what_was_expected() -> None:
    out = run("scan", "-", stdin=b"hello\nworld\n")
    assert out.returncode == 0
    assert "Nothing here looks like an API Gateway or Lambda log line" in out.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["scan", "/nonexistent/file.log"], "logs: no such file: /nonexistent/file.log"),
        (["scan"], "the following arguments are required: FILE"),
        (["scan", "x.log", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["scan", "x.log", "--format", "xml"], "invalid choice: 'xml'"),
        ([], "choose a subcommand: scan"),
    ],
)
def test_bad_usage_is_one_line_exit_2(args: list[str], fragment: str) -> None:
    out = run(*args)
    assert out.returncode == 2
    assert fragment in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr


def test_directory_is_a_clear_error(tmp_path: Path) -> None:
    out = run("scan", str(tmp_path))
    assert out.returncode == 2
    assert "is a directory" in out.stderr


@pytest.mark.parametrize("jobs", ["0", "-1", "65", "two"])
def test_jobs_out_of_range_is_a_one_line_usage_error(jobs: str) -> None:
    out = run("scan", str(SEED), "--jobs", jobs)
    assert out.returncode == 2 and out.stdout == ""
    assert "--jobs: must be a whole number from 1 to 64" in out.stderr
    assert "Traceback" not in out.stderr


def test_jobs_on_stdin_reads_in_one_process_with_the_same_output() -> None:
    one = run("scan", "-", "--format", "json", stdin=SEED.read_bytes())
    two = run("scan", "-", "--format", "json", "--jobs", "2", stdin=SEED.read_bytes())
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
