"""Session walks on small test playbooks with fake probes: success, failure -> unknown ->
on_unknown, "I don't know", concurrency, cancel, back / change answer, save / load with redaction."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.engine.helpers import PLAYBOOKS, Clock, catalogue, registry
from wizard.engine.events import (
    AnswerRecorded,
    Event,
    FactSet,
    Finding,
    FixApplied,
    FixProposed,
    ProbeFailed,
    ProbeFinished,
    ProbeSkipped,
    QuestionAsked,
    SessionEnded,
    Transition,
    WentBack,
)
from wizard.engine.facts import UNKNOWN
from wizard.engine.loader import load_playbook
from wizard.engine.models import Playbook
from wizard.engine.probes import ProbeError, ProbeErrorKind, ProbeRegistry, ProbeSpec
from wizard.engine.session import AnswerError, Session, SessionError

Probe = Callable[[Any, Any], dict[str, Any]]


def ok_authorizer(ctx: Any, params: Any) -> dict[str, Any]:
    return {"authorizer": {"ttl": 300}, "params": dict(params)}


def ok_logs(ctx: Any, params: Any) -> dict[str, Any]:
    return {"invoked": False}


def denied(ctx: Any, params: Any) -> dict[str, Any]:
    raise ProbeError(
        ProbeErrorKind.ACCESS_DENIED,
        "not allowed to read the authorizer",
        missing_permission="apigateway:GET",
        manual_hint="paste the authorizer's TTL from the console",
    )


def no_policy(ctx: Any, params: Any) -> dict[str, Any]:
    return {"policy": None}


def walk_playbook() -> Playbook:
    return load_playbook(PLAYBOOKS / "walk.yaml", check=False)


def make(
    *,
    authorizer: Probe = ok_authorizer,
    logs: Probe = ok_logs,
    policy: Probe = no_policy,
    **kw: Any,
) -> Session:
    reg = registry(authorizer=authorizer, logs=logs, policy=policy)
    kw.setdefault("inputs", {"region": "eu-west-1"})
    return Session(walk_playbook(), registry=reg, catalogue=catalogue(), clock=Clock(), **kw)


def kinds(events: list[Event]) -> list[str]:
    return [e.name for e in events]


def test_success_walk_reaches_the_diagnosis_with_fixes_and_reasons() -> None:
    s = make()
    assert s.current().node_id == "ask_error"  # type: ignore[union-attr]
    assert isinstance(s.timeline[-1], QuestionAsked)
    s.answer("not_authorized")
    assert s.current().kind == "probe"  # type: ignore[union-attr]
    events = s.run_probes()
    assert s.ended
    d = s.diagnosis()
    assert d is not None and d.cause == "authz-cache-scoped-policy"
    assert d.title == "Cached policy scoped to the first method"
    assert d.summary == "Cached policy (TTL 300) reused for another method."
    assert [f.name for f in d.evidence] == ["ttl", "invoked"]
    assert [f.fix_id for f in s.fixes()] == ["fix-cache-wildcard-resource", "fix-cache-ttl-zero"]
    assert s.fixes()[0].explanation == "The policy is cached for 300 seconds."
    assert [p.node for p in s.path] == ["ask_error", "inspect", "route", "fix_cache", "end_cache"]
    route = s.path[2]
    assert route.edge == "choices.1"
    assert route.reason == "The authorizer was not invoked and its decision is cached."
    assert s.question_count == 1
    assert s.facts["ttl"].source == "analyzer" and s.facts["ttl"].origin == "inspect/authorizer"
    assert s.facts["error_kind"].source == "answer"
    assert s.facts["region"].source == "input"
    names = kinds(events)
    assert names.count("ProbeStarted") == 3 and names.count("ProbeFinished") == 3
    assert names[-3:] == ["Transition", "NodeEntered", "SessionEnded"]
    assert sum(isinstance(e, FixProposed) for e in events) == 2
    assert (
        isinstance(events[-1], SessionEnded) and events[-1].diagnosis == "authz-cache-scoped-policy"
    )


def test_probe_parameters_are_bound_from_facts() -> None:
    seen: dict[str, Any] = {}

    def authorizer(ctx: Any, params: Any) -> dict[str, Any]:
        seen.update(params)
        seen["facts"] = dict(ctx.facts)
        return ok_authorizer(ctx, params)

    s = make(authorizer=authorizer)
    s.answer("not_authorized")
    s.run_probes()
    assert seen["kind"] == "not_authorized"  # "{error_kind}": the raw value
    assert seen["where"] == "in eu-west-1"  # a template
    assert seen["facts"]["error_kind"] == "not_authorized"


def test_failed_probe_makes_facts_unknown_and_the_decision_asks() -> None:
    s = make(authorizer=denied)
    s.answer("not_authorized")
    events = s.run_probes()
    failed = [e for e in events if isinstance(e, ProbeFailed)]
    assert len(failed) == 1
    f = failed[0]
    assert (f.probe, f.error_kind, f.missing_permission) == (
        "authorizer",
        "access_denied",
        "apigateway:GET",
    )
    assert f.manual_hint == "paste the authorizer's TTL from the console"
    assert f.facts == ("ttl",)
    assert s.facts["ttl"].value is UNKNOWN and not s.facts["ttl"].known
    assert s.facts["ttl"].note == "not allowed to read the authorizer"
    # unknown is never false: the decision asks instead of taking the default
    current = s.current()
    assert current is not None and current.node_id == "ask_ttl" and current.asked_by == "route"
    step = s.path[-1]
    assert step.edge == "on_unknown"
    assert step.reason == "We could not read the authorizer TTL. (unknown: ttl)"
    s.answer("300")  # typed text coerced to the declared integer
    assert s.facts["ttl"].value == 300 and s.facts["ttl"].source == "answer"
    assert s.ended and s.diagnosis().cause == "authz-cache-scoped-policy"  # type: ignore[union-attr]
    assert [p.node for p in s.path] == [
        "ask_error",
        "inspect",
        "route",
        "ask_ttl",
        "route",
        "fix_cache",
        "end_cache",
    ]
    assert s.path[3].edge == "return"


def test_i_dont_know_follows_the_default_and_says_what_was_unknown() -> None:
    s = make(authorizer=denied)
    s.answer("not_authorized")
    s.run_probes()
    s.answer(UNKNOWN)
    assert s.ended
    d = s.diagnosis()
    assert d is not None and d.inconclusive and d.summary == "Inconclusive: ttl (unknown)."
    route = s.path[-2]
    assert route.node == "route" and route.edge == "default"
    assert route.reason == "Nothing matched. (could not check: ttl unknown)"


def test_unknown_answer_is_refused_when_not_allowed() -> None:
    s = make()
    with pytest.raises(AnswerError, match="needs an answer"):
        s.answer(UNKNOWN)


def test_probe_bug_becomes_a_failure_not_a_traceback() -> None:
    def broken(ctx: Any, params: Any) -> dict[str, Any]:
        raise KeyError("boom")

    s = make(logs=broken)
    s.answer("not_authorized")
    events = s.run_probes()
    failed = [e for e in events if isinstance(e, ProbeFailed)]
    assert [(e.probe, e.error_kind) for e in failed] == [("logs", "error")]
    assert "KeyError" in failed[0].message
    assert s.facts["invoked"].value is UNKNOWN


def test_probe_returning_the_wrong_type_gives_an_unknown_fact() -> None:
    s = make(authorizer=lambda c, p: {"authorizer": {"ttl": "300"}})
    s.answer("not_authorized")
    s.run_probes()
    assert s.facts["ttl"].value is UNKNOWN
    assert s.facts["ttl"].note == "'authorizer.ttl' gave str, expected integer"


def test_probes_of_one_node_run_concurrently() -> None:
    barrier = threading.Barrier(3, timeout=5)  # each probe waits for the other two

    def together(result: dict[str, Any]) -> Probe:
        def probe(ctx: Any, params: Any) -> dict[str, Any]:
            barrier.wait()
            return result

        return probe

    s = make(
        authorizer=together({"authorizer": {"ttl": 300}}),
        logs=together({"invoked": False}),
        policy=together({"policy": None}),
    )
    s.answer("not_authorized")
    events = s.run_probes()
    assert not [e for e in events if isinstance(e, ProbeFailed)], "probes ran one after another"
    assert s.diagnosis().cause == "authz-cache-scoped-policy"  # type: ignore[union-attr]


def test_on_event_reports_progress_from_worker_threads() -> None:
    seen: list[tuple[str, str]] = []
    s = make()
    s.answer("not_authorized")
    s.run_probes(on_event=lambda e: seen.append((e.name, threading.current_thread().name)))
    assert sorted(name for name, _ in seen) == ["ProbeFinished"] * 3 + ["ProbeStarted"] * 3
    assert all(thread.startswith("probe") for _, thread in seen)


def test_cancelled_probes_leave_unknown_facts() -> None:
    cancel = threading.Event()
    cancel.set()
    s = make()
    s.answer("not_authorized")
    events = s.run_probes(cancel)
    assert {e.error_kind for e in events if isinstance(e, ProbeFailed)} == {"cancelled"}
    assert s.current().node_id == "ask_ttl"  # type: ignore[union-attr]


def test_live_probe_in_an_offline_walk_is_skipped() -> None:
    reg = registry(logs=ok_logs, policy=no_policy)
    reg.register(ProbeSpec("authorizer", ok_authorizer, "live", needs_aws=True))
    s = Session(walk_playbook(), registry=reg, catalogue=catalogue(), inputs={"region": "r"})
    s.answer("not_authorized")
    events = s.run_probes()
    skipped = [e for e in events if isinstance(e, ProbeSkipped)]
    assert [e.probe for e in skipped] == ["authorizer"]
    assert not [e for e in events if isinstance(e, ProbeFailed)]
    assert s.facts["ttl"].value is UNKNOWN and s.facts["ttl"].source == "probe"
    s.aws = object()  # a live walk runs it
    s.back("inspect")
    s.run_probes()
    assert s.facts["ttl"].value == 300


def test_a_read_that_does_not_apply_is_skipped_with_its_reason_not_failed() -> None:
    # A REST read of an HTTP API's id (wizard.aws.probes.rest_only): no fault to show or redo.
    def rest_read_of_http_api(ctx: Any, params: Any) -> dict[str, Any]:
        raise ProbeError(ProbeErrorKind.NOT_APPLICABLE, "a REST API read; x is an HTTP API")

    reg = registry(logs=ok_logs, policy=no_policy)
    reg.register(ProbeSpec("authorizer", rest_read_of_http_api, "live", needs_aws=True))
    s = Session(walk_playbook(), registry=reg, catalogue=catalogue(), inputs={"region": "r"})
    s.aws = object()
    s.answer("not_authorized")
    events = s.run_probes()
    skipped = [e for e in events if isinstance(e, ProbeSkipped)]
    assert [(e.probe, e.reason) for e in skipped] == [
        ("authorizer", "a REST API read; x is an HTTP API")
    ]
    assert not [e for e in events if isinstance(e, ProbeFailed)]
    assert s.facts["ttl"].value is UNKNOWN


def test_answers_are_checked_and_choices_accept_labels() -> None:
    s = make()
    with pytest.raises(AnswerError, match="not one of the choices: not_authorized, forbidden"):
        s.answer("teapot")
    assert s.current().node_id == "ask_error"  # type: ignore[union-attr]
    s.answer("  FORBIDDEN ")
    assert s.facts["error_kind"].value == "forbidden"
    s.run_probes()
    assert s.diagnosis().node == "end_forbidden"  # type: ignore[union-attr]


def test_answer_out_of_turn_is_a_session_error() -> None:
    s = make()
    s.answer("not_authorized")
    with pytest.raises(SessionError, match="'inspect' is a probe node"):
        s.answer("x")
    s.run_probes()
    with pytest.raises(SessionError, match="ended"):
        s.run_probes()


def test_bad_integer_answer_is_one_line() -> None:
    s = make(authorizer=denied)
    s.answer("not_authorized")
    s.run_probes()
    with pytest.raises(AnswerError, match=r"^expected a whole number, got 'five minutes'$"):
        s.answer("five minutes")


def test_back_and_change_answer_recompute_later_facts() -> None:
    def authorizer(ctx: Any, params: Any) -> dict[str, Any]:
        return {"authorizer": {"ttl": 300 if params["kind"] == "not_authorized" else 0}}

    s = make(authorizer=authorizer)
    s.answer("not_authorized")
    s.run_probes()
    assert s.facts["ttl"].value == 300
    events = s.change_answer("ask_error", "forbidden")  # replays: the probes run again
    assert isinstance(events[0], WentBack)
    assert s.facts["ttl"].value == 0
    assert s.diagnosis().node == "end_forbidden"  # type: ignore[union-attr]
    assert [p.node for p in s.path] == ["ask_error", "inspect", "route", "end_forbidden"]
    assert s.fixes() == []
    # going back again offers the answer given before as the default
    s.back("ask_error")
    current = s.current()
    assert current is not None and current.remembered and current.default == "forbidden"
    assert not s.ended and s.diagnosis() is None
    assert "ttl" not in s.facts  # facts after that point are gone until the walk gets there


def test_back_to_a_probe_node_reruns_it() -> None:
    results = iter([{"authorizer": {"ttl": 300}}, {"authorizer": {"ttl": 0}}])
    s = make(authorizer=lambda c, p: next(results))
    s.answer("not_authorized")
    s.run_probes()
    assert s.diagnosis().cause == "authz-cache-scoped-policy"  # type: ignore[union-attr]
    s.back("inspect")
    assert s.current().kind == "probe"  # type: ignore[union-attr]
    s.run_probes()
    assert s.facts["ttl"].value == 0
    assert s.diagnosis().node == "end_inconclusive"  # type: ignore[union-attr]


def test_back_to_a_node_not_on_the_path_is_refused() -> None:
    s = make()
    with pytest.raises(SessionError, match="'fix_cache' is not on the path"):
        s.back("fix_cache")


def test_timeline_uses_the_injected_clock_and_is_plain_data() -> None:
    s = make()
    s.answer("not_authorized")
    s.run_probes()
    times = [e.at for e in s.timeline]
    assert times == sorted(times) and times[0].year == 2026 and times[0].month == 1
    json.dumps(s.to_dict())  # everything is JSON-able
    kinds_seen = {e.name for e in s.timeline}
    assert {
        "NodeEntered",
        "QuestionAsked",
        "AnswerRecorded",
        "ProbeStarted",
        "ProbeFinished",
        "FactSet",
        "Transition",
        "Finding",
        "FixProposed",
        "SessionEnded",
    } <= kinds_seen
    answered = [e for e in s.timeline if isinstance(e, AnswerRecorded)]
    assert answered[0].value == "not_authorized"
    assert any(isinstance(e, FactSet) and e.fact == "ttl" and e.value == 300 for e in s.timeline)
    transitions = [e for e in s.timeline if isinstance(e, Transition)]
    assert [t.source for t in transitions] == ["ask_error", "inspect", "route", "fix_cache"]


def test_record_fix_applied_goes_to_timeline_and_report_data() -> None:
    s = make()
    s.answer("not_authorized")
    s.run_probes()
    event = s.record_fix_applied(
        "fix-cache-ttl-zero",
        cause="authz-cache-scoped-policy",
        commands=["aws apigateway update-authorizer ..."],
        rollback=["aws apigateway update-authorizer ... value=300"],
        by="alice",
        verified=True,
    )
    assert isinstance(event, FixApplied) and s.timeline[-1] is event
    applied = s.to_dict()["applied"]
    assert applied[0]["fix"] == "fix-cache-ttl-zero" and applied[0]["verified"] is True


def test_ranking_uses_the_classifier_with_text_and_facts() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def classifier(text: str, *, facts: dict[str, Any]) -> Any:
        calls.append((text, facts))
        return {"causes": [{"id": "authz-cache-scoped-policy", "title": "t", "confidence": 0.9}]}[
            "causes"
        ]

    s = make(classifier=classifier)
    s.answer("not_authorized")
    ranking = s.ranking()
    assert ranking[0].id == "authz-cache-scoped-policy" and ranking[0].confidence == 0.9
    assert calls[-1][0] == "User is not authorized to access this resource"  # the choice's label
    assert calls[-1][1]["error_kind"] == "not_authorized"
    s.ranking()
    assert len(calls) == 1  # cached until evidence changes
    s.run_probes()
    s.ranking()
    assert len(calls) == 2 and calls[-1][1]["ttl"] == 300


def test_ranking_degrades_to_nothing_when_the_classifier_fails() -> None:
    def broken(text: str, *, facts: dict[str, Any]) -> Any:
        raise RuntimeError("no")

    assert make(classifier=broken).ranking() == []


def test_required_input_and_bad_input() -> None:
    pb = walk_playbook()
    required = pb.model_copy(deep=True)
    required.inputs["region"].required = True
    with pytest.raises(SessionError, match="input 'region' is required"):
        Session(required, registry=registry(), catalogue=catalogue())
    with pytest.raises(SessionError, match="input 'region': expected a string"):
        Session(pb, registry=registry(), catalogue=catalogue(), inputs={"region": ["a"]})


# --------------------------------------------------------------------------- save and resume

TOKEN = jwt.encode({"sub": "alice", "scope": "profile"}, "k" * 32, algorithm="HS256")
API_KEY = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"


@pytest.fixture()
def secrets_session() -> Iterator[Session]:
    def inspect(ctx: Any, params: Any) -> dict[str, Any]:
        token = params["text"].split("Bearer ")[1].split()[0]
        return {"claims": jwt.decode(token, options={"verify_signature": False}), "token": token}

    reg = registry(inspect=inspect)
    pb = load_playbook(PLAYBOOKS / "secrets.yaml", check=False)
    yield Session(
        pb, registry=reg, catalogue=catalogue(), inputs={"region": "eu-west-1"}, clock=Clock()
    )


def test_skip_if_known_skips_a_question_given_as_input(secrets_session: Session) -> None:
    s = secrets_session
    assert s.current().node_id == "paste"  # type: ignore[union-attr]
    assert s.path[0].edge == "skip"
    assert s.path[0].reason == "'region' is already known (eu-west-1, from input)"
    assert s.question_count == 0


def test_save_and_load_round_trip_with_secrets_redacted(
    secrets_session: Session, tmp_path: Path
) -> None:
    s = secrets_session
    s.answer(f"POST /prod/profile HTTP/1.1\nAuthorization: Bearer {TOKEN}\n\n403")
    s.answer(API_KEY)
    saved = s.save(tmp_path / "deep" / "session.json")
    text = saved.read_text()
    assert TOKEN not in text
    assert TOKEN.split(".")[1] not in text  # not even the claims part
    assert API_KEY not in text
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    resumed = Session.load(saved, s.playbook, registry=s.registry, catalogue=catalogue())
    assert resumed.current().node_id == "look"  # type: ignore[union-attr]
    assert [p.node for p in resumed.path] == [p.node for p in s.path]
    assert resumed.question_count == 2
    assert resumed.facts["api_key"].value != API_KEY
    assert len(resumed.timeline) == len(s.timeline)
    assert resumed.timeline[0].at == s.timeline[0].at


def test_resumed_session_continues_and_ends(secrets_session: Session, tmp_path: Path) -> None:
    s = secrets_session
    s.answer(f"Authorization: Bearer {TOKEN}")
    s.answer(API_KEY)
    s.run_probes()
    assert s.diagnosis().summary == "Caller alice in eu-west-1."  # type: ignore[union-attr]
    path = s.save(tmp_path / "s.json")
    assert TOKEN not in path.read_text()
    resumed = Session.load(path, s.playbook, registry=s.registry)
    assert resumed.ended
    assert resumed.diagnosis().summary == "Caller alice in eu-west-1."  # type: ignore[union-attr]
    assert resumed.facts["raw"].value != TOKEN


def test_load_refuses_damaged_or_foreign_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SessionError, match="cannot read saved session"):
        Session.load(bad, walk_playbook())
    bad.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(SessionError, match="not an apigw-wizard session"):
        Session.load(bad, walk_playbook())
    with pytest.raises(SessionError, match="no saved session"):
        Session.load(tmp_path / "missing.json", walk_playbook())


def test_load_refuses_a_session_of_another_playbook(tmp_path: Path) -> None:
    s = make()
    path = s.save(tmp_path / "s.json")
    other = load_playbook(PLAYBOOKS / "secrets.yaml", check=False)
    with pytest.raises(SessionError, match="walked playbook 'test-walk', not 'test-secrets'"):
        Session.load(path, other)


def test_findings_are_emitted_once() -> None:
    s = make()
    s.answer("not_authorized")
    s.run_probes()
    assert [e.cause for e in s.timeline if isinstance(e, Finding)] == ["authz-cache-scoped-policy"]


def test_registry_default_is_the_process_registry() -> None:
    s = Session(walk_playbook(), catalogue=catalogue(), inputs={"region": "r"})
    assert isinstance(s.registry, ProbeRegistry)
    s.answer("not_authorized")
    events = s.run_probes()  # the test probes are not registered there: failures, not crashes
    assert {e.error_kind for e in events if isinstance(e, ProbeFailed)} == {"error"}
    assert not any(isinstance(e, ProbeFinished) for e in events)


def test_templates_fill_known_facts_and_mark_unknown_ones() -> None:
    from wizard.engine.session import fill_known, render_template

    values = {"api_id": "abc", "ttl": 300, "flag": True, "gone": UNKNOWN, "none": None}
    assert render_template("{api_id} {ttl} {flag} {gone} {none} {{x}}", values) == (
        "abc 300 yes (unknown) none {x}"
    )
    assert fill_known("arn:{api_id}/{stage}/* {gone}", values) == "arn:abc/{stage}/* {gone}"


def test_a_failing_progress_hook_does_not_lose_results() -> None:
    def hook(event: Event) -> None:
        raise RuntimeError("ui gone")

    s = make()
    s.answer("not_authorized")
    s.run_probes(on_event=hook)
    assert s.facts["ttl"].value == 300


def test_ctrl_c_while_probes_run_cancels_them() -> None:
    started = threading.Event()
    seen_cancel = threading.Event()

    def slow(ctx: Any, params: Any) -> dict[str, Any]:
        started.set()
        # Only the cancel ends it, however slowly a loaded machine runs; polled like a real
        # probe's pages, so one early wake-up of a wait cannot end it.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if ctx.cancel.wait(0.05):
                seen_cancel.set()
                break
        return {}

    s = make(logs=slow)
    s.answer("not_authorized")

    # A real SIGINT (as Ctrl-C sends), once the probe runs, interrupts the main thread's wait
    # on the probes. Sent on a condition, not after a delay: a fixed delay raced the probe.
    def interrupt() -> None:
        if started.wait(120):
            os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=interrupt, daemon=True)
    sender.start()
    with pytest.raises(KeyboardInterrupt):
        s.run_probes()
    assert started.is_set()
    assert seen_cancel.wait(60), "the running probe was told to stop"
    assert s.current().node_id == "inspect"  # type: ignore[union-attr]  # nothing recorded


def _two_probe_playbook() -> Playbook:
    """first: sets ttl and region; second: tries ttl and region again."""
    facts = {
        "ttl": {"select": "ttl", "type": "integer"},
        "region": {"select": "region", "type": "string"},
    }
    return Playbook.model_validate(
        {
            "schema_version": 1,
            "id": "t",
            "version": "1",
            "title": "T",
            "inputs": {"region": {"type": "string"}},
            "start": "first",
            "nodes": {
                "first": {
                    "kind": "probe",
                    "probes": [{"probe": "one", "facts": facts}],
                    "next": "second",
                },
                "second": {
                    "kind": "probe",
                    "probes": [{"probe": "two", "facts": facts}],
                    "next": "done",
                },
                "done": {"kind": "end", "diagnosis": None, "summary": "{ttl} {region}"},
            },
        }
    )


def test_unknown_never_erases_what_is_known_and_null_never_erases_user_input() -> None:
    reg = ProbeRegistry()
    reg.register(ProbeSpec("one", lambda c, p: {"ttl": 300, "region": None}, "one"))
    reg.register(ProbeSpec("two", denied, "two"))
    s = Session(
        _two_probe_playbook(), registry=reg, catalogue=catalogue(), inputs={"region": "eu-west-1"}
    )
    s.run_probes()
    assert s.facts["region"].value == "eu-west-1" and s.facts["region"].source == "input"
    assert s.facts["ttl"].value == 300
    s.run_probes()  # the second probe fails: could not read is not news
    assert s.facts["ttl"].value == 300 and s.facts["ttl"].origin == "first/one"
    assert s.diagnosis().summary == "300 eu-west-1"  # type: ignore[union-attr]


def test_a_probe_null_replaces_an_earlier_probe_value() -> None:
    reg = ProbeRegistry()
    reg.register(ProbeSpec("one", lambda c, p: {"ttl": 300, "region": "us-east-1"}, "one"))
    reg.register(ProbeSpec("two", lambda c, p: {"ttl": None, "region": "eu-west-1"}, "two"))
    s = Session(_two_probe_playbook(), registry=reg, catalogue=catalogue())
    s.run_probes()
    s.run_probes()
    assert s.facts["ttl"].value is None and s.facts["region"].value == "eu-west-1"


def test_a_token_given_as_input_is_never_saved(tmp_path: Path) -> None:
    secret = "Bearer opaque-token-0123456789abcdef"
    s = make(inputs={"region": "r", "token": secret, "api_key": "k" * 30})
    text = s.save(tmp_path / "s.json").read_text()
    assert "opaque-token-0123456789abcdef" not in text and "k" * 30 not in text
