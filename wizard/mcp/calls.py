"""Run an apigw-wizard command for the MCP server: the CLI's own parser and function, its data
captured instead of printed.

The tools speak the CLI's language on purpose: one set of flags, one validation, one result per
command, whichever front end asks. Content the assistant passes (a paste, a policy, a scenario)
goes to a private temporary file handed over as a file, exactly as a user would; secrets are
never passed as content at all (see `secret_file`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from wizard.cli import build_parser
from wizard.commands._io import capture


class CallError(Exception):
    """A command refused its input: the one-line message the CLI would have printed."""


class _RaisingParser(argparse.ArgumentParser):
    """argparse whose usage errors become a CallError instead of exiting the server."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CallError(message)


def run_command(argv: Sequence[str], *, confirm: Any = None) -> tuple[int, Any]:
    """(exit code, data) of `apigw-wizard ARGV --format json`, run in this process; `confirm`
    replaces the terminal's question before a fix is applied."""
    args = build_parser(_RaisingParser).parse_args([*argv, "--format", "json"])
    # A stray print cannot corrupt the protocol: the SDK's stdio transport diverts fd 1 to
    # stderr for the whole process and keeps the real stdout for itself.
    with capture(confirm=confirm) as box:
        code = int(args.func(args))
    if box.error is not None:
        raise CallError(box.error)
    if box.data is None:
        raise CallError(f"{argv[0]} produced no result (exit code {code})")
    return code, box.data


@contextlib.contextmanager
def content_files() -> Iterator[ContentFiles]:
    """A private directory for the contents of one call, removed when the call ends."""
    with tempfile.TemporaryDirectory(prefix="apigw-wizard-mcp-") as tmp:
        os.chmod(tmp, 0o700)
        yield ContentFiles(Path(tmp))


class ContentFiles:
    """Writes each content argument to its own 0600 file, for the CLI to read as a file."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._count = 0

    def write(self, text: str) -> str:
        self._count += 1
        path = self._root / f"input-{self._count}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(text)
        return str(path)


def secret_file(*, file: str | None, env: str | None, what: str, files: ContentFiles) -> str | None:
    """A token or key passed by reference, as `@FILE` for the CLI: a file path (given to the CLI
    as is) or the name of an environment variable of this server's process. The secret itself
    never travels through the conversation."""
    if file and env:
        raise CallError(f"give the {what} as a file or as an environment variable, not both")
    if file:
        return "@" + file
    if env:
        value = os.environ.get(env)
        if value is None:
            raise CallError(f"{what}: environment variable {env} is not set for the MCP server")
        return "@" + files.write(value)
    return None


def flag(argv: list[str], name: str, value: Any) -> None:
    """Append `--name value` when value is given (True for a bare switch)."""
    if value is None or value is False or value == "":
        return
    if value is True:
        argv.append(name)
    else:
        argv += [name, str(value)]


def repeated(argv: list[str], name: str, values: Sequence[Any] | None) -> None:
    for value in values or ():
        argv += [name, str(value)]
