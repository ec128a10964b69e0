"""From the rules' scores and the observations to calibrated confidences.

    logit(cause) = scale * (rule_score(cause) - best rule score)
                   + bias(cause) + sum of weight(observation, cause) over the paste's observations

`scale`, `bias` and `weight` are fitted on the report corpus (benchmarks/fit_evidence.py, by
leave-one-source-out cross-validation) and stored as data in wizard/catalogue/fitted_weights.json.
The rule score comes from the evidence data (wizard/catalogue/evidence.yaml); the fitted part
corrects it where the corpus disagrees and turns it into a probability that means what it says
(the reliability table in docs/diagnosis.md).

Root-cause links (the `explains:` of wizard/catalogue/evidence.yaml): when a cause produces another
cause's message and its own evidence is present, its logit is raised to the other's plus the
file's `link_margin`, so the cause behind the message ranks above the visible one.

A paste with no HTTP signal at all (no status, message, log line or ARN - only prose) never makes a
cause likely: its confidences are flattened (order kept) until the best is below
`NO_SIGNAL_CEILING`, so `explain` stays inconclusive and asks for the response first. The same
holds for a paste that shows only what every 403 shows (a status, a bare "Forbidden"). A paste
whose only specific evidence is a message several sibling causes share is held at
`SHARED_MESSAGE_CEILING`: named, but not so sure that the separating question is skipped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from wizard.analysis.diagnosis.observations import (
    family_level_only,
    has_http_signal,
    is_decisive,
    known_observation,
)
from wizard.catalogue import load_catalogue
from wizard.catalogue.evidence import load_evidence
from wizard.catalogue.model import CATALOGUE_FILE

WEIGHTS_FILE = "fitted_weights.json"
# Held out, the reports above 0.9 are right 99.7% of the time over the whole corpus but 94% over
# the real-world batches alone (the rules were written against the others): a cap between them.
MAX_CONFIDENCE = 0.97
# Below explain's CONFIDENT (0.4): without a response, at most "worth checking first".
NO_SIGNAL_CEILING = 0.25
# Below the playbook ladders' 0.65 and above explain's 0.4: a message that siblings share names
# the likeliest cause, but the question that separates the siblings is still asked.
SHARED_MESSAGE_CEILING = 0.6


class WeightsError(ValueError):
    """The fitted weights file names a cause or an observation that does not exist."""


@dataclass(frozen=True)
class FittedWeights:
    scale: float = 1 / 1.8
    bias: Mapping[str, float] = field(default_factory=dict)
    weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], cause_ids: Iterable[str]) -> FittedWeights:
        """Validated: an unknown cause id or observation is a load error, never dropped."""
        ids = set(cause_ids)
        scale = data.get("scale")
        if not isinstance(scale, int | float) or not 0 < scale < 10:
            raise WeightsError(f"{WEIGHTS_FILE}: scale must be a number in (0, 10), got {scale!r}")
        bias = _cause_map(data.get("bias", {}), ids, "bias")
        raw = data.get("weights", {})
        if not isinstance(raw, Mapping):
            raise WeightsError(f"{WEIGHTS_FILE}: weights must be a mapping")
        weights: dict[str, dict[str, float]] = {}
        for name, per_cause in raw.items():
            if not known_observation(str(name)):
                raise WeightsError(f"{WEIGHTS_FILE}: unknown observation {name!r}")
            weights[str(name)] = _cause_map(per_cause, ids, f"weights[{name!r}]")
        return cls(float(scale), bias, weights)


def _cause_map(value: object, ids: set[str], where: str) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise WeightsError(f"{WEIGHTS_FILE}: {where} must be a mapping of cause id to number")
    out: dict[str, float] = {}
    for cause, w in value.items():
        if cause not in ids:
            raise WeightsError(f"{WEIGHTS_FILE}: {where} names unknown cause id {cause!r}")
        if not isinstance(w, int | float) or isinstance(w, bool) or not math.isfinite(w):
            raise WeightsError(f"{WEIGHTS_FILE}: {where}[{cause!r}] must be a number")
        out[str(cause)] = float(w)
    return out


@cache
def fitted_weights() -> FittedWeights:
    """The packaged fitted weights, validated against the catalogue (read once)."""

    # Beside causes.yaml, read the way the catalogue is (importlib.resources costs an import).
    text = Path(CATALOGUE_FILE).with_name(WEIGHTS_FILE).read_text(encoding="utf-8")
    return FittedWeights.from_dict(json.loads(text), load_catalogue().ids())


def logits(
    rule_scores: Mapping[str, float], observations: Iterable[str], fw: FittedWeights
) -> dict[str, float]:
    top = max(rule_scores.values(), default=0.0)
    out = {c: fw.scale * (s - top) + fw.bias.get(c, 0.0) for c, s in rule_scores.items()}
    for name in observations:
        for cause, w in fw.weights.get(name, {}).items():
            if cause in out:
                out[cause] += w
    return out


def with_links(
    values: Mapping[str, float], links: Iterable[tuple[str, str]], margin: float
) -> dict[str, float]:
    """`values` with every linked root cause raised above the cause whose message it explains
    (chains settle: a root of a root ends above both)."""
    out = dict(values)
    pairs = [(r, v) for r, v in links if r in out and v in out]
    for _ in range(len(pairs)):
        changed = False
        for root, visible in pairs:
            if out[root] < out[visible] + margin:
                out[root] = out[visible] + margin
                changed = True
        if not changed:
            break
    return out


def softmax(values: Mapping[str, float]) -> dict[str, float]:
    top = max(values.values(), default=0.0)
    exp = {c: math.exp(v - top) for c, v in values.items()}
    total = sum(exp.values()) or 1.0
    return {c: e / total for c, e in exp.items()}


def confidences(
    rule_scores: Mapping[str, float],
    observations: Iterable[str],
    fw: FittedWeights | None = None,
    links: Iterable[tuple[str, str]] = (),
    margin: float | None = None,
) -> dict[str, float]:
    """Calibrated probability of each cause (they sum to 1 before the MAX_CONFIDENCE cap).
    `links` are the (root cause, visible cause) pairs whose link condition holds."""
    obs = frozenset(observations)
    values = logits(rule_scores, obs, fw or fitted_weights())
    links = list(links)
    if links:
        if margin is None:
            margin = load_evidence().link_margin
        values = with_links(values, links, margin)
    probs = softmax(values)
    if not has_http_signal(obs) or not is_decisive(obs):
        probs = _flattened(probs, NO_SIGNAL_CEILING)
    elif family_level_only(obs):
        probs = _flattened(probs, SHARED_MESSAGE_CEILING)
    return {c: min(MAX_CONFIDENCE, p) for c, p in probs.items()}


def _flattened(probs: Mapping[str, float], ceiling: float) -> dict[str, float]:
    """Mix with the uniform distribution until no cause exceeds `ceiling`: the order the
    evidence gave is kept, only the certainty goes."""
    if not probs:
        return {}
    best = max(probs.values())
    if best <= ceiling:
        return dict(probs)
    uniform = 1 / len(probs)
    # a * best + (1 - a) * uniform == ceiling
    a = max(0.0, min(1.0, (ceiling - uniform) / (best - uniform)))
    return {c: a * p + (1 - a) * uniform for c, p in probs.items()}
