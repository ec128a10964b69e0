"""Run several probes at once, the way a playbook probe node does (one thread per probe).

The engine (wizard.engine.session) is the normal driver; this small runner serves the
benchmarks, the demo's evidence summary and tests that want a node's evidence without a
playbook. Failures come back classified, never raised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind
from wizard.engine.worker_threads import map_interruptibly, worker_pool


@dataclass
class Outcome:
    probe: str
    result: dict[str, Any] | None = None
    error: ProbeError | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Gathered:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def facts(self) -> dict[str, Any]:
        """Every successful probe's result merged (later probes win on a shared name)."""
        merged: dict[str, Any] = {}
        for o in self.outcomes:
            if o.result:
                merged.update({k: v for k, v in o.result.items() if v is not None})
        return merged

    def errors(self) -> dict[str, ProbeError]:
        return {o.probe: o.error for o in self.outcomes if o.error is not None}


def _run_one(name: str, params: Mapping[str, Any], ctx: ProbeContext) -> Outcome:
    started = time.perf_counter()
    try:
        result = REGISTRY.get(name).fn(ctx, params)
        return Outcome(name, result=result, seconds=time.perf_counter() - started)
    except ProbeError as err:
        return Outcome(name, error=err, seconds=time.perf_counter() - started)
    except Exception as exc:  # a probe bug must not kill the walk
        bug = ProbeError(ProbeErrorKind.ERROR, f"{type(exc).__name__}: {exc}")
        return Outcome(name, error=bug, seconds=time.perf_counter() - started)


def gather(
    calls: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    aws: Any,
    facts: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    cancel: threading.Event | None = None,
    concurrent: bool = True,
) -> Gathered:
    """Run `(probe name, params)` calls, concurrently unless told otherwise."""
    ctx = ProbeContext(
        inputs=dict(inputs or {}),
        facts=dict(facts or {}),
        cancel=cancel or threading.Event(),
        aws=aws,
    )
    started = time.perf_counter()
    if concurrent and len(calls) > 1:
        with worker_pool(len(calls), "probe") as pool:
            outcomes = list(map_interruptibly(pool, lambda c: _run_one(c[0], c[1], ctx), calls))
    else:
        outcomes = [_run_one(name, params, ctx) for name, params in calls]
    return Gathered(outcomes, time.perf_counter() - started)
