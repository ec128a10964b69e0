"""Three-valued conditions: truth tables with UNKNOWN, every operator, composition."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from wizard.engine.conditions import Truth, describe, evaluate, unknown_facts
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import Condition

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
ADAPTER: TypeAdapter[Condition] = TypeAdapter(Condition)


def cond(data: dict[str, Any]) -> Condition:
    return ADAPTER.validate_python(data)


def leaf(value: Truth) -> dict[str, Any]:
    """A leaf whose truth is `value`, over the facts of FACTS below."""
    return {
        T: {"fact": "yes", "op": "eq", "value": True},
        F: {"fact": "yes", "op": "eq", "value": False},
        U: {"fact": "missing", "op": "eq", "value": 1},
    }[value]


FACTS: dict[str, Any] = {"yes": True, "unknown": UNKNOWN}


@pytest.mark.parametrize(
    ("a", "b", "all_", "any_"),
    [
        (T, T, T, T),
        (T, F, F, T),
        (T, U, U, T),
        (F, F, F, F),
        (F, U, F, U),
        (U, U, U, U),
        (U, T, U, T),
        (U, F, F, U),
    ],
)
def test_kleene_truth_tables(a: Truth, b: Truth, all_: Truth, any_: Truth) -> None:
    assert evaluate(cond({"all": [leaf(a), leaf(b)]}), FACTS) is all_
    assert evaluate(cond({"any": [leaf(a), leaf(b)]}), FACTS) is any_


@pytest.mark.parametrize(("a", "expected"), [(T, F), (F, T), (U, U)])
def test_not(a: Truth, expected: Truth) -> None:
    assert evaluate(cond({"not": leaf(a)}), FACTS) is expected


@pytest.mark.parametrize(
    ("op", "value", "fact", "expected"),
    [
        ("eq", "REST", "REST", T),
        ("eq", "REST", "HTTP", F),
        ("ne", "REST", "HTTP", T),
        ("eq", None, None, T),
        ("eq", 1, True, F),  # True is not 1 in a playbook
        ("eq", True, 1, F),
        ("eq", 300, 300.0, T),
        ("in", ["REST", "HTTP"], "HTTP", T),
        ("in", ["REST", "HTTP"], "WEBSOCKET", F),
        ("not_in", ["REST"], "HTTP", T),
        ("not_in", ["REST"], "REST", F),
        ("gt", 0, 300, T),
        ("gt", 0, 0, F),
        ("ge", 0, 0, T),
        ("lt", 10, 3.5, T),
        ("le", 3, 4, F),
        ("gt", 0, None, F),  # a known absence is not greater than anything
        ("gt", 0, "300", F),
        ("contains", "Deny", "Explicit Deny here", T),
        ("contains", "Deny", "Allow", F),
        ("contains", "GET", ["GET", "POST"], T),
        ("contains", "DELETE", ["GET", "POST"], F),
        ("contains", "Effect", {"Effect": "Allow"}, T),
        ("contains", "x", None, F),
        ("matches", r"^arn:aws:execute-api:", "arn:aws:execute-api:eu-west-1:1:a/b", T),
        ("matches", r"/GET/", "arn:aws:execute-api:r:1:a/prod/POST/x", F),
        ("matches", r"x", 5, F),
    ],
)
def test_operators(op: str, value: Any, fact: Any, expected: Truth) -> None:
    assert evaluate(cond({"fact": "f", "op": op, "value": value}), {"f": fact}) is expected


@pytest.mark.parametrize("op", ["eq", "ne", "in", "not_in", "gt", "lt", "contains", "matches"])
def test_every_operator_on_an_unknown_fact_is_unknown(op: str) -> None:
    value: Any = ["a"] if op in ("in", "not_in") else 1 if op in ("gt", "lt") else "a"
    c = cond({"fact": "f", "op": op, "value": value})
    assert evaluate(c, {"f": UNKNOWN}) is U
    assert evaluate(c, {}) is U


@pytest.mark.parametrize(
    ("value", "fact", "expected"),
    [
        (True, "x", T),
        (True, None, F),
        (True, UNKNOWN, F),
        (False, UNKNOWN, T),
        (False, 0, F),
        (None, False, T),
    ],
)
def test_exists_is_never_unknown(value: Any, fact: Any, expected: Truth) -> None:
    data: dict[str, Any] = {"fact": "f", "op": "exists"}
    if value is not None:
        data["value"] = value
    assert evaluate(cond(data), {"f": fact}) is expected


def test_unknown_facts_names_what_blocked_the_decision() -> None:
    c = cond(
        {
            "any": [
                {"fact": "a", "op": "eq", "value": 1},
                {"not": {"fact": "b", "op": "gt", "value": 0}},
                {"fact": "c", "op": "exists"},
            ]
        }
    )
    assert unknown_facts(c, {"a": UNKNOWN}) == ["a", "b"]


@pytest.mark.parametrize(
    "data",
    [
        {"fact": "f", "op": "in", "value": "a"},
        {"fact": "f", "op": "matches", "value": "(("},
        {"fact": "f", "op": "gt", "value": "3"},
        {"fact": "f", "op": "gt", "value": True},
        {"fact": "f", "op": "exists", "value": "yes"},
        {"fact": "f", "op": "contains"},
        {"fact": "f", "op": "like", "value": "a"},
        {"all": []},
        {"facts": "f"},
        {"fact": "f", "op": "eq", "value": 1, "extra": 2},
    ],
)
def test_invalid_conditions_are_rejected_at_load(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        cond(data)


def test_describe_reads_like_a_sentence() -> None:
    c = cond(
        {
            "all": [
                {"fact": "ttl", "op": "gt", "value": 0},
                {"not": {"fact": "invoked", "op": "eq", "value": True}},
                {
                    "any": [
                        {"fact": "a", "op": "in", "value": ["x", "y"]},
                        {"fact": "b", "op": "exists"},
                    ]
                },
            ]
        }
    )
    assert describe(c) == "ttl > 0 and not invoked = true and (a in ['x', 'y'] or b is known)"
