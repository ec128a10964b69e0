"""Fill `{placeholder}` parameters of a catalogue fix from session facts.

A value that is exactly one placeholder takes the fact's own type (an int TTL stays an int,
a parsed policy stays a dict); a placeholder inside a longer string is formatted into it.
Placeholders are `{snake_case}` names only, so JSON braces (`{"Version": ...}`, `}}`) and path
templates with `+` (`{proxy+}`) pass through untouched. A fact's value is never re-scanned for
placeholders, so a hostile resource name cannot smuggle one in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wizard.aws.fixes.errors import BindError

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_WHOLE = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def placeholders(value: Any) -> set[str]:
    """Every fact name a (nested) parameter value refers to."""
    found: set[str] = set()
    _walk(value, lambda s: found.update(m.group(1) for m in _PLACEHOLDER.finditer(s)))
    return found


def bind_params(
    params: Mapping[str, Any], facts: Mapping[str, Any], *, where: str = ""
) -> dict[str, Any]:
    """A copy of `params` with every placeholder replaced; a missing fact raises BindError."""
    return {
        key: _bind(value, facts, f"{where}.{key}" if where else key)
        for key, value in params.items()
    }


def _bind(value: Any, facts: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, str):
        return _bind_str(value, facts, where)
    if isinstance(value, Mapping):
        return {k: _bind(v, facts, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bind(v, facts, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _fact(name: str, facts: Mapping[str, Any], where: str) -> Any:
    value = facts.get(name)
    if value is None:
        raise BindError(f"{where}: the fix needs the fact {name!r}, which is not known yet")
    return value


def _bind_str(text: str, facts: Mapping[str, Any], where: str) -> Any:
    whole = _WHOLE.fullmatch(text)
    if whole:
        return _fact(whole.group(1), facts, where)

    def replace(match: re.Match[str]) -> str:
        value = _fact(match.group(1), facts, where)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, Mapping | list):
            raise BindError(
                f"{where}: fact {match.group(1)!r} is structured and cannot be put inside a string"
            )
        return str(value)

    return _PLACEHOLDER.sub(replace, text)


def _walk(value: Any, visit: Any) -> None:
    if isinstance(value, str):
        visit(value)
    elif isinstance(value, Mapping):
        for v in value.values():
            _walk(v, visit)
    elif isinstance(value, list | tuple):
        for v in value:
            _walk(v, visit)
