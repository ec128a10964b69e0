"""A presigned URL's secrets never leave the program: explain (JSON and text) and the shared
redaction every report, session and log summary goes through."""

from __future__ import annotations

import json

import pytest

from wizard.analysis.redact import redact_text
from wizard.cli import main

SECRETS = {
    "X-Amz-Security-Token": "FQoGZXIvYXdzEJrSESSIONTOKENVALUE",
    "X-Amz-Signature": "abcdef0123456789abcdef0123456789",
    "X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fexecute-api",
    "api_key": "supersecretvalue123",
    "access_token": "opaque-token-value-42",
}
URL = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?" + "&".join(
    f"{k}={v}" for k, v in SECRETS.items()
)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_explain_redacts_the_presigned_query(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    main(["explain", "--format", fmt, f"GET {URL} returned 403 Forbidden"])
    out = capsys.readouterr().out
    for value in SECRETS.values():
        assert value not in out
    if fmt == "json":
        path = json.loads(out)["evidence"]["path"]
        assert path.startswith("/prod/items?X-Amz-Security-Token=[redacted]")


def test_redact_text_keeps_the_names_and_the_rest_of_the_query() -> None:
    out = redact_text(URL + "&page=2")
    assert "page=2" in out and "X-Amz-Credential=[redacted]" in out
    assert all(v not in out for v in SECRETS.values())


def test_a_header_credential_scope_stays_readable() -> None:
    header = (
        "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/"
        "execute-api/aws4_request, SignedHeaders=host, Signature=" + "ab" * 32
    )
    out = redact_text(header)
    assert "us-east-1/execute-api/aws4_request" in out and "ab" * 32 not in out
