"""`apigw-wizard cache simulate`: the readable table, JSON shape, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import call_main as cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cache"


def test_text_table_and_moral(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "cache", "simulate", "--scenario", str(EXAMPLES / "first-call-works.yaml")
    )
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("#  "))
    assert header.split() == [
        "#",
        "t(s)",
        "identity",
        "method",
        "path",
        "cache",
        "lambda",
        "response",
    ]
    row1 = next(line for line in lines if line.startswith("1  "))
    assert row1.split()[3:] == ["POST", "/profile", "hit", "-", "403", "AccessDeniedException"]
    assert lines[-1].startswith("flush") or "Moral:" in out
    assert "TTL to 0" in out.replace("\n", " ")


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "cache",
        "simulate",
        "--scenario",
        str(EXAMPLES / "fix-ttl-zero.yaml"),
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"name", "authorizer", "steps", "summary", "findings", "moral"}
    assert data["summary"] == {
        "requests": 5,
        "lambda_invocations": 5,
        "cache_hits": 0,
        "forbidden_403": 0,
        "unauthorized_401": 0,
    }
    step = data["steps"][0]
    assert set(step) >= {
        "index",
        "at",
        "identity",
        "method_arn",
        "cache",
        "lambda_invoked",
        "decision",
        "response",
    }
    assert step["response"] == {"status": 200, "error_type": None, "message": None}


def test_json_scenario_from_stdin() -> None:
    scenario = {
        "authorizer": {"type": "TOKEN", "ttl": 60},
        "requests": [{"at": 0, "token": "t", "method": "GET", "path": "/a"}],
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "wizard",
            "cache",
            "simulate",
            "--scenario",
            "-",
            "--format",
            "json",
        ],
        input=json.dumps(scenario),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["steps"][0]["cache"] == "miss"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"authorizer: {ttl: 99999}\nrequests: [{at: 0, token: t, method: GET, path: /}]\n",
            "--scenario: authorizer.ttl",
        ),
        (b"requests: [\n", "--scenario: scenario is not valid YAML/JSON: line 2"),
        (b"\x00\x01\x02binary", "binary data"),
        (b"- just\n- a list\n", "scenario must be a mapping"),
        (b"requests: [{at: 0, token: t}]\n", "requests.0: give 'arn', or 'method' and 'path'"),
    ],
)
def test_bad_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    f = tmp_path / "s.yaml"
    f.write_bytes(content)
    code, _, err = cli(capsys, "cache", "simulate", "--scenario", str(f))
    assert code == 2
    assert err.count("\n") == 1 and message in err, err


def test_missing_file_and_unknown_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "cache", "simulate", "--scenario", "/nope.yaml")
    assert code == 2 and "no such file" in err
    code, _, err = cli(capsys, "cache", "simulate", "--scenario", "x", "--ttl", "3")
    assert code == 2 and "unrecognized arguments: --ttl" in err
    code, _, err = cli(capsys, "cache")
    assert code == 2 and "cache needs an action" in err


def test_refused_token_regex_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "backref.yaml"
    scenario.write_text(
        'authorizer: {type: TOKEN, ttl: 300, token_validation: "^(a)\\\\1$"}\n'
        "requests:\n  - {at: 0, token: aa, method: GET, path: /x}\n"
    )
    code, out, err = cli(capsys, "cache", "simulate", "--scenario", str(scenario))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "token_validation" in err and "linear time" in err


def test_json_scenario_nested_too_deeply_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "deep.json"
    scenario.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = cli(capsys, "cache", "simulate", "--scenario", str(scenario))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "apigw-wizard: error: --scenario: the scenario is nested more than 64 levels deep"
    ]
