"""The message families as data (wizard/catalogue/families.yaml): the packaged file, its lint,
and the precedence the classifier applies from it."""

from __future__ import annotations

import re

import pytest
import yaml

from wizard.analysis.classify import scoring_inputs
from wizard.catalogue.evidence import load_evidence
from wizard.catalogue.families import (
    FAMILIES_FILE,
    FamiliesError,
    load_families,
    parse_families,
)


def _families(text: str) -> set[str]:
    return {
        o.partition(":")[2] for o in scoring_inputs(text).observations if o.startswith("family:")
    }


def test_packaged_families_are_the_ones_evidence_declares() -> None:
    names = load_families().names()
    assert len(names) == len(set(names)) >= 20
    assert set(names) == set(load_evidence().facts["families"].values or [])


def _raw(**change: object) -> str:
    data = yaml.safe_load(FAMILIES_FILE.read_text(encoding="utf-8"))
    data.update(change)
    return yaml.safe_dump(data)


def _with_family(**fields: object) -> str:
    data = yaml.safe_load(FAMILIES_FILE.read_text(encoding="utf-8"))
    data["families"].append({"name": "extra", "reason": "r", **fields})
    return yaml.safe_dump(data)


@pytest.mark.parametrize(
    ("raw", "fault"),
    [
        (_with_family(pattern="(unclosed"), r"families\[21\]\.pattern: does not compile"),
        (_with_family(), "'extra' can never match"),
        (_with_family(name="forbidden", pattern="x"), "duplicate family 'forbidden'"),
        (_with_family(pattern="x", colour="blue"), "Extra inputs are not permitted"),
        (
            _raw(precedence=[{"when_any": ["forbiden"], "drops": ["forbidden"], "why": "w"}]),
            r"precedence\[0\]\.when_any\[0\]: unknown family 'forbiden'",
        ),
        (
            _raw(precedence=[{"when_any": ["forbidden"], "drops": ["forbidden"], "why": "w"}]),
            "cannot drop itself",
        ),
    ],
)
def test_a_broken_families_file_fails_the_load_naming_the_path(raw: str, fault: str) -> None:
    with pytest.raises(FamiliesError, match=fault):
        parse_families(raw, "families.yaml")


def test_families_and_evidence_must_agree_both_ways() -> None:
    declared = list(load_evidence().facts["families"].values or [])
    raw = FAMILIES_FILE.read_text(encoding="utf-8")
    with pytest.raises(
        FamiliesError, match=re.escape("unknown family 'ghost' (not in families.yaml)")
    ):
        parse_families(raw, "families.yaml", [*declared, "ghost"])
    with pytest.raises(
        FamiliesError, match=re.escape("family 'forbidden' is not declared in evidence.yaml")
    ):
        parse_families(raw, "families.yaml", [d for d in declared if d != "forbidden"])
    assert parse_families(raw, "families.yaml", declared).names() == load_families().names()


ANON = (
    '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: '
    'arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/x with an explicit deny"}'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A named principal's denial hides the generic explicit-deny reading of the same message.
        (ANON, {"anonymous-denied"}),
        ('{"Message":"Access denied with an explicit deny"}', {"explicit-deny"}),
        # "Forbidden" beside Missing Authentication Token is the status text ...
        (
            'HTTP/1.1 403 Forbidden\n{"message":"Missing Authentication Token"}',
            {"missing-authentication-token"},
        ),
        # ... unless the error type names the Forbidden family itself.
        (
            'HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: ForbiddenException\n{"message":"Missing Authentication Token"}',
            {"missing-authentication-token", "forbidden"},
        ),
        # A bare one-word message quoted in prose is the family; a status text is not.
        ('The import failed: "Forbidden"', {"forbidden"}),
        ("the server answered 403 Forbidden", set()),
    ],
)
def test_precedence_and_bare_messages_come_from_the_data(text: str, expected: set[str]) -> None:
    assert _families(text) == expected
