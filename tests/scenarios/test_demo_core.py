"""wizard.sandbox.demo without an emulator: the printed curl command, what is handed to
`diagnose`, the sandbox credentials and the signal handling."""

from __future__ import annotations

import os
import shlex
import signal

import pytest

from wizard.aws.reproduce import ReproduceResult
from wizard.sandbox.demo import (
    SentRequest,
    Terminated,
    diagnose_argv,
    diagnose_target,
    response_text,
    sandbox_credentials,
    shown_command,
    stop_on_signals,
)
from wizard.sandbox.provision import Provisioned
from wizard.sandbox.scenario import RequestSpec

URL = "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_/reports"


def _out() -> Provisioned:
    return Provisioned(
        scenario="s",
        api_id="abc123",
        stage="prod",
        region="us-east-1",
        account_id="000000000000",
        endpoint_url="http://127.0.0.1:4566",
        tokens={"alice": "Bearer aaa.bbb.ccc"},
        api_keys={"k": {"id": "kid", "value": "key-value-0123456789"}},
    )


def _result(status: int = 403) -> ReproduceResult:
    return ReproduceResult(
        method="GET",
        url=URL,
        status_code=status,
        error_type="AccessDeniedException",
        error_message="User is not authorized to access this resource",
        request_id="r-1",
        body='{"Message":"User is not authorized to access this resource"}',
        headers={"x-amzn-ErrorType": "AccessDeniedException", "Content-Length": "60"},
    )


def _sent(req: RequestSpec, headers: dict[str, str]) -> SentRequest:
    return SentRequest(req, URL, headers, _result(), [])


def test_curl_redacts_token_and_key_and_keeps_other_headers() -> None:
    req = RequestSpec.model_validate(
        {
            "name": "r",
            "method": "GET",
            "path": "/reports",
            "token": "alice",
            "api_key": "k",
            "expect": {"status": 403},
        }
    )
    headers = {
        "Authorization": "Bearer aaa.bbb.ccc",
        "x-api-key": "key-value-0123456789",
        "X-Tenant-Id": "acme; $(rm -rf ~)",
    }
    argv = shlex.split(_sent(req, headers).curl())
    assert argv[:4] == ["curl", "-i", "-X", "GET"]
    assert "Authorization: <redacted>" in argv and "x-api-key: <redacted>" in argv
    assert "X-Tenant-Id: acme; $(rm -rf ~)" in argv  # quoted: a literal value, not a command
    assert argv[-1] == URL
    assert "Authorization: Bearer aaa.bbb.ccc" in shlex.split(
        _sent(req, headers).curl(show_secrets=True)
    )


def test_signed_request_is_shown_with_curls_own_signer() -> None:
    req = RequestSpec.model_validate(
        {
            "name": "r",
            "method": "GET",
            "path": "/reports",
            "sigv4": True,
            "sigv4_as": "iam_user",
            "expect": {"status": 403},
        }
    )
    headers = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA.../execute-api/aws4_request",
        "X-Amz-Date": "20261121T200000Z",
        "X-Amz-Security-Token": "secret-token",
    }
    text = _sent(req, headers).curl()
    assert "AWS4-HMAC-SHA256" not in text and "secret-token" not in text
    assert '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"' in text
    argv = shlex.split(text)
    assert argv[argv.index("--aws-sigv4") + 1] == "aws:amz:us-east-1:execute-api"


def test_diagnose_gets_the_token_key_and_every_other_header_as_sent() -> None:
    req = RequestSpec.model_validate(
        {
            "name": "r",
            "method": "POST",
            "path": "/reports",
            "token": "alice",
            "api_key": "k",
            "body": "{}",
            "expect": {"status": 403},
        }
    )
    headers = {
        "Authorization": "Bearer aaa.bbb.ccc",
        "x-api-key": "key-value-0123456789",
        "X-Tenant-Id": "acme",
        "Content-Type": "application/json",
    }
    sent = _sent(req, headers)
    target = diagnose_target(sent, _out())
    assert target == {
        "url": URL,
        "method": "POST",
        "token": "Bearer aaa.bbb.ccc",
        "api_key": "key-value-0123456789",
        "headers": {"X-Tenant-Id": "acme"},
    }
    argv = diagnose_argv("http://127.0.0.1:4566", sent, _out(), fmt="json", apply=True, yes=True)
    assert argv[:5] == [
        "diagnose",
        "--endpoint-url",
        "http://127.0.0.1:4566",
        "--region",
        "us-east-1",
    ]
    assert argv[argv.index("--header") + 1] == "X-Tenant-Id:acme"
    assert argv[-2:] == ["--apply", "--yes"]


def test_token_in_another_header_goes_to_diagnose_as_that_header() -> None:
    req = RequestSpec.model_validate(
        {
            "name": "r",
            "method": "GET",
            "path": "/x",
            "token": "alice",
            "token_header": "X-Auth",
            "expect": {"status": 403},
        }
    )
    target = diagnose_target(_sent(req, {"X-Auth": "Bearer aaa.bbb.ccc"}), _out())
    assert "token" not in target
    assert target["headers"] == {"X-Auth": "Bearer aaa.bbb.ccc"}


def test_response_text_is_what_a_person_would_paste() -> None:
    text = response_text(_result())
    assert text.splitlines()[:2] == ["HTTP/1.1 403", "x-amzn-ErrorType: AccessDeniedException"]
    assert "Content-Length" not in text
    assert text.endswith('{"Message":"User is not authorized to access this resource"}')


def test_sandbox_credentials_are_scoped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod-admin")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with sandbox_credentials():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "test"
        assert "AWS_PROFILE" not in os.environ  # the user's profile never reaches the demo
    assert os.environ["AWS_PROFILE"] == "prod-admin"
    assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_sigterm_inside_the_sandbox_unwinds_and_the_handler_is_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    unwound = False
    with pytest.raises(Terminated) as caught, stop_on_signals():
        try:
            os.kill(os.getpid(), signal.SIGTERM)  # the handler raises right here
            pytest.fail("SIGTERM did not unwind the block")
        finally:
            unwound = True
    assert unwound and caught.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is before


def test_shown_diagnose_command_hides_token_key_and_signature() -> None:
    argv = [
        "diagnose",
        "--url",
        URL,
        "--token",
        "Bearer aaa.bbb.ccc",
        "--api-key",
        "k-123",
        "--header",
        "Authorization:AWS4-HMAC-SHA256 Signature=abc",
        "--header",
        "X-Tenant-Id:a b",
    ]
    text = shown_command(argv)
    assert "aaa.bbb.ccc" not in text and "k-123" not in text and "Signature" not in text
    assert shlex.split(text) == [
        "apigw-wizard",
        "diagnose",
        "--url",
        URL,
        "--token",
        "<redacted>",
        "--api-key",
        "<redacted>",
        "--header",
        "Authorization:<redacted>",
        "--header",
        "X-Tenant-Id:a b",
    ]
