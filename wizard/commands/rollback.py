"""`apigw-wizard rollback [JOURNAL]`: restore what an interrupted (or finished) fix changed.

With no argument it takes the newest unfinished journal (a fix or a restore that stopped
half-way); `--list` shows every journal. The restore is derived from the journal's snapshot and
undoes only what is still in effect, so running it twice changes nothing the second time. The
commands are shown and confirmed like any fix (`--yes` for scripts).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard import exitcodes
from wizard.commands._io import InputError, add_format_flag, emit, guarded


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rollback",
        help="restore what an interrupted fix changed, from its change journal",
        description=(
            "Every fix the wizard applies is journaled first (the state before, the exact "
            "calls, their undo). This restores from a journal: by default the newest one "
            "whose apply was interrupted. Only what is still changed is undone; a second run "
            "finds nothing to do. Exit 0 restored or nothing to do, 1 declined, 2 no such "
            "journal, 3 AWS failed."
        ),
    )
    p.add_argument(
        "journal",
        nargs="?",
        metavar="JOURNAL",
        help="a journal file (default: the newest unfinished one)",
    )
    p.add_argument("--list", action="store_true", help="list the journals and exit")
    p.add_argument("--yes", action="store_true", help="restore without asking (still shown)")
    p.add_argument(
        "--profile", default=argparse.SUPPRESS, help="AWS profile (default: the journal's)"
    )
    p.add_argument(
        "--region", default=argparse.SUPPRESS, help="AWS region (default: the journal's)"
    )
    p.add_argument(
        "--endpoint-url", default=argparse.SUPPRESS, help="AWS endpoint (default: the journal's)"
    )
    add_format_flag(p)
    p.set_defaults(func=_run)


@guarded
def _run(args: argparse.Namespace) -> int:
    from wizard.aws.fixes.journal import Journal, JournalError, find_journals, journal_dir

    if args.list:
        journals = find_journals()
        emit(
            {"directory": str(journal_dir()), "journals": [_listing(j) for j in journals]},
            args.format,
            _list_text,
        )
        return exitcodes.OK
    try:
        journal = Journal.load(args.journal) if args.journal else _newest_unfinished()
    except JournalError as exc:
        raise InputError(str(exc)) from None
    if journal is None:
        emit(
            {
                "restored": False,
                "detail": "no unfinished fix: nothing to roll back",
                "journal": None,
            },
            args.format,
            lambda d: d["detail"],
        )
        return exitcodes.OK
    return _restore(journal, args)


def _newest_unfinished() -> Any:
    from wizard.aws.fixes.journal import unfinished_journals

    found = unfinished_journals()
    return found[0] if found else None


def _restore(journal: Any, args: argparse.Namespace) -> int:
    from wizard.aws.fixes.driver import terminal_confirm
    from wizard.aws.session import SessionError
    from wizard.engine.probes import ProbeError
    from wizard.investigation.restore import connect_for, restore

    try:
        aws = connect_for(
            journal,
            profile=getattr(args, "profile", None),
            region=getattr(args, "region", None),
            endpoint=getattr(args, "endpoint_url", None),
        )
    except SessionError as exc:
        raise InputError(str(exc)) from None
    except ProbeError as exc:
        return _aws_failed(journal, args, str(exc))
    sys.stderr.write(f"Restoring from {journal.summary()}\n")
    try:
        result = restore(journal, terminal_confirm(yes=args.yes), aws=aws)
    except ProbeError as exc:
        return _aws_failed(journal, args, str(exc))
    status = "restored" if result.status == "nothing_to_undo" else result.status
    emit(_result(journal, status, result.detail, result), args.format, lambda d: d["detail"])
    if status == "restored":
        return exitcodes.OK
    if status == "declined":
        return exitcodes.FIX_PENDING
    return exitcodes.AWS


def _aws_failed(journal: Any, args: argparse.Namespace, why: str) -> int:
    emit(
        {
            "restored": False,
            "status": "failed",
            "detail": f"AWS: {why}",
            "journal": str(journal.path),
        },
        args.format,
        lambda d: d["detail"],
    )
    return exitcodes.AWS


def _result(journal: Any, status: str, detail: str, restored: Any) -> dict[str, Any]:
    return {
        "restored": status == "restored",
        "status": status,
        "detail": detail,
        "journal": str(journal.path),
        "commands": list(restored.commands),
        "notes": list(restored.notes),
    }


def _listing(journal: Any) -> dict[str, Any]:
    return {
        "path": str(journal.path),
        "state": journal.state,
        "unfinished": journal.unfinished,
        "fix_id": journal.data["plan"]["fix_id"],
        "title": journal.data["plan"]["title"],
        "created_at": journal.data["created_at"],
        "steps": [s.get("status") for s in journal.data["steps"]],
    }


def _list_text(data: dict[str, Any]) -> str:
    if not data["journals"]:
        return f"No change journals in {data['directory']}."
    lines = [f"Change journals in {data['directory']} (newest first):"]
    for j in data["journals"]:
        flag = "  UNFINISHED" if j["unfinished"] else ""
        lines.append(f"  {j['path']}  {j['state']}{flag}  {j['title']} ({', '.join(j['steps'])})")
    return "\n".join(lines)
