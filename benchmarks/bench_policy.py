"""Policy evaluation and cache simulation throughput (figures printed, nothing asserted).

A playbook walk or the TUI re-evaluates policies on every keystroke of an edited policy, so an
evaluation must stay well under a millisecond for typical resource policies.
"""

from __future__ import annotations

import json
import time

from wizard.analysis.cache_sim import load_scenario, simulate
from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.parse import parse_policy
from wizard.analysis.policy.request import RequestContext

ACCT = "111122223333"


def policy(n: int) -> dict[str, object]:
    statements: list[dict[str, object]] = []
    for i in range(n):
        statements.append(
            {
                "Sid": f"S{i}",
                "Effect": "Deny" if i % 3 == 0 else "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{ACCT}:role/r{i}", ACCT]},
                "Action": ["execute-api:Invoke"],
                "Resource": [f"execute-api:/prod/GET/items/{i}/*", "execute-api:/dev/*"],
                "Condition": {
                    "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                    "StringNotEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]},
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def bench_eval(n_statements: int, rounds: int) -> None:
    text = json.dumps(policy(n_statements))
    parsed = parse_policy(text)
    req = RequestContext(
        method_arn=f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3/prod/GET/items/7/x",
        principal=f"arn:aws:sts::{ACCT}:assumed-role/r7/s",
        source_ip="198.51.100.1",
    )
    start = time.perf_counter()
    for _ in range(rounds):
        evaluate_policy(parsed, req)
    parsed_rate = rounds / (time.perf_counter() - start)
    start = time.perf_counter()
    for i in range(rounds):
        # A different text each time (trailing spaces), so the parse cache never helps.
        evaluate_policy(text + " " * (i % 997 + 1) * (1 + i // 997), req)
    cold_rate = rounds / (time.perf_counter() - start)
    print(
        f"policy eval, {n_statements:>3} statements: {parsed_rate:9.0f} evals/s pre-parsed, "
        f"{cold_rate:9.0f} evals/s parsing fresh JSON each time ({1e3 / cold_rate:.3f} ms each)"
    )


def _with_variables(doc: dict[str, object]) -> dict[str, object]:
    """The same policy with a policy variable in every Resource and String condition value."""
    text = json.dumps(doc)
    text = text.replace("/items/", "/${aws:PrincipalTag/area, 'items'}/")
    text = text.replace('"vpce-1"', "\"vpce-${aws:PrincipalTag/n, '1'}\"")
    return dict(json.loads(text))


def bench_variables(n_statements: int, rounds: int) -> None:
    """Cost of substituting policy variables, as a ratio to the same policy without them
    (both measured here, in this run, on this machine)."""
    plain = parse_policy(json.dumps(policy(n_statements)))
    varied = parse_policy(json.dumps(_with_variables(policy(n_statements))))
    req = RequestContext(
        method_arn=f"arn:aws:execute-api:us-east-1:{ACCT}:a1b2c3/prod/GET/items/7/x",
        principal=f"arn:aws:sts::{ACCT}:assumed-role/r7/s",
        source_ip="198.51.100.1",
    )
    assert evaluate_policy(plain, req).decision == evaluate_policy(varied, req).decision
    times = []
    for doc in (plain, varied):
        start = time.perf_counter()
        for _ in range(rounds):
            evaluate_policy(doc, req)
        times.append(time.perf_counter() - start)
    print(
        f"policy variables, {n_statements:>3} statements: evaluation takes "
        f"{times[1] / times[0]:.2f}x the time of the same policy without variables"
    )


def bench_cache(n_requests: int) -> None:
    data = {
        "authorizer": {"type": "TOKEN", "ttl": 300},
        "returns": {"resource": "{methodArn}"},
        "requests": [
            {
                "at": i,
                "token": f"t{i % 50}",
                "method": "GET" if i % 2 else "POST",
                "path": f"/p/{i % 7}",
            }
            for i in range(n_requests)
        ],
    }
    start = time.perf_counter()
    result = simulate(load_scenario(data))
    elapsed = time.perf_counter() - start
    print(
        f"cache simulate: {n_requests} requests in {elapsed * 1e3:.0f} ms "
        f"({n_requests / elapsed:.0f} requests/s, {result.invocations} invocations)"
    )


if __name__ == "__main__":
    bench_eval(2, 5000)
    bench_eval(20, 1000)
    bench_eval(100, 200)
    bench_variables(20, 1000)
    bench_cache(5000)
