"""`apigw-wizard demo`: a really broken API on a local AWS emulator, its 403 reproduced over
HTTP, then the wizard pointed at it (the TUI, `--plain` prompts, or `--headless` diagnose).

Nothing heavy is imported at module level (`--help` must stay fast): the work is in `_run`.
Exit codes: those of the wizard or `diagnose` it hands over to; 2 bad flags or unknown
scenario; 3 the emulator is missing or did not start; 4 the scenario did not reproduce.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.commands._io import add_format_flag, guarded

DEFAULT_SCENARIO = "authz-cache-scoped-policy"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="reproduce a real 403 on a local AWS emulator and walk the wizard through it",
        description=(
            "Start the MiniStack AWS emulator on 127.0.0.1, build a broken API from a scenario,\n"
            "reproduce its 403 with a real HTTP request, then open the wizard pointed at the\n"
            "emulator. No AWS account is used; the emulator is stopped when the demo ends.\n"
            "Exit codes: the wizard's or diagnose's; 2 bad flags, 3 the emulator is missing or\n"
            "did not start, 4 the scenario did not reproduce."
        ),
        epilog=(
            "examples:\n"
            "  apigw-wizard demo                                  the seed incident in the wizard\n"
            "  apigw-wizard demo --list                           every scenario, one line each\n"
            "  apigw-wizard demo --scenario rp-explicit-deny --plain\n"
            "  apigw-wizard demo --headless --apply               diagnose, fix (asks), replay"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--scenario",
        metavar="NAME",
        default=DEFAULT_SCENARIO,
        help=f"which incident to reproduce (default {DEFAULT_SCENARIO}; see --list)",
    )
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    p.add_argument(
        "--headless",
        action="store_true",
        help="run `diagnose` against the emulator and print the result instead of the wizard",
    )
    p.add_argument("--apply", action="store_true", help="with --headless: apply and verify the fix")
    p.add_argument("--yes", action="store_true", help="with --apply: do not ask per fix")
    p.add_argument(
        "--plain",
        action="store_true",
        default=argparse.SUPPRESS,
        help="plain prompts instead of the full-screen wizard",
    )
    p.add_argument(
        "--show-secrets",
        action="store_true",
        help="print the sandbox token / API key in the curl command (they are fake)",
    )
    add_format_flag(p)
    p.set_defaults(func=_run)


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@guarded
def _run(args: argparse.Namespace) -> int:
    from wizard import exitcodes
    from wizard.commands._io import InputError
    from wizard.sandbox.scenario import ScenarioError, list_scenarios, load_scenario

    if args.list:
        return _list(args, list_scenarios())
    if (args.apply or args.yes) and not args.headless:
        raise InputError("--apply and --yes go with --headless (the wizard asks itself)")
    if args.format == "json" and not args.headless:
        raise InputError("--format json goes with --headless or --list (the wizard is interactive)")
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        raise InputError(str(exc)) from None
    from wizard.sandbox.demo import DemoError, Sandbox

    try:
        with Sandbox(scenario, progress=_say) as box:
            code = _demo(box, args)
    except DemoError as exc:
        sys.stderr.write(f"apigw-wizard: demo: {exc}\n")
        return exitcodes.AWS
    _say("\nThe emulator is stopped; nothing of the demo is left running.")
    if (
        args.headless
        and not args.apply
        and code == exitcodes.FIX_PENDING
        and _has_automatic_fix(scenario.cause)
    ):
        _say(
            "To let the wizard apply what it can (it shows each command and asks first): "
            f"apigw-wizard demo --scenario {scenario.name} --headless --apply"
        )
    return code


def _has_automatic_fix(cause_id: str) -> bool:
    """Whether the cause has a fix the wizard may run itself (API calls, no manual step)."""
    from wizard.aws.fixes.driver import needs_manual_step
    from wizard.catalogue.model import load_catalogue

    try:
        cause = load_catalogue().get(cause_id)
    except Exception:  # an unknown cause id: no hint rather than a traceback
        return False
    return any(f.operations and not needs_manual_step(f) for f in cause.fixes)


def _list(args: argparse.Namespace, scenarios: list[Any]) -> int:
    if args.format == "json":
        import json

        rows = [
            {
                "name": s.name,
                "description": s.description,
                "cause": s.cause,
                "auth": s.emulator.auth,
            }
            for s in scenarios
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    width = max(len(s.name) for s in scenarios)
    for s in scenarios:
        sys.stdout.write(f"{s.name.ljust(width)}  {s.description}\n")
    sys.stdout.write(f"\napigw-wizard demo --scenario NAME   (default: {DEFAULT_SCENARIO})\n")
    return 0


def _demo(box: Any, args: argparse.Namespace) -> int:
    from wizard import exitcodes

    scenario = box.scenario
    _say(f"\n{scenario.title}\n  {scenario.description}\n")
    box.provision()
    _say("Reproducing the 403 over HTTP:")
    repro = box.reproduce(on_sent=lambda sent: _say(_sent_line(sent)))
    symptom = repro.symptom
    _say("\nThe failing call, as curl (token and keys redacted; --show-secrets to see them):")
    _say("  " + symptom.curl(show_secrets=args.show_secrets))
    if scenario.execution_log_lines:
        _say(
            "\nNote: MiniStack writes no API Gateway execution logs; this scenario wrote the "
            f"lines API Gateway writes for such a request into API-Gateway-Execution-Logs_"
            f"{repro.provisioned.api_id}/{repro.provisioned.stage}."
        )
    if not repro.reproduced:
        for sent in repro.sent:
            for problem in sent.mismatches:
                _say(f"apigw-wizard: demo: {sent.request.name}: {problem}")
        _say("apigw-wizard: demo: the scenario did not reproduce on this emulator; not diagnosing")
        if args.headless and args.format == "json":
            import json

            doc = {"scenario": scenario.name, "cause": scenario.cause}
            doc |= {"reproduction": repro.to_dict(), "diagnose": None, "after_fix": None}
            sys.stdout.write(json.dumps(doc, indent=2, default=str) + "\n")
        return exitcodes.INCONCLUSIVE
    _say("")
    if args.headless:
        return _headless(box, repro, args)
    return _interactive(box, repro, args)


def _sent_line(sent: Any, *, judge: bool = True) -> str:
    """One request and its answer; `judge` marks an answer the scenario did not expect (the
    reproduction), which is meaningless once a fix has changed the answer on purpose."""
    r = sent.result
    what = f"{sent.request.method} {sent.request.path}"
    answer = f"{r.status_code}"
    if r.error_type:
        answer += f" {r.error_type}"
    if r.error_message:
        answer += f" {r.error_message!r}"
    mark = "   <- NOT what the scenario expects" if judge and sent.mismatches else ""
    return f"  {sent.request.name}: {what} -> {answer}{mark}"


def _headless(box: Any, repro: Any, args: argparse.Namespace) -> int:
    """The investigation in this process against the emulator, as `diagnose` runs it (the
    equivalent command is shown); with --apply, the symptom is sent again afterwards so the
    user sees the same request succeed."""
    import json

    from wizard import exitcodes
    from wizard.aws.fixes.driver import terminal_confirm
    from wizard.commands.diagnose import say_caller
    from wizard.investigation import InvestigationError, ScriptedAnswers, open_investigation
    from wizard.sandbox.demo import diagnose_argv, sandbox_credentials, shown_command
    from wizard.ui import headless

    argv = diagnose_argv(
        box.endpoint_url,
        repro.symptom,
        repro.provisioned,
        fmt=args.format,
        apply=args.apply,
        yes=args.yes,
    )
    _say("Running (on AWS: the same flags with your invoke URL and without --endpoint-url):")
    _say("  " + shown_command(argv) + "\n")
    with sandbox_credentials():
        aws = box.aws()
        say_caller(aws)
        try:
            investigation = open_investigation(failing_request(repro), aws=aws)
            investigation.drive(ScriptedAnswers({}))
        except InvestigationError as exc:
            sys.stderr.write(f"apigw-wizard: error: {exc}\n")
            return exitcodes.USAGE
        if args.apply:
            investigation.announce = lambda line: sys.stderr.write(line + "\n")
            investigation.apply_first(terminal_confirm(yes=args.yes))
        outcome = investigation.outcome()
        after = _after_fix(box) if args.apply else None
    if args.format != "json":
        sys.stdout.write(headless.render_text(outcome.to_dict()).rstrip("\n") + "\n")
        if after is not None:
            line = _sent_line(after, judge=False).strip()
            sys.stdout.write(f"\nAfter the fix, the same call: {line}\n")
        return outcome.exit_code
    out = {
        "scenario": repro.scenario.name,
        "cause": repro.scenario.cause,
        "emulator": {
            "endpoint_url": box.endpoint_url,
            "pid": box.emulator.pid,
            "port": box.emulator.port,
            "auth": box.emulator.auth,
        },
        "reproduction": repro.to_dict(),
        "diagnose": {
            "command": shown_command(argv),
            "exit_code": outcome.exit_code,
            "result": outcome.to_dict(),
        },
        "after_fix": after.to_dict() if after is not None else None,
    }
    sys.stdout.write(json.dumps(out, indent=2, default=str) + "\n")
    return outcome.exit_code


def failing_request(repro: Any) -> Any:
    """The scenario's failing call as the investigation's FailingRequest."""
    from wizard.investigation import FailingRequest
    from wizard.sandbox.demo import diagnose_target

    target = diagnose_target(repro.symptom, repro.provisioned)
    return FailingRequest(
        url=target["url"],
        method=target["method"],
        token=target.get("token"),
        api_key=target.get("api_key"),
        headers=dict(target["headers"]),
        region=repro.provisioned.region,
    )


def _after_fix(box: Any) -> Any:
    try:
        return box.resend_symptom()
    except Exception as exc:  # the emulator went away: say so, do not hide the diagnosis
        _say(f"apigw-wizard: demo: could not send the request again: {exc}")
        return None


def _interactive(box: Any, repro: Any, args: argparse.Namespace) -> int:
    """The wizard pre-filled with the failing call and pointed at the emulator: the Textual
    app when it is installed and this is a terminal, else prompt mode."""
    from wizard import exitcodes
    from wizard.sandbox.demo import sandbox_credentials

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        _say(
            "apigw-wizard: demo: the interactive wizard needs a terminal; "
            "use `apigw-wizard demo --headless` (add --apply to fix it)"
        )
        return exitcodes.USAGE
    _say(f"Opening the wizard on the emulator ({box.endpoint_url}); the demo ends when you quit.")
    with sandbox_credentials():
        if not getattr(args, "plain", False):
            code = _tui(box, repro)
            if code is not None:
                return code
        return _prompt(box, repro, args)


def _tui(box: Any, repro: Any) -> int | None:
    """The Textual wizard, or None when it is not available in this build."""
    try:
        app = tui_app(box, repro)
    except ImportError:
        return None
    from wizard import exitcodes

    code = app.run()
    return int(code) if code is not None else exitcodes.OK


def tui_app(box: Any, repro: Any) -> Any:
    """The Textual app on its start screen, pre-filled with the failing call (URL, method,
    token, the 403 response) and bound to the emulator session (ImportError without it)."""
    from wizard.sandbox.demo import diagnose_target, response_text
    from wizard.ui.tui.app import WizardApp
    from wizard.ui.tui.driver import SessionDriver
    from wizard.ui.tui.start_input import StartEvidence

    target = diagnose_target(repro.symptom, repro.provisioned)
    evidence = StartEvidence(
        response=response_text(repro.symptom.result),
        url=target["url"],
        method=target["method"],
        token=target.get("token", ""),
        region=repro.provisioned.region,
        endpoint_url=box.endpoint_url,
        offline=False,
    )
    driver = SessionDriver.unstarted()
    driver.aws = box.aws()
    return WizardApp(evidence, driver=driver)


def _prompt(box: Any, repro: Any, args: argparse.Namespace) -> int:
    """Prompt mode with the live session on the emulator and the failing call filled in."""
    from wizard.investigation import InvestigationError, open_investigation
    from wizard.paths import sessions_dir
    from wizard.ui.prompt import PromptWalk, QuestionaryPrompter

    try:
        investigation = open_investigation(
            failing_request(repro), aws=box.aws(), playbook=getattr(args, "playbook", None)
        )
    except InvestigationError as exc:
        _say(f"apigw-wizard: demo: {exc}")
        return int(exc.exit_code)
    walk = PromptWalk(
        investigation, QuestionaryPrompter(), save_dir=sessions_dir, offer_report=True
    )
    return int(walk.run())
