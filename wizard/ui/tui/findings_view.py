"""The findings as the TUI shows them, read from the investigation's Outcome only (no Textual
here, no session): one diagnosis sentence with its confidence, the evidence in plain labels with
the values of the facts table, why the walk concluded (its decisions, without node ids), the
other candidates and the fix cards in order, the recommended one first among those the wizard
can apply.

Nothing here re-derives a fact: every value shown is the Outcome's, so a sentence and the facts
table cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.catalogue.fact_labels import RAW_NAME, label, plain
from wizard.engine.views import display
from wizard.investigation.near_miss import near_miss
from wizard.investigation.outcome import Outcome

VALUE_LIMIT = 160  # a long value (a log excerpt, a document) is cut to a glance here


@dataclass(frozen=True)
class EvidenceRow:
    name: str  # the fact (kept for tests and the engineer appendix, never shown)
    label: str
    value: str


@dataclass(frozen=True)
class OtherCause:
    title: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class FindingsView:
    sentence: str  # "Diagnosis (90% confidence): <title>." or the inconclusive/unfinished line
    summary: str  # what happened, in the playbook's words with the facts filled in
    confidence: float | None
    evidence: tuple[EvidenceRow, ...]
    reasons: tuple[str, ...]  # why the walk concluded: its decisions, in order
    others: tuple[OtherCause, ...]
    recommended: int | None  # index of the fix the one-key apply runs (first applicable)
    near_miss: str = ""  # a missing route: the served route the request nearly is
    next_step: str = ""  # inconclusive: the question or check that best separates the causes

    def texts(self) -> list[str]:
        """Every string the findings show (for the tests that read them all)."""
        out = [self.sentence, self.summary, self.near_miss, self.next_step, *self.reasons]
        out += [f"{row.label}: {row.value}" for row in self.evidence]
        for cause in self.others:
            out += [cause.title, *cause.evidence]
        return out


def next_step_text(outcome: Outcome) -> str:
    """The Outcome's next step in one paragraph: the question and what each answer points to."""
    step = outcome.next_step
    if step is None:
        return ""
    answers = "; ".join(f"{a.label} → {a.points_to or 'none of these'}" for a in step.answers)
    return step.text + (f" ({answers})" if answers else "")


def value_text(value: Any) -> str:
    """A fact's value for people: yes/no, a policy as its statements, long text cut."""
    if isinstance(value, str) and RAW_NAME.fullmatch(value):
        return value.replace("_", " ")  # an analyzer's verdict token (explicit_deny) as words
    statements = _statements(value)
    text = "; ".join(statements) if statements else display(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _statements(value: Any) -> list[str]:
    doc = value.get("policyDocument", value) if isinstance(value, Mapping) else None
    raw = doc.get("Statement") if isinstance(doc, Mapping) else None
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    out = []
    for st in raw:
        if not isinstance(st, Mapping):
            continue
        action = st.get("Action", "*")
        resource = st.get("Resource", "*")
        actions = ", ".join(action) if isinstance(action, list) else str(action)
        resources = ", ".join(resource) if isinstance(resource, list) else str(resource)
        out.append(f"{st.get('Effect', '?')} {actions} on {resources}")
    return out


def findings_view(outcome: Outcome) -> FindingsView:
    table = {fact.name: fact.value for fact in outcome.evidence}
    names = set(table) | {fact.name for fact in outcome.unknown}
    diagnosis = outcome.diagnosis
    confidences = {cause.id: cause.confidence for cause in outcome.causes}
    others = tuple(
        OtherCause(c.title or c.id, c.confidence, tuple(plain(e, names) for e in c.evidence[:3]))
        for c in outcome.causes
        if diagnosis is None or c.id != diagnosis.cause
    )[:5]
    recommended = next((i for i, fix in enumerate(outcome.fixes) if fix.applicable), None)
    if diagnosis is None or diagnosis.inconclusive or diagnosis.cause is None:
        sentence = (
            "Inconclusive: the evidence does not settle on one cause."
            if outcome.ended
            else "The walk is not finished: these are the causes that fit the evidence so far."
        )
        summary = plain(diagnosis.summary, names) if diagnosis is not None else ""
        return FindingsView(
            sentence, summary, None, (), (), others, recommended, next_step=next_step_text(outcome)
        )
    confidence = confidences.get(diagnosis.cause)
    title = diagnosis.title or diagnosis.cause
    shown = f" ({confidence:.0%} confidence)" if confidence is not None else ""
    rows: list[EvidenceRow] = []
    for fact in diagnosis.evidence:
        name = str(fact.get("name", ""))
        if name in table and name not in {r.name for r in rows}:
            rows.append(EvidenceRow(name, label(name), value_text(table[name])))
    reasons = tuple(
        plain(step.reason, names)
        for step in outcome.path
        if step.kind == "decision" and step.reason
    )
    return FindingsView(
        sentence=f"Diagnosis{shown}: {title.rstrip('.')}.",
        summary=plain(diagnosis.summary, names),
        confidence=confidence,
        evidence=tuple(rows),
        reasons=reasons,
        others=others,
        recommended=recommended,
        near_miss=near_miss(outcome) or "",
    )
