"""Small helpers shared by the report builders: defensive access to a session dict (saved files
are untrusted input), and values as short text."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any


class ReportError(ValueError):
    """The session cannot be turned into a report (one line, for the user)."""


def as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def show(value: Any, limit: int = 300) -> str:
    """A value as one short line of text for tables."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif value is None:
        text = "none"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, separators=(", ", ": "), default=str, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip(text: str, limit: int) -> str:
    """Keep the first `limit` characters of a block of text, saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit} more characters not shown)"


def humanize(name: str) -> str:
    return name.replace("_", " ")


_SPAN = re.compile(r"`([^`\n]+)`")
_WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"'`\\]+$")


def spans(text: str) -> list[tuple[bool, str]]:
    """Prose cut into (is_code, text) pieces at its `code` spans (the catalogue's backticks),
    for renderers that show them as code instead of literal backticks."""
    out: list[tuple[bool, str]] = []
    last = 0
    for m in _SPAN.finditer(text):
        out += [(False, text[last : m.start()]), (True, m.group(1))]
        last = m.end()
    out.append((False, text[last:]))
    return [(is_code, piece) for is_code, piece in out if piece]


def is_web_address(url: str) -> bool:
    """A plain http(s) address, safe to make a link of (no spaces, quotes, brackets)."""
    return bool(_WEB_ADDRESS.match(url))
