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


def _har_file(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    path = tmp_path / "session.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    return path


def _har_entry(
    url: str, status: int, headers: list[tuple[str, str]], body: str
) -> dict[str, object]:
    return {
        "request": {
            "method": "GET",
            "url": url,
            "headers": [
                {
                    "name": "Authorization",
                    "value": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln",
                },
                {"name": "x-api-key", "value": "abcdefghijklmnopqrstuvwxyz0123456789ABCD"},
            ],
        },
        "response": {
            "status": status,
            "statusText": "Forbidden",
            "headers": [{"name": n, "value": v} for n, v in headers],
            "content": {"mimeType": "application/json", "text": body},
        },
        "_resourceType": "fetch",
    }


API = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod"
APIGW = [("x-amzn-RequestId", "0f6c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5")]


def test_har_explains_the_failing_request_and_redacts(tmp_path: Path) -> None:
    body = (
        '{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on '
        "resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/orders with an "
        'explicit deny"}'
    )
    har = _har_file(
        tmp_path,
        [
            _har_entry(f"{API}/items", 200, APIGW, "[]"),
            _har_entry(f"{API}/orders", 403, APIGW, body),
        ],
    )
    out = run("--har", str(har), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["har"] == {"entry": 1, "method": "GET", "url": f"{API}/orders", "status": 403}
    assert data["causes"][0]["id"] == "rp-explicit-deny"
    assert "paste:har" in data["observations"]
    assert "abcdefghijklmnopqrstuvwxyz0123456789ABCD" not in out.stdout
    assert "eyJzdWIiOiJ4In0" not in out.stdout
    # --url picks another entry; prose given as TEXT joins the request
    picked = json.loads(
        run(
            "--har", str(har), "--url", "/items", "it fails only from the VPC", "--format", "json"
        ).stdout
    )
    assert picked["har"]["entry"] == 0


def test_har_errors_are_one_line(tmp_path: Path) -> None:
    ok = _har_file(tmp_path, [_har_entry(f"{API}/items", 200, APIGW, "[]")])
    bad = tmp_path / "bad.har"
    bad.write_text("{not json", encoding="utf-8")
    deep = tmp_path / "deep.har"
    deep.write_text("[" * 200 + "]" * 200, encoding="utf-8")
    for args, needle in (
        (("--har", str(ok)), "no request in the HAR file failed"),
        (("--har", str(bad)), "is not valid JSON"),
        (("--har", str(deep)), "nested more than"),
        (("--har", str(tmp_path / "none.har")), "no such file"),
        (("x", "--url", "/items"), "use it with --har"),
    ):
        out = run(*args)
        assert out.returncode == 2, (args, out.stderr)
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
        assert needle in out.stderr, out.stderr


def test_the_next_step_is_the_question_that_separates() -> None:
    bare = 'HTTP/1.1 403 Forbidden\nx-amzn-RequestId: 0f6c1d2e\n\n{"message":"Forbidden"}'
    data = json.loads(run(bare, "--format", "json").stdout)
    step = data["next_step"]
    assert step["kind"] == "question" and step["id"] == "q_forbidden_context"
    assert step["expected_gain_bits"] > 0
    assert {a["points_to"] for a in step["answers"]} >= {"waf-block", "stage-not-found"}
    text = run(bare).stdout
    assert "The question that tells them apart" in text and "A WAF web ACL" in text
    # No HTTP error at all: the response is asked for first.
    slow = json.loads(run("our service is slow sometimes", "--format", "json").stdout)
    assert slow["signal"] is False and slow["next_step"]["id"] == "q_error"
    # The seed's paste is decisive (0.97): no answer could change the cause, nothing to ask.
    decisive = json.loads(run(SEED, "--format", "json").stdout)
    assert decisive["causes"][0]["confidence"] > 0.9 and decisive["next_step"] is None
