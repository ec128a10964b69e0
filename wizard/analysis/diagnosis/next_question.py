"""The question that separates: the next step with the highest expected information gain.

Given the current probability of each cause (the calibrated confidences of scoring.py) and the
separators (separators.py: the playbook's questions and the checks of next_checks.py), each
separator's answers get a likelihood under each cause:

    P(answer | cause) ∝ base(answer, cause) x exp(sum of weight(o, cause) over the answer's
                                                  observations o)

where `base` is 1 - EPSILON shared by the answers that name the cause, EPSILON shared by the
others (people misread a console, or do not know), and a cause that no answer names goes to the
implicit "none of these" answer; the fitted weights (the same evidence model that ranked the
causes, in wizard/catalogue/fitted_weights.json) tilt it by how much more likely the answer's
observations are under one cause than another. Then, by Bayes,

    gain(separator) = H(cause) - sum over answers of P(answer) H(cause | answer)     (bits)
    value(separator) = sum over answers of P(answer) max P(cause | answer) - max P(cause)

`gain` ranks what to ask; `value` - how much the chance of naming the right cause can still rise
- says whether asking can change the decision at all: when no separator's value reaches
`SETTLED_VALUE`, the leading cause is *settled* and the playbook's ladders go straight to its fix.
Pure: no I/O beyond the fitted weights scoring.py has already read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wizard.analysis.diagnosis import scoring, separators
from wizard.analysis.diagnosis.separators import Separator

# The chance that an answer is given for a cause it does not fit.
EPSILON = 0.05
# Below this, no answer can raise the chance of naming the right cause by five points: asking
# would not change the decision.
SETTLED_VALUE = 0.05
# Causes below this share are left out of the sums (they cannot move a bit either way).
_FLOOR = 1e-4
# A fitted weight tilts a likelihood by at most e^3 (~20x) either way.
_MAX_TILT = 3.0
_OTHER = "<none of these>"


@dataclass(frozen=True)
class Scored:
    separator: Separator
    gain: float  # bits
    value: float  # expected rise of P(the decision is right)
    answers: tuple[tuple[str, float, str | None], ...]  # (answer, P(answer), best cause after it)

    def as_dict(self) -> dict[str, object]:
        s = self.separator
        labels = {a.value: a.label for a in s.answers}
        return {
            "kind": s.kind,
            "id": s.id,
            "text": s.text,
            "expected_gain_bits": round(self.gain, 3),
            "expected_value": round(self.value, 3),
            "answers": [
                {
                    "value": value,
                    "label": labels.get(value, "none of these / I don't know"),
                    "probability": round(p, 3),
                    "points_to": best,
                }
                for value, p, best in self.answers
            ],
        }


def _normalised(posterior: Mapping[str, float]) -> dict[str, float]:
    kept = {c: p for c, p in posterior.items() if p >= _FLOOR and math.isfinite(p)}
    total = sum(kept.values())
    return {c: p / total for c, p in kept.items()} if total > 0 else {}


def _entropy(probs: Iterable[float]) -> float:
    return -sum(p * math.log2(p) for p in probs if p > 0)


def likelihoods(
    sep: Separator, causes: Iterable[str], fw: scoring.FittedWeights | None = None
) -> dict[str, dict[str, float]]:
    """P(answer | cause) for each cause (rows sum to 1), answers plus the implicit 'other'."""
    fw = fw or scoring.fitted_weights()
    values = [a.value for a in sep.answers] + [_OTHER]
    out: dict[str, dict[str, float]] = {}
    for cause in causes:
        named = [a.value for a in sep.answers if cause in a.causes] or [_OTHER]
        rest = len(values) - len(named)
        row = {
            v: ((1 - EPSILON) / len(named)) if v in named else (EPSILON / rest if rest else 0.0)
            for v in values
        }
        for a in sep.answers:
            tilt = sum(fw.weights.get(o, {}).get(cause, 0.0) for o in a.observations)
            row[a.value] *= math.exp(max(-_MAX_TILT, min(_MAX_TILT, tilt)))
        total = sum(row.values())
        out[cause] = {v: p / total for v, p in row.items()}
    return out


def score(
    posterior: Mapping[str, float], sep: Separator, fw: scoring.FittedWeights | None = None
) -> Scored:
    prior = _normalised(posterior)
    like = likelihoods(sep, prior, fw)
    h0 = _entropy(prior.values())
    best0 = max(prior.values(), default=0.0)
    values = [a.value for a in sep.answers] + [_OTHER]
    gain = h0
    value = -best0
    answers = []
    for v in values:
        joint = {c: prior[c] * like[c][v] for c in prior}
        p_answer = sum(joint.values())
        if p_answer <= 0:
            continue
        post = {c: j / p_answer for c, j in joint.items()}
        gain -= p_answer * _entropy(post.values())
        top = max(post, key=lambda c: post[c])
        value += p_answer * post[top]
        answers.append((v, p_answer, top))
    return Scored(sep, max(0.0, gain), max(0.0, value), tuple(answers))


def rank(
    posterior: Mapping[str, float],
    bank: Iterable[Separator] | None = None,
    fw: scoring.FittedWeights | None = None,
    *,
    kinds: Iterable[str] = ("question", "check"),
) -> list[Scored]:
    """The separators, best first (highest gain; ties: questions before checks, then id)."""
    allowed = set(kinds)
    seps = [s for s in (bank if bank is not None else separators.bank()) if s.kind in allowed]
    scored = [score(posterior, s, fw) for s in seps]
    return sorted(scored, key=lambda s: (-s.gain, s.separator.kind != "question", s.separator.id))


def best(
    posterior: Mapping[str, float],
    bank: Iterable[Separator] | None = None,
    fw: scoring.FittedWeights | None = None,
    *,
    kinds: Iterable[str] = ("question", "check"),
) -> Scored | None:
    """The separator with the highest expected information gain, or None when none gains."""
    ranked = rank(posterior, bank, fw, kinds=kinds)
    return ranked[0] if ranked and ranked[0].gain > 1e-6 else None


def settled(
    posterior: Mapping[str, float],
    bank: Iterable[Separator] | None = None,
    fw: scoring.FittedWeights | None = None,
) -> str | None:
    """The leading cause when no separator could change the decision (see the module doc)."""
    prior = _normalised(posterior)
    if not prior:
        return None
    seps = list(bank if bank is not None else separators.bank())
    if any(score(prior, s, fw).value >= SETTLED_VALUE for s in seps):
        return None
    return max(prior, key=lambda c: prior[c])


def plan(
    posterior: Mapping[str, float],
    bank: Iterable[Separator] | None = None,
    fw: scoring.FittedWeights | None = None,
) -> tuple[str | None, Scored | None]:
    """(settled cause, best separator) from one pass over the separators: the settled cause is
    None unless no separator could change the decision, and then there is no step to take."""
    prior = _normalised(posterior)
    if not prior:
        return None, None
    ranked = rank(prior, bank, fw)
    if not any(s.value >= SETTLED_VALUE for s in ranked):
        return max(prior, key=lambda c: prior[c]), None
    top = ranked[0] if ranked and ranked[0].gain > 1e-6 else None
    return None, top


def update(
    posterior: Mapping[str, float],
    answers: Mapping[str, str],
    bank: Iterable[Separator] | None = None,
    fw: scoring.FittedWeights | None = None,
) -> dict[str, float]:
    """P(cause | the answers so far): each answered separator's likelihood row applied by Bayes,
    with the same likelihoods that chose the question (an answer the separator does not list is
    its implicit "none of these"). Unknown separator ids are ignored."""
    post = _normalised(posterior)
    by_id = {s.id: s for s in (bank if bank is not None else separators.bank())}
    for sid, value in answers.items():
        sep = by_id.get(sid)
        if sep is None or not post:
            continue
        v = value if any(a.value == value for a in sep.answers) else _OTHER
        like = likelihoods(sep, post, fw)
        post = _normalised({c: p * like[c][v] for c, p in post.items()})
    return post


def answered(facts: Mapping[str, object]) -> dict[str, str]:
    """The separating questions the facts already answer: question id -> the answer given (an
    unknown or missing fact is no answer)."""
    return {
        q: value
        for q, fact in separators.ANSWER_FACTS.items()
        if isinstance(value := facts.get(fact), str) and value
    }


def for_playbook(
    posterior: Mapping[str, float], answers: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The facts the playbook's ladders follow: the question with the highest expected gain
    (`best_question`, a question node id) and the cause no question could change any more
    (`settled_cause`), each None when there is none - computed on the posterior after the
    answers given so far, over the questions not answered yet (an answered question is never
    proposed again). The engine recomputes these after each answer (offline probe next_question)."""
    answers = dict(answers or {})
    posterior = update(posterior, answers, separators.QUESTIONS)
    questions = [q for q in separators.QUESTIONS if q.id not in answers]
    settled_cause, _ = plan(posterior, questions)
    top = best(posterior, questions, kinds=("question",))
    return {
        "best_question": top.separator.id if top else None,
        "best_question_gain": round(top.gain, 3) if top else None,
        "settled_cause": settled_cause,
    }
