"""Everything that happens in a walk, as plain frozen data for the front ends and the report.

The session appends these to its `timeline` and returns the new ones from each call
(`answer`, `run_probes`, `advance`, `back`). Every event has `at` (a timezone-aware datetime from
the session's clock) and serialises with `to_dict()` / `event_from_dict()`.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any

# Values that `dataclasses.asdict` hands back as they are (deepcopy returns the same object).
_ATOMIC = frozenset({str, int, float, bool, type(None), datetime})


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` makes of a field's value (a fresh copy of dicts, lists and
    tuples, nested dataclasses as dicts), without its per-value deepcopy machinery: events are
    turned into dicts for every Outcome and save (~1,700 per seed diagnose, ~15 ms)."""
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    if kind is list:
        return [_plain(v) for v in value]
    if kind is tuple:
        return tuple(_plain(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return copy.deepcopy(value)


@dataclass(frozen=True, kw_only=True)
class Event:
    at: datetime

    @property
    def name(self) -> str:
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        data = {name: _plain(getattr(self, name)) for name in _field_names(type(self))}
        data["at"] = self.at.isoformat()
        return {"event": self.name, **data}


_FIELD_NAMES: dict[type[Event], tuple[str, ...]] = {}


def _field_names(cls: type[Event]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass(frozen=True, kw_only=True)
class NodeEntered(Event):
    node: str
    kind: str
    title: str | None = None


@dataclass(frozen=True, kw_only=True)
class QuestionAsked(Event):
    node: str
    fact: str
    prompt: str


@dataclass(frozen=True, kw_only=True)
class AnswerRecorded(Event):
    node: str
    fact: str
    value: Any  # None when the user said "I don't know" (known=False)
    known: bool = True


@dataclass(frozen=True, kw_only=True)
class ProbeStarted(Event):
    node: str
    probe: str
    label: str  # the probe call's id, or its probe name


@dataclass(frozen=True, kw_only=True)
class ProbeFinished(Event):
    node: str
    probe: str
    label: str
    duration_ms: float


@dataclass(frozen=True, kw_only=True)
class ProbeFailed(Event):
    """A probe could not read what it was asked: its facts are unknown, never false."""

    node: str
    probe: str
    label: str
    error_kind: str  # a wizard.engine.probes.ProbeErrorKind value
    message: str
    missing_permission: str | None = None
    manual_hint: str | None = None  # what the user can do or paste instead
    facts: tuple[str, ...] = ()  # the facts that are now unknown


# Why a live probe is skipped in an offline walk (prompt mode groups these into one line).
OFFLINE_SKIP_REASON = "needs an AWS connection; this walk is offline"


@dataclass(frozen=True, kw_only=True)
class ProbeSkipped(Event):
    """A probe not run: a live AWS probe in an offline walk, or a read that does not apply
    (a REST read of an HTTP API). Its facts are unknown; no error to show."""

    node: str
    probe: str
    label: str
    reason: str
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FactSet(Event):
    fact: str
    value: Any  # None when unknown
    known: bool
    source: str  # answer | pasted | analyzer | probe | input
    origin: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Transition(Event):
    """An edge taken, with the reason (the decision's words, plus which facts were unknown)."""

    source: str
    target: str
    edge: str  # next | choices.N | default | on_unknown | return | skip
    reason: str


@dataclass(frozen=True, kw_only=True)
class Finding(Event):
    """A cause identified (at a fix node, or a diagnosing end node)."""

    node: str
    cause: str
    title: str
    explanation: str


@dataclass(frozen=True, kw_only=True)
class FixProposed(Event):
    node: str
    cause: str
    fix: str
    title: str


@dataclass(frozen=True, kw_only=True)
class FixApplied(Event):
    """A fix the front end applied (after the user's confirmation), declined or rolled back."""

    fix: str
    cause: str | None
    outcome: str  # applied | failed | declined | rolled_back | verified
    detail: str = ""
    commands: tuple[str, ...] = ()  # the CLI commands run (rendered from the operations)
    rollback: tuple[str, ...] = ()  # the commands that undo it
    by: str | None = None
    verified: bool | None = None


@dataclass(frozen=True, kw_only=True)
class WentBack(Event):
    source: str
    target: str


@dataclass(frozen=True, kw_only=True)
class SessionEnded(Event):
    node: str
    diagnosis: str | None  # catalogue cause id, None when inconclusive
    summary: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        NodeEntered,
        QuestionAsked,
        AnswerRecorded,
        ProbeStarted,
        ProbeFinished,
        ProbeFailed,
        ProbeSkipped,
        FactSet,
        Transition,
        Finding,
        FixProposed,
        FixApplied,
        WentBack,
        SessionEnded,
    )
}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event saved with `to_dict()` (unknown keys are ignored)."""
    cls = EVENT_TYPES[data["event"]]
    names = {f.name for f in fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    kwargs["at"] = datetime.fromisoformat(data["at"])
    for f in fields(cls):
        if f.name in kwargs and isinstance(kwargs[f.name], list) and "tuple" in str(f.type):
            kwargs[f.name] = tuple(kwargs[f.name])
    return cls(**kwargs)
