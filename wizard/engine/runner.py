"""Running one probe call: bind its parameters from facts, call it, and turn its result (or
its failure) into facts. Never raises: a failure is data, and its facts are unknown."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import jmespath

from wizard.engine.events import (
    OFFLINE_SKIP_REASON,
    Event,
    ProbeFailed,
    ProbeFinished,
    ProbeSkipped,
    ProbeStarted,
)
from wizard.engine.facts import UNKNOWN, Fact, FactSource, fits
from wizard.engine.models import TEMPLATE_REF, ProbeCall
from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind, ProbeRegistry
from wizard.engine.views import render_template

Outcome = dict[str, Any]
"""{"result": <JSON object>, "live": bool} or {"error": {kind, message, missing_permission,
manual_hint}, "live": bool}: what a visit stores, so facts can be refolded without re-running."""


@dataclass
class ProbeRunner:
    """Runs probe calls for a session (thread-safe: it only reads its fields)."""

    registry: ProbeRegistry
    aws: Any
    inputs: Mapping[str, Any]
    clock: Callable[[], datetime]

    def run(
        self,
        node_id: str,
        call: ProbeCall,
        values: Mapping[str, Any],
        cancel: threading.Event,
        note: Callable[[Event], None],
    ) -> dict[str, Any]:
        """Run one probe call; never raises. Returns {"result": ...} or {"error": {...}}."""
        facts = tuple(call.facts)
        spec = self.registry.get(call.probe) if call.probe in self.registry else None
        live = bool(spec and spec.needs_aws)
        if spec is not None and spec.needs_aws and self.aws is None:
            return self._skipped(node_id, call, OFFLINE_SKIP_REASON, facts, note, live)
        note(ProbeStarted(at=self.clock(), node=node_id, probe=call.probe, label=call.label))
        started = time.perf_counter()
        try:
            if spec is None:
                raise ProbeError(ProbeErrorKind.ERROR, f"probe '{call.probe}' is not registered")
            try:
                params = bind_params(call.with_, values)
            except _MissingFact as missing:
                raise ProbeError(
                    ProbeErrorKind.MISSING_INPUT,
                    f"needs {', '.join(missing.names)}, not known yet",
                    manual_hint=f"answer the questions that give {', '.join(missing.names)}",
                ) from None
            if cancel.is_set():
                raise ProbeError(ProbeErrorKind.CANCELLED, "cancelled")
            ctx = ProbeContext(inputs=self.inputs, facts=values, cancel=cancel, aws=self.aws)
            result = spec.fn(ctx, params)
            if not isinstance(result, dict):
                raise ProbeError(
                    ProbeErrorKind.ERROR, f"probe returned {type(result).__name__}, not an object"
                )
        except ProbeError as exc:
            if exc.kind is ProbeErrorKind.NOT_APPLICABLE:  # no fault: nothing to show or redo
                return self._skipped(node_id, call, exc.message, facts, note, live)
            return self._failed(node_id, call, exc, facts, note, live)
        except Exception as exc:  # a probe bug must not end the incident: its facts are unknown
            error = ProbeError(ProbeErrorKind.ERROR, f"{type(exc).__name__}: {exc}")
            return self._failed(node_id, call, error, facts, note, live)
        duration = (time.perf_counter() - started) * 1000
        note(
            ProbeFinished(
                at=self.clock(),
                node=node_id,
                probe=call.probe,
                label=call.label,
                duration_ms=round(duration, 3),
            )
        )
        return {"result": jsonable(result), "live": live}

    def _skipped(
        self,
        node_id: str,
        call: ProbeCall,
        reason: str,
        facts: tuple[str, ...],
        note: Callable[[Event], None],
        live: bool,
    ) -> dict[str, Any]:
        note(
            ProbeSkipped(
                at=self.clock(),
                node=node_id,
                probe=call.probe,
                label=call.label,
                reason=reason,
                facts=facts,
            )
        )
        return {"error": {"kind": "skipped", "message": reason}, "live": live}

    def _failed(
        self,
        node_id: str,
        call: ProbeCall,
        exc: ProbeError,
        facts: tuple[str, ...],
        note: Callable[[Event], None],
        live: bool,
    ) -> dict[str, Any]:
        kind = str(exc.kind.value if isinstance(exc.kind, ProbeErrorKind) else exc.kind)
        note(
            ProbeFailed(
                at=self.clock(),
                node=node_id,
                probe=call.probe,
                label=call.label,
                error_kind=kind,
                message=exc.message,
                missing_permission=exc.missing_permission,
                manual_hint=exc.manual_hint,
                facts=facts,
            )
        )
        return {
            "error": {
                "kind": kind,
                "message": exc.message,
                "missing_permission": exc.missing_permission,
                "manual_hint": exc.manual_hint,
            },
            "live": live,
        }


def facts_from_outcome(
    node_id: str, call: ProbeCall, outcome: Mapping[str, Any], at: datetime
) -> list[Fact]:
    origin = f"{node_id}/{call.label}"
    source: FactSource = "probe" if outcome.get("live") else "analyzer"
    facts: list[Fact] = []
    if "result" not in outcome:
        error = outcome.get("error") or {}
        note = str(error.get("message") or "the probe did not run")
        for name, sel in call.facts.items():
            facts.append(Fact(name, UNKNOWN, sel.type, source, origin, at, note))
        return facts
    result = outcome["result"]
    for name, sel in call.facts.items():
        value = _compiled(sel.select).search(result)
        if sel.type == "number" and fits(value, "integer"):
            pass
        elif not fits(value, sel.type):
            note = f"'{sel.select}' gave {type(value).__name__}, expected {sel.type}"
            facts.append(Fact(name, UNKNOWN, sel.type, source, origin, at, note))
            continue
        facts.append(Fact(name, value, sel.type, source, origin, at))
    return facts


@lru_cache(maxsize=512)
def _compiled(select: str) -> Any:
    return jmespath.compile(select)


class _MissingFact(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def bind_params(value: Any, values: Mapping[str, Any]) -> Any:
    """Fill probe parameters: exactly "{fact}" passes the raw value, other strings are templates;
    lists and mappings are filled recursively. Raises _MissingFact naming unknown facts."""
    if isinstance(value, str):
        refs = [m.group(1) for m in TEMPLATE_REF.finditer(value) if m.group(1)]
        missing = [r for r in refs if r not in values]
        if missing:
            raise _MissingFact(missing)
        whole = TEMPLATE_REF.fullmatch(value)
        if whole and whole.group(1):
            return values[whole.group(1)]
        return render_template(value, values)
    if isinstance(value, list):
        return [bind_params(v, values) for v in value]
    if isinstance(value, dict):
        return {k: bind_params(v, values) for k, v in value.items()}
    return value


def jsonable(value: Any) -> Any:
    """Probe results are stored in saved sessions: make them JSON-safe (datetimes from boto3...)."""
    return json.loads(json.dumps(value, default=str))
