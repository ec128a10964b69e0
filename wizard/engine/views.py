"""Plain views of a session for the front ends and the report: the node waiting, the path,
proposed fixes, the diagnosis, ranked candidates, applied fixes; and fact values as text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wizard.engine.facts import UNKNOWN, Fact
from wizard.engine.models import TEMPLATE_REF, Node

UNKNOWN_TEXT = "(unknown)"


@dataclass(frozen=True)
class Current:
    """The node waiting for the front end: a question to render or probes to run (or the end).

    `node` is the playbook's declaration (render the question from it); `default` is the answer
    to pre-fill: the one given before going back, else the question's declared default.
    """

    node_id: str
    kind: str
    node: Node
    default: Any = None
    remembered: bool = False
    asked_by: str | None = None  # the decision whose on_unknown asked this question


@dataclass(frozen=True)
class PathStep:
    """One visited node and the edge taken out of it, with the reason."""

    node: str
    kind: str
    title: str | None
    at: datetime
    edge: str | None = None
    target: str | None = None
    reason: str | None = None
    answer: Any = None  # questions: the answer (None when unknown)

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "kind": self.kind,
            "title": self.title,
            "at": self.at.isoformat(),
            "edge": self.edge,
            "target": self.target,
            "reason": self.reason,
            "answer": self.answer,
        }


@dataclass(frozen=True)
class ProposedFix:
    """A catalogue fix proposed by a fix node. `fix` is the catalogue's Fix model (operations
    with `{placeholder}` params: bind them with `Session.known_facts()`), None without a catalogue."""

    node: str
    cause: str
    fix_id: str
    title: str
    explanation: str  # the fix node's explanation, facts filled in
    fix: Any = None
    # Its catalogue `applies_when` over the facts: "true", or "unknown" (a fact it needs is not
    # known: show it with `applies_note`, never apply it automatically). Fixes whose condition
    # is false are not proposed at all.
    applies: str = "true"
    applies_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "cause": self.cause,
            "fix": self.fix_id,
            "title": self.title,
            "explanation": self.explanation,
            "applies": self.applies,
            "applies_note": self.applies_note,
            "detail": self.fix.model_dump(mode="json") if self.fix is not None else None,
        }


@dataclass(frozen=True)
class Diagnosis:
    """How the walk ended. `cause` is None when inconclusive."""

    node: str
    cause: str | None
    title: str | None
    summary: str
    evidence: tuple[Fact, ...] = ()

    @property
    def inconclusive(self) -> bool:
        return self.cause is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "cause": self.cause,
            "title": self.title,
            "summary": self.summary,
            "inconclusive": self.inconclusive,
            "evidence": [f.to_dict() for f in self.evidence],
        }


@dataclass(frozen=True)
class Candidate:
    """A candidate cause from the classifier, re-ranked as evidence arrives."""

    id: str
    title: str
    confidence: float
    evidence: tuple[str, ...] = ()
    next_checks: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "confidence": self.confidence,
            "evidence": list(self.evidence),
            "next_checks": list(self.next_checks),
        }


@dataclass(frozen=True)
class AppliedFix:
    fix: str
    cause: str | None
    outcome: str
    at: datetime
    detail: str = ""
    commands: tuple[str, ...] = ()
    rollback: tuple[str, ...] = ()
    by: str | None = None
    verified: bool | None = None
    # the fixes driver's full record (FixRun.to_dict(): changes, snapshot, confirmation, step
    # results, verification, rollback plan), already redacted; None when a front end gave none
    record: dict[str, Any] | None = None


def render_template(template: str, values: Mapping[str, Any]) -> str:
    """Fill `{fact}` references; unknown facts render as `(unknown)`; `{{`/`}}` are braces."""

    def sub(match: Any) -> str:
        if match.group(0) == "{{":
            return "{"
        if match.group(0) == "}}":
            return "}"
        return display(values.get(match.group(1), UNKNOWN))

    return TEMPLATE_REF.sub(sub, template)


def display(value: Any) -> str:
    """A fact value as text for people."""
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, str):
        return value
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(", ", ": "), default=str)
    return str(value)


def fill_known(text: str, values: Mapping[str, Any]) -> str:
    """Fill the `{fact}` references whose facts are known (and not null) and leave the others
    as they are (catalogue texts name placeholders like {api_id} that a walk may not know)."""

    def sub(match: Any) -> str:
        name = match.group(1)
        if name is None or values.get(name, UNKNOWN) in (UNKNOWN, None):
            return str(match.group(0))
        return display(values[name])

    return TEMPLATE_REF.sub(sub, text)
