"""The corrected request of a client-side fix, from facts alone (no emulator): the API's region,
not the client's; the one near route or none; the management endpoint with the stage; secrets
never printed, credential variables left for the shell and nothing else expandable."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from wizard.aws.fixes.render import SIGV4_USER, CliTarget, shell_join
from wizard.investigation.corrected_request import corrected_request

URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/orders"
SIGNATURE = "0123456789abcdef" * 4
TARGET = CliTarget(region="eu-west-1")


def _auth(key: str, region: str, service: str) -> dict[str, str]:
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={key}/20261203/{region}/{service}/"
        f"aws4_request, SignedHeaders=host;x-amz-date, Signature={SIGNATURE}",
        "X-Amz-Date": "20261203T120000Z",
        "Accept": "application/json",
    }


def test_signed_for_the_apis_region_and_execute_api_not_what_the_client_used() -> None:
    headers = _auth("AKIAEXAMPLEKEY", "us-east-1", "s3")
    facts = {"region": "eu-west-1"}
    out = corrected_request(
        "signature", facts, url=URL, method="get", headers=headers, target=TARGET
    )
    assert out is not None and out.kind == "signature"
    assert out.argv[:4] == ["curl", "-i", "-X", "GET"]
    sigv4 = out.argv[out.argv.index("--aws-sigv4") + 1]
    assert sigv4 == "aws:amz:eu-west-1:execute-api"
    assert out.argv[-1] == URL and out.argv[4:6] == ["-H", "Accept: application/json"]
    assert any("region us-east-1, not eu-west-1" in c for c in out.changes)
    assert any("service s3" in c for c in out.changes)
    assert SIGNATURE not in out.command and "X-Amz-Date" not in out.command  # re-signed
    assert "AWS_SESSION_TOKEN" not in out.command  # long-term keys: no session token
    assert f'--user "{SIGV4_USER}"' in out.command
    assert shlex.split(out.command) == out.argv


def test_temporary_credentials_send_their_session_token_from_the_environment() -> None:
    headers = {**_auth("ASIATEMPORARYKEY", "eu-west-1", "execute-api")}
    headers["X-Amz-Security-Token"] = "IQoJb3JpZ2luX2VjEXAMPLESECRET"
    out = corrected_request(
        "signature", {"region": "eu-west-1"}, url=URL, method="GET", headers=headers, target=TARGET
    )
    assert out is not None
    assert '-H "x-amz-security-token: $AWS_SESSION_TOKEN"' in out.command
    assert "IQoJb3JpZ2luX2VjEXAMPLESECRET" not in out.command
    assert out.env == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]


def test_a_bearer_header_is_left_out_and_the_region_unknown_means_no_request() -> None:
    headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"}
    out = corrected_request(
        "signature", {"region": "eu-west-1"}, url=URL, method="GET", headers=headers, target=TARGET
    )
    assert out is not None and "Bearer" not in out.command
    assert any("not a SigV4 signature" in c for c in out.changes)
    unknown = CliTarget(region="<region>")
    assert (
        corrected_request("signature", {}, url=URL, method="GET", headers={}, target=unknown)
        is None
    )


def test_the_shell_expands_the_credential_variables_and_nothing_hostile(tmp_path: Path) -> None:
    hostile = "https://h.example/$(touch pwned)/`touch pwned2`/$AWS_SECRET_ACCESS_KEY"
    line = shell_join(["printf", "%s\\n", SIGV4_USER, hostile], env_words={SIGV4_USER})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_ACCESS_KEY_ID": "AKIDVALUE",
        "AWS_SECRET_ACCESS_KEY": "SECRETVALUE",
    }
    done = subprocess.run(
        ["sh", "-c", line], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["AKIDVALUE:SECRETVALUE", hostile]
    assert not list(tmp_path.iterdir())  # nothing ran
    # A word the caller did not list, or one with more than the variables, stays literal.
    assert shell_join([SIGV4_USER]) == shlex.quote(SIGV4_USER)
    assert shell_join(["$HOME:$AWS_ACCESS_KEY_ID"], env_words={"$HOME:$AWS_ACCESS_KEY_ID"}) == (
        shlex.quote("$HOME:$AWS_ACCESS_KEY_ID")
    )


ROUTE_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/order?x=1"


@pytest.mark.parametrize(
    ("routes", "method", "expected"),
    [
        (["GET /orders"], "GET", ("GET", "/prod/orders")),
        (["GET /orders", "POST /orders"], "POST", ("POST", "/prod/orders")),
        (["GET /orders", "GET /ordes"], "GET", None),  # two are near: no guess
        (["GET /order/{id}"], "GET", None),  # a template: the value is the client's
        (["GET /health"], "GET", None),  # nothing near
    ],
)
def test_route_only_when_exactly_one_served_route_is_near(
    routes: list[str], method: str, expected: tuple[str, str] | None
) -> None:
    facts = {"deployed_routes": routes, "path": "/order", "region": "eu-west-1"}
    out = corrected_request("route", facts, url=ROUTE_URL, method=method, headers={}, target=TARGET)
    if expected is None:
        assert out is None
        return
    assert out is not None
    assert out.argv[3] == expected[0]
    assert out.argv[-1] == f"https://abc123.execute-api.eu-west-1.amazonaws.com{expected[1]}?x=1"


def test_the_wrong_method_on_an_existing_path_gets_the_served_method() -> None:
    facts = {"deployed_routes": ["GET /orders"], "path": "/orders"}
    url = "http://127.0.0.1:4566/restapis/a1/prod/_user_request_/orders"
    out = corrected_request("route", facts, url=url, method="POST", headers={}, target=TARGET)
    assert out is not None and out.argv == ["curl", "-i", "-X", "GET", url]


WS_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/@connections/L0SM9cOFvHcCIhw%3D"


def test_management_endpoint_has_the_stage_on_aws_and_on_the_emulator() -> None:
    facts = {"api_id": "abc123", "stage": "@connections", "api_stages": ["prod"]}
    out = corrected_request(
        "management-endpoint", facts, url=WS_URL, method="POST", headers={}, target=TARGET
    )
    assert out is not None
    assert out.argv[:3] == ["aws", "apigatewaymanagementapi", "post-to-connection"]
    endpoint = out.argv[out.argv.index("--endpoint-url") + 1]
    assert endpoint == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
    assert out.argv[out.argv.index("--connection-id") + 1] == "L0SM9cOFvHcCIhw="
    assert out.argv[out.argv.index("--region") + 1] == "eu-west-1"

    emulator = CliTarget(region="us-east-1", endpoint_url="http://127.0.0.1:4566")
    local = {**facts, "host_kind": "emulator", "region": "us-east-1"}
    url = "http://127.0.0.1:4566/_aws/execute-api/abc123/@connections/L0SM"
    out = corrected_request(
        "management-endpoint", local, url=url, method="POST", headers={}, target=emulator
    )
    assert out is not None
    endpoint = out.argv[out.argv.index("--endpoint-url") + 1]
    assert endpoint == "http://127.0.0.1:4566/_aws/execute-api/abc123/prod"


def test_management_endpoint_with_several_stages_and_none_named_is_not_guessed() -> None:
    facts = {"api_id": "abc123", "stage": "@connections", "api_stages": ["dev", "prod"]}
    out = corrected_request(
        "management-endpoint", facts, url=WS_URL, method="POST", headers={}, target=TARGET
    )
    assert out is None
