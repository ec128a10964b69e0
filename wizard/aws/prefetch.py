"""Reads started ahead of the probe that will need them, so it finds the answer waiting.

A walk reads AWS in links: the method names its authorizer, the authorizer names its Lambda,
whose log group the next probe looks up; the execution log group is named by the API and stage.
Between two links the walk spends CPU (deciding, evaluating, rendering), and each link then waits
a full round trip. As soon as a probe learns the next link's parameters it starts that read here,
in the background, through the session's read cache: the later probe's identical call either
finds the answer stored or waits on the same in-flight read (the cache's de-duplication), so no
read is sent twice. The prefetch keeps nothing and decides nothing - the Outcome is built from
what the probes read, whatever order the reads finished in.

- Only when the read cache is on (without it a prefetch would be a second call).
- Errors are dropped: errors are not cached, so the probe asks again and names its own fault
  (throttled, denied, timed out) exactly as without a prefetch.
- A cancelled walk (Ctrl-C, Esc) starts no prefetch, and pending ones check the flag before
  they are sent.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from wizard.aws.target import is_exact_resource
from wizard.engine.probes import ProbeContext
from wizard.engine.worker_threads import worker_pool

# A walk has a few links ahead at most; more threads would only contend for the 2 cores.
_WORKERS = 4
# Off only for the benchmark's side-by-side (benchmarks/bench_api_size.py): the same walk with
# every read left to its probe.
ENABLED = True
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = worker_pool(_WORKERS, "prefetch")
        return _pool


def _read(cancel: threading.Event, client: Any, operation: str, params: dict[str, Any]) -> None:
    if cancel.is_set():
        return
    with contextlib.suppress(Exception):  # the probe's own call names the fault
        getattr(client, operation)(**params)


def ahead(
    ctx: ProbeContext, service: str, operation: str, region: str | None = None, **params: Any
) -> Future[None] | None:
    """Start `operation(**params)` on the session's `service` client in the background; the
    parameters must be exactly those the later probe sends (the read cache's key)."""
    aws = ctx.aws
    cache = getattr(aws, "read_cache", None)
    if not ENABLED or aws is None or cache is None or not cache.enabled or ctx.cancel.is_set():
        return None
    try:
        client = aws.client(service, region=region)
    except Exception:  # no client, no prefetch: the probe reports why
        return None
    return _executor().submit(_read, ctx.cancel, client, operation, dict(params))


def _method_chain(apigw: Any, api_id: str, items: list[Any], path: str, method: str) -> None:
    own = [r for r in items if is_exact_resource(r, path)]
    if not own or method not in (own[0].get("resourceMethods") or {}):
        return  # a template or ANY match: get_method's fallback decides, not a guess here
    m = apigw.get_method(restApiId=api_id, resourceId=own[0]["id"], httpMethod=method)
    if m.get("authorizerId"):
        apigw.get_authorizer(restApiId=api_id, authorizerId=m["authorizerId"])


def rest_target(
    ctx: ProbeContext,
    api_id: str,
    stage: str | None,
    region: str | None,
    listing: dict[str, Any],
    path: str | None = None,
    method: str | None = None,
) -> Future[Future[None] | None] | None:
    """The target's first reads, from the invoke URL alone, while the walk is still sending the
    failing request and classifying its answer: `get_rest_api`, then (only when it is a REST
    API: an HTTP API's id would make them wasted calls) `get_stage` beside the first page of
    `get_resources` with the target resolution's own `listing` parameters; when that page holds
    the request `path`'s own resource with `method` defined, `get_method` and then the method's
    `get_authorizer`, as the probes will ask them. The future is the
    chain's; its result is the stage read's own future (the chain does not block a worker on it)."""
    aws = ctx.aws
    cache = getattr(aws, "read_cache", None)
    if not ENABLED or aws is None or cache is None or not cache.enabled or ctx.cancel.is_set():
        return None
    try:
        apigw = aws.client("apigateway", region=region)
    except Exception:
        return None

    def chain() -> Future[None] | None:
        if ctx.cancel.is_set():
            return None
        try:
            apigw.get_rest_api(restApiId=api_id)
        except Exception:  # not a REST API, or a fault resolve_target names itself
            return None
        stage_read = None
        if stage:
            params = {"restApiId": api_id, "stageName": stage}
            stage_read = _executor().submit(_read, ctx.cancel, apigw, "get_stage", params)
        try:
            items = apigw.get_resources(restApiId=api_id, **listing).get("items", [])
            if path and method and not ctx.cancel.is_set():
                _method_chain(apigw, api_id, items, path, method)
        except Exception:  # the probes ask again and name the fault
            pass
        return stage_read

    return _executor().submit(chain)
