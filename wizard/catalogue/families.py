"""The message families as data: wizard/catalogue/families.yaml, validated and linted at load.

A family is one way an answer reads - "User: anonymous is not authorized", a bare
{"message":"Forbidden"}, CloudFront's error page - recognised by x-amzn-ErrorType values, a
pattern searched in the paste, or a bare one-word message. The precedence rules say which generic
family a more specific one hides. This module holds the file's model and its lint; matching a
paste against it is wizard.analysis (classify.py), which is where pastes live.

The lint: every pattern compiles, names are unique, precedence names only known families, and
the file agrees with evidence.yaml's declared family vocabulary (one list of names, two files: a
family evidence.yaml may name but no pattern produces - or the reverse - is a load error).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wizard.catalogue.evidence import load_evidence
from wizard.regex_cache import compile_all
from wizard.validated_cache import cached

FAMILIES_FILE = Path(__file__).with_name("families.yaml")


class FamiliesError(ValueError):
    """families.yaml does not parse, does not compile, or disagrees with evidence.yaml."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FamilyDecl(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    pattern: str | None = None
    error_types: list[str] = Field(default_factory=list)
    bare_message: str | None = Field(default=None, pattern=r"^[A-Za-z]+$")
    reason: str = Field(min_length=1)


class Precedence(_Strict):
    when_any: list[str] = Field(min_length=1)
    drops: list[str] = Field(min_length=1)
    unless_error_type: str | None = None
    why: str = Field(min_length=1)


class FamiliesFile(_Strict):
    schema_version: Literal[1] = 1
    families: list[FamilyDecl] = Field(min_length=1)
    precedence: list[Precedence] = Field(default_factory=list)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    known = _packaged_patterns().get(pattern)
    return known if known is not None else re.compile(pattern, re.IGNORECASE)


@cache
def _packaged_patterns() -> dict[str, re.Pattern[str]]:
    """The packaged families' patterns, compiled together and kept compiled between runs
    (wizard.regex_cache): one read instead of compiling each family's pattern every start."""
    sources = [f.source for f in load_families().families if f.source]
    compiled = compile_all("families", [(s, re.IGNORECASE) for s in sources])
    return dict(zip(sources, compiled, strict=True))


@dataclass(frozen=True)
class Family:
    name: str
    source: str | None  # searched in the whole paste (reports quote bodies inline)
    error_types: frozenset[str]
    reason: str
    bare_message: str | None = None

    @property
    def pattern(self) -> re.Pattern[str] | None:
        # Compiled on first use, once: most pastes never reach the rarer families' patterns.
        return _compiled(self.source) if self.source else None


@dataclass(frozen=True)
class Families:
    families: tuple[Family, ...]
    precedence: tuple[Precedence, ...]

    def names(self) -> list[str]:
        return [f.name for f in self.families]


def lint(data: FamiliesFile, source: str, declared: Iterable[str] | None = None) -> list[str]:
    """Every problem of the file as `source: path: message`; `declared` is evidence.yaml's list."""
    errors: list[str] = []
    names: list[str] = []
    for i, f in enumerate(data.families):
        base = f"families[{i}]"
        if f.name in names:
            errors.append(f"{source}: {base}.name: duplicate family {f.name!r}")
        names.append(f.name)
        if f.pattern is None and not f.error_types and f.bare_message is None:
            errors.append(
                f"{source}: {base}: {f.name!r} can never match (no pattern, error type or bare message)"
            )
        if f.pattern is not None:
            try:
                re.compile(f.pattern, re.IGNORECASE)
            except re.error as exc:
                errors.append(f"{source}: {base}.pattern: does not compile: {exc}")
    known = set(names)
    for i, p in enumerate(data.precedence):
        for key in ("when_any", "drops"):
            for j, name in enumerate(getattr(p, key)):
                if name not in known:
                    errors.append(f"{source}: precedence[{i}].{key}[{j}]: unknown family {name!r}")
        if set(p.when_any) & set(p.drops):
            errors.append(f"{source}: precedence[{i}]: a family cannot drop itself")
    if declared is not None:
        declared = list(declared)
        for name in sorted(known - set(declared)):
            errors.append(
                f"{source}: family {name!r} is not declared in evidence.yaml facts.families.values"
            )
        for name in sorted(set(declared) - known):
            errors.append(
                f"evidence.yaml: facts.families.values: unknown family {name!r} (not in {source})"
            )
    return errors


def parse_families(
    raw: bytes | str, source: str, declared: Iterable[str] | None = None
) -> Families:
    """Validate and lint; the first problems are raised together as one FamiliesError."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when present
    try:
        data = FamiliesFile.model_validate(yaml.load(raw, Loader=loader))  # safe either way
    except yaml.YAMLError as exc:
        raise FamiliesError(f"{source}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        lines = [
            f"{source}: {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors()[:10]
        ]
        raise FamiliesError("\n".join(lines)) from None
    problems = lint(data, source, declared)
    if problems:
        raise FamiliesError("\n".join(problems[:20]))
    return Families(
        tuple(
            Family(f.name, f.pattern, frozenset(f.error_types), f.reason, f.bare_message)
            for f in data.families
        ),
        tuple(data.precedence),
    )


@cache
def load_families(path: Path = FAMILIES_FILE) -> Families:
    """The packaged families, linted against evidence.yaml's declared family names."""
    facts = load_evidence().facts
    declared = facts["families"].values if "families" in facts else None
    raw = path.read_bytes()
    # Kept validated between runs (wizard.validated_cache): the lint compiles every pattern.
    names = repr(list(declared) if declared is not None else None).encode()
    return cached("families", [raw, names], lambda: parse_families(raw, path.name, declared))
