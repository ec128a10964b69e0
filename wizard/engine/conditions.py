"""Three-valued evaluation of playbook conditions: TRUE, FALSE or UNKNOWN.

A leaf on a fact that is missing or UNKNOWN is UNKNOWN (except `exists`, which asks exactly
whether the fact is known). `not UNKNOWN` is UNKNOWN; `all` is FALSE as soon as one member is
FALSE, TRUE when every member is TRUE, else UNKNOWN; `any` is TRUE as soon as one member is TRUE,
FALSE when every member is FALSE, else UNKNOWN (Kleene logic).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from wizard.engine.facts import UNKNOWN
from wizard.engine.models import (
    AllCondition,
    AnyCondition,
    Condition,
    FactCondition,
    condition_facts,
)


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


def evaluate(cond: Condition, facts: Mapping[str, Any]) -> Truth:
    """Evaluate `cond` over fact values (`facts` maps name -> value; missing or UNKNOWN = unknown)."""
    if isinstance(cond, FactCondition):
        return _leaf(cond, facts.get(cond.fact, UNKNOWN))
    if isinstance(cond, AllCondition):
        results = [evaluate(c, facts) for c in cond.all]
        if Truth.FALSE in results:
            return Truth.FALSE
        return Truth.UNKNOWN if Truth.UNKNOWN in results else Truth.TRUE
    if isinstance(cond, AnyCondition):
        results = [evaluate(c, facts) for c in cond.any]
        if Truth.TRUE in results:
            return Truth.TRUE
        return Truth.UNKNOWN if Truth.UNKNOWN in results else Truth.FALSE
    return evaluate(cond.not_, facts).negate()


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
