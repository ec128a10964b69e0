"""The question that separates (wizard/analysis/diagnosis/next_question.py, separators.py).

The information-gain arithmetic is checked against hand-computed values on toy questions; the
question bank is checked against the playbook graph it mirrors (each answer's causes are those
its branch ends at); and on real pastes the chosen question is the one that splits the live
candidates.
"""

from __future__ import annotations

import math

import pytest

from tests.playbooks.walking import main_playbook
from wizard.analysis.classify import classify
from wizard.analysis.diagnosis import next_question as nq
from wizard.analysis.diagnosis import scoring, separators
from wizard.analysis.diagnosis.separators import Answer, Separator
from wizard.engine.models import (
    DecisionNode,
    EndNode,
    FactCondition,
    FixNode,
    QuestionNode,
    successors,
)
from wizard.engine.offline_probes.responses import classify_error, next_question_probe
from wizard.engine.probes import ProbeContext

NO_WEIGHTS = scoring.FittedWeights()
EPS = nq.EPSILON


def _q(*answers: tuple[str, str]) -> Separator:
    return Separator(
        "toy",
        "question",
        "toy?",
        tuple(Answer(v, v, frozenset(c.split())) for v, c in answers),
    )


def _h(ps: list[float]) -> float:
    return -sum(p * math.log2(p) for p in ps if p > 0)


def test_a_question_splitting_two_equal_causes_gains_what_bayes_says() -> None:
    sep = _q(("a", "cause-a"), ("b", "cause-b"))
    got = nq.score({"cause-a": 0.5, "cause-b": 0.5}, sep, NO_WEIGHTS)
    # Each cause: its own answer 1-EPS, the other two answers EPS/2 each.
    own, other = 1 - EPS, EPS / 2
    p_a = 0.5 * own + 0.5 * other
    p_none = 0.5 * other + 0.5 * other
    h_after = 2 * p_a * _h([own * 0.5 / p_a, other * 0.5 / p_a]) + p_none * 1.0
    assert got.gain == pytest.approx(1.0 - h_after, abs=1e-9)
    assert got.gain > 0.6
    assert got.value == pytest.approx(2 * p_a * (own * 0.5 / p_a) + p_none * 0.5 - 0.5, abs=1e-9)


def test_a_question_about_other_causes_gains_nothing() -> None:
    sep = _q(("x", "cause-x"), ("y", "cause-y"))
    got = nq.score({"cause-a": 0.5, "cause-b": 0.5}, sep, NO_WEIGHTS)
    assert got.gain == pytest.approx(0.0, abs=1e-9)
    assert got.value == pytest.approx(0.0, abs=1e-9)


def test_the_broader_question_wins_when_mass_is_spread() -> None:
    post = {"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}
    pair = Separator("pair", "question", "?", _q(("a", "a"), ("b", "b")).answers)
    broad = Separator(
        "broad", "question", "?", _q(("a", "a"), ("b", "b"), ("c", "c"), ("d", "d")).answers
    )
    ranked = nq.rank(post, [pair, broad], NO_WEIGHTS)
    assert [s.separator.id for s in ranked] == ["broad", "pair"]


def test_the_fitted_weights_tilt_the_likelihoods() -> None:
    sep = Separator(
        "toy",
        "question",
        "?",
        (Answer("yes", "yes", frozenset(), frozenset({"symptom:waf"})),),
    )
    fw = scoring.FittedWeights(weights={"symptom:waf": {"waf-block": 2.0}})
    like = nq.likelihoods(sep, ["waf-block", "stage-not-found"], fw)
    assert like["waf-block"]["yes"] > like["stage-not-found"]["yes"]
    for row in like.values():
        assert sum(row.values()) == pytest.approx(1.0)


def test_settled_only_when_no_answer_could_change_the_decision() -> None:
    sep = _q(("a", "cause-a"), ("b", "cause-b"))
    assert nq.settled({"cause-a": 0.99, "cause-b": 0.01}, [sep], NO_WEIGHTS) == "cause-a"
    assert nq.settled({"cause-a": 0.6, "cause-b": 0.4}, [sep], NO_WEIGHTS) is None
    assert nq.settled({}, [sep], NO_WEIGHTS) is None


# ------------------------------------------------------------------ the bank vs the playbook


def _causes_from(
    pb: object, node_id: str, seen: set[str] | None = None, depth: int = 0
) -> set[str]:
    seen = seen if seen is not None else set()
    if node_id in seen or depth > 8:
        return set()
    seen.add(node_id)
    node = pb.nodes[node_id]  # type: ignore[attr-defined]
    if isinstance(node, FixNode):
        return {node.cause}
    if isinstance(node, EndNode):
        return {node.diagnosis} if node.diagnosis else set()
    out: set[str] = set()
    for _, target in successors(node):
        out |= _causes_from(pb, target, seen, depth + 1)
    return out


def _target(pb: object, q: QuestionNode, value: object) -> str:
    d = pb.nodes[q.next]  # type: ignore[attr-defined]
    if not isinstance(d, DecisionNode):
        return q.next
    for branch in d.choices:
        w = branch.when
        if not isinstance(w, FactCondition) or w.fact != q.sets:
            continue
        if (w.op == "eq" and w.value == value) or (w.op == "in" and value in w.value):
            return branch.goto
    return d.default.goto


@pytest.mark.parametrize("sep", separators.QUESTIONS, ids=lambda s: s.id)
def test_each_question_mirrors_its_playbook_node(sep: Separator) -> None:
    pb = main_playbook()
    node = pb.nodes.get(sep.id)
    assert isinstance(node, QuestionNode) and node.input == "choice", sep.id
    assert sep.text == node.prompt
    labels = {str(c.value): c.label for c in node.choices}
    for answer in sep.answers:
        assert answer.value in labels, f"{sep.id}: no choice {answer.value!r}"
        assert answer.label == labels[answer.value]
        target = _target(pb, node, answer.value)
        reached = _causes_from(pb, target)
        assert answer.causes and answer.causes <= reached, (sep.id, answer.value, sorted(reached))
        if isinstance(pb.nodes[target], FixNode):
            assert answer.causes == reached


def test_every_answer_names_known_causes_and_observations() -> None:
    from wizard.analysis.diagnosis.observations import known_observation
    from wizard.catalogue import load_catalogue

    ids = set(load_catalogue().ids())
    for sep in separators.bank():
        for answer in sep.answers:
            assert answer.causes <= ids, (sep.id, answer.causes - ids)
            assert all(known_observation(o) for o in answer.observations), sep.id


# ------------------------------------------------------------------ on real pastes

BARE_FORBIDDEN = (
    "HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: ForbiddenException\n"
    'x-amzn-RequestId: 0f6c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5\n\n{"message":"Forbidden"}'
)


def _posterior(text: str) -> dict[str, float]:
    return {c.id: c.confidence for c in classify(text).causes}


def test_a_bare_forbidden_asks_the_forbidden_question() -> None:
    facts = nq.for_playbook(_posterior(BARE_FORBIDDEN))
    assert facts["best_question"] == "q_forbidden_context"
    assert facts["settled_cause"] is None


def test_an_api_key_paste_asks_the_key_question_until_it_is_settled() -> None:
    leaning = nq.for_playbook(_posterior(BARE_FORBIDDEN + "\nThe method requires an API key."))
    assert leaning["best_question"] == "q_apikey" and leaning["settled_cause"] is None


def test_missing_authentication_token_asks_a_route_question() -> None:
    post = _posterior('{"message":"Missing Authentication Token"}')
    best = nq.best(post, separators.QUESTIONS, kinds=("question",))
    assert best is not None
    assert {"mat-route-not-found", "mat-not-deployed"} <= best.separator.causes()


def test_a_decisive_paste_is_settled() -> None:
    post = _posterior(
        '{"message":"User is not authorized to access this resource with an explicit deny"}\n'
        "the authorizer log shows Effect Deny for this method"
    )
    top = max(post, key=lambda c: post[c])
    assert post[top] > 0.9
    assert nq.settled(post, separators.QUESTIONS) == top


# ------------------------------------------------------------------ after each answer


def test_answer_facts_are_the_playbook_nodes_sets() -> None:
    """separators.ANSWER_FACTS names the fact each question's node sets (drift fails here)."""
    nodes = main_playbook().nodes
    assert set(separators.ANSWER_FACTS) == {q.id for q in separators.QUESTIONS}
    for qid, fact in separators.ANSWER_FACTS.items():
        node = nodes[qid]
        assert isinstance(node, QuestionNode) and node.sets == fact, qid


def test_answering_the_first_separating_question_changes_the_next_one() -> None:
    post = _posterior(BARE_FORBIDDEN)
    first = nq.for_playbook(post)
    assert first["best_question"] == "q_forbidden_context"
    after = nq.for_playbook(post, {"q_forbidden_context": "api_key"})
    # The answer is not asked again, and it moved the mass to the API-key causes.
    assert after["best_question"] == "q_apikey"
    updated = nq.update(post, {"q_forbidden_context": "api_key"}, separators.QUESTIONS)
    top2 = sorted(updated, key=lambda c: -updated[c])[:2]
    assert set(top2) == {"apikey-missing-or-invalid", "apikey-not-in-usage-plan-stage"}
    # An answer that names one cause settles it: no question is worth asking any more.
    assert nq.for_playbook(post, {"q_forbidden_context": "stage"})["settled_cause"] == (
        "stage-not-found"
    )


def test_an_unlisted_answer_is_none_of_these_and_unknown_ids_are_ignored() -> None:
    post = _posterior(BARE_FORBIDDEN)
    other = nq.update(post, {"q_forbidden_context": "something else"}, separators.QUESTIONS)
    named = separators.QUESTIONS[[q.id for q in separators.QUESTIONS].index("q_forbidden_context")]
    # Every cause an answer names loses mass to the ones no answer names.
    assert sum(other.get(c, 0) for c in named.causes()) < sum(
        nq.update(post, {}, separators.QUESTIONS).get(c, 0) for c in named.causes()
    )
    assert nq.update(post, {"q_nonexistent": "x"}, separators.QUESTIONS) == nq.update(
        post, {}, separators.QUESTIONS
    )


def test_answered_reads_only_known_answers_from_the_facts() -> None:
    facts = {"forbidden_context": "api_key", "route_status": None, "origin": "", "other": "x"}
    assert nq.answered(facts) == {"q_forbidden_context": "api_key"}
    # Two questions that set one fact are both answered by it.
    both = nq.answered({"domain_mapping": "ok"})
    assert both == {"q_custom_domain_mat": "ok", "q_custom_domain_forbidden": "ok"}


def test_the_engine_recomputes_the_next_question_after_an_answer() -> None:
    first = classify_error(ProbeContext(inputs={}, facts={}), {"text": BARE_FORBIDDEN})
    assert first["best_question"] == "q_forbidden_context"
    facts = {"diagnosis_posterior": first["posterior"], "forbidden_context": "api_key"}
    after = next_question_probe(ProbeContext(inputs={}, facts=facts), {})
    assert after["best_question"] == "q_apikey"
    # The same answers known when classify_error runs count there too.
    again = classify_error(ProbeContext(inputs={}, facts=facts), {"text": BARE_FORBIDDEN})
    assert again["best_question"] == "q_apikey"
    # No posterior kept: nothing to recompute, never an error.
    empty = next_question_probe(ProbeContext(inputs={}, facts={}), {})
    assert empty == {"best_question": None, "best_question_gain": None, "settled_cause": None}
