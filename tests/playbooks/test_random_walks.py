"""Any answers at all: the main playbook always reaches an end node, never a traceback.

Hypothesis answers every question the walk reaches — a random valid choice (or "I don't know"
where allowed), arbitrary text for pastes, any yes/no, any number — starting from a realistic or
arbitrary first paste. The walk must end with a diagnosis or an explicit "inconclusive".
"""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.playbooks.walking import MAIN_PLAYBOOK, main_playbook, registry_for
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import EndNode, QuestionNode
from wizard.engine.session import Session

FIRST_PASTES = [
    '{"message":"User is not authorized to access this resource"}',
    '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: '
    'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/x with an explicit deny"}',
    '{"message":"Forbidden"}',
    '{"message":"Missing Authentication Token"}',
    "IncompleteSignatureException",
    "HTTP/1.1 401 Unauthorized",
    "<H1>403 ERROR</H1> The request could not be satisfied",
    "the first call works, later ones get 403",
]


# The engine refuses an empty answer (AnswerError, one line); anything else must be walkable.
_TEXT = st.text(min_size=1, max_size=300).filter(lambda t: t.strip() != "")


def _answer(data: st.DataObject, node: QuestionNode) -> object:
    if node.allow_unknown and data.draw(st.booleans(), label="unknown?"):
        return UNKNOWN
    if node.input == "choice":
        return data.draw(st.sampled_from([c.value for c in node.choices]), label=node.sets)
    if node.input == "confirm":
        return data.draw(st.booleans(), label=node.sets)
    if node.fact_type == "integer":
        return data.draw(st.integers(min_value=0, max_value=100_000), label=node.sets)
    return data.draw(_TEXT, label=node.sets)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_answers_reach_an_end_node(data: st.DataObject) -> None:
    playbook = main_playbook()
    session = Session(playbook, registry=registry_for(None), playbook_path=str(MAIN_PLAYBOOK))
    first = data.draw(st.sampled_from(FIRST_PASTES) | _TEXT)
    cancel = threading.Event()
    answered_first = False
    for _ in range(200):
        if session.ended:
            break
        current = session.current()
        assert current is not None
        if current.kind == "question":
            node = current.node
            assert isinstance(node, QuestionNode)
            value = first if not answered_first else _answer(data, node)
            answered_first = True
            session.answer(value)
        elif current.kind == "probe":
            session.run_probes(cancel)
        else:
            session.advance()
    assert session.ended, " → ".join(step.node for step in session.path)
    diagnosis = session.diagnosis()
    assert diagnosis is not None
    assert isinstance(playbook.nodes[diagnosis.node], EndNode)
    assert "{" not in diagnosis.summary  # every template reference was filled
