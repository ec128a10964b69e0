"""Events turn into the dicts `dataclasses.asdict` made of them (the session file, the Outcome's
timeline), with their own copies of nested values, for every event type."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any

import pytest

from wizard.engine.events import EVENT_TYPES, Event, FactSet, event_from_dict

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SAMPLES: dict[str, Any] = {
    "value": {"policy": {"Statement": [{"Effect": "Deny", "Resource": ["arn:a", "arn:b"]}]}},
    "facts": ("ttl", "invoked"),
    "commands": ("aws apigateway update-stage --rest-api-id a1",),
    "rollback": (),
    "known": True,
    "verified": None,
    "duration_ms": 12.5,
}


def asdict_form(event: Event) -> dict[str, Any]:
    data = asdict(event)
    data["at"] = event.at.isoformat()
    return {"event": event.name, **data}


def sample(cls: type[Event]) -> Event:
    kwargs: dict[str, Any] = {"at": AT}
    for f in fields(cls):
        if f.name != "at":
            kwargs[f.name] = SAMPLES.get(f.name, f"{f.name} text")
    return cls(**kwargs)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_to_dict_is_what_asdict_made(name: str) -> None:
    event = sample(EVENT_TYPES[name])
    data = event.to_dict()
    assert data == asdict_form(event)
    assert list(data) == list(asdict_form(event))  # the same key order in the JSON
    assert event_from_dict(data) == event


def test_nested_values_are_copies() -> None:
    event = sample(FactSet)
    data = event.to_dict()
    data["value"]["policy"]["Statement"][0]["Resource"].append("arn:c")
    assert event.value["policy"]["Statement"][0]["Resource"] == ["arn:a", "arn:b"]


def test_values_of_other_types_are_copied_as_asdict_did() -> None:
    class Box:
        def __init__(self, items: list[int]) -> None:
            self.items = items

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Box) and other.items == self.items

        __hash__ = None  # type: ignore[assignment]

    box = Box([1, 2])
    event = FactSet(at=AT, fact="f", value=box, known=True, source="probe", origin="o")
    data = event.to_dict()
    assert data == asdict_form(event)
    assert data["value"] is not box and data["value"].items is not box.items
