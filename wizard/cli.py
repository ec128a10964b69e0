"""Command-line entry point.

Parses arguments, then imports exactly one command module's work lazily: `--help` must stay
fast, so nothing heavy (boto3, textual, pydantic models) is imported at module level here or in
`wizard.commands.*` (each command module imports what it needs inside `run`).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import signal
import sys
from collections.abc import Iterator, Sequence

from wizard import __version__, exitcodes

# Each name is a module in wizard/commands exposing `register(subparsers)`; the module
# sets `func` on its parser(s) to a callable taking the parsed args and returning an exit code.
# A dotted name is a module elsewhere: the MCP server is a front end above the CLI (it runs the
# CLI's own commands), so its command lives with it in wizard.mcp.
COMMANDS = (
    "explain",
    "jwt",
    "policy",
    "cache",
    "logs",
    "playbook",
    "diagnose",
    "permissions",
    "report",
    "rollback",
    "demo",
    "wizard.mcp.command",
    "serve",
)

# Commands that may open the full-screen or prompt front end, which write their own terminal
# escapes, and the MCP server, whose stdout is JSON-RPC (JSON escapes control characters
# itself); every other command's stdout/stderr is made inert (control characters escaped).
_OWN_TERMINAL = frozenset({"demo", "mcp"})

# Where a fix can be applied: an earlier interrupted apply is announced there on start.
_CHANGES_ACCOUNT = frozenset({None, "diagnose", "demo"})

# The front ends that stay up (TUI, prompts, demo, MCP and web servers): the collector keeps
# its usual pace there. Every other command runs once and exits.
_LONG_RUNNING = frozenset({None, "demo", "mcp", "serve"})
# A one-shot command's young generation: with 700 (Python's default) a cold live `diagnose`
# ran ~140 young collections and one full one over the ~300,000 objects its imports leave
# (boto3, pydantic models, the playbook): 60-130 ms of a 0.7 s run that freed almost nothing
# (reference counting frees the rest). 200,000 leaves a seed run without a full collection and
# still bounds a big run's cycles (benchmarks/bench_api_size.py, bench_manual_procedure.py).
_ONE_SHOT_YOUNG_GENERATION = 200_000
_exit_freeze_registered = False


@contextlib.contextmanager
def _rare_collections(command: str | None) -> Iterator[None]:
    """The cyclic collector at a one-shot command's pace while it runs, Python's own after
    (the benchmarks and tests call `main` again in one process).

    On the way out, what the run allocated joins the old generation without a young
    collection over all of it (freeze, then unfreeze: nothing is kept, the next full
    collection sees it). And at the process's exit the collector skips everything left: the
    interpreter's own shutdown collection walked every object the imports made, ~0.15 s of a
    cold `diagnose`, to free memory the process hands back anyway (Python never promises
    `__del__` for objects still alive at exit; files and logging flush on their own)."""
    global _exit_freeze_registered
    if command in _LONG_RUNNING:
        yield
        return
    if not _exit_freeze_registered:
        atexit.register(gc.freeze)
        _exit_freeze_registered = True
    before = gc.get_threshold()
    gc.set_threshold(_ONE_SHOT_YOUNG_GENERATION, *before[1:])
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*before)
        gc.unfreeze()


def _warn_interrupted() -> None:
    """Say on stderr (one line) that an earlier fix stopped half-way, and how to undo it."""
    from wizard.aws.fixes.journal_state import maybe_unfinished

    if not maybe_unfinished():  # the journal module pulls botocore: most starts skip it
        return
    from wizard.aws.fixes.journal import interrupted_notice

    try:
        notice = interrupted_notice()
    except OSError:  # an unreadable state directory must not stop the wizard
        return
    if notice:
        sys.stderr.write(f"apigw-wizard: warning: {notice}\n")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"apigw-wizard: error: {message} (see --help)\n")
        raise SystemExit(exitcodes.USAGE)


def build_parser(
    parser_class: type[argparse.ArgumentParser] | None = None,
) -> argparse.ArgumentParser:
    """The whole command line. `parser_class` replaces how usage errors are reported (the MCP
    server turns them into tool errors instead of exiting the process)."""
    parser_class = parser_class or _Parser
    parser = parser_class(
        prog="apigw-wizard",
        description=(
            "Find out why API Gateway answers 403 Forbidden: the root cause, the exact fix, "
            "applied only after you confirm, and an incident report. "
            "With no command, opens the interactive wizard."
        ),
    )
    parser.add_argument("--version", action="version", version=f"apigw-wizard {__version__}")
    parser.add_argument(
        "--plain", action="store_true", help="use plain prompts instead of the full-screen wizard"
    )
    parser.add_argument(
        "--playbook", metavar="PATH", help="walk this playbook instead of the main one"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TUI config (keys, theme) instead of the default one (or set APIGW_WIZARD_CONFIG)",
    )
    parser.add_argument("--resume", metavar="SESSION", help="resume a saved session (JSON file)")
    parser.add_argument("--profile", help="AWS profile from your AWS config")
    parser.add_argument("--region", help="AWS region of the API")
    parser.add_argument("--endpoint-url", help="AWS endpoint (an emulator on 127.0.0.1)")
    # The failing request, to open the wizard with it filled in (the token is pasted on the
    # start screen rather than typed here, where it would land in the shell history).
    parser.add_argument("--url", help="the invoke URL that answered 403 (pre-fills the wizard)")
    parser.add_argument("--method", help="its HTTP method (default GET)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for name in COMMANDS:
        module = name if "." in name else f"wizard.commands.{name}"
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    with _rare_collections(args.command):
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command in _CHANGES_ACCOUNT:
            _warn_interrupted()
        if args.command is None:
            from wizard.commands.interactive import run_interactive

            return run_interactive(args)
        if args.command in _OWN_TERMINAL:
            return int(args.func(args))
        from wizard.commands._io import inert_output

        with inert_output():
            return int(args.func(args))
    except KeyboardInterrupt:
        # From here on Ctrl-C is ignored. Left with Python's handler, a second SIGINT (a
        # repeated Ctrl-C, or one that reached another thread while the sandbox's stop blocked
        # it in the main thread only, handled later) raised KeyboardInterrupt again after this
        # clause, during exit; unhandled at the top, CPython then kills itself with SIGINT and
        # the exit status was -2 instead of 130. Ignoring it also drops one already pending.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stderr.write("\ninterrupted\n")
        return exitcodes.INTERRUPTED
    except BrokenPipeError:
        return exitcodes.OK


if __name__ == "__main__":
    raise SystemExit(main())
