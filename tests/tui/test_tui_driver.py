"""The driver without the UI: what the start screen's evidence becomes, exit codes, timeline."""

from __future__ import annotations

from typing import Any

from tui_helpers import PROBE_TROUBLE, SEED_POLICY, fixed_clock, seed_evidence

from wizard.engine.probes import ProbeContext, ProbeRegistry
from wizard.ui.tui.driver import SessionDriver, failing_request
from wizard.ui.tui.start_input import StartEvidence


def _ttl_probe(value: Any) -> ProbeRegistry:
    registry = ProbeRegistry()

    @registry.probe("tui_test_read_ttl", "read the authorizer TTL")
    def read(ctx: ProbeContext, params: Any) -> dict[str, Any]:
        return {"ttl": value}

    return registry


def _walk(driver: SessionDriver) -> None:
    import threading

    driver.advance(cancel=threading.Event())


def test_inputs_use_the_names_diagnose_uses_and_leave_out_what_was_not_given() -> None:
    inputs = failing_request(
        StartEvidence(url=" https://x.example/prod/a ", method="post")
    ).inputs()
    assert inputs == {"url": "https://x.example/prod/a", "method": "POST", "since": "15m"}
    assert "confirm_resend" not in inputs


def test_the_pasted_response_answers_the_first_question_once() -> None:
    driver = SessionDriver.create(seed_evidence(), clock=fixed_clock)
    _walk(driver)
    session = driver.session
    assert session is not None
    answered = [s.node for s in session.path if s.kind == "question" and s.edge != "skip"]
    assert answered == ["q_error"]
    assert driver.question() is not None and driver.question().fact == "authorizer_ttl"
    # Going back shows the pasted response again as the answer to change.
    assert driver.back()
    assert driver.question().fact == "error_text"
    assert "User is not authorized" in driver.question().previous_answer


def test_exit_codes_follow_the_walk() -> None:
    cached = SessionDriver.create(
        StartEvidence(api_id="a"),
        playbook=PROBE_TROUBLE,
        clock=fixed_clock,
        registry=_ttl_probe(300),
    )
    assert cached.exit_code() == 130  # not finished: interrupted, resumable
    cached.answer("a1b2c3")
    _walk(cached)
    assert cached.finished and cached.exit_code() == 0  # diagnosed, nothing proposed to apply

    uncached = SessionDriver.create(
        StartEvidence(api_id="a"), playbook=PROBE_TROUBLE, clock=fixed_clock, registry=_ttl_probe(0)
    )
    uncached.answer("a1b2c3")
    _walk(uncached)
    assert uncached.finished and uncached.exit_code() == 4  # inconclusive


def test_seed_walk_exit_code_is_fix_pending_and_timeline_is_in_words() -> None:
    driver = SessionDriver.create(seed_evidence(), clock=fixed_clock)
    _walk(driver)
    driver.answer("300")
    _walk(driver)
    driver.answer(SEED_POLICY)
    _walk(driver)
    assert driver.finished
    assert driver.exit_code() == 1  # diagnosed, a fix proposed and not applied
    lines = [e.text for e in driver.timeline()]
    assert "asked: authorizer cache TTL" in lines
    assert any(t.startswith("found: ") for t in lines)
    assert all(e.clock == "09:30:00" for e in driver.timeline())
