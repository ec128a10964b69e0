"""Facts: what the walk knows, where each piece came from, and when.

A fact that could not be read (a probe failed, the user said "I don't know", it was never
asked) is `UNKNOWN` — a sentinel distinct from `None` (a known absence, e.g. "the API has no
resource policy") and from `False`. Conditions on an unknown fact are unknown, never false.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

# The sentinel belongs to the condition language (wizard.catalogue.conditions).
from wizard.catalogue.conditions import UNKNOWN, Unknown  # noqa: F401 (re-exported)
from wizard.engine.models import FactType

FactSource = Literal["answer", "pasted", "analyzer", "probe", "input"]
"""answer: typed by the user; pasted: a multi-line paste; analyzer: an offline probe over pasted
evidence; probe: a live AWS probe; input: given when the walk started."""


@dataclass(frozen=True)
class Fact:
    """One named fact with its provenance. `value` is `UNKNOWN` when it could not be read."""

    name: str
    value: Any
    type: FactType
    source: FactSource
    origin: str  # the node id, or "node/probe" for a probe result
    at: datetime
    note: str | None = None  # why it is unknown (probe failure message, "I don't know")

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": None if self.value is UNKNOWN else self.value,
            "known": self.known,
            "type": self.type,
            "source": self.source,
            "origin": self.origin,
            "at": self.at.isoformat(),
            "note": self.note,
        }


class FactTypeError(ValueError):
    """A value does not fit the declared type of a fact (message is one line for the user)."""


_TRUE = frozenset({"y", "yes", "true", "t", "1", "on"})
_FALSE = frozenset({"n", "no", "false", "f", "0", "off"})


def fits(value: Any, type_: FactType) -> bool:
    """Does `value` (already parsed) fit `type_`? `None` fits every type (a known absence)."""
    if value is None:
        return True
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_ == "boolean":
        return isinstance(value, bool)
    if type_ == "list":
        return isinstance(value, list)
    return isinstance(value, dict)


def coerce(value: Any, type_: FactType) -> Any:
    """Convert a user's answer to the declared type, leniently ("300" -> 300, "yes" -> True,
    JSON text -> list/object). Raises FactTypeError with a one-line message."""
    if fits(value, type_):
        return value
    if type_ == "number" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if type_ == "string" and isinstance(value, int | float | bool):
        return str(value)
    if not isinstance(value, str):
        raise FactTypeError(f"expected {_article(type_)}, got {type(value).__name__}")
    text = value.strip()
    if type_ == "integer":
        try:
            return int(text)
        except ValueError:
            raise FactTypeError(f"expected a whole number, got {text!r}") from None
    if type_ == "number":
        try:
            return float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            raise FactTypeError(f"expected a number, got {text!r}") from None
    if type_ == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise FactTypeError(f"expected yes or no, got {text!r}")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        if type_ == "list":  # a comma-separated answer is a fine list of strings
            return [part.strip() for part in text.split(",") if part.strip()]
        raise FactTypeError(f"expected a JSON object, got {text[:40]!r}") from None
    if not fits(parsed, type_):
        raise FactTypeError(f"expected {_article(type_)}, got {type(parsed).__name__}")
    return parsed


def _article(type_: FactType) -> str:
    return {"integer": "a whole number", "object": "an object"}.get(type_, f"a {type_}")
