"""Prompt mode live against MiniStack over real HTTP: the seed incident, from the user's paste and
URL to the diagnosis, and a fix applied only after an explicit yes."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.engine.test_prompt import FakePrompter
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario
from wizard.ui.prompt import Option

pytestmark = pytest.mark.emulator


class AnswerBook(FakePrompter):
    """Answers by keywords of the question (the playbook's wording may change; its facts do not)."""

    def __init__(self, book: Sequence[tuple[str, str]], confirm: str) -> None:
        super().__init__()
        self.book = list(book)
        self.confirm_answer = confirm

    def _answer(self, message: str) -> str:
        for keyword, answer in self.book:
            if keyword.lower() in message.lower():
                return answer
        shown = "\n".join(self.shown)
        raise AssertionError(f"no answer for question: {message!r}; so far:\n{shown}")

    def select(self, message: str, options: Sequence[Option], default: str | None) -> str:
        self.prompts.append({"kind": "select", "message": message, "options": list(options)})
        return self._answer(message)

    def text(self, message: str, default: str | None, instruction: str) -> str:
        self.prompts.append({"kind": "text", "message": message})
        return self._answer(message)

    def paste(self, message: str, instruction: str) -> str:
        self.prompts.append({"kind": "paste", "message": message})
        return self._answer(message)

    def secret(self, message: str, instruction: str) -> str:
        self.prompts.append({"kind": "secret", "message": message})
        return self._answer(message)

    def confirm(self, message: str, default: bool | None, instruction: str) -> str:
        self.prompts.append({"kind": "confirm", "message": message, "default": default})
        if message.startswith("Apply these"):
            return self.confirm_answer
        return self._answer(message)


def _seed(aws_client: Any, ministack: Any) -> tuple[Any, Provisioned]:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    get, _ = scenario.requests
    assert send_request(get, out).status_code == 200  # caches a GET-only Allow
    return scenario, out


def _run(
    out: Provisioned, ministack: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, confirm: str
) -> tuple[int, AnswerBook]:
    from wizard.commands.interactive import run_prompt

    for key, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test")):
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr("wizard.paths.sessions_dir", lambda: tmp_path)
    url = out.url("/dashboard/update-profile")
    book = AnswerBook(
        [
            ("which call fails", f"POST {url}"),
            ("the token the client sends", out.tokens["alice"]),
            # the walk ends by offering the report: written on "yes", to tmp_path
            ("incident report", confirm),
            ("Report file", str(tmp_path / "incident.md")),
        ],
        confirm,
    )
    args = argparse.Namespace(
        plain=True,
        playbook=None,
        resume=None,
        profile=None,
        region="us-east-1",
        endpoint_url=ministack.endpoint_url,
    )
    return run_prompt(args, prompter=book), book


def _ttl(aws_client: Any, out: Provisioned) -> int:
    authorizer_id = out.authorizer_ids["jwt-authorizer"]
    got = aws_client("apigateway").get_authorizer(restApiId=out.api_id, authorizerId=authorizer_id)
    return int(got["authorizerResultTtlInSeconds"])


def test_live_prompt_walk_diagnoses_the_seed_and_applies_on_yes(
    aws_client: Any, ministack: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, out = _seed(aws_client, ministack)
    code, book = _run(out, ministack, tmp_path, monkeypatch, "yes")
    output = book.output
    assert "Diagnosis: " in output and "(authz-cache-scoped-policy)" in output, output
    # asked only for the call and the token: the rest came from live probes
    # (then the report offer and its file name)
    assert [q["kind"] for q in book.prompts] == ["text", "secret", "confirm", "confirm", "text"]
    assert out.tokens["alice"] not in output  # the token is never echoed
    assert "authorizer_ttl = 300" in output
    assert "/authorizerResultTtlInSeconds,value=0" in output  # the exact command, shown first
    assert book.prompts[2]["default"] is False  # applying defaults to no
    report = (tmp_path / "incident.md").read_text(encoding="utf-8")
    assert "authz-cache-scoped-policy" in report and "update-authorizer" in report
    assert out.tokens["alice"] not in report  # redacted in the report too
    assert "To undo it:" in output
    assert code == 0
    assert _ttl(aws_client, out) == 0
    _, post = scenario.requests
    assert send_request(post, out).status_code == 200


def test_live_prompt_walk_declined_changes_nothing(
    aws_client: Any, ministack: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, out = _seed(aws_client, ministack)
    code, book = _run(out, ministack, tmp_path, monkeypatch, "no")
    assert "(authz-cache-scoped-policy)" in book.output
    assert "Not applied." in book.output
    assert not (tmp_path / "incident.md").exists()  # "no" to the report too
    assert code == 1  # diagnosed, fix pending
    assert _ttl(aws_client, out) == 300
    _, post = scenario.requests
    assert send_request(post, out).status_code == 403
