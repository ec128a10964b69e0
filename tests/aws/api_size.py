"""The seed incident inside a big API, and the AWS calls one `diagnose` makes on it.

Shared by tests/aws/test_api_size_calls.py (small sizes, asserted) and
benchmarks/bench_api_size.py (10 to 10,000 resources, printed). The seed scenario
(authz-cache-scoped-policy) is provisioned first; filler resources, authorizers, usage plans and
authorizer log lines are then added around it, concurrently, on the same emulator.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tests.aws.aws_probe_helpers import seed_diagnose_argv
from wizard.aws.session import AwsSession
from wizard.sandbox.provision import Provisioned

_THREADS = 8
_LOG_BATCH = 5_000


def _spread(fn: Any, items: list[Any]) -> None:
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        list(pool.map(fn, items))


def grow_resources(session: AwsSession, out: Provisioned, total: int) -> None:
    """Add resources until the API has `total` (in folders of 100, one GET on every tenth)."""
    apigw = session.client("apigateway")
    have = len(list(_all_resources(apigw, out.api_id)))
    missing = total - have
    if missing <= 0:
        return
    root = out.resource_ids.get("/") or next(
        r["id"] for r in _all_resources(apigw, out.api_id) if r["path"] == "/"
    )
    folders = max(1, (missing + 99) // 100)

    def folder(i: int) -> str:
        return str(
            apigw.create_resource(restApiId=out.api_id, parentId=root, pathPart=f"f{have}-{i}")[
                "id"
            ]
        )

    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        parents = list(pool.map(folder, range(folders)))
    leaves = [(parents[i % folders], i) for i in range(missing - folders)]

    def leaf(item: tuple[str, int]) -> None:
        parent, i = item
        rid = apigw.create_resource(restApiId=out.api_id, parentId=parent, pathPart=f"r{i}")["id"]
        if i % 10 == 0:
            apigw.put_method(
                restApiId=out.api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE"
            )

    _spread(leaf, leaves)


def _all_resources(apigw: Any, api_id: str) -> Iterator[dict[str, Any]]:
    for page in apigw.get_paginator("get_resources").paginate(restApiId=api_id, limit=500):
        yield from page.get("items", [])


def add_authorizers(session: AwsSession, out: Provisioned, count: int) -> None:
    apigw = session.client("apigateway")
    fn = out.function_arns["dashboard-jwt-authorizer"]
    uri = f"arn:aws:apigateway:{out.region}:lambda:path/2015-03-31/functions/{fn}/invocations"
    _spread(
        lambda i: apigw.create_authorizer(
            restApiId=out.api_id,
            name=f"filler-{i}",
            type="TOKEN",
            authorizerUri=uri,
            identitySource="method.request.header.Authorization",
        ),
        list(range(count)),
    )


def add_usage_plans(session: AwsSession, out: Provisioned, count: int) -> None:
    apigw = session.client("apigateway")
    _spread(lambda i: apigw.create_usage_plan(name=f"plan-{i}"), list(range(count)))


def add_log_events(session: AwsSession, group: str, count: int) -> None:
    """`count` authorizer-like lines in the last minutes, in a stream of their own."""
    logs = session.client("logs")
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    stream = f"filler-{time.time_ns()}"
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    start = int(time.time() * 1000) - 120_000
    for first in range(0, count, _LOG_BATCH):
        events = [
            {"timestamp": start + i, "message": f"INFO decision for principal user-{i}: Allow"}
            for i in range(first, min(count, first + _LOG_BATCH))
        ]
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


@dataclass
class Calls:
    """The AWS requests one diagnose sent (read-cache answers are not requests)."""

    sent: list[tuple[str, str]] = field(default_factory=list)  # (operation, parameters)
    # (service, operation, the API parameters as sent): enough to send the same read again, by
    # hand with the AWS CLI (benchmarks/bench_manual_procedure.py)
    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)  # perf_counter start, end

    def chain(self) -> int:
        """The longest run of calls each sent after the previous one answered: how many round
        trips the run had to wait for, one after another, however many ran beside them."""
        depth: list[int] = []
        order = sorted(range(len(self.spans)), key=lambda i: self.spans[i][1])
        ends = [self.spans[i] for i in order]
        for n, (start, _) in enumerate(ends):
            before = [depth[m] for m in range(n) if ends[m][1] <= start]
            depth.append(1 + max(before, default=0))
        return max(depth, default=0)

    def chain_seconds(self) -> float:
        """The same longest run, in time: the sum of its calls' durations as measured, each one's
        simulated round trip plus the emulator's own time to answer it (on AWS, that server time
        is part of the round trip too). Wall time over this is what the wizard itself adds."""
        longest: list[float] = []
        ends = sorted(self.spans, key=lambda span: span[1])
        for n, (start, end) in enumerate(ends):
            before = [longest[m] for m in range(n) if ends[m][1] <= start]
            longest.append(end - start + max(before, default=0.0))
        return max(longest, default=0.0)

    @property
    def count(self) -> int:
        return len(self.sent)

    def repeated(self) -> list[tuple[str, str]]:
        seen: set[tuple[str, str]] = set()
        again = []
        for call in self.sent:
            if call in seen:
                again.append(call)
            seen.add(call)
        return again

    def operations(self) -> list[str]:
        return [op for op, _ in self.sent]


@contextlib.contextmanager
def counting_calls(rtt: float = 0.0) -> Iterator[Calls]:
    """Count the requests of every client any AwsSession hands out in this block: a botocore
    `before-call` handler registered after the read cache's, so only real sends are seen.
    `rtt`: seconds each request waits before it is sent, as a real AWS round trip would."""
    calls = Calls()
    lock = threading.Lock()
    original = AwsSession.client
    hooked: weakref.WeakSet[Any] = weakref.WeakSet()

    def remember(params: Any, context: dict[str, Any], **_: Any) -> None:
        context["counted_params"] = json.dumps(params, sort_keys=True, default=str)
        context["counted_raw"] = dict(params)

    def record(model: Any, context: dict[str, Any], **_: Any) -> None:
        context["counted_start"] = time.perf_counter()
        with lock:
            calls.sent.append((model.name, str(context.get("counted_params"))))
            service = model.service_model.service_name
            calls.requests.append((service, model.name, context.get("counted_raw") or {}))

    def answered(context: dict[str, Any], **_: Any) -> None:
        start = context.pop("counted_start", None)
        if start is not None:
            with lock:
                calls.spans.append((start, time.perf_counter()))

    def wait(**_: Any) -> None:
        time.sleep(rtt)

    def client(self: AwsSession, service: str, region: str | None = None) -> Any:
        made = original(self, service, region)
        if made not in hooked:
            made.meta.events.register("before-parameter-build", remember)
            made.meta.events.register("before-call", record)
            made.meta.events.register("after-call", answered)
            made.meta.events.register("after-call-error", answered)
            if rtt:
                made.meta.events.register("before-send", wait)
            hooked.add(made)
        return made

    AwsSession.client = client  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        AwsSession.client = original  # type: ignore[method-assign]


def diagnose_calls(
    out: Provisioned, endpoint: str, rtt: float = 0.0
) -> tuple[int, dict[str, Any], Calls]:
    """`apigw-wizard diagnose` on the seed's failing POST, in this process: exit code, JSON
    result, the calls it sent (each delayed by `rtt` seconds when given)."""
    from wizard.cli import main

    printed = io.StringIO()
    with counting_calls(rtt) as calls, contextlib.redirect_stdout(printed):
        code = main(seed_diagnose_argv(out, endpoint))
    return code, json.loads(printed.getvalue()), calls
