"""`apigw-wizard report SESSION.json [--format md|html|json] [-o FILE] [--no-redact]`: the
incident report of a saved session (what happened, what we found, what we changed)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.commands._io import InputError, guarded

_MAX_SESSION_BYTES = 50 * 1024 * 1024


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the incident report of a saved session (Markdown, HTML or JSON)",
        description=(
            "Turn a saved session (apigw-wizard-session JSON) into an incident report: summary, "
            "timeline, the path taken, evidence with sources, each change with its rollback, "
            "prevention follow-ups and the environment. Tokens, keys and secrets are redacted "
            "and account ids masked unless you opt out."
        ),
    )
    p.add_argument("session", metavar="SESSION.json", help="a saved session file ('-' for stdin)")
    p.add_argument(
        "--format",
        choices=("md", "html", "json"),
        default=None,
        help="md (default; or from the -o file suffix), html (one self-contained file), json",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of stdout; a directory gets the default name, "
        "apigw-403-<start of the walk, UTC>.<md|html|json>",
    )
    p.add_argument(
        "--no-redact",
        action="store_true",
        help="keep tokens, keys and secrets in the report (a warning is printed)",
    )
    p.add_argument("--show-account-id", action="store_true", help="do not mask AWS account ids")
    p.set_defaults(func=_run)


@guarded
def _run(args: argparse.Namespace) -> int:
    from wizard.report.files import report_path
    from wizard.report.render import format_for_path

    session = _load_session(args.session)
    output = None
    if args.output:
        output = str(report_path(args.output, session.get("started_at"), args.format or "md"))
    fmt = args.format or (format_for_path(output) if output else "md")
    if args.no_redact:
        sys.stderr.write(
            "apigw-wizard: warning: --no-redact: the report may contain tokens, API keys and "
            "secrets; do not share it\n"
        )
    from wizard.investigation.report import render_report
    from wizard.report.common import ReportError
    from wizard.report.render import local_user

    try:
        text = render_report(
            session,
            fmt,
            redact=not args.no_redact,
            mask_account=not args.show_account_id,
            generated_by=local_user(),
        )
    except ReportError as exc:
        raise InputError(f"{args.session}: {exc}") from None
    if output:
        _write(output, text)
        sys.stderr.write(f"apigw-wizard: report written to {output}\n")
    else:
        sys.stdout.write(text)
    return 0


def _load_session(source: str) -> Any:
    import json

    from wizard.analysis.bounded import BoundedParseError, load_json
    from wizard.commands._io import read_file_bytes

    if source == "-":
        data = sys.stdin.buffer.read(_MAX_SESSION_BYTES + 1)
        if len(data) > _MAX_SESSION_BYTES:
            raise InputError("session from standard input is larger than 50 MB")
    else:
        data = read_file_bytes(source, what="session", limit=_MAX_SESSION_BYTES)
    text = data.decode("utf-8", "replace")
    if not text.strip():
        raise InputError(f"{source}: the session file is empty")
    try:
        session = load_json(text, what="the session")
    except BoundedParseError as exc:
        raise InputError(f"{source}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
            "is the file truncated?"
        ) from None
    if not isinstance(session, dict) or session.get("format") != "apigw-wizard-session":
        raise InputError(
            f'{source}: not an apigw-wizard session file (expected "format": '
            '"apigw-wizard-session"; save one from the wizard or diagnose)'
        )
    return session


def _write(path: str, text: str) -> None:
    from wizard.private_file import write_private

    try:
        write_private(path, text)
    except OSError as exc:
        raise InputError(f"-o {path}: cannot write: {exc.strerror or exc}") from None
