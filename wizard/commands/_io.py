"""Shared input/output helpers for the command adapters."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import IO, Any, TypeVar

from wizard import exitcodes

# A paste bigger than this is not a paste: refuse it with a clear message instead of
# spending minutes on it. Streaming commands (logs scan) do not use this limit.
MAX_PASTE_BYTES = 10 * 1024 * 1024


class InputError(Exception):
    """Bad input from the user: reported as one line, exit code 2."""


def read_text(source: str, *, what: str, limit: int = MAX_PASTE_BYTES) -> str:
    """Read `source`: '-' is standard input, '@PATH' a file, anything else the text itself."""
    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
        origin = "standard input"
    elif source.startswith("@"):
        data = read_file_bytes(source[1:], what=what, limit=limit)
        origin = source[1:]
    else:
        data = source.encode("utf-8", "surrogateescape")
        origin = "the command line"
    if len(data) > limit:
        raise InputError(
            f"{what} from {origin} is larger than {limit // (1024 * 1024)} MB; "
            "paste the relevant part (the response, a few log lines)"
        )
    return data.decode("utf-8", "replace")


def open_input(path: str, *, what: str) -> IO[bytes]:
    """`path` opened for reading in binary; a file that cannot be opened is an InputError
    that says why (missing, a directory, no permission...)."""
    try:
        return Path(path).open("rb")
    except FileNotFoundError:
        raise InputError(f"{what}: no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what}: {path} is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{what}: cannot read {path}: {exc.strerror}") from None


def read_file_bytes(path: str, *, what: str, limit: int = MAX_PASTE_BYTES) -> bytes:
    with open_input(path, what=what) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{what}: cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise InputError(f"{what}: {path} is larger than {limit // (1024 * 1024)} MB")
    return data


@dataclass
class Captured:
    """What one command produced when run under `capture()`: the data it would have printed
    (the same object `--format json` serialises) and the one-line error it would have shown."""

    data: Any = None
    error: str | None = None
    # The front end's confirmation for fixes (wizard.aws.fixes.driver.Confirm), used instead of
    # asking on the terminal.
    confirm: Any = None


# Set while a front end other than the terminal (the MCP server) runs a command: `emit` and
# `guarded` hand their result to it instead of writing to the process's stdout/stderr.
_CAPTURE: ContextVar[Captured | None] = ContextVar("apigw_wizard_capture", default=None)


@contextmanager
def capture(*, confirm: Any = None) -> Iterator[Captured]:
    """Run a command's `func` inside this to receive its data instead of its printed output;
    `confirm` is how that front end asks the human before a fix is applied."""
    box = Captured(confirm=confirm)
    token = _CAPTURE.set(box)
    try:
        yield box
    finally:
        _CAPTURE.reset(token)


def front_end_confirm() -> Any:
    """The confirmation of the front end running this command under `capture()`, if any."""
    box = _CAPTURE.get()
    return box.confirm if box is not None else None


def emit(data: Any, fmt: str, render_text: Callable[[Any], str]) -> None:
    """Print `data` as stable JSON or as text for people (or hand it to `capture()`)."""
    box = _CAPTURE.get()
    if box is not None:
        box.data = data
        return
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    else:
        sys.stdout.write(render_text(data).rstrip("\n") + "\n")


def add_format_flag(parser: Any) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default) or JSON for scripts",
    )


def missing_action(message: str) -> Callable[[Any], int]:
    """The `func` of a command whose action was left out (argparse would accept the bare
    command and do nothing): `message` as a one-line error, like argparse's, and exit code 2."""

    def run(args: Any) -> int:
        sys.stderr.write(f"apigw-wizard: error: {message} (see --help)\n")
        return exitcodes.USAGE

    return run


F = TypeVar("F", bound=Callable[..., int])


def guarded(fn: F) -> F:
    """Turn expected failures into a one-line error and exit code 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            box = _CAPTURE.get()
            if box is not None:
                box.error = str(exc)
            else:
                sys.stderr.write(f"apigw-wizard: error: {exc}\n")
            return exitcodes.USAGE

    return wrapper  # type: ignore[return-value]
