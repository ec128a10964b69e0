"""Parse JSON and YAML from files and pastes with bounds, so hostile input costs milliseconds.

- Size: `read_capped` reads at most `limit + 1` bytes (`/dev/zero` is refused after 10 MB,
  not after the memory runs out).
- Depth: JSON and YAML nested deeper than `MAX_DEPTH` are refused (Python's parsers recurse:
  100k levels of `[` are a RecursionError, and every walker after them would be one too).
- Aliases: a YAML document may use at most `MAX_ALIASES` (`*name`), and expand through them to
  at most `MAX_EXPANDED_NODES` values. A ten-line "billion laughs" is nine aliases a line that
  expand to 10^9 values in anything that walks the result.
- Keys: a YAML mapping key must be a scalar (`? [a, b]: c` and alias keys are refused).
- Constructor errors: PyYAML raises a bare ValueError for `9999-99-99` (a timestamp) or an int
  over 4300 digits; they become the same one-line `BoundedParseError`.

The checks on YAML run on the event stream (libyaml's, when PyYAML has it) before any node is
built, so they cost one linear pass and no memory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 64  # no playbook, policy, session, JWKS or answers file comes near it
MAX_ALIASES = 50  # the shipped playbook uses 5
MAX_EXPANDED_NODES = 1_000_000  # values with every alias expanded (the playbook: ~25k)
MAX_FILE_BYTES = 10 * 1024 * 1024

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BoundedParseError(ValueError):
    """Input over a bound (size, depth, aliases) or that PyYAML cannot build: one line."""


def read_capped(path: str | Path, *, what: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path`, refused (BoundedParseError) past `limit`. OSError propagates."""
    with Path(path).open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise BoundedParseError(f"{what} {path} is larger than {_size(limit)}")
    return data


def check_size(text: str | bytes, *, what: str, limit: int = MAX_FILE_BYTES) -> None:
    if len(text) > limit:
        raise BoundedParseError(f"{what} is larger than {_size(limit)}")


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def check_depth(value: Any, *, what: str = "the document", max_depth: int = MAX_DEPTH) -> None:
    """Refuse a parsed value nested deeper than `max_depth` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth >= max_depth:
                raise BoundedParseError(f"{what} is nested more than {max_depth} levels deep")
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


def load_json(text: str | bytes, *, what: str = "JSON", max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads` with the depth bound. JSONDecodeError (with its line/column) propagates."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise BoundedParseError(f"{what} is nested more than {max_depth} levels deep") from None
    check_depth(value, what=what, max_depth=max_depth)
    return value


def check_yaml_events(
    text: str | bytes,
    *,
    what: str = "YAML",
    max_depth: int = MAX_DEPTH,
    max_aliases: int = MAX_ALIASES,
    max_nodes: int = MAX_EXPANDED_NODES,
    loader: Any = None,
) -> None:
    """One pass over the YAML events: depth, alias count, the size of the document with every
    alias expanded (what a walker of the result visits), and non-scalar keys. Syntax errors
    (yaml.YAMLError, with their marks) propagate for the caller to report."""
    parser = (loader or _Loader)(text)
    # One frame per open collection: [is a mapping, items seen (in a mapping even items are
    # keys), expanded size so far, anchor]. The loop is the hot path of every playbook load:
    # type() lookups, no helper calls.
    stack: list[list[Any]] = []
    sizes: dict[str, int] = {}  # anchor → expanded size of the node it names
    aliases = 0
    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    starts = {yaml.MappingStartEvent: True, yaml.SequenceStartEvent: False}
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        while parser.check_event():
            event = parser.get_event()
            kind = type(event)
            if kind in ends:
                _, _, size, anchor = stack.pop()
                if anchor:
                    sizes[anchor] = size
            elif kind is scalar:
                size = 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif kind is alias:
                aliases += 1
                if aliases > max_aliases:
                    raise BoundedParseError(
                        f"{what} uses more than {max_aliases} aliases (*name); refused"
                    )
                size = sizes.get(str(event.anchor), 1)
            elif kind in starts:
                size = 0
            else:
                continue  # stream and document events
            if stack and kind not in ends:
                parent = stack[-1]
                if parent[0] and parent[1] % 2 == 0 and kind is not scalar:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise BoundedParseError(
                        f"{what} line {line}: a mapping key must be a plain value, "
                        "not a list, a mapping or an alias"
                    )
                parent[1] += 1
            if kind in starts:
                stack.append([starts[kind], 0, 1, event.anchor])
                if len(stack) > max_depth:
                    raise BoundedParseError(f"{what} is nested more than {max_depth} levels deep")
                continue
            if stack:
                stack[-1][2] += size
                if stack[-1][2] > max_nodes:
                    raise BoundedParseError(
                        f"{what} expands to more than {max_nodes} values through its aliases "
                        "(an alias bomb); refused"
                    )
    finally:
        parser.dispose()


def load_yaml(text: str | bytes, *, what: str = "YAML", max_depth: int = MAX_DEPTH) -> Any:
    """`yaml.safe_load` after `check_yaml_events`; constructor errors become BoundedParseError.
    Syntax errors (yaml.YAMLError) propagate."""
    check_yaml_events(text, what=what, max_depth=max_depth)
    try:
        return yaml.load(text, Loader=_Loader)  # a safe loader either way
    except (ValueError, OverflowError, RecursionError) as exc:
        raise BoundedParseError(f"{what}: {constructor_problem(exc)}") from None


def constructor_problem(exc: BaseException) -> str:
    """PyYAML's constructor errors (a ValueError from `int()` or `datetime()`) in words."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if "4300" in text or "integer string conversion" in text:
        return "a number has more than 4300 digits"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return f"a value cannot be read ({text}); quote it to keep it as text"
