"""One `diagnose` sends the same AWS requests whatever the API's size, and none twice.

The seed incident (authz-cache-scoped-policy) is diagnosed live on MiniStack, first in an API of
10 resources, then after the same API has grown to 300 resources, 50 authorizers, 100 usage plans
and 5,000 authorizer log lines. The call counts are counted, not timed; the big sizes are
measured by benchmarks/bench_api_size.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws.api_size import (
    Calls,
    add_authorizers,
    add_log_events,
    add_usage_plans,
    diagnose_calls,
    grow_resources,
)
from tests.aws.aws_probe_helpers import provision_seed, wizard_session

pytestmark = pytest.mark.emulator

CAUSE = "authz-cache-scoped-policy"


def test_diagnose_calls_do_not_grow_with_the_api(aws: Any, ministack: Any) -> None:
    # `aws` resets the shared emulator first: the seed is provisioned from scratch.
    session = wizard_session(ministack)
    out = provision_seed(ministack, session)
    grow_resources(session, out, 10)
    code, small_result, small = diagnose_calls(out, ministack.endpoint_url)
    assert small_result["diagnosis"]["cause"] == CAUSE, small_result
    assert small.repeated() == []
    assert small.count <= 15, small.operations()

    grow_resources(session, out, 300)
    add_authorizers(session, out, 50)
    add_usage_plans(session, out, 100)
    add_log_events(session, "/aws/lambda/dashboard-jwt-authorizer", 5_000)
    code_big, big_result, big = diagnose_calls(out, ministack.endpoint_url)
    assert big_result["diagnosis"]["cause"] == CAUSE, big_result
    assert big.repeated() == []
    assert sorted(big.operations()) == sorted(small.operations())
    assert code_big == code


def test_the_chain_is_the_longest_run_of_calls_sent_one_after_another() -> None:
    """A 1 s call, a 0.5 s call sent after it, a 3 s call beside both, and a last call sent once
    all three answered: the longest run is 3 calls (1 s, 0.5 s, last), but the longest in time
    is the 3 s call and the last one, 3.5 s (the benchmark's wall / chain ratio rests on both)."""
    calls = Calls(spans=[(0.0, 1.0), (0.0, 3.0), (3.5, 4.0), (1.5, 2.0)])
    assert calls.chain() == 3
    assert calls.chain_seconds() == pytest.approx(3.5)
    assert Calls().chain_seconds() == 0.0
