"""`apigw-wizard diagnose`: the whole walk without prompts — offline from answers, or live.

Offline: `--offline --answers FILE` and/or `--answer ID=VALUE`; the walk stops with a usage
error naming the first question that has no answer. Live: `--url URL` (or `--api-id --stage
--method --path`) with AWS credentials; the probes read what they can and the answers cover
the rest. Exit codes: 0 diagnosed, 1 fix pending, 2 usage, 3 AWS, 4 inconclusive.

Nothing heavy is imported at module level (`--help` must stay fast): the work is in `_run`, on
the one investigation layer (`wizard.investigation`); this module only maps flags to it.
"""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands._io import add_format_flag, guarded


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diagnose",
        help="walk the 403 playbook without prompts (offline from answers, or live on AWS)",
        description=(
            "Walk the 403 decision tree non-interactively. Offline, every question is answered "
            "from --answers/--answer; live (--url or --api-id), read-only probes gather the "
            "evidence from AWS first. Exit codes: 0 diagnosed, 1 fix pending, 2 usage error, "
            "3 AWS credentials/connection, 4 inconclusive."
        ),
    )
    mode = p.add_argument_group("answers (offline and live)")
    mode.add_argument(
        "--offline", action="store_true", help="never call AWS: walk from the answers alone"
    )
    mode.add_argument(
        "--answers", metavar="FILE", help="YAML or JSON mapping: question id (or fact) → answer"
    )
    mode.add_argument(
        "--answer",
        metavar="ID=VALUE",
        action="append",
        default=[],
        help="answer one question (repeatable); VALUE may be @FILE or - (stdin); ? = I don't know",
    )
    # Same destinations as the top-level flags: SUPPRESS keeps `apigw-wizard --region X diagnose`.
    p.add_argument("--playbook", metavar="PATH", default=argparse.SUPPRESS, help="playbook to walk")
    live = p.add_argument_group("live target")
    live.add_argument("--url", help="invoke URL of the failing call")
    live.add_argument("--api-id", help="API id (instead of --url)")
    live.add_argument("--stage", help="stage name")
    live.add_argument("--method", help="HTTP method of the failing call")
    live.add_argument("--path", help="request path after the stage, e.g. /items/42")
    live.add_argument("--token", metavar="TOKEN|@FILE", help="the token the client sends")
    live.add_argument(
        "--header", metavar="K:V", action="append", default=[], help="extra request header"
    )
    live.add_argument("--api-key", help="the API key the client sends (x-api-key)")
    live.add_argument(
        "--since", metavar="DURATION", default="15m", help="log window, e.g. 15m, 2h (default 15m)"
    )
    live.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=None,
        help="the whole live run's time limit (default 90): past it no AWS call is sent and "
        "what was found so far is reported (exit 3)",
    )
    live.add_argument(
        "--resend",
        action="store_true",
        help="allow sending a POST/PUT/PATCH/DELETE again to a real API (it may change data if "
        "it succeeds now); without it the wizard asks you to paste the response instead",
    )
    live.add_argument("--profile", default=argparse.SUPPRESS, help="AWS profile")
    live.add_argument("--region", default=argparse.SUPPRESS, help="AWS region of the API")
    live.add_argument(
        "--endpoint-url", default=argparse.SUPPRESS, help="AWS endpoint (an emulator on 127.0.0.1)"
    )
    fixes = p.add_argument_group("fixes")
    fixes.add_argument(
        "--apply", action="store_true", help="apply the proposed fix (asks before each one)"
    )
    fixes.add_argument("--yes", action="store_true", help="with --apply: do not ask per fix")
    p.add_argument("--report", metavar="FILE", help="also write an incident report to FILE")
    add_format_flag(p)
    p.set_defaults(func=_run)


@guarded
def _run(args: argparse.Namespace) -> int:
    from wizard import exitcodes
    from wizard.aws.fixes.driver import terminal_confirm
    from wizard.commands._io import InputError, emit, front_end_confirm
    from wizard.investigation import (
        InvestigationError,
        ScriptedAnswers,
        check_answer_keys,
        open_investigation,
    )
    from wizard.ui import headless

    answers = _answers(args)
    live = not args.offline and bool(args.url or args.api_id)
    if (args.apply or args.yes) and not live:
        raise InputError("--apply needs a live target (--url or --api-id) and AWS credentials")
    request = _request(args)
    aws = None
    try:
        if live:
            aws = _aws_session(args)
            if aws is None:
                return exitcodes.AWS
        investigation = open_investigation(
            request, aws=aws, profile=getattr(args, "profile", None), playbook=_playbook(args)
        )
        check_answer_keys(investigation.playbook, answers)
    except InvestigationError as exc:
        raise InputError(str(exc)) from None
    investigation.drop_prefill(set(answers))
    if aws is not None and not args.method:
        import sys

        sys.stderr.write("No --method given: the request is replayed and matched as GET.\n")
    try:
        investigation.drive(ScriptedAnswers(answers))
    except InvestigationError as exc:
        partial = investigation.outcome()
        if partial.exit_code != exitcodes.AWS:
            raise InputError(str(exc) + _probe_failure_hint(partial)) from None
        # AWS faults left the walk short of an answer: report what was found, exit 3.
        import sys

        sys.stderr.write(f"apigw-wizard: incomplete: {exc}{_probe_failure_hint(partial)}\n")
    if args.apply and aws is not None:
        import sys

        investigation.announce = lambda line: sys.stderr.write(line + "\n")
        # The MCP server confirms through its client; the terminal asks on stdin.
        investigation.apply_first(front_end_confirm() or terminal_confirm(yes=args.yes))
    outcome = investigation.outcome()
    if args.report:
        _write_report(investigation, args.report)
    emit(outcome.to_dict(), args.format, headless.render_text)
    return outcome.exit_code


def _probe_failure_hint(outcome: Any) -> str:
    """Live: why the wizard has to ask (which probes failed, the first missing permission)."""
    failed = outcome.probe_failures
    if outcome.target.mode != "live" or not failed:
        return ""
    missing = next((f.missing_permission for f in failed if f.missing_permission), None)
    names = ", ".join(sorted({str(f.probe) for f in failed}))
    need = f"; missing permission {missing}" if missing else ""
    return f" [live probes that failed: {names}{need}]"


def _answers(args: argparse.Namespace) -> dict[str, Any]:
    """Answers from --answers FILE, then --answer ID=VALUE (the latter win)."""
    from wizard.commands._io import InputError, read_text

    answers: dict[str, Any] = {}
    if args.answers:
        text = read_text("@" + args.answers if args.answers != "-" else "-", what="answers file")
        answers.update(_parse_answers(text, args.answers))
    for item in args.answer:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--answer {item!r}: expected ID=VALUE, e.g. --answer q_ttl=300")
        if value.startswith("@") or value == "-":
            value = read_text(value, what=f"answer to {key}")
        answers[key] = value
    return answers


def _parse_answers(text: str, origin: str) -> dict[str, Any]:
    import json

    import yaml

    from wizard.analysis.bounded import BoundedParseError, load_json, load_yaml
    from wizard.commands._io import InputError

    try:
        data = (
            load_json(text, what="the answers")
            if text.lstrip().startswith("{")
            else load_yaml(text, what="the answers")
        )
    except BoundedParseError as exc:
        raise InputError(f"{origin}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{origin}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputError(f"{origin}: invalid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]  # a walk file: {answers: {...}, expect: {...}}
    if not isinstance(data, dict):
        raise InputError(f"{origin}: expected a mapping of question id → answer")
    return {str(k): v for k, v in data.items()}


def _playbook(args: argparse.Namespace) -> str | None:
    return getattr(args, "playbook", None)


def _request(args: argparse.Namespace) -> Any:
    """The failing request from the flags (the token may be @FILE or - for stdin)."""
    from wizard.commands._io import InputError, read_text
    from wizard.investigation import FailingRequest

    headers: dict[str, str] = {}
    for item in args.header:
        key, sep, value = item.partition(":")
        if not sep or not key.strip():
            raise InputError(f"--header {item!r}: expected NAME:VALUE")
        headers[key.strip()] = value.strip()
    return FailingRequest(
        url=args.url or None,
        api_id=args.api_id or None,
        stage=args.stage or None,
        method=args.method or None,
        path=args.path or None,
        api_key=args.api_key or None,
        region=getattr(args, "region", None) or None,
        token=read_text(args.token, what="--token").strip() if args.token else None,
        headers=headers,
        since=args.since,
        confirm_resend=args.resend,
    )


def _aws_session(args: argparse.Namespace) -> Any:
    """The AWS session for a live run, with the caller shown before anything runs.

    Returns None (exit 3) when credentials or the endpoint are unusable, after a one-line
    message that says what to do; a bad endpoint URL is a usage error."""
    import sys

    from wizard import exitcodes
    from wizard.aws.budget import DEFAULT_TIMEOUT, RunBudget
    from wizard.commands._io import emit
    from wizard.investigation import AwsUnavailable
    from wizard.investigation.connect import connect
    from wizard.investigation.request import region_of_url

    try:
        aws = connect(
            profile=getattr(args, "profile", None),
            region=getattr(args, "region", None) or region_of_url(args.url),
            endpoint_url=getattr(args, "endpoint_url", None),
            check_identity=True,
            budget=RunBudget(
                timeout=DEFAULT_TIMEOUT if args.timeout is None else args.timeout,
                progress=lambda line: sys.stderr.write(line + "\n"),
            ),
        )
    except AwsUnavailable as exc:
        sys.stderr.write(f"apigw-wizard: {exc}\n")
        if args.format == "json":  # --format json always prints a document
            emit({"error": str(exc), "probe_failures": [], "exit_code": exitcodes.AWS}, "json", str)
        return None
    say_caller(aws)
    return aws


def say_caller(aws: Any) -> None:
    """Who runs the wizard, where, before anything runs (stderr: stdout may be JSON)."""
    import sys

    who = aws.caller_identity()
    where = aws.endpoint_url or "AWS"
    sys.stderr.write(
        f"Running as {who['caller_arn']} (account {who['account_id']}) "
        f"in {aws.region or 'the default region'} on {where}; read-only unless --apply.\n"
    )


def _write_report(investigation: Any, path: str) -> None:
    """The incident report (Markdown, HTML or JSON from the file's suffix), secrets redacted."""
    import sys

    from wizard.commands._io import InputError
    from wizard.investigation.report import write_report
    from wizard.report.files import report_path

    started = investigation.session.started_at
    try:  # a directory gets the one report name scheme (wizard/report/files.py)
        written = write_report(investigation, report_path(path, started))
    except OSError as exc:
        raise InputError(f"--report: cannot write {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise InputError(f"--report: {exc}") from None
    sys.stderr.write(f"Incident report written to {written}\n")
