"""`apigw-wizard diagnose --offline` end to end in a subprocess: exit codes, JSON, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WALKS = Path(__file__).resolve().parents[1] / "playbooks" / "walks"
SEED = WALKS / "seed-cache-scoped.yaml"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", "diagnose", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def seed_answers(tmp_path: Path) -> Path:
    answers = yaml.safe_load(SEED.read_text())["answers"]
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    return path


def test_seed_json_shape_and_fix_pending_exit(tmp_path: Path) -> None:
    proc = run("--offline", "--answers", str(seed_answers(tmp_path)), "--format", "json")
    assert proc.returncode == 1, proc.stderr  # diagnosed, fix not applied
    data = json.loads(proc.stdout)
    assert data["diagnosis"]["cause"] == "authz-cache-scoped-policy"
    assert data["questions"] <= 4  # issue 11: the seed in at most 4 questions
    top = data["causes"][0]
    assert set(top) == {"id", "title", "confidence", "evidence", "next_checks"}
    assert top["id"] == "authz-cache-scoped-policy"
    assert any("POST/dashboard/update-profile" in e for e in top["evidence"])
    fixes = {f["fix"]: f for f in data["fixes"]}
    assert set(fixes) == {"fix-cache-wildcard-resource", "fix-cache-ttl-zero"}
    ttl = fixes["fix-cache-ttl-zero"]
    assert ttl["applied"] is False and ttl["verified"] is None
    assert any(c.startswith("aws apigateway update-authorizer") for c in ttl["cli"])
    assert any(c.startswith("aws apigateway create-deployment") for c in ttl["cli"])
    assert "authorizer_id" in ttl["missing"]  # offline: the id is not known
    assert ttl["applicable"] is False
    evidence = {e["name"]: e for e in data["evidence"]}
    assert evidence["authorizer_ttl"]["value"] == 300
    assert evidence["authorizer_ttl"]["source"] == "answer"
    assert isinstance(data["unknown"], list)
    nodes = [step["node"] for step in data["path"]]
    assert nodes[-1] == "end_cache_scoped" and "q_ttl" in nodes


def test_answer_flags_override_and_read_files(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(
        '{"policyDocument": {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke",'
        ' "Resource": "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*/*"}]}}'
    )
    proc = run(
        "--offline",
        "--answers",
        str(seed_answers(tmp_path)),
        "--answer",
        f"q_policy_cached=@{policy}",
        "--answer",
        "q_rp_after_authz=none",
        "--format",
        "json",
    )
    data = json.loads(proc.stdout)
    # A wildcard cached policy covers the call: not the cache, the deployment.
    assert data["diagnosis"]["cause"] == "rp-not-redeployed"


def test_answers_keyed_by_fact_name(tmp_path: Path) -> None:
    answers = yaml.safe_load(SEED.read_text())["answers"]
    answers["authorizer_ttl"] = answers.pop("q_ttl")
    path = tmp_path / "a.json"
    path.write_text(json.dumps(answers))
    proc = run("--offline", "--answers", str(path), "--format", "json")
    assert json.loads(proc.stdout)["diagnosis"]["cause"] == "authz-cache-scoped-policy"


def test_missing_answer_is_a_usage_error_naming_the_question(tmp_path: Path) -> None:
    answers = yaml.safe_load(SEED.read_text())["answers"]
    del answers["q_ttl"]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(answers))
    proc = run("--offline", "--answers", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "q_ttl" in lines[0] and "--answer q_ttl=VALUE" in lines[0]
    assert "Traceback" not in proc.stderr


def test_no_answers_at_all_names_the_first_question() -> None:
    proc = run("--offline")
    assert proc.returncode == 2
    assert "'q_error'" in proc.stderr


def test_bad_choice_is_a_one_line_usage_error() -> None:
    proc = run(
        "--offline",
        "--answer",
        "q_error=<html><center>nginx</center></html>",
        "--answer",
        "q_origin=mars",
    )
    assert proc.returncode == 2
    assert "q_origin" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("q_error: [unclosed", "invalid YAML"),
        ('{"q_error": ', "invalid JSON"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_broken_answers_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(content)
    proc = run("--offline", "--answers", str(path))
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_missing_answers_file_and_bad_answer_flag() -> None:
    proc = run("--offline", "--answers", "/nonexistent/answers.yaml")
    assert proc.returncode == 2 and "no such file" in proc.stderr
    proc = run("--offline", "--answer", "q_ttl")
    assert proc.returncode == 2 and "ID=VALUE" in proc.stderr


def test_inconclusive_exit_code() -> None:
    data = yaml.safe_load((WALKS / "forbidden-unknown.yaml").read_text())
    args = [a for k, v in data["answers"].items() for a in ("--answer", f"{k}={v}")]
    proc = run("--offline", *args, "--format", "json")
    assert proc.returncode == 4, proc.stderr
    assert json.loads(proc.stdout)["diagnosis"]["inconclusive"] is True


def test_text_output_teaches_and_lists_commands(tmp_path: Path) -> None:
    proc = run("--offline", "--answers", str(seed_answers(tmp_path)))
    assert proc.returncode == 1
    out = proc.stdout
    assert "authz-cache-scoped-policy" in out
    assert "Why:" in out and "without invoking the authorizer" in out
    assert "$ aws apigateway update-authorizer" in out
    assert "Path: " in out


def test_apply_needs_a_live_target(tmp_path: Path) -> None:
    proc = run("--offline", "--answers", str(seed_answers(tmp_path)), "--apply")
    assert proc.returncode == 2 and "--apply" in proc.stderr


def test_tokens_are_redacted_in_json(tmp_path: Path) -> None:
    data = yaml.safe_load((WALKS / "http-jwt-scope.yaml").read_text())
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data["answers"]))
    proc = run("--offline", "--answers", str(path), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    token = data["answers"]["q_token"].split()[-1]
    assert token.split(".")[2] not in proc.stdout
    assert json.loads(proc.stdout)["diagnosis"]["cause"] == "httpapi-jwt-insufficient-scope"


def test_unknown_answer_key_suggests_the_nearest_question(tmp_path: Path) -> None:
    proc = run("--offline", "--answers", str(seed_answers(tmp_path)), "--answer", "q_tll=300")
    assert proc.returncode == 2
    assert "no question 'q_tll'" in proc.stderr and "did you mean 'q_ttl'" in proc.stderr


@pytest.mark.parametrize("suffix", ["md", "html", "json"])
def test_report_file_is_written(tmp_path: Path, suffix: str) -> None:
    report = tmp_path / f"incident.{suffix}"
    proc = run("--offline", "--answers", str(seed_answers(tmp_path)), "--report", str(report))
    assert proc.returncode == 1, proc.stderr
    text = report.read_text()
    assert "authz-cache-scoped-policy" in text or "Authorizer cache" in text
    assert str(report) in proc.stderr


def test_report_to_an_unwritable_place_is_a_usage_error(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("x")
    proc = run(
        "--offline",
        "--answers",
        str(seed_answers(tmp_path)),
        "--report",
        str(not_a_dir / "r.md"),
    )
    assert proc.returncode == 2 and "--report" in proc.stderr and "Traceback" not in proc.stderr


def test_policy_given_as_a_yaml_mapping(tmp_path: Path) -> None:
    answers = yaml.safe_load(SEED.read_text())["answers"]
    answers["q_policy_cached"] = {
        "principalId": "u",
        "policyDocument": {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "execute-api:Invoke",
                    "Resource": "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/dashboard",
                }
            ]
        },
    }
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(answers))
    proc = run("--offline", "--answers", str(path), "--format", "json")
    assert json.loads(proc.stdout)["diagnosis"]["cause"] == "authz-cache-scoped-policy"


def test_invalid_playbook_is_a_usage_error_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'schema_version: 1\nid: x\nversion: "1"\ntitle: t\nstart: a\nnodes:\n'
        "  a: {kind: end, diagnosis: nope-cause, summary: s}\n"
    )
    proc = run("--offline", "--playbook", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:7" in proc.stderr and "nope-cause" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
