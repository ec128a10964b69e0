"""`apigw-wizard policy eval|combine`: exit codes, JSON shape, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import call_main as cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
ARN = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/POST/profile"


def test_eval_json_shape_and_exit_zero_on_deny(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "policy",
        "eval",
        "--policy",
        str(EXAMPLES / "private-api-vpce.json"),
        "--arn",
        ARN,
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["decision"] == "explicit_deny"
    assert data["deciding"] == [0]
    assert [s["outcome"] for s in data["statements"]] == ["deny", "allow"]
    assert set(data["statements"][0]) == {
        "index",
        "sid",
        "effect",
        "outcome",
        "reason",
        "substitutions",
    }
    assert data["kind"] == "resource"
    assert data["request"]["principal"] == "anonymous"
    assert data["explanation"].startswith("Explicit deny")


def test_eval_through_the_vpce_allows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "policy",
        "eval",
        "--policy",
        str(EXAMPLES / "private-api-vpce.json"),
        "--arn",
        ARN,
        "--vpce",
        "vpce-0abc",
        "--source-ip",
        "10.0.0.9",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["decision"] == "allow"
    assert data["request"]["context"]["aws:vpcsourceip"] == ["10.0.0.9"]
    assert "aws:sourceip" not in data["request"]["context"]


def test_eval_escaped_policy_from_stdin_and_context(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    text = (EXAMPLES / "get-rest-api-escaped.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    code, out, _ = cli(
        capsys,
        "policy",
        "eval",
        "--policy",
        "-",
        "--arn",
        ARN,
        "--context",
        "aws:SourceIp=198.51.100.1",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["decision"] == "explicit_deny"


def test_eval_inline_json_and_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    policy = json.dumps(
        {
            "Statement": {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:*",
                "Resource": "execute-api:/prod/GET/*",
            }
        }
    )
    code, out, _ = cli(capsys, "policy", "eval", "--policy", policy, "--arn", ARN)
    assert code == 0
    assert out.startswith("Decision: IMPLICIT DENY")
    assert "differs in the method" in out


def test_combine_lambda_with_ip_allow_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "policy",
        "combine",
        "--resource-policy",
        str(EXAMPLES / "ip-allow-list.json"),
        "--auth",
        "lambda",
        "--authorizer-policy",
        str(EXAMPLES / "authorizer-scoped.json"),
        "--arn",
        ARN,
        "--source-ip",
        "198.51.100.1",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["decision"] == "implicit_deny"
    assert data["cause_hint"] == "authz-implicit-deny-arn-mismatch"
    assert data["response"] == {
        "status": 403,
        "error_type": "AccessDeniedException",
        "message": "User is not authorized to access this resource",
    }
    assert data["resource_policy"]["decision"] == "implicit_deny"
    assert data["authorizer_policy"]["decision"] == "implicit_deny"


def test_combine_cross_account_detected_from_principal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "policy",
        "combine",
        "--auth",
        "iam",
        "--auth-decision",
        "allow",
        "--principal",
        "arn:aws:iam::999988887777:user/x",
        "--arn",
        ARN,
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["cause_hint"] == "rp-cross-account-iam"
    assert data["inputs"]["cross_account"] is True


def test_combine_pre_auth_deny_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "policy",
        "combine",
        "--resource-policy",
        str(EXAMPLES / "ip-deny-list.json"),
        "--auth",
        "lambda",
        "--auth-decision",
        "allow",
        "--arn",
        ARN,
        "--source-ip",
        "198.51.100.1",
    )
    assert code == 0
    assert "EXPLICIT DENY" in out and "rp-explicit-deny" in out
    assert "not invoked" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["policy", "eval", "--policy", '{"Statement": [{"Effect": "Allow",', "--arn", ARN],
            "--policy: policy is not valid JSON: line 1 column",
        ),
        (["policy", "eval", "--policy", "/no/such/file.json", "--arn", ARN], "no such file"),
        (
            [
                "policy",
                "eval",
                "--policy",
                str(EXAMPLES / "ip-allow-list.json"),
                "--arn",
                "arn:aws:s3:::b",
            ],
            "--arn: not an execute-api ARN",
        ),
        (
            [
                "policy",
                "eval",
                "--policy",
                str(EXAMPLES / "ip-allow-list.json"),
                "--arn",
                ARN,
                "--source-ip",
                "nope",
            ],
            "--source-ip: 'nope' is not an IP address",
        ),
        (
            [
                "policy",
                "eval",
                "--policy",
                str(EXAMPLES / "ip-allow-list.json"),
                "--arn",
                ARN,
                "--context",
                "novalue",
            ],
            "--context: 'novalue' is not KEY=VALUE",
        ),
        (
            [
                "policy",
                "eval",
                "--policy",
                '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"IpAdress": {}}}]}',
                "--arn",
                ARN,
            ],
            "unknown operator 'IpAdress' (did you mean IpAddress?)",
        ),
        (
            ["policy", "combine", "--auth", "lambda", "--arn", ARN],
            "--auth lambda needs --auth-decision or --authorizer-policy",
        ),
        (
            ["policy", "combine", "--auth-decision", "allow", "--arn", ARN],
            "need --auth iam, lambda or cognito",
        ),
        (
            ["policy", "combine", "--auth", "iam", "--auth-decision", "maybe", "--arn", ARN],
            "'maybe' is not one of",
        ),
        (
            ["policy", "eval", "--policy", "{}", "--arn", ARN, "--bogus"],
            "unrecognized arguments: --bogus",
        ),
        (["policy"], "policy needs an action"),
        (
            ["policy", "eval", "--policy", "{}", "--arn", ARN, "--kind", "identity"],
            "invalid choice: 'identity'",
        ),
        (
            ["policy", "eval", "--policy", "{}", "--arn", ARN, "--absent", "aws:SourceIp=1"],
            "--absent: 'aws:SourceIp=1' is not a condition key name",
        ),
        (
            [
                "policy",
                "eval",
                "--policy",
                "{}",
                "--arn",
                ARN,
                "--context",
                "aws:SourceIp=10.0.0.1",
                "--absent",
                "AWS:SOURCEIP",
            ],
            "aws:SourceIp is given a value and also removed",
        ),
    ],
)
def test_bad_input_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _out, err = cli(capsys, *argv)
    assert code == 2
    last = err.strip().splitlines()[-1]
    assert message in last, err
    assert "Traceback" not in err


def test_binary_garbage_file_subprocess(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.json"
    bad.write_bytes(bytes(range(256)) * 4)
    proc = subprocess.run(
        [sys.executable, "-m", "wizard", "policy", "eval", "--policy", str(bad), "--arn", ARN],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not valid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_fifty_megabyte_paste_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (50 * 1024 * 1024))
    proc = subprocess.run(
        [sys.executable, "-m", "wizard", "policy", "eval", "--policy", str(big), "--arn", ARN],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "larger than 10 MB" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_match_names_the_first_difference(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "policy",
        "match",
        "--pattern",
        "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/profile",
        "--pattern",
        "execute-api:/Prod/*",
        "--arn",
        ARN,
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["matches"] is False
    assert [(p["first_mismatch"], p["arn_value"]) for p in data["patterns"]] == [
        ("method", "POST"),
        ("stage", "prod"),
    ]
    code, out, _ = cli(capsys, "policy", "match", "--pattern", "execute-api:/*", "--arn", ARN)
    assert code == 0 and "The method ARN is covered." in out


def test_match_bad_arn(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "policy", "match", "--pattern", "*", "--arn", "nope")
    assert code == 2 and err.count("\n") == 1 and "--arn: not an ARN" in err


def test_combine_with_endpoint_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ep = tmp_path / "endpoint.json"
    ep.write_text(
        json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "execute-api:Invoke",
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}},
                    },
                    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
                ]
            }
        )
    )
    code, out, _ = cli(
        capsys,
        "policy",
        "combine",
        "--endpoint-policy",
        str(ep),
        "--vpce",
        "vpce-1",
        "--arn",
        ARN,
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0
    assert (data["decided_by"], data["cause_hint"]) == (
        "vpc_endpoint_policy",
        "vpce-endpoint-policy",
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"Statement": [')
    code, _, err = cli(capsys, "policy", "combine", "--endpoint-policy", str(bad), "--arn", ARN)
    assert code == 2 and err.startswith("apigw-wizard: error: --endpoint-policy: ")


def _policy(condition: dict[str, Any] | None = None, *, principal: bool = True) -> str:
    """A one-statement policy (Version 2012-10-17) allowing the whole API, as JSON text."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }
    if principal:
        statement["Principal"] = "*"
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


USER_POLICY = _policy({"StringEquals": {"aws:Referer": "https://example.com/user/${aws:username}"}})


def _eval_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = cli(capsys, "policy", "eval", "--arn", ARN, "--format", "json", *argv)
    assert code == 0, err
    return dict(json.loads(out))


def test_context_gives_a_policy_variable_its_value(capsys: pytest.CaptureFixture[str]) -> None:
    """--context aws:username=Bob (any key, also as a variable's value) substitutes
    ${aws:username}, and the output says so."""
    data = _eval_json(
        capsys,
        "--policy",
        USER_POLICY,
        "--context",
        "aws:username=Bob",
        "--context",
        "aws:Referer=https://example.com/user/Bob",
    )
    assert data["decision"] == "allow"
    assert data["statements"][0]["substitutions"] == ["${aws:username} → Bob"]
    assert "${aws:username} → Bob" in data["explanation"]


def test_context_with_an_empty_value_and_absent_remove_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy = _policy({"Bool": {"aws:SecureTransport": "true"}})
    assert _eval_json(capsys, "--policy", policy)["decision"] == "allow"
    for flags in (["--context", "aws:SecureTransport="], ["--absent", "aws:SecureTransport"]):
        data = _eval_json(capsys, "--policy", policy, *flags)
        assert data["decision"] == "implicit_deny"
        assert "aws:securetransport" not in data["request"]["context"]
        assert data["request"]["absent"] == ["aws:SecureTransport"]


def test_kind_flag_and_the_detected_kind_are_said(capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy(principal=False)
    detected = _eval_json(capsys, "--policy", policy)
    assert detected["kind"] == "authorizer" and detected["decision"] == "allow"
    assert any("read as an authorizer" in n for n in detected["notes"])
    asked = _eval_json(capsys, "--policy", policy, "--kind", "resource")
    assert asked["kind"] == "resource" and asked["decision"] == "implicit_deny"
    code, out, _ = cli(
        capsys, "policy", "eval", "--policy", policy, "--arn", ARN, "--kind", "resource"
    )
    assert code == 0
    assert "note: evaluated as a resource policy, as asked" in out
    assert "applies to no one" in out


def test_text_output_shows_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy({"StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}})
    code, out, _ = cli(capsys, "policy", "eval", "--policy", policy, "--arn", ARN)
    assert code == 0
    assert "warning: statement 0: StringEquals aws:CalledVia" in out


def test_combine_evaluates_each_side_as_its_kind(capsys: pytest.CaptureFixture[str]) -> None:
    """A Principal-less --resource-policy applies to no one; the same text as the authorizer's
    policy applies to the caller."""
    no_principal = json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}
    )
    code, out, _ = cli(
        capsys,
        "policy",
        "combine",
        "--resource-policy",
        no_principal,
        "--auth",
        "lambda",
        "--authorizer-policy",
        no_principal,
        "--arn",
        ARN,
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["resource_policy"]["kind"] == "resource"
    assert data["resource_policy"]["decision"] == "implicit_deny"
    assert data["authorizer_policy"]["kind"] == "authorizer"
    assert data["authorizer_policy"]["decision"] == "allow"
    assert data["decision"] == "allow"  # same account: the authorizer's Allow is enough
