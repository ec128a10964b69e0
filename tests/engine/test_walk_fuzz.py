"""Any answers, in any order, on the shipped playbook: the engine keeps asking or ends, and
never raises anything but AnswerError (an answer that does not fit, asked again). Offline
probes are the real ones; live probes are registered and skipped (no AWS)."""

from __future__ import annotations

import importlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.engine.facts import UNKNOWN
from wizard.engine.loader import load_playbook
from wizard.engine.models import QuestionNode
from wizard.engine.session import AnswerError, Session
from wizard.paths import main_playbook

importlib.import_module("wizard.engine.offline_probes")
importlib.import_module("wizard.aws.probes").register_all()
PLAYBOOK = load_playbook(main_playbook(), check=False)

free_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            '{"message":"User is not authorized to access this resource"}',
            '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke"}',
            "HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: AccessDeniedException\n\n{}",
            "POST https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/items",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            "300",
            "0",
            "yes",
        ]
    ),
)


def _answer(node: QuestionNode, pick: int, text: str, unknown: bool) -> Any:
    if unknown and node.allow_unknown:
        return UNKNOWN
    if node.input == "choice":
        return node.choices[pick % len(node.choices)].value
    if node.input == "confirm":
        return pick % 2 == 0
    return text


def _walk(script: list[tuple[int, str, bool]]) -> Session:
    """A session driven by `script` until it ends or the script runs out: probes run, each
    question gets the scripted answer (a rejected answer is skipped, as a front end would)."""
    session = Session(PLAYBOOK)
    for pick, text, unknown in script:
        if session.ended:
            break
        current = session.current()
        assert current is not None
        if current.kind == "probe":
            session.run_probes()
            continue
        assert isinstance(current.node, QuestionNode)
        try:
            session.answer(_answer(current.node, pick, text, unknown))
        except AnswerError:
            continue
    return session


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 50), free_text, st.booleans()), min_size=1, max_size=25))
def test_any_answers_never_crash_the_walk(script: list[tuple[int, str, bool]]) -> None:
    session = _walk(script)
    session.to_dict()  # and the state always serialises
    if session.ended:
        assert session.diagnosis() is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 50), free_text, st.booleans()), min_size=1, max_size=25),
    st.integers(0, 10),
)
def test_back_then_replay_reproduces_the_same_walk(
    script: list[tuple[int, str, bool]], back_to: int
) -> None:
    session = _walk(script)
    while not session.ended and session.current().kind == "probe":  # type: ignore[union-attr]
        session.run_probes()  # stop where replay() stops: at a question or the end
    before = [(s.node, s.edge, s.target) for s in session.path]
    facts = {n: f.value for n, f in session.facts.items()}
    questions = [s.node for s in session.path if s.kind == "question" and s.edge != "skip"]
    if not questions:
        return
    session.back(questions[back_to % len(questions)])
    session.replay()  # remembered answers, probes re-run: the same evidence gives the same walk
    assert [(s.node, s.edge, s.target) for s in session.path] == before
    assert {n: f.value for n, f in session.facts.items()} == facts
