"""Fit the classifier's observation weights on the report corpus; print held-out figures.

    .venv/bin/python benchmarks/fit_evidence.py            # leave-one-source-out figures only
    .venv/bin/python benchmarks/fit_evidence.py --write    # ... then refit on everything and
                                                           # write wizard/catalogue/fitted_weights.json

The corpus is tests/analysis/reports/*.yaml; a "source" is one file (one batch of reports written
or collected together), so a fold never scores a report whose siblings a weight was fitted on.
The model (wizard/analysis/diagnosis/scoring.py) is a conditional logit over the catalogue's causes:

    logit(c) = scale * (rule_score(c) - best) + bias(c) + sum_o weight(o, c)

fitted by L2-regularised maximum likelihood (Adam, full batch, pure Python: no new dependency).
An observation only gets weights when it occurs in reports of at least MIN_SOURCES sources, so no
weight can be tuned to one report's phrasing.

It lives in benchmarks/, not in the package: it reads the test corpus, which is not shipped, and
nothing at run time needs it - the wizard only reads the JSON it writes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from wizard.analysis.classify import scoring_inputs  # noqa: E402
from wizard.analysis.diagnosis import scoring  # noqa: E402
from wizard.catalogue import load_catalogue  # noqa: E402
from wizard.catalogue.evidence import load_evidence  # noqa: E402

REPORTS = ROOT / "tests" / "analysis" / "reports"
WEIGHTS_PATH = ROOT / "wizard" / "catalogue" / scoring.WEIGHTS_FILE
MIN_SOURCES = 2
L2_WEIGHT = 1.0
L2_BIAS = 4.0
STEPS = 150
CANDIDATE_SPAN = -8.0
BINS = 10


@dataclass(frozen=True)
class Case:
    source: str
    id: str
    expected: str
    rule_scores: dict[str, float]
    observations: frozenset[str]
    links: tuple[tuple[str, str], ...] = ()


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(REPORTS.glob("*.yaml")):
        for r in yaml.safe_load(path.read_text(encoding="utf-8"))["reports"]:
            inputs = scoring_inputs(r["text"])
            cases.append(
                Case(
                    path.stem,
                    r["id"],
                    r["expected"],
                    inputs.rule_scores,
                    inputs.observations,
                    inputs.links,
                )
            )
    return cases


def fit(cases: list[Case], causes: list[str]) -> scoring.FittedWeights:
    """Maximum a posteriori scale, biases and observation weights for `cases`."""
    index = {c: i for i, c in enumerate(causes)}
    sources: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        for o in case.observations:
            sources[o].add(case.source)
    names = sorted(o for o, s in sources.items() if len(s) >= MIN_SOURCES)
    oi = {o: i for i, o in enumerate(names)}
    n_c = len(causes)
    rows = []
    for case in cases:
        top = max(case.rule_scores.values())
        y = index[case.expected]
        # Causes the rules put far below the best keep a negligible share whatever the weights
        # do; leaving them out of the training softmax makes a fit ~4x faster.
        cand = [
            i for i, c in enumerate(causes) if case.rule_scores[c] - top >= CANDIDATE_SPAN or i == y
        ]
        rel = [case.rule_scores[causes[i]] - top for i in cand]
        obs = [oi[o] for o in case.observations if o in oi]
        rows.append((cand, rel, cand.index(y), obs))
    # parameters: [scale] + bias[n_c] + weights[len(names)][n_c], flattened
    params = [1 / 1.8] + [0.0] * n_c + [0.0] * (len(names) * n_c)
    ungated = [index[c] for c in load_evidence().always_possible if c in index]
    m = [0.0] * len(params)
    v = [0.0] * len(params)
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8
    for step in range(1, STEPS + 1):
        grad = [0.0] * len(params)
        a = params[0]
        for cand, rel, y, obs in rows:
            logit = [a * r + params[1 + c] for c, r in zip(cand, rel, strict=True)]
            for o in obs:
                base = 1 + n_c + o * n_c
                for k, c in enumerate(cand):
                    logit[k] += params[base + c]
            top = max(logit)
            exp = [math.exp(x - top) for x in logit]
            total = sum(exp)
            g = [e / total for e in exp]
            g[y] -= 1.0
            grad[0] += sum(gk * r for gk, r in zip(g, rel, strict=True))
            for k, c in enumerate(cand):
                grad[1 + c] += g[k]
            for o in obs:
                base = 1 + n_c + o * n_c
                for k, c in enumerate(cand):
                    grad[base + c] += g[k]
        for c in range(n_c):
            grad[1 + c] += L2_BIAS * params[1 + c]
        for k in range(1 + n_c, len(params)):
            grad[k] += L2_WEIGHT * params[k]
        for k, gk in enumerate(grad):
            m[k] = b1 * m[k] + (1 - b1) * gk
            v[k] = b2 * v[k] + (1 - b2) * gk * gk
            params[k] -= lr * (m[k] / (1 - b1**step)) / (math.sqrt(v[k] / (1 - b2**step)) + eps)
        params[0] = max(0.05, params[0])
        # The causes no family gate pushes down (evidence.yaml's always_possible) never get a
        # prior above 0: the corpus's share of look-alikes is how batches were collected, not how
        # often they occur, and a positive bias would put them in every message's ranking.
        for c in ungated:
            params[1 + c] = min(0.0, params[1 + c])
    bias = {c: round(params[1 + i], 3) for i, c in enumerate(causes) if abs(params[1 + i]) >= 0.01}
    weights: dict[str, dict[str, float]] = {}
    for o, j in oi.items():
        base = 1 + n_c + j * n_c
        per = {c: round(params[base + i], 3) for i, c in enumerate(causes)}
        per = {c: w for c, w in per.items() if abs(w) >= 0.02}
        if per:
            weights[o] = per
    return scoring.FittedWeights(round(params[0], 4), bias, weights)


@dataclass(frozen=True)
class Scored:
    case: Case
    rank: int
    top_confidence: float


def score(case: Case, fw: scoring.FittedWeights) -> Scored:
    # The root-cause links are applied after the fitted logits, as at run time.
    conf = scoring.confidences(case.rule_scores, case.observations, fw, links=case.links)
    order = sorted(conf, key=lambda c: (-conf[c], -case.rule_scores[c], c))
    rank = order.index(case.expected) + 1
    return Scored(case, rank, conf[order[0]])


def leave_one_source_out(cases: list[Case], causes: list[str]) -> list[Scored]:
    out = []
    for source in sorted({c.source for c in cases}):
        train = [c for c in cases if c.source != source]
        fw = fit(train, causes)
        out.extend(score(c, fw) for c in cases if c.source == source)
    return out


def reliability(scored: list[Scored]) -> tuple[float, list[tuple[str, int, float, float]]]:
    """Expected calibration error and the table (bin, count, mean confidence, observed top-1)."""
    bins: list[list[Scored]] = [[] for _ in range(BINS)]
    for s in scored:
        bins[min(BINS - 1, int(s.top_confidence * BINS))].append(s)
    table = []
    ece = 0.0
    for i, b in enumerate(bins):
        if not b:
            continue
        conf = sum(s.top_confidence for s in b) / len(b)
        acc = sum(s.rank == 1 for s in b) / len(b)
        ece += len(b) / len(scored) * abs(conf - acc)
        table.append((f"{i / BINS:.1f}-{(i + 1) / BINS:.1f}", len(b), conf, acc))
    return ece, table


def report(label: str, scored: list[Scored]) -> None:
    n = len(scored)
    top1 = sum(s.rank == 1 for s in scored) / n
    top3 = sum(s.rank <= 3 for s in scored) / n
    ece, table = reliability(scored)
    print(f"{label}: {n} reports  top-1 {top1:.1%}  top-3 {top3:.1%}  ECE {ece:.3f}")
    print(f"  {'confidence':<11} {'reports':>7} {'predicted':>9} {'observed':>8}")
    for span, count, conf, acc in table:
        print(f"  {span:<11} {count:>7} {conf:>9.3f} {acc:>8.3f}")


def per_source(scored: list[Scored]) -> None:
    by: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by[s.case.source].append(s)
    print("  held-out by source:", end="")
    for source, items in sorted(by.items()):
        print(f" {source} {sum(s.rank == 1 for s in items)}/{len(items)}", end="")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="refit on all and write the weights")
    parser.add_argument("--misses", action="store_true", help="list the held-out misses")
    parser.add_argument(
        "--source", action="append", default=[], help="also report this source file's figures"
    )
    args = parser.parse_args()
    causes = list(load_catalogue().ids())
    cases = load_cases()
    unfitted = scoring.FittedWeights()
    report(
        "rules alone (no fitted weights, in-sample for the rules)",
        [score(c, unfitted) for c in cases],
    )
    scored = leave_one_source_out(cases, causes)
    report("leave-one-source-out (held out)", scored)
    real = {c.source for c in cases if c.source.startswith("real")}
    report(
        "  of which real-world reports (real*.yaml)", [s for s in scored if s.case.source in real]
    )
    blind = {c.source for c in cases if c.source.startswith("blind")}
    report(
        "  of which the blind batches (blind*.yaml)", [s for s in scored if s.case.source in blind]
    )
    linked = [s for s in scored if s.case.links]
    if linked:
        report("  of which reports where a root-cause link holds", linked)
    for source in args.source:
        report(f"  of which {source}.yaml alone", [s for s in scored if s.case.source == source])
    per_source(scored)
    if args.misses:
        for s in scored:
            if s.rank > 1:
                print(f"  miss {s.case.source}/{s.case.id}: {s.case.expected} ranked {s.rank}")
    if args.write:
        fw = fit(cases, causes)
        data = {
            "about": "Fitted by benchmarks/fit_evidence.py on tests/analysis/reports; do not edit.",
            "fitted_on": len(cases),
            "scale": fw.scale,
            "bias": dict(fw.bias),
            "weights": {o: dict(w) for o, w in sorted(fw.weights.items())},
        }
        WEIGHTS_PATH.write_text(
            json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {WEIGHTS_PATH.relative_to(ROOT)}: {len(fw.weights)} observations")


if __name__ == "__main__":
    main()
