"""Does a catalogue fix fit this request? Its `applies_when` is a playbook condition (data, the
same model and three-valued evaluator as decisions), read over the session's facts.

TRUE: propose it. FALSE: it is for another situation (an OPTIONS fix for a GET): not proposed.
UNKNOWN: a fact it needs is not known: show it, say which fact, never apply it automatically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from wizard.engine.conditions import Truth, describe, evaluate, unknown_facts
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import Condition, condition_facts


@dataclass(frozen=True)
class FixFit:
    truth: Truth
    reason: str  # for people; "" when the fix has no condition

    @property
    def proposed(self) -> bool:
        return self.truth is not Truth.FALSE


ALWAYS = FixFit(Truth.TRUE, "")


@cache
def _adapter() -> TypeAdapter[Condition]:
    return TypeAdapter(Condition)


def parse_condition(data: Mapping[str, Any]) -> Condition:
    """A catalogue `applies_when` as the engine's condition model (ValidationError if invalid)."""
    return _adapter().validate_python(dict(data))


def fix_fit(applies_when: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> FixFit:
    """Evaluate a fix's `applies_when` over fact values (missing or UNKNOWN = unknown)."""
    if not applies_when:
        return ALWAYS
    try:
        cond = parse_condition(applies_when)
    except ValidationError:
        # The catalogue test rejects this; at run time it only means "cannot tell".
        return FixFit(Truth.UNKNOWN, "its applicability condition could not be read")
    needs = describe(cond)
    truth = evaluate(cond, facts)
    if truth is Truth.TRUE:
        return FixFit(truth, f"it fits this request ({needs})")
    if truth is Truth.UNKNOWN:
        missing = ", ".join(unknown_facts(cond, facts))
        return FixFit(
            truth,
            f"it applies only when {needs}, and {missing} is not known: check it before "
            "applying; the wizard will not apply it automatically",
        )
    seen = []
    for leaf in condition_facts(cond):
        value = facts.get(leaf.fact, UNKNOWN)
        text = f"{leaf.fact} is {value!r}"
        if value is not UNKNOWN and text not in seen:
            seen.append(text)
    return FixFit(truth, f"it applies only when {needs}; here {', '.join(seen)}")
