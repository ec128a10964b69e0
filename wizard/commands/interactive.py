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
    from wizard.investigation import (
        FailingRequest,
        InvestigationError,
        open_investigation,
        resume_investigation,
    )
    from wizard.investigation.connect import connect
    from wizard.paths import sessions_dir
    from wizard.ui.prompt import PromptWalk, QuestionaryPrompter, ask_live_request

    if prompter is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _error(
            "prompt mode needs a terminal; for scripts use "
            "`apigw-wizard diagnose --offline --answers FILE`"
        )
    profile = getattr(args, "profile", None)
    endpoint = getattr(args, "endpoint_url", None)
    region = getattr(args, "region", None)
    aws = None
    if profile or endpoint:  # live: the wizard reads the API (read-only until you confirm)
        try:
            aws = connect(profile=profile, region=region, endpoint_url=endpoint)
        except InvestigationError as exc:  # bad profile, non-loopback endpoint...: one line
            sys.stderr.write(f"apigw-wizard: error: {exc}\n")
            return exitcodes.AWS
    prompter = prompter or QuestionaryPrompter()
    resume = getattr(args, "resume", None)
    request = FailingRequest(region=region)
    if aws is not None and not resume:
        try:
            asked = ask_live_request(prompter)
        except KeyboardInterrupt:
            return exitcodes.INTERRUPTED
        if asked is None:
            return exitcodes.INTERRUPTED
        request = asked
        request.region = region
    try:
        if resume:
            investigation = resume_investigation(
                resume, aws=aws, profile=profile, playbook=getattr(args, "playbook", None)
            )
        else:
            investigation = open_investigation(
                request, aws=aws, profile=profile, playbook=getattr(args, "playbook", None)
            )
    except InvestigationError as exc:
        return _error(str(exc))
    walk = PromptWalk(investigation, prompter, save_dir=sessions_dir, offer_report=True)
    return walk.run()
