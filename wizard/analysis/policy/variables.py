"""Policy variables: ``${aws:username}`` and friends, substituted the way IAM does.

IAM "policy variables" reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):

- a variable is ``${key}``, replaced by the value of that condition key in the request context
  (key names are case-insensitive); only single-valued keys can be variables;
- ``${key, 'default'}`` uses the default when the key has no value;
- ``${*}``, ``${?}`` and ``${$}`` stand for a literal ``*``, ``?`` and ``$``;
- variables work in the resource part of Resource/NotResource (after the fifth colon) and in the
  values of String and ARN condition operators, and only in a policy whose Version is
  "2012-10-17" (otherwise ``${...}`` is literal text);
- a variable with no value is effectively null: nothing equals it or is like it, so a positive
  comparison fails and a negated one (StringNotEquals, StringNotLike) holds; a Resource holding
  one matches no resource. IAM substitutes once: a value that itself contains ``${...}`` stays.

A substituted value is matched as literal text (its ``*`` is not a wildcard). Scanning is one
pass over the text, so a hostile value costs time in proportion to its length.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from wizard.analysis.policy.keys import lookup

__all__ = [
    "VARIABLES_VERSION",
    "VARIABLE_OPERATORS",
    "Piece",
    "Resolved",
    "ResolvedArn",
    "Substitution",
    "has_variables",
    "resolve",
    "resolve_arn",
    "split_outside_variables",
]

VARIABLES_VERSION = "2012-10-17"
# Operators whose values IAM substitutes policy variables into (the "policy variables" reference:
# "string operators or the ARN operators").
VARIABLE_OPERATORS = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
    }
)
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
# name, then optionally ", 'default'" (the reference: a comma and a space, the default quoted)
_VARIABLE = re.compile(r"\s*([^\s,'{}$][^,'{}$]*?)\s*(?:,\s*'([^']*)')?\s*")


@dataclass(frozen=True)
class Piece:
    """A run of text; ``wild``: policy text whose ``*`` and ``?`` are wildcards (for the Like
    operators and ARNs), else literal characters (a substituted value, an escape)."""

    text: str
    wild: bool


@dataclass(frozen=True)
class Substitution:
    written: str  # "${aws:username}" as the policy has it
    key: str  # "aws:username"
    value: str | None  # what was put in (the default, if used); None: no value
    used_default: bool = False
    why_missing: str = ""  # "absent" | "multivalued"

    def describe(self) -> str:
        if self.value is None:
            return f"{self.written} has no value: {self._missing()}"
        if self.used_default:
            return f"{self.written} → {self.value} (the default: {self._missing()})"
        return f"{self.written} → {self.value}"

    def _missing(self) -> str:
        if self.why_missing == "multivalued":
            return f"{self.key} is multivalued, and IAM substitutes only single-valued keys"
        info = lookup(self.key)
        when = f"; IAM sets it only {info.when}" if info is not None and info.when else ""
        return f"{self.key} is not in this request{when}"


@dataclass(frozen=True)
class Resolved:
    """A policy value after substitution."""

    original: str
    pieces: tuple[Piece, ...]
    substitutions: tuple[Substitution, ...] = ()

    @property
    def complete(self) -> bool:
        """Every variable got a value; when False the value matches nothing."""
        return all(s.value is not None for s in self.substitutions)

    @property
    def text(self) -> str:
        """The value as literal text (for StringEquals and for showing)."""
        return "".join(p.text for p in self.pieces)

    def describe(self) -> str:
        """'${aws:username} → Bob; …', or '' when the value had no variables."""
        return "; ".join(s.describe() for s in self.substitutions)

    def matches(self, value: str, *, ignore_case: bool = False) -> bool:
        """Glob match (policy ``*`` and ``?`` are wildcards, substituted text is literal)."""
        if not self.complete:
            return False
        return _regex(self.pieces, ignore_case).fullmatch(value) is not None


def has_variables(text: str) -> bool:
    return "${" in text


def resolve(text: str, context: Mapping[str, Sequence[str]]) -> Resolved:
    """Substitute the variables of one policy value from ``context`` (lower-cased key names)."""
    runs: list[tuple[str, bool]] = []  # (text, wild), merged into pieces at the end
    subs: list[Substitution] = []
    start = 0
    while True:
        open_at = text.find("${", start)
        close_at = text.find("}", open_at + 2) if open_at >= 0 else -1
        if open_at < 0 or close_at < 0:
            runs.append((text[start:], True))
            break
        runs.append((text[start:open_at], True))
        inner = text[open_at + 2 : close_at]
        written = text[open_at : close_at + 1]
        start = close_at + 1
        if inner in _ESCAPES:
            runs.append((_ESCAPES[inner], False))
            continue
        found = _VARIABLE.fullmatch(inner)
        if found is None:  # not a variable IAM would recognise: leave the text as it is
            runs.append((written, True))
            continue
        sub = _substitute(written, found.group(1), found.group(2), context)
        subs.append(sub)
        runs.append((sub.value or "", False))
    pieces = tuple(
        Piece("".join(run for run, _ in group), wild)
        for wild, group in itertools.groupby((r for r in runs if r[0]), key=lambda r: r[1])
    )
    return Resolved(text, pieces, tuple(subs))


def _substitute(
    written: str, key: str, default: str | None, context: Mapping[str, Sequence[str]]
) -> Substitution:
    values = context.get(key.lower()) or ()
    info = lookup(key)
    why = ""
    if not values:
        why = "absent"
    elif len(values) > 1 or (info is not None and info.multivalued):
        why = "multivalued"
    else:
        return Substitution(written, key, values[0])
    if default is not None:
        return Substitution(written, key, default, used_default=True, why_missing=why)
    return Substitution(written, key, None, why_missing=why)


def split_outside_variables(text: str, sep: str, maxsplit: int) -> list[str]:
    """``text.split(sep, maxsplit)``, except that a ``sep`` inside ``${...}`` does not split
    (``arn:aws:iam::${aws:PrincipalAccount}:root`` has six sections, not seven). One pass."""
    parts: list[str] = []
    start = scan = 0
    while len(parts) < maxsplit:
        at = text.find(sep, scan)
        if at < 0:
            break
        open_at = text.find("${", scan, at)
        close_at = text.find("}", open_at + 2) if open_at >= 0 else -1
        if close_at > at:
            scan = close_at + 1  # this separator is inside a variable: skip the variable
            continue
        if open_at >= 0 and close_at >= 0:
            scan = close_at + 1  # a whole variable before the separator: look again after it
            continue
        parts.append(text[start:at])
        start = scan = at + len(sep)
    parts.append(text[start:])
    return parts


@lru_cache(maxsize=4096)
def _regex(pieces: tuple[Piece, ...], ignore_case: bool) -> re.Pattern[str]:
    out: list[str] = []
    for piece in pieces:
        if not piece.wild:
            out.append(re.escape(piece.text))
            continue
        for ch in piece.text:
            out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@dataclass(frozen=True)
class ResolvedArn:
    """An ARN pattern after substitution, kept as its six colon-separated sections (IAM
    compares each on its own; the ``arn``, partition and service sections ignore case)."""

    sections: tuple[Resolved, ...]

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.sections)

    @property
    def text(self) -> str:
        return ":".join(s.text for s in self.sections)

    def describe(self) -> str:
        return "; ".join(d for d in (s.describe() for s in self.sections) if d)

    def matches(self, arn: str) -> bool:
        if not self.complete:
            return False
        a_parts = arn.split(":", 5)
        fixed = len(self.sections) - 1  # compared one to one; the last takes the rest
        if len(a_parts) <= fixed:
            return False
        for i in range(fixed):
            if not self.sections[i].matches(a_parts[i], ignore_case=i < 3):
                return False
        return self.sections[-1].matches(":".join(a_parts[fixed:]), ignore_case=fixed < 3)


def resolve_arn(
    text: str, context: Mapping[str, Sequence[str]], *, resource_part_only: bool
) -> ResolvedArn:
    """Substitute the variables of an ARN pattern section by section. ``resource_part_only``
    (the Resource element): IAM substitutes only after the fifth colon; earlier sections keep
    their ``${...}`` as text."""
    sections = split_outside_variables(text, ":", 5)
    return ResolvedArn(
        tuple(
            resolve(s, context)
            if not resource_part_only or i == 5
            else Resolved(s, (Piece(s, wild=True),) if s else ())
            for i, s in enumerate(sections)
        )
    )
