"""Prompt mode driven by a fake prompter (the walk, help, back, quit, Ctrl-C), and the real
questionary widgets driven through a prompt_toolkit pipe."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tests.engine.helpers import PLAYBOOKS, catalogue, registry
from tests.engine.test_session import Clock, denied, no_policy, ok_authorizer, ok_logs
from wizard.engine.loader import load_playbook
from wizard.engine.models import Playbook
from wizard.engine.session import Session
from wizard.investigation import Investigation
from wizard.ui.prompt import BACK, DONT_KNOW, HELP, QUIT, Option, PromptWalk, QuestionaryPrompter


class FakePrompter:
    """Answers from a script; records every prompt and every line shown. An exhausted script
    is Ctrl-C."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[dict[str, Any]] = []
        self.shown: list[str] = []

    def _next(self, **prompt: Any) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise KeyboardInterrupt
        return self.answers.pop(0)

    def select(self, message: str, options: Sequence[Option], default: str | None) -> str:
        return self._next(kind="select", message=message, options=list(options), default=default)

    def text(self, message: str, default: str | None, instruction: str) -> str:
        return self._next(kind="text", message=message, default=default, instruction=instruction)

    def paste(self, message: str, instruction: str) -> str:
        return self._next(kind="paste", message=message, instruction=instruction)

    def confirm(self, message: str, default: bool | None, instruction: str) -> str:
        return self._next(kind="confirm", message=message, default=default, instruction=instruction)

    def secret(self, message: str, instruction: str) -> str:
        return self._next(kind="secret", message=message, instruction=instruction)

    def show(self, text: str) -> None:
        self.shown.extend(text.splitlines() or [""])

    @property
    def output(self) -> str:
        return "\n".join(self.shown)


def walk(
    prompter: FakePrompter,
    tmp_path: Path,
    *,
    authorizer: Any = ok_authorizer,
    playbook: Playbook | None = None,
    offer_report: bool = False,
) -> tuple[int, Session]:
    reg = registry(authorizer=authorizer, logs=ok_logs, policy=no_policy)
    pb = playbook or load_playbook(PLAYBOOKS / "walk.yaml", check=False)
    session = Session(
        pb, registry=reg, catalogue=catalogue(), inputs={"region": "r"}, clock=Clock()
    )
    code = PromptWalk(
        Investigation.from_session(session),
        prompter,
        save_dir=lambda: tmp_path / "sessions",
        offer_report=offer_report,
    ).run()
    return code, session


def test_walk_to_a_diagnosis_teaches_as_it_goes(tmp_path: Path) -> None:
    p = FakePrompter("not_authorized")
    code, _ = walk(p, tmp_path)
    assert code == 1  # diagnosed, fixes proposed, nothing applied
    first = p.prompts[0]
    assert first["kind"] == "select" and first["message"] == "What does the 403 body say?"
    values = [o.value for o in first["options"]]
    assert values == ["not_authorized", "forbidden", HELP, BACK, QUIT]
    assert "User is not authorized to access this resource" in [o.title for o in first["options"]]
    out = p.output
    assert "→ The authorizer was not invoked and its decision is cached." in out
    assert "Diagnosis: Cached policy scoped to the first method (authz-cache-scoped-policy)" in out
    assert "  ttl = 300  (analyzer, inspect/authorizer)" in out
    assert "  1. Wildcard resource" in out and "  2. TTL 0" in out
    assert "Nothing was changed in your account." in out
    assert not (tmp_path / "sessions").exists()  # nothing saved, nothing created


def test_help_is_shown_then_the_question_asked_again(tmp_path: Path) -> None:
    p = FakePrompter(HELP, "not_authorized")
    walk(p, tmp_path)
    assert "Why: It tells which check refused the call." in p.shown
    assert "Where: The response body." in p.shown
    assert len([q for q in p.prompts if q["message"] == "What does the 403 body say?"]) == 2


def test_failed_probe_is_explained_and_the_question_asks_for_the_evidence(tmp_path: Path) -> None:
    p = FakePrompter("not_authorized", "five", "300")
    code, session = walk(p, tmp_path, authorizer=denied)
    out = p.output
    assert (
        "! Could not authorizer: not allowed to read the authorizer (needs apigateway:GET)" in out
    )
    assert "  You can do it by hand: paste the authorizer's TTL from the console" in out
    assert "→ We could not read the authorizer TTL. (unknown: ttl)" in out
    ttl = p.prompts[1]
    assert ttl["kind"] == "text" and ttl["instruction"] == "(? help, :back, :quit, :unknown)"
    assert "! expected a whole number, got 'five'" in out
    assert session.diagnosis().cause == "authz-cache-scoped-policy"  # type: ignore[union-attr]
    assert code == 1


def test_back_returns_to_the_previous_question_with_its_answer_as_default(tmp_path: Path) -> None:
    p = FakePrompter("not_authorized", BACK, "forbidden")
    code, session = walk(p, tmp_path, authorizer=denied)
    assert [q["message"] for q in p.prompts] == [
        "What does the 403 body say?",
        "What is the authorizer's TTL in seconds?",
        "What does the 403 body say?",
    ]
    assert p.prompts[2]["default"] == "not_authorized"
    assert session.diagnosis().node == "end_forbidden"  # type: ignore[union-attr]
    assert code == 3  # inconclusive because a probe was denied: an AWS fault


def test_back_at_the_first_question_says_so(tmp_path: Path) -> None:
    p = FakePrompter(":b", "forbidden")
    walk(p, tmp_path)
    assert "This is the first question: there is nothing to go back to." in p.shown


def test_dont_know_only_where_allowed(tmp_path: Path) -> None:
    p = FakePrompter(DONT_KNOW, "not_authorized", ":unknown")
    code, session = walk(p, tmp_path, authorizer=denied)
    assert "This question needs an answer (? shows where to find it)." in p.shown
    assert session.facts["ttl"].value is not None and not session.facts["ttl"].known
    assert code == 3  # the probe denied: an AWS fault left it inconclusive
    assert "Inconclusive: the evidence does not single out one cause." in p.shown


def test_quit_saves_the_session_and_says_where(tmp_path: Path) -> None:
    p = FakePrompter("not_authorized", QUIT)
    code, session = walk(p, tmp_path, authorizer=denied)
    assert code == 130
    saved = list((tmp_path / "sessions").glob("session-*.json"))
    assert len(saved) == 1
    assert f"You chose to quit. Session saved to {saved[0]}" in p.output
    assert f"Resume with: apigw-wizard --plain --resume {saved[0]}" in p.output
    resumed = Session.load(saved[0], session.playbook, registry=session.registry)
    assert resumed.current().node_id == "ask_ttl"  # type: ignore[union-attr]


def test_ctrl_c_saves_the_session(tmp_path: Path) -> None:
    p = FakePrompter("not_authorized")  # then Ctrl-C at the TTL question
    code, _ = walk(p, tmp_path, authorizer=denied)
    assert code == 130
    saved = list((tmp_path / "sessions").glob("*.json"))
    assert saved and json.loads(saved[0].read_text())["current"] == "ask_ttl"
    assert "Interrupted. Session saved to" in p.output


def test_paste_text_and_confirm_are_rendered_from_their_declarations(tmp_path: Path) -> None:
    pb = load_playbook(PLAYBOOKS / "secrets.yaml", check=False)
    data = pb.model_dump(by_alias=True)
    data["nodes"]["ask_key"]["next"] = "sure"
    data["nodes"]["sure"] = {
        "kind": "question",
        "input": "confirm",
        "prompt": "Is the key enabled?",
        "help": {"why": "A disabled key is refused."},
        "sets": "key_enabled",
        "default": True,
        "next": "look",
    }
    playbook = Playbook.model_validate(data)
    p = FakePrompter("Authorization: Bearer x\n\nbody", "abc", HELP, "yes")
    reg = registry(inspect=lambda c, params: {"claims": {"sub": "bob"}, "token": "t"})
    session = Session(
        playbook, registry=reg, catalogue=catalogue(), inputs={"region": "r"}, clock=Clock()
    )
    code = PromptWalk(Investigation.from_session(session), p, save_dir=lambda: tmp_path).run()
    kinds = [q["kind"] for q in p.prompts]
    assert kinds == ["paste", "text", "confirm", "confirm"]
    assert "Esc+Enter" in p.prompts[0]["instruction"]
    assert p.prompts[2]["default"] is True
    assert p.prompts[2]["instruction"] == "(y/n; b back, ? help, q quit) "
    assert "Why: A disabled key is refused." in p.shown
    assert session.facts["key_enabled"].value is True
    assert session.facts["evidence"].value == "Authorization: Bearer x\n\nbody"
    assert code == 4  # this test playbook ends without a diagnosis


# --------------------------------------------------------------------------- the CLI entry


def test_plain_without_a_terminal_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    assert main(["--plain", "--playbook", str(PLAYBOOKS / "walk.yaml")]) == 2
    err = capsys.readouterr().err
    assert "prompt mode needs a terminal" in err and "diagnose --offline" in err


def _failing_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test playbook's probes, every one refused, as the investigation's registry (prompt
    mode lints the playbook's probe names against it, as every front end does)."""
    reg = registry(authorizer=denied, logs=denied, policy=denied)
    monkeypatch.setattr(
        "wizard.investigation.investigation.registry_for", lambda live, registry=None: reg
    )
    monkeypatch.setattr("wizard.investigation.playbook.shipped_registry", lambda: reg)


def test_plain_refuses_a_playbook_naming_unknown_probes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One lint policy for every front end: prompt mode checks probe names like diagnose."""
    from wizard.commands.interactive import run_prompt

    args = argparse.Namespace(
        plain=True, playbook=str(PLAYBOOKS / "walk.yaml"), resume=None, profile=None,
        region="r", endpoint_url=None,
    )  # fmt: skip
    assert run_prompt(args, prompter=FakePrompter()) == 2
    assert "unknown probe 'authorizer'" in capsys.readouterr().err


def test_run_prompt_with_a_fake_prompter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.commands.interactive import run_prompt

    _failing_probes(monkeypatch)
    monkeypatch.setattr("wizard.paths.sessions_dir", lambda: tmp_path)
    args = argparse.Namespace(
        plain=True,
        playbook=str(PLAYBOOKS / "walk.yaml"),
        resume=None,
        profile=None,
        region="r",
        endpoint_url=None,
    )
    p = FakePrompter("forbidden")
    assert run_prompt(args, prompter=p) == 3  # the probe denied: an AWS fault left it inconclusive
    # the walk's probes are refused: failures are explained, never a traceback
    assert any(line.startswith("! Could not authorizer") for line in p.shown)
    args.playbook = str(tmp_path / "missing.yaml")
    assert run_prompt(args, prompter=FakePrompter()) == 2


def test_resume_continues_where_the_session_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.commands.interactive import run_prompt

    _failing_probes(monkeypatch)
    monkeypatch.setattr("wizard.paths.sessions_dir", lambda: tmp_path)
    args = argparse.Namespace(
        plain=True,
        playbook=str(PLAYBOOKS / "walk.yaml"),
        resume=None,
        profile=None,
        region="r",
        endpoint_url=None,
    )
    assert run_prompt(args, prompter=FakePrompter("not_authorized")) == 130  # Ctrl-C at the TTL
    (saved,) = tmp_path.glob("session-*.json")
    args.resume = str(saved)
    p = FakePrompter("300")
    assert (
        run_prompt(args, prompter=p) == 3
    )  # `invoked` stays unknown (its probe denied): an AWS fault
    assert p.prompts[0]["message"] == "What is the authorizer's TTL in seconds?"
    assert "(could not check: invoked unknown)" in p.output


# --------------------------------------------------------------------------- real widgets


@contextmanager
def _real(keys: str) -> Iterator[QuestionaryPrompter]:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        yield QuestionaryPrompter(input=pipe, output=DummyOutput())


def test_real_paste_keeps_blank_lines_and_ends_on_an_empty_line() -> None:
    with _real(
        "HTTP/1.1 403\r\x1b[200~x-amzn-ErrorType: AccessDeniedException\n\n{}\x1b[201~\r\r"
    ) as prompter:
        assert (
            prompter.paste("Paste", "")
            == "HTTP/1.1 403\nx-amzn-ErrorType: AccessDeniedException\n\n{}"
        )


def test_real_paste_ends_on_esc_enter() -> None:
    with _real("one line\x1b\r") as prompter:
        assert prompter.paste("Paste", "") == "one line"


def test_real_confirm_keys() -> None:
    for keys, expected in (
        ("y", "yes"),
        ("n\r", "no"),
        ("b", BACK),
        ("?", HELP),
        ("q", QUIT),
        ("\r", "yes"),
    ):
        with _real(keys) as prompter:
            assert prompter.confirm("Sure?", True, "") == expected


def test_real_select_and_text() -> None:
    options = [Option("a", "Alpha"), Option("b", "Beta"), Option(BACK, "← Back")]
    with _real("\x1b[B\r") as prompter:  # arrow down, enter
        assert prompter.select("Pick", options, None) == "b"
    with _real("\r") as prompter:
        assert prompter.select("Pick", options, "b") == "b"  # the default is preselected
    with _real("300\r") as prompter:
        assert prompter.text("TTL?", None, "") == "300"
    with _real("\r") as prompter:
        assert prompter.text("TTL?", "60", "") == "60"


def test_each_question_says_why_it_is_asked(tmp_path: Path) -> None:
    p = FakePrompter("not_authorized")
    walk(p, tmp_path)
    assert p.shown.count("Why we ask: It tells which check refused the call.") == 1


class _FakeAws:
    """Stands for wizard.aws.session.AwsSession: the driver only takes its client factory."""

    def client(self, service: str, region: str | None = None) -> Any:
        raise AssertionError("the fake driver makes no AWS calls")


def _fake_driver(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replace the investigation's run of the fixes driver: it asks `confirm` for one plan and,
    when confirmed, reports it applied and verified (the real driver is tested against
    MiniStack by its owner); the investigation records it as it records a real run."""
    from types import SimpleNamespace

    import wizard.investigation.investigation as investigation
    from wizard.investigation.lifecycle import state_of_run

    confirmations: list[Any] = []
    plan = SimpleNamespace(
        fix_id="fix-cache-ttl-zero",
        title="TTL 0",
        cli=("aws apigateway update-authorizer --rest-api-id abc --authorizer-id x",),
        notes=[],
        digest="d" * 64,
    )

    def apply_first(self: Any, confirm: Any) -> list[Any]:
        confirmation = confirm(plan, [])
        confirmations.append(confirmation)
        applied = confirmation is not None
        run = SimpleNamespace(
            plan=plan,
            status="applied" if applied else "declined",
            detail="verified: the call now answers 200" if applied else "not applied: declined",
            applied=applied,
            verified=True if applied else None,
            confirmation=confirmation,
            result=None,
            verification=None,
            rollback=SimpleNamespace(
                cli=("aws apigateway update-authorizer ... value=300",), operations=[1]
            )
            if applied
            else None,
            to_dict=lambda: {},
        )
        slot = self.slot("fix-cache-ttl-zero")
        self._record(slot, run, state_of_run(run))
        return [slot]

    monkeypatch.setattr(investigation.Investigation, "apply_first", apply_first)
    return confirmations


def test_live_walk_applies_a_fix_only_after_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    confirmations = _fake_driver(monkeypatch)
    p = FakePrompter("not_authorized", "yes")
    reg = registry(authorizer=ok_authorizer, logs=ok_logs, policy=no_policy)
    pb = load_playbook(PLAYBOOKS / "walk.yaml", check=False)
    session = Session(
        pb, registry=reg, catalogue=catalogue(), inputs={"region": "r"}, aws=_FakeAws()
    )
    code = PromptWalk(Investigation.from_session(session), p, save_dir=lambda: tmp_path).run()
    assert code == 0
    assert p.prompts[-1]["kind"] == "confirm" and p.prompts[-1]["default"] is False
    assert "  aws apigateway update-authorizer --rest-api-id abc --authorizer-id x" in p.shown
    assert "TTL 0: verified. verified: the call now answers 200" in p.shown
    assert "  aws apigateway update-authorizer ... value=300" in p.shown
    assert confirmations[0].commands_shown == (
        "aws apigateway update-authorizer --rest-api-id abc --authorizer-id x",
    )
    assert session.applied[0].fix == "fix-cache-ttl-zero"


def test_live_walk_declined_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    confirmations = _fake_driver(monkeypatch)
    p = FakePrompter("not_authorized", "no")
    reg = registry(authorizer=ok_authorizer, logs=ok_logs, policy=no_policy)
    pb = load_playbook(PLAYBOOKS / "walk.yaml", check=False)
    session = Session(
        pb, registry=reg, catalogue=catalogue(), inputs={"region": "r"}, aws=_FakeAws()
    )
    assert (
        PromptWalk(Investigation.from_session(session), p, save_dir=lambda: tmp_path).run() == 1
    )  # fix pending
    assert confirmations == [None]
    assert "Not applied." in p.shown
    assert [a.outcome for a in session.applied] == ["declined"]  # recorded, nothing changed


def test_a_non_loopback_endpoint_is_refused_with_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.commands.interactive import run_prompt

    args = argparse.Namespace(
        plain=True,
        playbook=str(PLAYBOOKS / "walk.yaml"),
        resume=None,
        profile=None,
        region="us-east-1",
        endpoint_url="http://10.1.2.3:4566",
    )
    assert run_prompt(args, prompter=FakePrompter()) == 3
    err = capsys.readouterr().err
    assert err.startswith("apigw-wizard: error: ") and len(err.strip().splitlines()) == 1


def test_real_secret_prompt() -> None:
    with _real("Bearer s3cret\r") as prompter:
        assert prompter.secret("Token", "") == "Bearer s3cret"


def test_live_start_questions_give_inputs_and_prefill() -> None:
    from wizard.ui.prompt import ask_live_request

    p = FakePrompter(
        "post https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/x", "Bearer t0k", "no"
    )
    request = ask_live_request(p)
    assert request is not None
    inputs, prefill = request.inputs(), request.prefill()
    assert inputs == {
        "since": "15m",
        "method": "POST",
        "url": "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/x",
        "token": "Bearer t0k",  # exactly as sent: the authorizer cache is keyed on it
    }
    assert (
        prefill["request_text"]
        == "POST https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/x"
    )
    # A POST to a real API is sent again only with consent (the same rule as the TUI and the
    # reproduce probe); "no", the default, leaves confirm_resend out.
    assert [q["kind"] for q in p.prompts] == ["text", "secret", "confirm"]
    assert p.prompts[2]["default"] is False
    assert "changes data" in p.prompts[2]["instruction"]
    assert ask_live_request(FakePrompter(":quit")) is None
    skipped = ask_live_request(FakePrompter("", ""))
    assert skipped is not None and (skipped.inputs(), skipped.prefill()) == ({"since": "15m"}, {})


def test_live_start_asks_consent_only_where_the_resend_rule_does() -> None:
    from wizard.ui.prompt import ask_live_request

    real = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/x"
    allowed = ask_live_request(FakePrompter(f"DELETE {real}", "", "yes"))
    assert allowed is not None and allowed.inputs()["confirm_resend"] is True
    assert ask_live_request(FakePrompter(f"DELETE {real}", "", ":quit")) is None
    for safe in (f"GET {real}", "POST http://127.0.0.1:4566/restapis/a/prod/_user_request_/x"):
        p = FakePrompter(safe, "")
        assert ask_live_request(p) is not None
        assert [q["kind"] for q in p.prompts] == ["text", "secret"]


def test_each_fix_says_whether_the_wizard_can_apply_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same rule as diagnose --apply (fixes.applicability): a fix with a manual step is
    never shown as one the wizard applies; one made of allowlisted calls is."""
    from wizard.catalogue.model import Fix, Operation

    _fake_driver(monkeypatch)
    deploy = Operation(
        service="apigateway",
        operation="CreateDeployment",
        params={"restApiId": "abc", "stageName": "prod"},
    )
    cat = catalogue()
    cause = cat.get("authz-cache-scoped-policy")
    fixes = [
        Fix(id="fix-cache-wildcard-resource", title="Wildcard", explanation="e", guidance="code"),
        Fix(id="fix-cache-ttl-zero", title="Redeploy", explanation="e", operations=[deploy]),
    ]
    cat = cat.model_copy(
        update={"causes": [cause.model_copy(update={"fixes": fixes}), *cat.causes[1:]]}
    )
    p = FakePrompter("not_authorized", "no")
    reg = registry(authorizer=ok_authorizer, logs=ok_logs, policy=no_policy)
    pb = load_playbook(PLAYBOOKS / "walk.yaml", check=False)
    session = Session(pb, registry=reg, catalogue=cat, inputs={"region": "r"}, aws=_FakeAws())
    PromptWalk(Investigation.from_session(session), p, save_dir=lambda: tmp_path).run()
    assert "  1. Wildcard  [a step you do yourself]" in p.shown
    assert "  2. Redeploy  [the wizard can apply it, after you confirm]" in p.shown


def test_the_walk_ends_by_offering_the_incident_report(tmp_path: Path) -> None:
    target = tmp_path / "out" / "incident.md"
    p = FakePrompter("not_authorized", "yes", str(target))
    code, session = walk(p, tmp_path, offer_report=True)
    assert code == 1  # the diagnosis and its pending fix are unchanged by the offer
    assert p.prompts[-2]["kind"] == "confirm" and "incident report" in p.prompts[-2]["message"]
    assert re.fullmatch(r"apigw-403-\d{8}-\d{6}\.md", p.prompts[-1]["default"])
    assert f"Report written to {target}" in p.shown
    text = target.read_text(encoding="utf-8")
    assert text.startswith("#") and str(session.diagnosis().cause) in text


def test_declining_the_report_writes_nothing(tmp_path: Path) -> None:
    p = FakePrompter("not_authorized", "no")
    code, _ = walk(p, tmp_path, offer_report=True)
    assert code == 1
    assert not list(tmp_path.rglob("*.md"))
    assert not any("Report written" in line for line in p.shown)
