"""The declarative condition language: `{fact, op, value}` leaves composed with `all` / `any` /
`not`, and its three-valued evaluation (TRUE, FALSE or UNKNOWN).

One language for all the project's data: the playbook's edges and fix conditions (wizard.engine
re-exports it from here) and the catalogue's evidence rules (evidence.yaml, read by the classifier
in wizard.analysis). It lives in the lowest layer so that both can use it; no expressions, no eval.

A leaf on a fact that is missing or UNKNOWN is UNKNOWN (except `exists`, which asks exactly
whether the fact is known). `not UNKNOWN` is UNKNOWN; `all` is FALSE as soon as one member is
FALSE, TRUE when every member is TRUE, else UNKNOWN; `any` is TRUE as soon as one member is TRUE,
FALSE when every member is FALSE, else UNKNOWN (Kleene logic).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Op = Literal["eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "contains", "matches", "exists"]
OPS: tuple[str, ...] = Op.__args__  # type: ignore[attr-defined]

FACT_NAME = r"^[a-z][a-z0-9_]*$"
FactName = Annotated[str, Field(pattern=FACT_NAME, description="a fact name: snake_case")]


class Unknown(Enum):
    """The type of the `UNKNOWN` sentinel: a fact that could not be read, distinct from `None`
    (a known absence) and from `False` (an enum so it survives copies and pickling)."""

    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown.UNKNOWN


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


# --------------------------------------------------------------------------- conditions

_VALUE_OPS = frozenset({"eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "contains", "matches"})


class FactCondition(_Model):
    """`{fact, op, value}`: compare one fact with a literal value.

    Three-valued: if the fact is unknown the condition is unknown (except `exists`, which asks
    exactly that question and is never unknown).
    """

    fact: FactName
    op: Op
    value: Any = Field(
        default=None,
        description=(
            "literal to compare with; a list for in/not_in; a regex (re.search) for matches; "
            "for exists: true (default) or false"
        ),
    )

    @model_validator(mode="after")
    def _check_value(self) -> FactCondition:
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"op '{self.op}' needs a list value, e.g. value: [a, b]")
        if self.op == "matches":
            if not isinstance(self.value, str):
                raise ValueError("op 'matches' needs a regular expression string as value")
            try:
                re.compile(self.value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {self.value!r}: {exc}") from None
        if self.op in ("gt", "ge", "lt", "le") and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float)
        ):
            raise ValueError(f"op '{self.op}' needs a number value")
        if self.op == "exists" and self.value is not None and not isinstance(self.value, bool):
            raise ValueError("op 'exists' takes value true (default) or false")
        if self.op in _VALUE_OPS and self.value is None and self.op not in ("eq", "ne"):
            raise ValueError(f"op '{self.op}' needs a value")
        return self

    def regex(self) -> re.Pattern[str]:
        """The compiled regex of a `matches` condition (re caches compiled patterns)."""
        return re.compile(str(self.value))


class AllCondition(_Model):
    """True when every member is true; false when any is false; else unknown."""

    all: list[Condition] = Field(min_length=1)


class AnyCondition(_Model):
    """True when any member is true; false when every member is false; else unknown."""

    any: list[Condition] = Field(min_length=1)


class NotCondition(_Model):
    """Negation; `not unknown` is unknown."""

    not_: Condition = Field(alias="not")


def _condition_tag(value: Any) -> str | None:
    """Which shape a condition has: from its keys (YAML) or its class (a model instance)."""
    if isinstance(value, FactCondition | AllCondition | AnyCondition | NotCondition):
        return {FactCondition: "fact", AllCondition: "all", AnyCondition: "any"}.get(
            type(value), "not"
        )
    if not isinstance(value, dict):
        return None
    if "not" in value or "not_" in value:
        return "not"
    for tag in ("fact", "all", "any"):
        if tag in value:
            return tag
    return None


Condition: TypeAlias = Annotated[
    Annotated[FactCondition, Tag("fact")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[NotCondition, Tag("not")],
    Discriminator(
        _condition_tag,
        custom_error_type="invalid_condition",
        custom_error_message="a condition is {fact, op, value}, {all: [...]}, {any: [...]} or {not: ...}",
    ),
]


def condition_facts(cond: Condition) -> Iterator[FactCondition]:
    """Every `{fact, op, value}` leaf of a condition tree."""
    if isinstance(cond, FactCondition):
        yield cond
    elif isinstance(cond, AllCondition):
        for c in cond.all:
            yield from condition_facts(c)
    elif isinstance(cond, AnyCondition):
        for c in cond.any:
            yield from condition_facts(c)
    else:
        yield from condition_facts(cond.not_)


# --------------------------------------------------------------------------- evaluation


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, flag: bool) -> Truth:
        return cls.TRUE if flag else cls.FALSE

    def negate(self) -> Truth:
        if self is Truth.UNKNOWN:
            return self
        return Truth.FALSE if self is Truth.TRUE else Truth.TRUE


def evaluate(
    cond: Condition, facts: Mapping[str, Any], *, missing_is_unknown: bool = False
) -> Truth:
    """Evaluate `cond` over fact values (`facts` maps name -> value; missing or UNKNOWN = unknown;
    `exists` of a missing fact is FALSE unless `missing_is_unknown`, see `evaluate_read`).

    `all` stops at its first FALSE member and `any` at its first TRUE one: the result is then
    decided whatever the rest would give (Kleene logic), and the rest may be costly (a `matches`
    over a whole paste)."""
    if isinstance(cond, FactCondition):
        if missing_is_unknown and cond.fact not in facts:
            return Truth.UNKNOWN
        return _leaf(cond, facts.get(cond.fact, UNKNOWN))
    if isinstance(cond, AllCondition):
        unknown = False
        for c in cond.all:
            truth = evaluate(c, facts, missing_is_unknown=missing_is_unknown)
            if truth is Truth.FALSE:
                return truth
            unknown = unknown or truth is Truth.UNKNOWN
        return Truth.UNKNOWN if unknown else Truth.TRUE
    if isinstance(cond, AnyCondition):
        unknown = False
        for c in cond.any:
            truth = evaluate(c, facts, missing_is_unknown=missing_is_unknown)
            if truth is Truth.TRUE:
                return truth
            unknown = unknown or truth is Truth.UNKNOWN
        return Truth.UNKNOWN if unknown else Truth.FALSE
    return evaluate(cond.not_, facts, missing_is_unknown=missing_is_unknown).negate()


def evaluate_read(cond: Condition, facts: Mapping[str, Any]) -> Truth:
    """`evaluate` over the facts a source has read: a fact missing from `facts` is unknown even
    to `exists` (which `evaluate` answers FALSE). For a partial view of the facts - the session's
    alone, without the paste's - where a missing name means "not read here", never "absent"."""
    return evaluate(cond, facts, missing_is_unknown=True)


def unknown_facts(cond: Condition, facts: Mapping[str, Any]) -> list[str]:
    """The facts read by `cond` that are unknown, in order, without duplicates."""
    names: list[str] = []
    for leaf in condition_facts(cond):
        unknown = leaf.op != "exists" and facts.get(leaf.fact, UNKNOWN) is UNKNOWN
        if unknown and leaf.fact not in names:
            names.append(leaf.fact)
    return names


def _leaf(cond: FactCondition, value: Any) -> Truth:
    if cond.op == "exists":
        present = value is not UNKNOWN and value is not None
        return Truth.of(present == (cond.value is not False))
    if value is UNKNOWN:
        return Truth.UNKNOWN
    op, expected = cond.op, cond.value
    if op == "eq":
        return Truth.of(_equal(value, expected))
    if op == "ne":
        return Truth.of(not _equal(value, expected))
    if op == "in":
        return Truth.of(any(_equal(value, v) for v in expected))
    if op == "not_in":
        return Truth.of(not any(_equal(value, v) for v in expected))
    if op in ("gt", "ge", "lt", "le"):
        if not _is_number(value):
            return Truth.FALSE  # null or a non-number is not greater than anything
        return Truth.of(_compare(op, value, expected))
    if op == "contains":
        if isinstance(value, str):
            return Truth.of(isinstance(expected, str) and expected in value)
        if isinstance(value, list):
            if isinstance(expected, str):  # a string equals only an equal string: `in` is exact
                return Truth.of(expected in value)
            return Truth.of(any(_equal(item, expected) for item in value))
        if isinstance(value, dict):
            return Truth.of(expected in value)
        return Truth.FALSE
    # matches
    if not isinstance(value, str):
        return Truth.FALSE
    return Truth.of(cond.regex().search(value) is not None)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    # Python says True == 1; a playbook must not.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    return bool(a == b)


def _compare(op: str, a: float, b: float) -> bool:
    if op == "gt":
        return a > b
    if op == "ge":
        return a >= b
    if op == "lt":
        return a < b
    return a <= b


_OP_TEXT = {
    "eq": "=",
    "ne": "≠",
    "in": "in",
    "not_in": "not in",
    "gt": ">",
    "ge": "≥",
    "lt": "<",
    "le": "≤",
    "contains": "contains",
    "matches": "matches",
}


def describe(cond: Condition) -> str:
    """A condition as one short line for people: `ttl > 0 and invoked = false`."""
    if isinstance(cond, FactCondition):
        if cond.op == "exists":
            return f"{cond.fact} is known" if cond.value is not False else f"{cond.fact} is absent"
        return f"{cond.fact} {_OP_TEXT[cond.op]} {_literal(cond.value)}"
    if isinstance(cond, AllCondition):
        return " and ".join(_group(c) for c in cond.all)
    if isinstance(cond, AnyCondition):
        return " or ".join(_group(c) for c in cond.any)
    return f"not {_group(cond.not_)}"


def _group(cond: Condition) -> str:
    text = describe(cond)
    return f"({text})" if isinstance(cond, AllCondition | AnyCondition) else text


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return str(value)
