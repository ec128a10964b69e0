"""`apigw-wizard diagnose`: the whole walk without prompts — offline from answers, or live.

Offline: `--offline --answers FILE` and/or `--answer ID=VALUE`; the walk stops with a usage
error naming the first question that has no answer. Live: `--url URL` (or `--api-id --stage
--method --path`) with AWS credentials; the probes read what they can and the answers cover
the rest. Exit codes: 0 diagnosed, 1 fix pending, 2 usage, 3 AWS, 4 inconclusive.

Nothing heavy is imported at module level (`--help` must stay fast): the work is in `_run`.
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
    from wizard.commands._io import InputError, emit
    from wizard.ui import headless

    answers = _answers(args)
    live = not args.offline and bool(args.url or args.api_id)
    if (args.apply or args.yes) and not live:
        raise InputError("--apply needs a live target (--url or --api-id) and AWS credentials")
    playbook, path = _playbook(args)
    inputs = _inputs(args)
    aws = None
    if live:
        aws = _aws_session(args)
        if aws is None:
            return exitcodes.AWS
    try:
        headless.check_answer_keys(playbook, answers)
    except headless.BadAnswer as exc:
        raise InputError(str(exc)) from None
    if aws is not None and "url" not in inputs:
        _invoke_url(inputs, aws)
    if aws is not None and not args.method:
        import sys

        sys.stderr.write("No --method given: the request is replayed and matched as GET.\n")
    session = _session(playbook, path, inputs, aws)
    try:
        headless.walk(session, answers)
    except (headless.MissingAnswer, headless.BadAnswer) as exc:
        raise InputError(str(exc) + _probe_failure_hint(session)) from None
    fixes = headless.plan_fixes(session, _cli_target(args))
    if args.apply and aws is not None:
        _apply(session, fixes, args, aws)
    result = headless.build_result(session, fixes)
    if args.report:
        _write_report(session, args.report)
    emit(result, args.format, headless.render_text)
    return headless.exit_code(result)


def _invoke_url(inputs: dict[str, Any], aws: Any) -> None:
    """--api-id/--stage/--path: the invoke URL, so the failing request can be sent again.

    The default execute-api URL on AWS; on an emulator endpoint, its data-plane URL."""
    api_id, stage = inputs.get("api_id"), inputs.get("stage")
    if not (api_id and stage):
        return
    path = "/" + str(inputs.get("path") or "/").lstrip("/")
    if aws.endpoint_url:
        from wizard.sandbox.provision import data_plane_url

        inputs["url"] = data_plane_url(aws.endpoint_url, api_id, stage, path)
    elif aws.region:
        inputs["url"] = f"https://{api_id}.execute-api.{aws.region}.amazonaws.com/{stage}{path}"


def _probe_failure_hint(session: Any) -> str:
    """Live: why the wizard has to ask (which probes failed, the first missing permission)."""
    failed = [e for e in session.timeline if e.name == "ProbeFailed"]
    if session.aws is None or not failed:
        return ""
    missing = next((e.missing_permission for e in failed if e.missing_permission), None)
    names = ", ".join(sorted({e.probe for e in failed}))
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


def _playbook(args: argparse.Namespace) -> tuple[Any, str]:
    from wizard.commands._io import InputError
    from wizard.engine.lint import shipped_catalogue
    from wizard.engine.loader import PlaybookError, load_playbook
    from wizard.engine.probes import REGISTRY

    _register_probes()
    path = getattr(args, "playbook", None) or str(_default_playbook())
    try:
        playbook = load_playbook(path, registry=REGISTRY, catalogue=shipped_catalogue())
    except PlaybookError as exc:
        raise InputError(f"invalid playbook: {str(exc).splitlines()[0]}") from None
    except OSError as exc:
        raise InputError(f"cannot read playbook {path}: {exc.strerror}") from None
    return playbook, path


def _default_playbook() -> Any:
    from pathlib import Path

    try:
        from wizard.paths import playbooks_dir

        return playbooks_dir() / "api-gateway-403.yaml"
    except ImportError:
        return Path(__file__).resolve().parents[2] / "playbooks" / "api-gateway-403.yaml"


def _register_probes() -> None:
    import wizard.engine.offline_probes  # noqa: F401  (registers the offline probes)

    try:
        from wizard.aws.probes import register_all
    except ImportError:
        return
    register_all()


def _inputs(args: argparse.Namespace) -> dict[str, Any]:
    from wizard.commands._io import InputError, read_text

    inputs: dict[str, Any] = {}
    for name in ("url", "api_id", "stage", "method", "path", "api_key"):
        value = getattr(args, name, None)
        if value:
            inputs[name] = value
    if getattr(args, "region", None):
        inputs["region"] = args.region
    if args.token:
        inputs["token"] = read_text(args.token, what="--token").strip()
    headers: dict[str, str] = {}
    for item in args.header:
        key, sep, value = item.partition(":")
        if not sep or not key.strip():
            raise InputError(f"--header {item!r}: expected NAME:VALUE")
        headers[key.strip()] = value.strip()
    if headers:
        inputs["headers"] = headers
    inputs["since"] = args.since
    return inputs


def _session(playbook: Any, path: str, inputs: dict[str, Any], aws: Any) -> Any:
    from wizard.engine.probes import REGISTRY
    from wizard.engine.session import Session
    from wizard.ui.headless import offline_registry

    # Offline means no network at all: leave out the probes that call AWS or the API.
    registry = REGISTRY if aws is not None else offline_registry(REGISTRY)
    return Session(playbook, inputs=inputs, registry=registry, aws=aws, playbook_path=path)


def _cli_target(args: argparse.Namespace) -> Any:
    from wizard.aws.fixes.render import CliTarget

    return CliTarget(
        region=getattr(args, "region", None),
        profile=getattr(args, "profile", None),
        endpoint_url=getattr(args, "endpoint_url", None),
    )


def _aws_session(args: argparse.Namespace) -> Any:
    """The AWS session for a live run, with the caller shown before anything runs.

    Returns None (exit 3) when credentials or the endpoint are unusable, after a one-line
    message that says what to do.
    """
    import sys

    from wizard.aws.session import SessionError, session_for
    from wizard.commands._io import InputError
    from wizard.engine.probes import ProbeError

    region = getattr(args, "region", None) or _url_region(args.url)
    try:
        aws = session_for(
            profile=getattr(args, "profile", None),
            region=region,
            endpoint_url=getattr(args, "endpoint_url", None),
        )
        who = aws.caller_identity()
    except SessionError as exc:
        raise InputError(str(exc)) from None
    except ProbeError as exc:
        hint = f" ({exc.manual_hint})" if exc.manual_hint else ""
        sys.stderr.write(f"apigw-wizard: AWS: {exc.message}{hint}\n")
        return None
    except Exception as exc:  # botocore config errors (unknown profile...) are AWS problems
        sys.stderr.write(f"apigw-wizard: AWS: {type(exc).__name__}: {exc}\n")
        return None
    where = aws.endpoint_url or "AWS"
    sys.stderr.write(
        f"Running as {who['caller_arn']} (account {who['account_id']}) "
        f"in {aws.region or 'the default region'} on {where}; read-only unless --apply.\n"
    )
    return aws


def _url_region(url: str | None) -> str | None:
    if not url:
        return None
    from wizard.analysis.invoke_url import InvokeUrlError, parse_invoke_url

    try:
        return parse_invoke_url(url).region
    except InvokeUrlError:
        return None


def _apply(session: Any, fixes: Any, args: argparse.Namespace, aws: Any) -> None:
    """Offer the diagnosed cause's fixes; apply the first one confirmed (G's driver)."""
    import sys

    from wizard.aws.fixes.driver import apply_for_session, terminal_confirm

    apply_for_session(
        session,
        fixes,
        aws.client,
        terminal_confirm(yes=args.yes),
        target=_cli_target(args),
        announce=lambda line: sys.stderr.write(line + "\n"),
    )


def _write_report(session: Any, path: str) -> None:
    """The incident report (Markdown, HTML or JSON from the file's suffix), secrets redacted."""
    import sys

    from wizard.commands._io import InputError
    from wizard.report import build_report

    try:
        written = build_report(session, path)
    except OSError as exc:
        raise InputError(f"--report: cannot write {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise InputError(f"--report: {exc}") from None
    sys.stderr.write(f"Incident report written to {written}\n")
