"""Load a playbook from YAML, with every error pointing at `file:line: dotted.path`.

The YAML is composed with a SafeLoader subclass that records the line of every key and list item
(and rejects duplicate keys, which plain YAML silently overwrites — a duplicated node id would
otherwise vanish). pydantic's errors are then mapped back to those lines, with the nearest valid
name suggested for unknown keys, kinds and literals. The graph checks run in `wizard.engine.lint`.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from wizard.analysis.bounded import (
    BoundedParseError,
    check_yaml_events,
    constructor_problem,
    read_capped,
)
from wizard.engine.errors import Lines, LintError, Loc, PlaybookError, _one_of, _suggest
from wizard.engine.lint import lint, shipped_catalogue
from wizard.engine.models import FACT_NAME, NODE_ID, Playbook, _condition_tag
from wizard.validated_cache import cached

# libyaml's parser when PyYAML has it (7x faster on the main playbook); both give node marks.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_PLAYBOOK_BYTES = 4 * 1024 * 1024  # the shipped playbook is ~100 KB


class _MarkedLoader(_SafeLoader):
    """SafeLoader that records where each key and item is, and refuses duplicate keys."""

    def load_with_lines(self) -> tuple[Any, Lines, list[tuple[int, str]]]:
        node = self.get_single_node()
        if node is None:
            return None, Lines({}), []
        lines: dict[Loc, int] = {(): node.start_mark.line + 1}
        dupes: list[tuple[int, str]] = []
        self._record(node, (), lines, dupes)
        return self.construct_document(node), Lines(lines), dupes

    def _record(
        self, node: yaml.Node, path: Loc, lines: dict[Loc, int], dupes: list[tuple[int, str]]
    ) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    dotted = ".".join(str(p) for p in (*path, key))
                    dupes.append(
                        (line, f"{dotted}: duplicate key '{key}' (first at line {seen[key]})")
                    )
                seen.setdefault(key, line)
                lines.setdefault((*path, key), line)
                self._record(value_node, (*path, key), lines, dupes)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line + 1
                self._record(item, (*path, i), lines, dupes)


def read_yaml(text: str, file: str) -> tuple[Any, Lines]:
    """Parse YAML text, raising PlaybookError for syntax errors and duplicate keys."""
    loader: _MarkedLoader | None = None
    try:
        # Depth, aliases (and what they expand to) and key kinds first, on the event stream:
        # the tree walk below and every walker after it would follow an alias bomb.
        check_yaml_events(text, what="the playbook", loader=_SafeLoader)
        loader = _MarkedLoader(text)  # the reader already rejects control characters
        data, lines, dupes = loader.load_with_lines()
    except BoundedParseError as exc:
        raise PlaybookError([LintError(file, 0, "", str(exc))]) from None
    except (ValueError, OverflowError) as exc:  # PyYAML's constructors: 9999-99-99, huge ints
        raise PlaybookError([LintError(file, 0, "", constructor_problem(exc))]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise PlaybookError([LintError(file, line, "", f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise PlaybookError([LintError(file, 0, "", f"YAML error: {message}")]) from None
    except RecursionError:
        raise PlaybookError([LintError(file, 0, "", "YAML nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if dupes:
        raise PlaybookError([LintError(file, line, "", msg) for line, msg in dupes])
    return data, lines


def parse_playbook(text: str, file: str = "<playbook>") -> tuple[Playbook, Lines]:
    """YAML text -> validated Playbook (schema only, no graph checks) and its line map."""
    data, lines = read_yaml(text, file)
    if not isinstance(data, dict):
        raise PlaybookError([LintError(file, 1, "", "a playbook is a YAML mapping (key: value)")])
    try:
        return Playbook.model_validate(data), lines
    except ValidationError as exc:
        raise PlaybookError(schema_errors(exc, data, lines, file)) from None


def load_playbook(
    path: str | Path,
    *,
    registry: Any = None,
    catalogue: Any = None,
    check: bool = True,
) -> Playbook:
    """Read, validate and (by default) lint a playbook file. Raises PlaybookError.

    `registry`: a ProbeRegistry to check probe names against (skipped when None or empty).
    `catalogue`: a Catalogue to check cause/fix ids against; None loads the shipped one if it exists.
    """
    try:
        raw = read_capped(path, what="playbook", limit=MAX_PLAYBOOK_BYTES)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise PlaybookError([LintError(str(path), 0, "", "no such file")]) from None
    except BoundedParseError as exc:
        raise PlaybookError([LintError(str(path), 0, "", str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError([LintError(str(path), 0, "", f"cannot read: {exc}")]) from None
    if not check:
        return parse_playbook(text, str(path))[0]
    book = catalogue if catalogue is not None else shipped_catalogue()

    def checked() -> Playbook:
        playbook, lines = parse_playbook(text, str(path))
        errors = lint(playbook, lines, str(path), registry=registry, catalogue=book)
        if errors:
            raise PlaybookError(errors)
        return playbook

    # A playbook that linted clean against these probe names and catalogue ids: kept between
    # runs (wizard.validated_cache); an edit to any of them parses and lints it again.
    return cached("playbook", [raw, _lint_inputs(registry, book)], checked)


def _lint_inputs(registry: Any, catalogue: Any) -> bytes:
    """What the linter checks a playbook against, besides the playbook itself."""
    names = sorted(registry.names()) if registry is not None else []
    causes = (
        [f"{c.id}:{','.join(f.id for f in c.fixes)}" for c in catalogue.causes]
        if catalogue is not None
        else []
    )
    return ("\n".join(names) + "\n--\n" + "\n".join(causes)).encode()


# --------------------------------------------------------------------------- pydantic errors


def schema_errors(exc: ValidationError, data: Any, lines: Lines, file: str) -> list[LintError]:
    """Map pydantic errors to `file:line: dotted.path: message (did you mean 'X'?)`."""
    found: dict[tuple[int, str, str], LintError] = {}
    alternatives: dict[Loc, list[str]] = {}
    for err in exc.errors():
        tags = _union_tags(err["loc"], data)
        if tags:  # one error per member of a union like `all | list[str]`: merge them
            path = _data_path(err["loc"], data)
            alternatives.setdefault(path, []).extend(_friendly(t) for t in tags)
            continue
        path = _data_path(err["loc"], data)
        message = _message(err, path, data)
        if message is None:
            continue
        error = LintError(file, lines.line(path), _dotted(path), message)
        found.setdefault((error.line, error.path, error.message), error)
    for path, names in alternatives.items():
        value = _walk(path, data, tagged=False)[2]
        expected = " or ".join(dict.fromkeys(names))
        error = LintError(file, lines.line(path), _dotted(path), f"{value!r} is not {expected}")
        found.setdefault((error.line, error.path, error.message), error)
    return sorted(found.values())


_FRIENDLY = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true/false",
    "list[str]": "a list of strings",
}


def _friendly(tag: str) -> str:
    literal = re.fullmatch(r"literal\[(.*)\]", tag)
    if literal:
        return literal.group(1)
    return _FRIENDLY.get(tag, tag)


def _data_path(loc: Sequence[str | int], data: Any) -> Loc:
    """Drop pydantic's union tags from `loc`, keeping only keys and indexes of the document."""
    return _walk(loc, data, tagged=True)[0]


def _union_tags(loc: Sequence[str | int], data: Any) -> list[str]:
    """The tags pydantic put in `loc` for unions of plain types (e.g. `literal['all']`)."""
    return _walk(loc, data, tagged=True)[3]


def _walk(loc: Sequence[str | int], data: Any, *, tagged: bool) -> tuple[Loc, Any, Any, list[str]]:
    """Follow `loc` through the models and the data: (document path, annotation, value, plain
    union tags) at its end.

    In pydantic's locs (`tagged`) a tag follows every union with several members (the node kind,
    the condition shape, `literal['all']`...); the annotation tells where those are.
    """
    path: list[str | int] = []
    tags: list[str] = []
    annotation: Any = Playbook
    current = data
    for part in loc:
        if _is_union(annotation):
            resolved = _resolve(annotation, current)
            annotation = resolved if resolved is not None else Any
            if tagged:
                if resolved is None:
                    tags.append(str(part))
                continue  # this part is pydantic's tag for the union member
        model = _resolve(annotation, current)
        annotation = _field(model, str(part)) if model is not None else _container_item(annotation)
        path.append(part)
        current = current.get(part) if isinstance(current, dict) else _index(current, part)
    return tuple(path), annotation, current, tags


def _is_union(annotation: Any) -> bool:
    return len([m for m in _members(annotation) if m is not type(None)]) > 1


def _dotted(path: Loc) -> str:
    # a key with spaces or control characters is quoted so the error stays one readable line
    return ".".join(str(p) if str(p).isprintable() and " " not in str(p) else repr(p) for p in path)


def _message(err: Any, path: Loc, data: Any) -> str | None:
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        valid = _valid_keys(path[:-1], data)
        return "unknown key " + repr(key) + _suggest(key, valid)
    if kind == "missing":
        return f"missing required key '{path[-1]}'" if path else "missing required key"
    if kind == "union_tag_invalid":
        tag = str(err.get("ctx", {}).get("tag", ""))
        expected = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected_tags", "")))
        return f"unknown node kind {tag!r}" + _suggest(tag, expected) + _one_of(expected)
    if kind == "union_tag_not_found":
        return "missing required key 'kind' (question, probe, decision, fix or end)"
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'|(\d+)", str(err.get("ctx", {}).get("expected", "")))
        names = [a or b for a, b in expected]
        given = err.get("input")
        return f"{given!r} is not allowed" + _suggest(str(given), names) + _one_of(names)
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        pattern = str(err.get("ctx", {}).get("pattern", ""))
        what = {
            FACT_NAME: "a fact name (snake_case: lower-case letters, digits, _)",
            NODE_ID: "an id (lower-case letters, digits, _ or -)",
        }.get(pattern, f"matching {pattern}")
        return f"{err.get('input')!r} is not {what}"
    return msg


# --------------------------------------------------------------------------- model at a path


def _valid_keys(path: Loc, data: Any) -> list[str]:
    """The keys the model at `path` accepts (aliases where a field has one)."""
    model = _model_at(path, data)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(path: Loc, data: Any) -> type[BaseModel] | None:
    _, annotation, value, _ = _walk(path, data, tagged=False)
    return _resolve(annotation, value)


def _index(current: Any, part: str | int) -> Any:
    if isinstance(current, list) and isinstance(part, int) and part < len(current):
        return current[part]
    return None


def _field(model: type[BaseModel], key: str) -> Any:
    for name, f in model.model_fields.items():
        if key in (name, f.alias):
            return f.annotation
    return None


def _members(annotation: Any) -> list[Any]:
    """Flatten Annotated / Optional / Union into their member types."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_members(arg))
        return out
    return [annotation]


def _resolve(annotation: Any, value: Any) -> type[BaseModel] | None:
    """The model class an annotation denotes for this value (choosing among union members)."""
    models = [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(models) <= 1:
        return models[0] if models else None
    if isinstance(value, dict):
        if "kind" in value:
            for m in models:
                kind = m.model_fields.get("kind")
                if kind is not None and value["kind"] in typing.get_args(kind.annotation):
                    return m
        tag = _condition_tag(value)
        names = {"fact": "FactCondition", "all": "AllCondition", "any": "AnyCondition"}
        wanted = names.get(tag or "", "NotCondition" if tag == "not" else "")
        for m in models:
            if m.__name__ == wanted:
                return m
    return None


def _container_item(annotation: Any) -> Any:
    for member in _members(annotation):
        origin = typing.get_origin(member)
        if origin is dict:
            return typing.get_args(member)[1]
        if origin is list:
            return typing.get_args(member)[0]
    return None
