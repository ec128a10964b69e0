"""`diagnose` live on the seed incident, through the fault proxy in front of MiniStack: each
AWS fault after STS (throttling, 5xx, resets, hangs, AccessDenied, expired credentials) is
named in text and in JSON, the run ends with exit 3, and it is bounded by --timeout."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from faultproxy import FORWARD, HANG, RESET, Action, FaultProxy, Request, aws_error

from tests.aws.aws_probe_helpers import emulator_env, seed_diagnose_argv
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator

DENIED = (
    "User: arn:aws:iam::000000000000:user/dev is not authorized to perform: apigateway:GET "
    "on resource: arn:aws:apigateway:us-east-1::/restapis"
)
FAULTS: dict[str, tuple[Action, str]] = {
    "throttled": (aws_error(429, "TooManyRequestsException", "Too Many Requests"), "throttled"),
    "5xx": (aws_error(502, "BadGatewayException", "Bad Gateway"), "server error"),
    "reset": (RESET, "connection reset"),
    "hang": (HANG, "timeout"),
    "access-denied": (aws_error(403, "AccessDeniedException", DENIED), "access denied"),
    "expired": (
        aws_error(
            403, "ExpiredTokenException", "The security token included in the request is expired"
        ),
        "credentials expired",
    ),
}


@pytest.fixture
def seed(aws_client: Any, ministack: Any) -> Provisioned:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    assert send_request(scenario.requests[0], out).status_code == 200  # the cached GET Allow
    return out


@pytest.fixture
def proxy(ministack: Any) -> Iterator[FaultProxy]:
    with FaultProxy(ministack.endpoint_url) as p:
        yield p


def _after_sts(action: Action) -> Any:
    """The fault on every API Gateway control-plane call; STS (who am I) and the failing
    request itself (the emulator's data plane) answer, so the run gets going."""

    def rule(request: Request) -> Action:
        control = request.path.startswith("/restapis") and "/_user_request_/" not in request.path
        return action if control else FORWARD

    return rule


def _diagnose(out: Provisioned, endpoint: str, fmt: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "wizard",
            *seed_diagnose_argv(out, endpoint, fmt),
            "--timeout",
            "40",
        ],
        capture_output=True,
        text=True,
        timeout=180,  # a hang guard: --timeout is what bounds the run
        env=emulator_env(),
    )


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_is_named_with_exit_3(seed: Provisioned, proxy: FaultProxy, fault: str) -> None:
    action, name = FAULTS[fault]
    proxy.rule = _after_sts(action)
    as_json = _diagnose(seed, proxy.url, "json")
    assert as_json.returncode == 3, as_json.stderr[-2000:] + as_json.stdout[:3000]
    doc = json.loads(as_json.stdout)  # always a document
    failures = doc["probe_failures"]
    assert failures and any(f["fault"] == name for f in failures), failures
    assert all(f.get("manual") for f in failures if f["fault"] == name)
    if fault == "access-denied":
        assert any(f["missing_permission"] == "apigateway:GET" for f in failures)
    as_text = _diagnose(seed, proxy.url, "text")
    assert as_text.returncode == 3
    assert name in as_text.stdout + as_text.stderr
    assert "Traceback" not in as_text.stderr + as_json.stderr
