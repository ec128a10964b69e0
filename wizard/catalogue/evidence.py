"""The evidence of each catalogue cause, as data: `evidence.yaml` beside this file.

For every cause id of causes.yaml the file declares, in the playbook's own condition language
(wizard.catalogue.conditions: `{fact, op, value}` with `all` / `any` / `not`):

- `produces`: the message families this cause answers with, and how typical each is for it. A
  family that names a group (`gate`) pushes down every cause that never produces it.
- `requires`: what must not be known false; when it is, the cause is pushed down by `weight`.
- `supports`: evidence for the cause, each with a weight (log-odds) and the reason shown to people.
  `symptom: NAME` is short for "the report describes NAME", weighted by how much that mention
  counts (a doubted hypothesis counts little).
- `rules_out`: evidence against the cause (the weight is subtracted).
- `explains`: root-cause links - the causes whose message this one produces, and the condition
  (this cause's own evidence) under which it ranks above them.

The facts the conditions read are declared under `facts` (with their type and, for lists of
names, every value they can hold) and `derived` (named conditions over earlier facts). The file
is linted when it loads: an unknown cause id, fact, family, symptom or operator, an operator that
does not fit the fact's type, or a reason naming an unknown fact is an `EvidenceError` naming the
file and the dotted path - never silently dropped. Pure data; wizard.analysis evaluates it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from wizard.catalogue.conditions import (
    AllCondition,
    AnyCondition,
    Condition,
    FactCondition,
    FactName,
    NotCondition,
)
from wizard.catalogue.model import CATALOGUE_FILE, load_catalogue
from wizard.validated_cache import cached

EVIDENCE_FILE = Path(__file__).with_name("evidence.yaml")
FactKind = Literal["integer", "number", "string", "boolean", "list", "text"]
# `{name}` in a reason is the value of that fact; `{{` / `}}` are literal braces.
_REASON_REF = re.compile(r"\{\{|\}\}|\{([a-z][a-z0-9_]*)\}")
_ORDERED = frozenset({"gt", "ge", "lt", "le"})


class EvidenceError(ValueError):
    """evidence.yaml does not fit the catalogue or its own declarations."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FactDecl(_Strict):
    type: FactKind
    about: str
    values: list[str] | None = Field(
        default=None, description="for a list of names: every name it can hold (linted)"
    )


class Derived(_Strict):
    about: str
    when: Condition


class Rule(_Strict):
    when: Condition | None = None
    symptom: str | None = None
    weight: float = Field(gt=0, le=10)
    reason: str = ""

    @model_validator(mode="after")
    def _one_trigger(self) -> Rule:
        if (self.when is None) == (self.symptom is None):
            raise ValueError("a rule has exactly one of `when` (a condition) or `symptom`")
        return self


class Requirement(_Strict):
    when: Condition
    weight: float = Field(default=5.0, gt=0, le=10)
    reason: str = ""


class Link(_Strict):
    cause: str = Field(description="the cause whose message this one produces")
    when: Condition = Field(description="this cause's own evidence: then it ranks above `cause`")
    reason: str


class CauseEvidence(_Strict):
    produces: dict[str, float] = Field(default_factory=dict)
    requires: list[Requirement] = Field(default_factory=list)
    supports: list[Rule] = Field(default_factory=list)
    rules_out: list[Rule] = Field(default_factory=list)
    explains: list[Link] = Field(default_factory=list)


class EvidenceModel(_Strict):
    schema_version: Literal[1] = 1
    gate_penalty: float = Field(lt=0, description="added to a cause no matched gate family admits")
    always_possible: list[str] = Field(description="causes a family gate never pushes down")
    link_margin: float = Field(
        gt=0, description="how far a root cause ranks above the one it explains"
    )
    gates: list[str] = Field(description="the families that name a group: gates")
    facts: dict[FactName, FactDecl]
    derived: dict[FactName, Derived] = Field(default_factory=dict)
    causes: dict[str, CauseEvidence]

    def get(self, cause_id: str) -> CauseEvidence:
        return self.causes.get(cause_id) or CauseEvidence()

    def fact_names(self) -> set[str]:
        return set(self.facts) | set(self.derived)


def _where(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"


def _hint(name: str, known: Iterable[str]) -> str:
    # lazy: difflib 2.8 ms quiet (23 ms loaded, -X importtime); only an error hint needs it
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def leaves(cond: Condition, path: str) -> Iterator[tuple[FactCondition, str]]:
    """Every `{fact, op, value}` leaf of `cond` with its dotted path below `path`."""
    if isinstance(cond, FactCondition):
        yield cond, path
    elif isinstance(cond, AllCondition):
        for i, c in enumerate(cond.all):
            yield from leaves(c, f"{path}.all[{i}]")
    elif isinstance(cond, AnyCondition):
        for i, c in enumerate(cond.any):
            yield from leaves(c, f"{path}.any[{i}]")
    else:
        assert isinstance(cond, NotCondition)
        yield from leaves(cond.not_, f"{path}.not")


def lint(model: EvidenceModel, cause_ids: Iterable[str], source: str) -> list[str]:
    """Every problem of `model` against the catalogue's ids, as `source: path: message`."""
    ids = set(cause_ids)
    errors: list[str] = []

    def err(path: str, message: str) -> None:
        errors.append(f"{source}: {path}: {message}")

    families = set(model.facts["families"].values or []) if "families" in model.facts else set()
    symptoms = set(model.facts["symptoms"].values or []) if "symptoms" in model.facts else set()
    for i, cid in enumerate(model.always_possible):
        if cid not in ids:
            err(f"always_possible[{i}]", f"unknown cause id {cid!r}{_hint(cid, ids)}")
    for i, name in enumerate(model.gates):
        if name not in families:
            err(f"gates[{i}]", f"unknown family {name!r}{_hint(name, families)}")

    def check(cond: Condition, path: str, known: set[str]) -> None:
        for leaf, where in leaves(cond, path):
            decl = model.facts.get(leaf.fact)
            if leaf.fact not in known:
                err(f"{where}.fact", f"unknown fact {leaf.fact!r}{_hint(leaf.fact, known)}")
                continue
            kind = decl.type if decl else "boolean"  # derived facts are truth values
            if leaf.op in _ORDERED and kind not in ("integer", "number"):
                err(f"{where}.op", f"{leaf.op!r} needs a number fact; {leaf.fact!r} is a {kind}")
            if leaf.op == "matches" and kind not in ("string", "text"):
                err(f"{where}.op", f"'matches' needs a string fact; {leaf.fact!r} is a {kind}")
            if leaf.op == "contains" and kind not in ("list", "string", "text"):
                err(f"{where}.op", f"'contains' needs a list or string; {leaf.fact!r} is a {kind}")
            closed = decl.values if decl else None
            if leaf.op == "contains" and closed is not None and leaf.value not in closed:
                hint = _hint(str(leaf.value), closed)
                err(f"{where}.value", f"{leaf.fact!r} never holds {leaf.value!r}{hint}")

    def check_reason(text: str, path: str) -> None:
        for m in _REASON_REF.finditer(text):
            if m.group(1) and m.group(1) not in model.fact_names():
                err(path, f"the reason names unknown fact {m.group(1)!r}")

    known = set(model.facts)
    for name, d in model.derived.items():
        if name in model.facts:
            err(f"derived.{name}", "a derived fact may not reuse a declared fact's name")
        check(d.when, f"derived.{name}.when", known)
        known.add(name)  # a derived fact reads only the facts and the derived ones above it
    for cid, ce in model.causes.items():
        base = f"causes.{cid}"
        if cid not in ids:
            err(base, f"unknown cause id {cid!r}{_hint(cid, ids)}")
        for fam in ce.produces:
            if fam not in families:
                err(f"{base}.produces.{fam}", f"unknown family {fam!r}{_hint(fam, families)}")
        for key in ("requires", "supports", "rules_out"):
            for i, r in enumerate(getattr(ce, key)):
                path = f"{base}.{key}[{i}]"
                if isinstance(r, Rule) and r.symptom is not None and r.symptom not in symptoms:
                    err(
                        f"{path}.symptom",
                        f"unknown symptom {r.symptom!r}{_hint(r.symptom, symptoms)}",
                    )
                if r.when is not None:
                    check(r.when, f"{path}.when", known)
                check_reason(r.reason, f"{path}.reason")
        for i, link in enumerate(ce.explains):
            path = f"{base}.explains[{i}]"
            if link.cause not in ids:
                err(f"{path}.cause", f"unknown cause id {link.cause!r}{_hint(link.cause, ids)}")
            elif link.cause == cid:
                err(f"{path}.cause", "a cause cannot explain itself")
            check(link.when, f"{path}.when", known)
            check_reason(link.reason, f"{path}.reason")
    return errors


def conditions(model: EvidenceModel) -> Iterator[tuple[Condition, str]]:
    """Every condition of the file with its dotted path."""
    for name, d in model.derived.items():
        yield d.when, f"derived.{name}.when"
    for cid, ce in model.causes.items():
        for key in ("requires", "supports", "rules_out", "explains"):
            for i, r in enumerate(getattr(ce, key)):
                if r.when is not None:
                    yield r.when, f"causes.{cid}.{key}[{i}].when"


def parse_evidence_model(raw: bytes | str, cause_ids: Iterable[str], source: str) -> EvidenceModel:
    """Validate and lint; the first problems are raised together as one EvidenceError."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(raw, Loader=loader)  # a safe loader either way
        model = EvidenceModel.model_validate(data)
    except yaml.YAMLError as exc:
        raise EvidenceError(f"{source}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        lines = [f"{source}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors()[:10]]
        raise EvidenceError("\n".join(lines)) from None
    problems = lint(model, cause_ids, source)
    if problems:
        raise EvidenceError("\n".join(problems[:20]))
    return model


@cache
def load_evidence(path: Path = EVIDENCE_FILE) -> EvidenceModel:
    """The packaged evidence, validated and linted against the catalogue (read once per process,
    and kept validated between runs keyed by both files' bytes)."""

    raw = path.read_bytes()
    ids = load_catalogue().ids()

    def validated() -> EvidenceModel:
        return parse_evidence_model(raw, ids, path.name)

    return cached("evidence", [raw, CATALOGUE_FILE.read_bytes()], validated)
