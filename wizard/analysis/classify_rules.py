"""The message families a paste can show, and the evaluator of the catalogue's evidence data.

What a cause's evidence is - which families it produces, what supports it and how much, what
rules it out, which causes' messages it explains - is data: wizard/catalogue/evidence.yaml,
written in the playbook's condition language and linted when it loads. This module holds the
two generic parts around it:

1. FAMILIES - how a response's message is recognised: the data of wizard/catalogue/families.yaml
   (x-amzn-ErrorType values, a pattern searched in the whole paste, a bare message, and which
   family hides which), loaded and linted once.
2. `apply_evidence` - evaluates every cause's rules over the facts of one paste (three-valued:
   a rule fires only when its condition is TRUE; a fact that could not be read is unknown, never
   false) and adds their weights to the cause's score, following the file's gates.
3. `contradicted` - the causes whose precondition (`requires`) the session's facts alone prove
   false: what a probe has read rules them out whatever the paste says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from wizard.analysis.symptoms import Symptoms
from wizard.catalogue.conditions import UNKNOWN, Truth, evaluate, evaluate_read
from wizard.catalogue.evidence import EvidenceModel, Rule
from wizard.catalogue.families import Family, load_families

# The message families are data (wizard/catalogue/families.yaml, linted at load); FAMILIES is
# that file's list, in its order, for the classifier and the observation vocabulary.
FAMILY_DATA = load_families()
FAMILIES: tuple[Family, ...] = FAMILY_DATA.families

STAGE_NAMES = re.compile(
    r"(?i)^(?:prod|production|dev|develop|development|stage|staging|test|testing|qa|uat|beta|live|v\d+|default|\$default|sandbox)$"
)


class ScoreSink(Protocol):
    def add(self, cause: str, weight: float, reason: str) -> None: ...


@dataclass(frozen=True)
class RootLink:
    """`root` produces `visible`'s message, and its own evidence is present: it ranks above."""

    root: str
    visible: str
    reason: str


def derive(model: EvidenceModel, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts plus the file's derived facts (a named condition: true, false or unknown)."""
    env = dict(facts)
    for name, d in model.derived.items():
        truth = evaluate(d.when, env)
        env[name] = UNKNOWN if truth is Truth.UNKNOWN else truth is Truth.TRUE
    return env


_REF = re.compile(r"\{\{|\}\}|\{([a-z][a-z0-9_]*)\}")


def render(reason: str, env: Mapping[str, Any]) -> str:
    """A reason with its `{fact}` references filled in (each value bounded to 80 characters)."""

    def sub(m: re.Match[str]) -> str:
        if not m.group(1):
            return m.group(0)[0]
        value = env.get(m.group(1))
        return "" if value is None or value is UNKNOWN else str(value)[:80]

    return _REF.sub(sub, reason)


def _weight(rule: Rule, env: Mapping[str, Any], sym: Symptoms) -> tuple[float, str]:
    """The weight a rule adds for this paste (0 when it does not fire) and its reason."""
    if rule.symptom is not None:
        if rule.symptom not in sym:
            return 0.0, ""
        snippet = sym.snippet(rule.symptom)
        reason = f'{rule.reason} ("{snippet}")' if snippet and rule.reason else rule.reason
        return rule.weight * sym.weight(rule.symptom), reason
    assert rule.when is not None
    if evaluate(rule.when, env) is not Truth.TRUE:
        return 0.0, ""
    return rule.weight, render(rule.reason, env) if rule.reason else ""


def apply_evidence(
    model: EvidenceModel,
    causes: list[str],
    env: Mapping[str, Any],
    sym: Symptoms,
    family_reasons: Mapping[str, str],
    acc: ScoreSink,
    ruled_out: frozenset[str] = frozenset(),
) -> list[RootLink]:
    """Add every cause's evidence to `acc`; return the root-cause links whose condition holds.
    A cause in `ruled_out` (`contradicted`: the session proved a precondition false) gets no
    requirement penalty: it is set to 0 after scoring, and the share it held is not spread over
    the others (its penalty would do that)."""
    families = [f for f in env.get("families", []) if f in family_reasons]
    gated = [f for f in families if f in model.gates]
    always = set(model.always_possible)
    links: list[RootLink] = []
    for fam in families:
        for cid in causes:
            weight = model.get(cid).produces.get(fam)
            if weight:
                acc.add(cid, weight, family_reasons[fam])
    for cid in causes:
        ce = model.get(cid)
        if gated and cid not in always and not any(f in ce.produces for f in gated):
            acc.add(cid, model.gate_penalty, "")
        for req in () if cid in ruled_out else ce.requires:
            if evaluate(req.when, env) is Truth.FALSE:
                acc.add(cid, -req.weight, "")
        for rule in ce.supports:
            weight, reason = _weight(rule, env, sym)
            if weight:
                acc.add(cid, weight, reason)
        for rule in ce.rules_out:
            weight, _ = _weight(rule, env, sym)
            if weight:
                acc.add(cid, -weight, "")
        for link in ce.explains:
            if evaluate(link.when, env) is Truth.TRUE:
                links.append(RootLink(cid, link.cause, render(link.reason, env)))
    return links


def contradicted(
    model: EvidenceModel, causes: list[str], session: Mapping[str, Any]
) -> dict[str, list[str]]:
    """The causes a requirement of which is FALSE over the session's facts alone (`session`: only
    the facts a probe, an analyzer of the request or an answer has read; a fact not in it is
    unknown, never absent), each with the reasons of the requirements that fail. A requirement
    that reads a paste fact is never decided here: its paste part is unknown."""
    out: dict[str, list[str]] = {}
    for cid in causes:
        failed = [
            render(req.reason, session) or "a precondition"
            for req in model.get(cid).requires
            if evaluate_read(req.when, session) is Truth.FALSE
        ]
        if failed:
            out[cid] = failed
    return out
