"""A read-through cache for one investigation's AWS reads, installed on every client it hands out.

Several probes read the same things: the target resolution and `get_rest_api` both read the
API, `get_method`, `list_resources` and `get_deployments` all page through its resources,
`get_authorizer` and `authorizer_policy` both read the authorizer. With this cache each read
(one operation with the same parameters, one page of a listing) goes to AWS once per
investigation; probes keep calling boto3 as before.

It hooks botocore's own events on each client (`before-call` answers from the cache,
`after-call` stores), so paginators and waiters are covered too. Why it is safe:
- Only reads are kept: operations named `Get*`, `List*`, `Describe*`, `Filter*`, minus the
  ones whose answer changes between two identical calls (log events, query results:
  `UNCACHED`).
- Any other operation is a write (a fix, a rollback, the sandbox provisioning): it empties the
  cache before it is sent and again when it returns, and a read that was in flight across a
  write is not stored.
- Answers are copied on the way in and out: a probe that edits its response edits its own copy.
- Errors are not kept (a throttled or denied read is asked again), except "not found", which
  is an answer (a REST API id that is an HTTP API's).
- Two probes asking the same read at once: the second waits for the first's answer rather than
  sending its own (`get_method` waits on the target's resource listing).
- `clear()` forgets everything (a front end's "re-run probes" reads AWS afresh); inside
  `with cache.fresh():` a thread reads AWS again and stores what it got (a probe that polls
  for a change it caused, such as a log group a Lambda invocation creates).
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Reads whose answer moves on its own: new log lines, a query's progress.
UNCACHED = frozenset(
    {
        "FilterLogEvents",
        "GetLogEvents",
        "GetQueryResults",
        "GetLogRecord",
    }
)
# Neither a read to keep nor a change to the account's configuration: invoking something,
# starting or stopping a log query, API Gateway's test invocations.
NEUTRAL = frozenset(
    {
        "Invoke",
        "StartQuery",
        "StopQuery",
        "TestInvokeAuthorizer",
        "TestInvokeMethod",
        "AssumeRole",
    }
)
# Services whose answers botocore rewrites in an after-call handler that runs before this
# cache's (IAM's URL-encoded policy documents, decoded to dicts): a cached answer would be
# decoded a second time and fail. Their reads are not kept.
DECODED_AFTER_CALL = frozenset({"iam"})
_READ_PREFIXES = ("Get", "List", "Describe", "Filter")
_NOT_FOUND = 404
# A waiter gives up on the first caller after this long and sends its own read.
WAIT_SECONDS = 120.0


def is_cached_read(operation: str) -> bool:
    return operation.startswith(_READ_PREFIXES) and operation not in UNCACHED


def is_write(operation: str) -> bool:
    return not operation.startswith(_READ_PREFIXES) and operation not in NEUTRAL


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class ReadCache:
    """One investigation's AWS reads. Thread-safe; share it across the clients of a session."""

    enabled: bool = True
    _answers: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False)
    _pending: dict[str, _Pending] = field(default_factory=dict, repr=False)
    _generation: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    hits: int = 0
    misses: int = 0
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def install(self, client: Any) -> Any:
        """Hook this cache into a boto3 client's events; returns the client."""
        events = client.meta.events
        events.register_first("before-parameter-build", self._remember_params)
        events.register_first("before-call", self._before_call)
        events.register_first("after-call", self._after_call)
        events.register_first("after-call-error", self._after_error)
        return client

    def clear(self) -> None:
        """Forget every answer (in-flight reads finish but are not stored)."""
        with self._lock:
            self._answers.clear()
            self._generation += 1

    @contextlib.contextmanager
    def fresh(self) -> Iterator[None]:
        """In this block, this thread's reads go to AWS (and refresh what is stored)."""
        before = getattr(self._local, "fresh", False)
        self._local.fresh = True
        try:
            yield
        finally:
            self._local.fresh = before

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)

    # ---- botocore event handlers -------------------------------------------------------------

    def _remember_params(self, params: Any, context: dict[str, Any], **_: Any) -> None:
        # The caller's parameters (with a paginator's token) before serialization: the key.
        if isinstance(context, dict):
            context["read_cache_params"] = params

    def _before_call(self, model: Any, params: Any, context: dict[str, Any], **_: Any) -> Any:
        operation = model.name
        if is_write(operation):
            self.clear()
            return None
        if not self.enabled or not is_cached_read(operation) or model.has_streaming_output:
            return None
        if model.service_model.service_name in DECODED_AFTER_CALL:
            return None
        key = _key(operation, params, context)
        if getattr(self._local, "fresh", False):
            with self._lock:
                self.misses += 1
                context["read_cache"] = (key, self._generation)
            return None
        while True:
            with self._lock:
                if key in self._answers:
                    self.hits += 1
                    http, parsed = self._answers[key]
                    return http, copy.deepcopy(parsed)
                pending = self._pending.get(key)
                if pending is None:
                    self._pending[key] = _Pending()
                    self.misses += 1
                    context["read_cache"] = (key, self._generation)
                    return None
            if not pending.done.wait(WAIT_SECONDS):
                return None

    def _after_call(
        self, model: Any, http_response: Any, parsed: Any, context: dict[str, Any], **_: Any
    ) -> None:
        if is_write(model.name):
            self.clear()
            return
        owned = context.pop("read_cache", None) if isinstance(context, dict) else None
        if owned is None:
            return
        key, generation = owned
        status = getattr(http_response, "status_code", 0)
        with self._lock:
            if generation == self._generation and (status < 300 or status == _NOT_FOUND):
                self._answers[key] = (http_response, copy.deepcopy(parsed))
            self._release(key)

    def _after_error(self, context: dict[str, Any], **_: Any) -> None:
        owned = context.pop("read_cache", None) if isinstance(context, dict) else None
        if owned is not None:
            with self._lock:
                self._release(owned[0])

    def _release(self, key: str) -> None:
        pending = self._pending.pop(key, None)
        if pending is not None:
            pending.done.set()


def _key(operation: str, request: Any, context: dict[str, Any]) -> str:
    """Where the call goes (endpoint, region) + the operation + its parameters, sorted."""
    url = str((request or {}).get("url", "")).split("?", 1)[0]
    given = context.get("read_cache_params")
    if given is None:  # no parameters seen: the serialized request itself is the key
        given = {k: (request or {}).get(k) for k in ("url", "query_string", "body")}
    params = json.dumps(given, sort_keys=True, default=str)
    return f"{context.get('client_region')}|{url}|{operation}|{params}"
