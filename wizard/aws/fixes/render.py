"""Render (service, operation, params) as the exact AWS CLI command, through botocore's model.

The result is an argv list; `render_cli` joins it with `shlex.join`, so every value is quoted
for a POSIX shell and nothing here ever runs through one. Resource names are untrusted input:
a value that the CLI itself would treat specially is rendered in a form the CLI takes literally:

- a string starting with `-` is attached with `=` (`--stage-name=-x`) so it is not an option;
- a string the CLI would read as a file or URL (`file://...`) makes the whole command use
  `--cli-input-json`, whose inner values the CLI never loads from anywhere; the one exception
  is a code zip the wizard wrote itself (`code.is_artifact_ref`), shown as `--zip-file
  fileb://...` so the printed command uploads exactly the bytes `--apply` sends;
- list elements that could be mistaken for options or JSON make the list one JSON argument;
- `patchOperations` use the CLI shorthand `op=replace,path=/x,value=y` only when every value is
  plain (letters, digits and `_./:*+~-`), otherwise one JSON list.

`shell_join` is the one way any argv (an AWS CLI command, a corrected `curl` request) becomes a
line to paste: shlex quoting, except for the few words the caller built from constants that name
credential variables (`"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`), which are double-quoted so
the user's shell fills them in and no secret is ever printed.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.aws.fixes.cli_model import (
    PARAMFILE_PREFIXES,
    CliParam,
    cli_operation_name,
    cli_params,
    is_scalar,
)
from wizard.aws.fixes.code import is_artifact_ref
from wizard.aws.fixes.errors import RenderError

_PLAIN_SHORTHAND = re.compile(r"[A-Za-z0-9_./:*+~-]+")
# The credential variables a printed command may reference (the shell expands them).
CREDENTIAL_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
# A word that may be double-quoted: plain characters and references to those variables only (no
# backquote, backslash, quote or other `$`, so nothing else can expand).
# curl's `--user` for `--aws-sigv4`: the signing key pair, from the environment.
SIGV4_USER = "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
_ENV_WORD = re.compile(r"(?:[A-Za-z0-9_:. /-]|\$(?:" + "|".join(CREDENTIAL_ENV) + r")\b)+")
_SHORTHAND_KEYS = ("op", "path", "value", "from")


@dataclass(frozen=True)
class CliTarget:
    """Global options added to every rendered command (all optional)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None

    def argv(self) -> list[str]:
        out: list[str] = []
        for name, value in (
            ("region", self.region),
            ("profile", self.profile),
            ("endpoint-url", self.endpoint_url),
        ):
            if value:
                out += _option(name, value)
        return out


def render_argv(
    service: str, operation: str, params: Mapping[str, Any], target: CliTarget | None = None
) -> list[str]:
    """The AWS CLI argv for one boto3 call. Unknown operations or parameters raise RenderError."""
    spec = {p.member: p for p in cli_params(service, operation)}
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise RenderError(f"{service} {operation} has no parameter {unknown[0]!r}")
    argv = ["aws", service, cli_operation_name(operation)]
    if _needs_input_json(params, spec):
        argv += ["--cli-input-json", _json(params)]
    else:
        for member, param in spec.items():
            if member in params:
                argv += _render_param(param, params[member], f"{service} {operation}")
    return argv + (target or CliTarget()).argv()


def render_cli(
    service: str, operation: str, params: Mapping[str, Any], target: CliTarget | None = None
) -> str:
    """The command as one line a user can paste into a POSIX shell."""
    return shlex.join(render_argv(service, operation, params, target))


def shell_join(argv: Sequence[str], env_words: Collection[str] = ()) -> str:
    """`argv` as one POSIX shell line. A word listed in `env_words` (the caller's own constants)
    that references only credential variables is double-quoted so the shell expands them; any
    other word, hostile or not, is quoted by shlex and stays literal."""
    return " ".join(
        f'"{word}"' if word in env_words and _ENV_WORD.fullmatch(word) else shlex.quote(word)
        for word in argv
    )


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _option(cli_name: str, value: str) -> list[str]:
    # A value that looks like an option must be glued to its name or argparse rejects it.
    if value.startswith("-"):
        return [f"--{cli_name}={value}"]
    return [f"--{cli_name}", value]


def _is_paramfile(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(PARAMFILE_PREFIXES)


def _needs_input_json(params: Mapping[str, Any], spec: Mapping[str, CliParam]) -> bool:

    return any(
        spec[m].shape.type_name in {"string", "blob"}
        and _is_paramfile(v)
        # a code zip the wizard wrote itself is the one file the CLI is meant to upload
        and not (spec[m].shape.type_name == "blob" and is_artifact_ref(v))
        for m, v in params.items()
    )


def _render_param(param: CliParam, value: Any, where: str) -> list[str]:
    kind = param.shape.type_name
    name = param.cli_name
    if kind == "boolean":
        if not isinstance(value, bool):
            raise RenderError(f"{where}: {param.member} must be true or false, not {value!r}")
        return [f"--{name}"] if value else [f"--no-{name}"]
    if kind in {"integer", "long"}:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RenderError(f"{where}: {param.member} must be an integer, not {value!r}")
        return _option(name, str(value))
    if kind in {"double", "float"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RenderError(f"{where}: {param.member} must be a number, not {value!r}")
        return _option(name, repr(float(value)))
    if kind in {"string", "blob", "timestamp"}:
        if not isinstance(value, str):
            raise RenderError(f"{where}: {param.member} must be a string, not {value!r}")
        return _option(name, value)
    if kind == "list":
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise RenderError(f"{where}: {param.member} must be a list, not {value!r}")
        return _render_list(param, list(value), where)
    if kind in {"structure", "map"}:
        if not isinstance(value, Mapping):
            raise RenderError(f"{where}: {param.member} must be an object, not {value!r}")
        return [f"--{name}", _json(value)]
    raise RenderError(f"{where}: cannot render {param.member} of type {kind}")


def _render_list(param: CliParam, items: list[Any], where: str) -> list[str]:
    name = param.cli_name
    member = param.shape.member
    if is_scalar(member) and items and all(_safe_list_item(i) for i in items):
        return [f"--{name}", *(str(i) for i in items)]
    if param.member == "patchOperations" and items and all(_shorthand_ok(i) for i in items):
        return [f"--{name}", *(_shorthand(i) for i in items)]
    return [f"--{name}", _json(items)]


def _safe_list_item(item: Any) -> bool:
    if isinstance(item, bool) or not isinstance(item, str | int):
        return False
    text = str(item)
    return bool(text) and text[0] not in "-[{" and not _is_paramfile(text) and text.strip() == text


def _shorthand_ok(op: Any) -> bool:
    if not isinstance(op, Mapping) or not set(op) <= set(_SHORTHAND_KEYS):
        return False
    return all(
        isinstance(v, str) and _PLAIN_SHORTHAND.fullmatch(v) and "://" not in v for v in op.values()
    )


def _shorthand(op: Mapping[str, str]) -> str:
    return ",".join(f"{key}={op[key]}" for key in _SHORTHAND_KEYS if key in op)
