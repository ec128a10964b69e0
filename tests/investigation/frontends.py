"""One incident, every front end: drivers that run the same case through headless `diagnose`,
a scripted prompt-mode session, the TUI pilot and an MCP client (`apigw-wizard mcp` over stdio),
each returning the Outcome JSON it ended with.

A case is the failing request (live on MiniStack, or offline), the answers to the questions
the probes cannot answer, keyed by question id or fact. Live, every applicable fix of the
diagnosed cause is offered and declined in every front end, so the account never changes
and one provisioned scenario serves them all.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import types
from textual.widgets import Button

from tests.cli.helpers import call_main
from tests.mcp_server.mcp_client import connected, tool_json
from tests.tui.tui_helpers import answer_text, settle, wait_for_screen
from wizard.engine.models import Playbook, QuestionNode
from wizard.investigation import FailingRequest, open_investigation
from wizard.paths import main_playbook
from wizard.ui.prompt import Option, PromptWalk
from wizard.ui.tui.app import WizardApp
from wizard.ui.tui.driver import SessionDriver
from wizard.ui.tui.screens.confirm import ConfirmFixScreen
from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.screens.step import StepScreen
from wizard.ui.tui.start_input import StartEvidence


@dataclass
class Case:
    name: str
    request: FailingRequest
    answers: dict[str, Any] = field(default_factory=dict)
    aws: Any = None  # a wizard.aws session on MiniStack; None: offline
    answers_file: Path | None = None  # offline: the walk file headless reads

    @property
    def live(self) -> bool:
        return self.aws is not None


def _answer_for(playbook: Playbook, answers: Mapping[str, Any], node_id: str) -> Any:
    node = playbook.nodes[node_id]
    assert isinstance(node, QuestionNode)
    for key in (node_id, node.sets):
        if key in answers:
            return answers[key]
    raise AssertionError(f"the case has no answer for {node_id} ({node.sets})")


# --------------------------------------------------------------------------- headless


def via_headless(case: Case, capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> dict:
    argv = ["diagnose", "--format", "json"]
    if case.live:
        r = case.request
        argv += ["--endpoint-url", case.aws.endpoint_url, "--region", str(r.region)]
        argv += ["--url", str(r.url), "--method", str(r.method)]
        if r.token:
            argv += ["--token", r.token]
        if r.api_key:
            argv += ["--api-key", r.api_key]
        for name, value in r.headers.items():
            argv += ["--header", f"{name}:{value}"]
        argv.append("--apply")  # offered, and declined on stdin
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    else:
        assert case.answers_file is not None
        argv += ["--offline", "--answers", str(case.answers_file)]
        if case.request.url:
            argv += ["--url", case.request.url, "--method", str(case.request.method)]
    for key, value in case.answers.items() if case.live else ():
        argv += ["--answer", f"{key}={value}"]
    code, out, err = call_main(capsys, *argv)
    assert out.strip(), err
    outcome: dict = json.loads(out)
    assert outcome["exit_code"] == code, err
    return outcome


# --------------------------------------------------------------------------- prompt mode


class ScriptedPrompter:
    """The Prompter protocol answering each playbook question from the case, and no to every
    offer to apply a fix."""

    def __init__(self, playbook: Playbook, answers: Mapping[str, Any]) -> None:
        self.by_prompt = {
            node.prompt: node_id
            for node_id, node in playbook.nodes.items()
            if isinstance(node, QuestionNode)
        }
        self.playbook, self.answers = playbook, answers

    def _answer(self, message: str) -> Any:
        return _answer_for(self.playbook, self.answers, self.by_prompt[message])

    def select(self, message: str, options: Sequence[Option], default: str | None) -> str:
        return str(self._answer(message))

    def text(self, message: str, default: str | None, instruction: str) -> str:
        return str(self._answer(message))

    def paste(self, message: str, instruction: str) -> str:
        return str(self._answer(message))

    def confirm(self, message: str, default: bool | None, instruction: str) -> str:
        if message not in self.by_prompt:  # "Apply these N command(s) now?"
            return "no"
        return "yes" if self._answer(message) in (True, "yes", "true") else "no"

    def secret(self, message: str, instruction: str) -> str:
        raise AssertionError("the case gives its request up front")

    def show(self, text: str) -> None:
        return None


def via_prompt(case: Case, tmp_path: Path) -> dict:
    investigation = open_investigation(case.request, aws=case.aws)
    prompter = ScriptedPrompter(investigation.playbook, case.answers)
    walk = PromptWalk(investigation, prompter, save_dir=lambda: tmp_path / "sessions")
    code = walk.run()
    outcome = investigation.outcome().to_dict()
    assert outcome["exit_code"] == code
    return outcome


# --------------------------------------------------------------------------- TUI pilot


async def _tui(case: Case) -> dict:
    r = case.request
    evidence = StartEvidence(
        url=r.url or "",
        method=r.method or "",
        token=r.token or "",
        region=r.region or "",
        endpoint_url=case.aws.endpoint_url if case.live else "",
        offline=not case.live,
    )
    driver = SessionDriver.unstarted()
    driver.aws = case.aws
    app = WizardApp(evidence, driver=driver, probe_aws=False)
    playbook = driver.playbook
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+r")
        await settle(pilot)
        for _ in range(30):
            if not isinstance(app.screen, StepScreen):
                break
            question = app.screen.question
            await answer_text(pilot, str(_answer_for(playbook, case.answers, question.node_id)))
        screen = app.screen
        assert isinstance(screen, FindingsScreen), screen
        diagnosis = app.driver.session.diagnosis()
        for index, fix in enumerate(screen.fixes):
            if case.live and fix.applicable and fix.cause_id == diagnosis.cause:
                screen.query_one(f"#apply-{index}", Button).press()
                await wait_for_screen(pilot, ConfirmFixScreen)
                await pilot.press("enter")  # the focused button is "Don't apply"
                await settle(pilot)
        outcome = app.driver.investigation.outcome().to_dict()
        assert app.driver.exit_code() == outcome["exit_code"]
    return outcome


def via_tui(case: Case) -> dict:
    import asyncio

    return asyncio.run(_tui(case))


# --------------------------------------------------------------------------- MCP client


def _mcp_request(case: Case, token_file: Path) -> dict[str, Any]:
    """The failing call as the MCP tools take it: secrets by reference (a file), never inline."""
    r = case.request
    call: dict[str, Any] = {"url": r.url, "method": r.method}
    if case.live:
        call.update(endpoint_url=case.aws.endpoint_url, region=r.region)
        call["headers"] = [f"{name}:{value}" for name, value in r.headers.items()] or None
        if r.token:
            token_file.write_text(r.token)
            call["token_file"] = str(token_file)
        if r.api_key:
            key_file = token_file.with_name("api-key")
            key_file.write_text(r.api_key)
            call["api_key_file"] = str(key_file)
    return {k: v for k, v in call.items() if v is not None}


def via_mcp(case: Case, tmp_path: Path) -> dict:
    """`apigw-wizard mcp` in a subprocess, through the SDK's ClientSession over stdio. Live, the
    diagnosed cause's applicable fix is offered through `apply_fix` and the human declines it in
    the elicitation form, as the other front ends decline on their confirmation."""
    request = _mcp_request(case, tmp_path / "token")
    answers = {k: str(v) for k, v in case.answers.items()}

    async def decline(_ctx: Any, _params: types.ElicitRequestParams) -> types.ElicitResult:
        return types.ElicitResult(action="decline")

    async def main() -> dict:
        async with connected(elicit=decline) as session:
            args: dict[str, Any] = {"request": request, "answers": answers or None}
            if not case.live:
                args["offline"] = True
            diagnosed = tool_json(await session.call_tool("diagnose", args))
            outcome = diagnosed["result"]
            cause = (outcome.get("diagnosis") or {}).get("cause")
            offered = [
                f["fix"] for f in outcome["fixes"] if f["applicable"] and f["cause"] == cause
            ]
            assert outcome["exit_code"] == diagnosed["exit_code"]
            if not case.live or not offered:
                return outcome
            applied = tool_json(
                await session.call_tool("apply_fix", {"fix_id": offered[0], "request": request})
            )
            assert applied["confirmation_asked_for"] == [offered[0]]
            assert applied["result"]["exit_code"] == applied["exit_code"]
            return applied["result"]

    outcome: dict = anyio.run(main)
    return outcome


FrontEnd = Callable[..., dict]
FRONT_ENDS = ("headless", "prompt", "tui", "mcp")


def essentials(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """What must be identical whatever the front end: the diagnosis, the ranked causes, each
    fix's id, exact commands and lifecycle state, and the exit code."""
    diagnosis = outcome.get("diagnosis") or {}
    return {
        "diagnosis": diagnosis.get("cause"),
        "inconclusive": diagnosis.get("inconclusive"),
        "causes": [c["id"] for c in outcome["causes"]],
        "fixes": [
            {k: f[k] for k in ("cause", "fix", "cli", "state", "applicable", "rollback")}
            for f in outcome["fixes"]
        ],
        "target": outcome["target"],
        "exit_code": outcome["exit_code"],
    }


MAIN_PLAYBOOK = main_playbook()
