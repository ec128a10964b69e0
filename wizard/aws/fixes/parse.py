"""The inverse of render: an AWS CLI argv back to (service, operation, params).

It understands exactly the forms `render` produces (and the common hand-written ones):
`--name value`, `--name=value`, `--flag/--no-flag`, lists of scalars as separate arguments or
one JSON list, structures as JSON, `patchOperations` as CLI shorthand or JSON, and
`--cli-input-json`. Tests use it to prove each rendered command means the same call.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any

from wizard.aws.fixes.cli_model import CliParam, cli_params, is_scalar, operation_from_cli
from wizard.aws.fixes.errors import ParseError, RenderError

_GLOBALS = {"region": "region", "profile": "profile", "endpoint-url": "endpoint_url"}


@dataclass
class ParsedCommand:
    service: str
    operation: str
    params: dict[str, Any]
    globals: dict[str, str] = field(default_factory=dict)


def parse_cli(line: str) -> ParsedCommand:
    return parse_argv(shlex.split(line))


def parse_argv(argv: list[str]) -> ParsedCommand:
    if not argv or argv[0] != "aws":
        raise ParseError("not an AWS CLI command (it must start with 'aws')")
    positional, options, glob = _split(argv[1:])
    if len(positional) != 2:
        raise ParseError(f"expected 'aws SERVICE COMMAND', got positional arguments {positional}")
    service, command = positional
    try:
        operation = operation_from_cli(service, command)
        spec = cli_params(service, operation)
    except RenderError as exc:
        raise ParseError(str(exc)) from None
    params: dict[str, Any] = {}
    for name, values in options:
        if name == "cli-input-json":
            params.update(_loads(values[0] if values else "", name))
            continue
        param, negated = _lookup(spec, name)
        if param.member in params:
            raise ParseError(f"--{name} given twice")
        params[param.member] = _convert(param, values, negated)
    return ParsedCommand(service, operation, params, glob)


def _split(tokens: list[str]) -> tuple[list[str], list[tuple[str, list[str]]], dict[str, str]]:
    positional: list[str] = []
    options: list[tuple[str, list[str]]] = []
    glob: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not token.startswith("--"):
            if options:
                raise ParseError(f"unexpected argument {token!r}")
            positional.append(token)
            continue
        name, eq, inline = token[2:].partition("=")
        values: list[str] = [inline] if eq else []
        if not eq:
            while i < len(tokens) and not tokens[i].startswith("--"):
                values.append(tokens[i])
                i += 1
        if name in _GLOBALS:
            if len(values) != 1:
                raise ParseError(f"--{name} takes one value")
            glob[_GLOBALS[name]] = values[0]
        else:
            options.append((name, values))
    return positional, options, glob


def _lookup(spec: tuple[CliParam, ...], name: str) -> tuple[CliParam, bool]:
    for param in spec:
        if param.cli_name == name:
            return param, False
        if param.shape.type_name == "boolean" and name == f"no-{param.cli_name}":
            return param, True
    raise ParseError(f"unknown option --{name}")


def _loads(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"--{name}: invalid JSON ({exc.msg})") from None


def _scalar(shape: Any, text: str, name: str) -> Any:
    kind = shape.type_name
    try:
        if kind in {"integer", "long"}:
            return int(text)
        if kind in {"double", "float"}:
            return float(text)
    except ValueError:
        raise ParseError(f"--{name}: {text!r} is not a number") from None
    if kind == "boolean":
        return text.lower() == "true"
    return text


def _convert(param: CliParam, values: list[str], negated: bool) -> Any:
    shape, name = param.shape, param.cli_name
    if shape.type_name == "boolean":
        if values:
            raise ParseError(f"--{name} is a flag and takes no value")
        return not negated
    if not values:
        raise ParseError(f"--{name} needs a value")
    if is_scalar(shape) or shape.type_name == "blob":  # a blob: its fileb:// reference
        if len(values) != 1:
            raise ParseError(f"--{name} takes one value, got {len(values)}")
        return _scalar(shape, values[0], name)
    if shape.type_name == "list":
        if len(values) == 1 and values[0].startswith("["):
            return _loads(values[0], name)
        if is_scalar(shape.member):
            return [_scalar(shape.member, v, name) for v in values]
        return [_shorthand(v, name) for v in values]
    if len(values) != 1:
        raise ParseError(f"--{name} takes one value, got {len(values)}")
    return _loads(values[0], name)


def _shorthand(text: str, name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        if not eq:
            raise ParseError(f"--{name}: {part!r} is not key=value")
        out[key] = value
    return out
