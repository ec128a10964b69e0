"""`apigw-wizard jwt` end to end in a subprocess: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jwt
import pytest

from tests.cli.helpers import run_wizard

SECRET = "s" * 32
AT = "2023-11-14T22:13:20Z"
NOW = 1_700_000_000


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return run_wizard("jwt", *args, stdin=stdin, timeout=60)


def token(**claims: object) -> str:
    return jwt.encode(claims, SECRET, algorithm="HS256")


def test_text_output_explains_an_expired_id_token() -> None:
    t = token(
        sub="u1",
        token_use="id",
        iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
        iat=NOW - 3600,
        exp=NOW - 60,
    )
    out = run(f"Authorization: Bearer {t}", "--at", AT, "--ttl", "300")
    assert out.returncode == 0, out.stderr
    assert "Cognito user pool eu-west-1_AbC123 in eu-west-1" in out.stdout
    assert "2023-11-14 22:12:20 UTC  (1 minute ago)  ← EXPIRED" in out.stdout
    assert "Validity     EXPIRED 1 minute ago" in out.stdout
    assert "Cognito ID token" in out.stdout
    assert "What this means" in out.stdout
    assert t.split(".")[2] not in out.stdout, "signature never printed"


def test_json_output_is_stable() -> None:
    t = token(sub="u1", scope="a b", exp=NOW + 300, iat=NOW - 300)
    out = run(t, "--at", str(NOW), "--format", "json", "--secret", SECRET)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["scopes"] == ["a", "b"]
    assert data["expires_in_seconds"] == 300
    assert data["signature"] == {
        "checked": True,
        "valid": True,
        "method": "secret",
        "detail": "valid HS256 signature",
    }
    assert {"header", "claims", "times", "warnings", "authorizer_cache"} <= data.keys()
    assert "token" not in data


def test_route_scope_and_audience_checks() -> None:
    t = token(scope="profile/read", aud="app-a")
    out = run(
        t, "--scope", "profile/write", "--scope", "admin", "--audience", "app-b", "--format", "json"
    )
    assert out.returncode == 0, out.stderr
    codes = {w["code"] for w in json.loads(out.stdout)["warnings"]}
    assert {"missing-scope", "audience-mismatch"} <= codes


def test_stdin_and_file_and_reveal(tmp_path: Path) -> None:
    t = token(sub="u1")
    assert run("-", "--format", "json", stdin=t.encode()).returncode == 0
    f = tmp_path / "t.txt"
    f.write_text(f"Bearer {t}\n")
    out = run(f"@{f}", "--reveal", "--format", "json")
    assert json.loads(out.stdout)["token"] == t


def test_secret_from_file_and_jwks(tmp_path: Path) -> None:
    t = token(sub="u1")
    f = tmp_path / "secret"
    f.write_text(SECRET + "\n")
    out = run(t, "--secret", f"@{f}", "--format", "json")
    assert json.loads(out.stdout)["signature"]["valid"] is True
    bad = tmp_path / "jwks.json"
    bad.write_text("{oops")
    out = run(t, "--jwks", str(bad))
    assert out.returncode == 2


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["not-a-token"], "token: not a JWT: expected 3 segments"),
        (["e!!.e30.x"], "header segment has a character that is not base64url"),
        (["a.b.c", "--ttl", "soon"], "'soon' is not a whole number of seconds"),
        (["a.b.c", "--ttl", "-5"], "seconds cannot be negative"),
        (["a.b.c", "--at", "yesterday"], "'yesterday' is not a time"),
        (["a.b.c", "--pem", "/nonexistent/key.pem"], "--pem: no such file"),
        (["a.b.c", "--secret", "x", "--pem", "k.pem"], "not allowed with argument"),
        (["a.b.c", "--frobnicate"], "unrecognized arguments"),
        (["@/nonexistent/token"], "no such file"),
    ],
)
def test_bad_input_one_line_error_exit_2(args: list[str], fragment: str) -> None:
    out = run(*args)
    assert out.returncode == 2
    assert fragment in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr


def test_fifty_megabyte_paste_is_refused_clearly() -> None:
    out = run("-", stdin=b"eyJ" + b"A" * (50 * 1024 * 1024))
    assert out.returncode == 2
    assert "larger than 10 MB" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_oversized_but_under_cap_paste_is_refused() -> None:
    out = run("-", stdin=b"a" * (200 * 1024))
    assert out.returncode == 2
    assert "far too long for a JWT" in out.stderr


def test_binary_garbage_on_stdin() -> None:
    out = run("-", stdin=bytes(range(256)) * 10)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
