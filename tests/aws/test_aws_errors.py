"""Error classification. AccessDenied, throttling and expired tokens cannot be produced by the
emulator (AUTH off), so botocore's Stubber answers them; an unreachable endpoint is real."""

from __future__ import annotations

import socket

import boto3
import botocore.exceptions
import pytest
from aws_probe_helpers import run_probe
from botocore.config import Config
from botocore.stub import Stubber

from wizard.aws.errors import classify
from wizard.aws.session import AwsSession, AwsSettings
from wizard.engine.probes import ProbeError, ProbeErrorKind


class _StubbedSession(AwsSession):
    """A wizard session whose clients are stubbed (no retries, so throttling shows at once)."""

    def __init__(self) -> None:
        b3 = boto3.Session(
            aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1"
        )
        super().__init__(settings=AwsSettings(region="us-east-1"), boto3_session=b3)
        self.stubbers: dict[str, Stubber] = {}

    def client(self, service, region=None):
        if service not in self._clients:
            c = self.boto3_session.client(
                service, region_name="us-east-1", config=Config(retries={"max_attempts": 1})
            )
            self._clients[service] = c
            self.stubbers[service] = Stubber(c)
            self.stubbers[service].activate()
        return self._clients[service]


def _stub(session, service, op, code, message, status=400):
    session.client(service)
    session.stubbers[service].add_client_error(
        op, service_error_code=code, service_message=message, http_status_code=status
    )


def test_access_denied_names_the_missing_action():
    s = _StubbedSession()
    _stub(
        s,
        "apigateway",
        "get_rest_api",
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: apigateway:GET "
        "on resource: arn:aws:apigateway:us-east-1::/restapis/abc",
        403,
    )
    with pytest.raises(ProbeError) as err:
        run_probe("get_rest_api", s, {"api_id": "abc"})
    e = err.value
    assert e.kind is ProbeErrorKind.ACCESS_DENIED
    assert e.missing_permission == "apigateway:GET"
    assert "aws apigateway get-rest-api --rest-api-id abc" in (e.manual_hint or "")


def test_access_denied_without_action_in_message_uses_the_probes_action():
    s = _StubbedSession()
    # Not allowed to list groups: the probe goes on and reads; reading is denied too.
    _stub(s, "logs", "describe_log_groups", "AccessDeniedException", "Access denied", 400)
    _stub(s, "logs", "filter_log_events", "AccessDeniedException", "Access denied", 400)
    with pytest.raises(ProbeError) as err:
        run_probe("execution_logs", s, {"api_id": "abc", "stage": "prod"})
    assert err.value.kind is ProbeErrorKind.ACCESS_DENIED
    assert err.value.missing_permission == "logs:FilterLogEvents"


def test_throttling_after_retries():
    s = _StubbedSession()
    _stub(s, "apigateway", "get_stage", "TooManyRequestsException", "Too Many Requests", 429)
    with pytest.raises(ProbeError) as err:
        run_probe("get_stage", s, {"api_id": "abc", "stage": "prod"})
    assert err.value.kind is ProbeErrorKind.THROTTLED
    assert "after the retries" in err.value.message


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ExpiredTokenException", ProbeErrorKind.CREDENTIALS_EXPIRED),
        ("UnrecognizedClientException", ProbeErrorKind.CREDENTIALS),
        ("InvalidClientTokenId", ProbeErrorKind.CREDENTIALS),
    ],
)
def test_expired_or_invalid_credentials(code, kind):
    s = _StubbedSession()
    _stub(
        s,
        "sts",
        "get_caller_identity",
        code,
        "The security token included in the request is expired",
    )
    with pytest.raises(ProbeError) as err:
        run_probe("aws_caller_identity", s)
    assert err.value.kind is kind
    assert "sso login" in (err.value.manual_hint or "")


def test_no_credentials_is_a_credentials_error():
    e = classify(botocore.exceptions.NoCredentialsError())
    assert e.kind is ProbeErrorKind.CREDENTIALS


def test_timeouts_and_unknown_errors():
    assert (
        classify(botocore.exceptions.ReadTimeoutError(endpoint_url="https://x")).kind
        is ProbeErrorKind.TIMEOUT
    )
    assert classify(botocore.exceptions.NoRegionError()).kind is ProbeErrorKind.MISSING_INPUT
    assert classify(RuntimeError("boom")).kind is ProbeErrorKind.ERROR


def test_emulator_gap_404_is_unsupported_not_missing():
    err = botocore.exceptions.ClientError(
        {
            "Error": {
                "Code": "NotFoundException",
                "Message": "Unknown API Gateway v1 path: /restapis/a/authorizers/b",
            }
        },
        "TestInvokeAuthorizer",
    )
    assert classify(err).kind is ProbeErrorKind.UNSUPPORTED
    real = botocore.exceptions.ClientError(
        {"Error": {"Code": "NotFoundException", "Message": "Invalid API identifier specified"}},
        "GetRestApi",
    )
    assert classify(real).kind is ProbeErrorKind.NOT_FOUND


def test_unreachable_endpoint_for_real():
    """A closed port on 127.0.0.1: botocore's real connection error, classified."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    b3 = boto3.Session(aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1")
    s = AwsSession(
        settings=AwsSettings(
            region="us-east-1",
            endpoint_url=f"http://127.0.0.1:{port}",
            max_attempts=1,
            connect_timeout=1,
        ),
        boto3_session=b3,
    )
    with pytest.raises(ProbeError) as err:
        run_probe("get_account", s)
    assert err.value.kind is ProbeErrorKind.UNREACHABLE


def test_offline_probe_call_is_missing_input():
    with pytest.raises(ProbeError) as err:
        run_probe("get_stage", None, {"api_id": "a", "stage": "b"})
    assert err.value.kind is ProbeErrorKind.MISSING_INPUT
    with pytest.raises(ProbeError) as err:
        run_probe("get_stage", None, {"api_id": "a", "stage": "{stage}"})
    assert "stage" in err.value.message
