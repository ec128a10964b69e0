"""Helpers shared by the offline probes: parameters, plain data, "nothing to paste"."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind


def _plain(obj: Any) -> Any:
    """Dataclasses, pydantic models, enums and tuples → plain JSON-able data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return _plain(dump(mode="json"))
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [_plain(v) for v in obj]
    if isinstance(obj, str | int | float | bool) or obj is None:
        return obj
    value = getattr(obj, "value", None)  # enums
    if isinstance(value, str | int):
        return value
    return str(obj)


def _text_param(params: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = params.get(name)
    if value is None:
        if required:
            raise ProbeError(ProbeErrorKind.MISSING_INPUT, f"no {name} was given to the probe")
        return ""
    if not isinstance(value, str):
        value = json.dumps(value) if isinstance(value, dict | list) else str(value)
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _NONE_WORDS)


# Answers that mean "I have nothing to paste".
_NONE_WORDS = frozenset({"", "none", "no", "n/a", "na", "-", "nothing", "no logs", "skip"})


def _given(params: Mapping[str, Any], name: str, ctx: ProbeContext | None = None) -> str | None:
    """A parameter's value (else the known fact of that name, when `ctx` is given), or None
    when it is absent, null or an unrendered unknown."""
    value = params.get(name)
    if value is None and ctx is not None:
        value = ctx.facts.get(name)
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text in ("", "None", "null", "(unknown)"):
        return None
    return text


def _flag(ctx: ProbeContext, params: Mapping[str, Any], name: str) -> bool:
    """A boolean parameter, else the known fact of that name; anything else is False."""
    value = params.get(name, ctx.facts.get(name))
    return value is True
