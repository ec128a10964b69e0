"""No command: the interactive wizard (Textual), or plain prompts with --plain."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard import exitcodes


def run_interactive(args: argparse.Namespace) -> int:
    """`apigw-wizard --plain` → prompt mode; no flag → the Textual app when it is installed and
    the terminal can show it, else prompt mode."""
    if not getattr(args, "plain", False):
        try:
            from wizard.ui.tui.app import run
        except ImportError:
            pass
        else:
            return int(run(args))
    return run_prompt(args)


def _error(message: str) -> int:
    sys.stderr.write(f"apigw-wizard: error: {message}\n")
    return exitcodes.USAGE


def run_prompt(args: argparse.Namespace, prompter: Any = None) -> int:
    """Prompt mode. `prompter`: a wizard.ui.prompt.Prompter (tests pass a fake)."""
    from wizard.engine.loader import PlaybookError, load_playbook
    from wizard.engine.session import Session, SessionError
    from wizard.paths import main_playbook, sessions_dir
    from wizard.ui.prompt import PromptWalk, QuestionaryPrompter, ask_live_request

    if prompter is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _error(
            "prompt mode needs a terminal; for scripts use "
            "`apigw-wizard diagnose --offline --answers FILE`"
        )
    aws, code = _aws(args)
    if code is not None:
        return code
    _register_probes()
    playbook_path = getattr(args, "playbook", None) or str(main_playbook())
    try:
        playbook = load_playbook(playbook_path, check=False)
    except PlaybookError as exc:
        return _error(str(exc.errors[0]) if exc.errors else "invalid playbook")
    prompter = prompter or QuestionaryPrompter()
    inputs: dict[str, Any] = {k: v for k, v in (("region", getattr(args, "region", None)),) if v}
    prefill: dict[str, Any] = {}
    resume = getattr(args, "resume", None)
    if aws is not None and not resume:
        try:
            asked = ask_live_request(prompter)
        except KeyboardInterrupt:
            return exitcodes.INTERRUPTED
        if asked is None:
            return exitcodes.INTERRUPTED
        inputs.update(asked[0])
        prefill = asked[1]
    try:
        if resume:
            session = Session.load(resume, playbook, aws=aws)
        else:
            session = Session(playbook, inputs=inputs, aws=aws, playbook_path=playbook_path)
    except SessionError as exc:
        return _error(str(exc))
    walk = PromptWalk(session, prompter, save_dir=sessions_dir, prefill=prefill, offer_report=True)
    return walk.run()


def _aws(args: argparse.Namespace) -> tuple[Any, int | None]:
    """A live AWS session when --profile or --endpoint-url is given, else None (offline)."""
    profile = getattr(args, "profile", None)
    endpoint = getattr(args, "endpoint_url", None)
    if not (profile or endpoint):
        return None, None
    try:
        from wizard.aws.session import session_for
    except ImportError:
        return None, _error("live mode is not available in this build")
    try:
        return (
            session_for(
                profile=profile, region=getattr(args, "region", None), endpoint_url=endpoint
            ),
            None,
        )
    except Exception as exc:  # bad profile, non-loopback endpoint...: one line, exit 3
        sys.stderr.write(f"apigw-wizard: error: {exc}\n")
        return None, exitcodes.AWS


def _register_probes() -> None:
    """Offline and live probes. Live ones are registered even offline, so the session knows they
    need AWS and skips them quietly instead of reporting an unknown probe."""
    import importlib

    for module in ("wizard.engine.offline_probes", "wizard.aws.probes"):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        register_all = getattr(mod, "register_all", None)
        if callable(register_all):
            register_all()
