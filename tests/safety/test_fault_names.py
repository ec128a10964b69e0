"""Each AWS fault, injected by the proxy on 127.0.0.1, is named (throttled, server error,
connection reset, timeout, credentials expired, access denied with the permission) and costs
a bounded number of attempts: after the breaker trips, later calls are not sent at all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from faultproxy import HANG, RESET, Action, FaultProxy, aws_error

from wizard.aws.budget import RunBudget
from wizard.aws.errors import AWS_FAULT_KINDS, aws_errors, fault_name
from wizard.aws.session import sandbox_session
from wizard.engine.probes import ProbeError, ProbeErrorKind

DENIED = (
    "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
    "apigateway:GET on resource: arn:aws:apigateway:us-east-1::/restapis"
)
FAULTS: dict[str, tuple[Action, ProbeErrorKind]] = {
    "throttled": (
        aws_error(429, "TooManyRequestsException", "Too Many Requests"),
        ProbeErrorKind.THROTTLED,
    ),
    "5xx": (
        aws_error(503, "ServiceUnavailableException", "Service Unavailable"),
        ProbeErrorKind.SERVER_ERROR,
    ),
    "reset": (RESET, ProbeErrorKind.CONNECTION_RESET),
    "hang": (HANG, ProbeErrorKind.TIMEOUT),
    "access-denied": (
        aws_error(403, "AccessDeniedException", DENIED),
        ProbeErrorKind.ACCESS_DENIED,
    ),
    "expired": (
        aws_error(
            403, "ExpiredTokenException", "The security token included in the request is expired"
        ),
        ProbeErrorKind.CREDENTIALS_EXPIRED,
    ),
}


@pytest.fixture
def proxy(ministack: Any) -> Iterator[FaultProxy]:
    with FaultProxy(ministack.endpoint_url) as p:
        yield p


def _call(proxy: FaultProxy, budget: RunBudget) -> ProbeError:
    session = sandbox_session(proxy.url)
    session.settings = replace(session.settings, read_timeout=1.0, connect_timeout=1.0)
    session.budget = budget
    with pytest.raises(ProbeError) as caught:
        for _ in range(3):  # three probes in a row against the same faulty endpoint
            with aws_errors("apigateway:GET", manual="aws apigateway get-rest-apis"):
                session.client("apigateway").get_rest_apis()
    return caught.value


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_is_named_with_its_manual_path(proxy: FaultProxy, fault: str) -> None:
    action, kind = FAULTS[fault]
    proxy.rule = lambda request: action
    lines: list[str] = []
    err = _call(proxy, RunBudget(timeout=60, progress=lines.append))
    assert err.kind is kind and kind in AWS_FAULT_KINDS
    assert fault_name(err.kind) in {
        "throttled",
        "server error",
        "connection reset",
        "timeout",
        "access denied",
        "credentials expired",
    }
    assert err.manual_hint
    if kind is ProbeErrorKind.ACCESS_DENIED:
        assert err.missing_permission == "apigateway:GET"
    # Bounded: at most one call's retries reach the proxy, whatever the fault.
    assert len(proxy.arrived) <= 6
    if kind not in (ProbeErrorKind.ACCESS_DENIED, ProbeErrorKind.CREDENTIALS_EXPIRED):
        assert lines and all(line.startswith("AWS: GetRestApis") for line in lines)


def test_the_breaker_stops_later_calls(proxy: FaultProxy) -> None:
    proxy.rule = lambda request: RESET
    budget = RunBudget(timeout=60)
    _call(proxy, budget)
    sent = len(proxy.arrived)
    session = sandbox_session(proxy.url)
    session.budget = budget
    with pytest.raises(ProbeError) as caught, aws_errors("apigateway:GET"):
        session.client("apigateway").get_rest_apis()
    assert caught.value.kind is ProbeErrorKind.CONNECTION_RESET
    assert len(proxy.arrived) == sent  # not sent at all


def test_a_spent_deadline_sends_nothing(proxy: FaultProxy) -> None:
    err = _call(proxy, RunBudget(timeout=0))
    assert err.kind is ProbeErrorKind.TIMEOUT and "--timeout" in err.message
    assert proxy.arrived == []


def test_a_healthy_endpoint_is_untouched(proxy: FaultProxy) -> None:
    session = sandbox_session(proxy.url)
    session.budget = RunBudget(timeout=60)
    assert "items" in session.client("apigateway").get_rest_apis()
