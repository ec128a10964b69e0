"""The causes' evidence as data (wizard/catalogue/evidence.yaml): it loads, it covers the
catalogue, its vocabulary is exactly what the extractors produce, and every mistake in it is a
load error naming the file and the dotted path - never a rule silently dropped."""

from __future__ import annotations

import pytest
import yaml

from wizard.analysis import classify_rules
from wizard.analysis.classify import _Context, _paste_facts
from wizard.analysis.paste_fields import _LOG_MARKERS, parse_paste_fields
from wizard.analysis.symptoms import CONCEPTS, detect_symptoms
from wizard.catalogue import load_catalogue
from wizard.catalogue.evidence import (
    EVIDENCE_FILE,
    EvidenceError,
    load_evidence,
    parse_evidence_model,
)


def _packaged() -> dict:
    return yaml.safe_load(EVIDENCE_FILE.read_text(encoding="utf-8"))


def _load(data: dict) -> None:
    parse_evidence_model(yaml.safe_dump(data), load_catalogue().ids(), "evidence.yaml")


def test_packaged_evidence_loads_and_covers_every_cause() -> None:
    model = load_evidence()
    ids = load_catalogue().ids()
    assert set(model.causes) == set(ids)
    for cid in ids:
        ce = model.causes[cid]
        assert ce.supports or ce.produces, f"{cid} has no evidence for it"


def test_declared_vocabulary_is_what_the_extractors_produce() -> None:
    model = load_evidence()
    assert model.facts["families"].values == [f.name for f in classify_rules.FAMILIES]
    names = [c.name for c in CONCEPTS]
    assert model.facts["symptoms"].values == names
    assert model.facts["denied"].values == names
    assert {name for name, _ in _LOG_MARKERS} <= set(model.facts["log_markers"].values or [])
    text = 'HTTP/1.1 403 Forbidden\n{"message":"Forbidden"}'
    ctx = _Context(text, parse_paste_fields(text), detect_symptoms(text), {}, None)
    produced = set(_paste_facts(ctx))
    session = {n for n, d in model.facts.items() if d.about.startswith("session fact")}
    # every fact the extractor fills is declared; every declared fact is filled or a session fact
    assert produced <= set(model.facts), produced - set(model.facts)
    assert set(model.facts) - session <= produced, set(model.facts) - session - produced


def _with_rule(rule: dict, cause: str = "waf-block", key: str = "supports") -> dict:
    data = _packaged()
    data["causes"][cause].setdefault(key, []).append(rule)
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            _with_rule(
                {"when": {"fact": "famlies", "op": "contains", "value": "forbidden"}, "weight": 1}
            ),
            "causes.waf-block.supports[",
            id="unknown-fact",
        ),
        pytest.param(
            _with_rule({"when": {"fact": "status", "op": "equals", "value": 403}, "weight": 1}),
            ".when.fact.op: Input should be 'eq'",
            id="bad-operator",
        ),
        pytest.param(
            _with_rule(
                {"when": {"fact": "families", "op": "contains", "value": "forbiden"}, "weight": 1}
            ),
            "never holds 'forbiden' (did you mean 'forbidden'?)",
            id="unknown-family-value",
        ),
        pytest.param(
            _with_rule({"when": {"fact": "families", "op": "gt", "value": 2}, "weight": 1}),
            "'gt' needs a number fact",
            id="operator-does-not-fit-type",
        ),
        pytest.param(
            _with_rule({"symptom": "first_call_works", "weight": 1}),
            "unknown symptom 'first_call_works'",
            id="unknown-symptom",
        ),
        pytest.param(
            _with_rule(
                {
                    "when": {"fact": "status", "op": "eq", "value": 403},
                    "weight": 1,
                    "reason": "{stat}",
                }
            ),
            "the reason names unknown fact 'stat'",
            id="reason-names-unknown-fact",
        ),
        pytest.param(
            _with_rule(
                {
                    "cause": "rp-explicit-dney",
                    "when": {"fact": "status", "op": "eq", "value": 403},
                    "reason": "x",
                },
                key="explains",
            ),
            "unknown cause id 'rp-explicit-dney' (did you mean 'rp-explicit-deny'?)",
            id="link-to-unknown-cause",
        ),
        pytest.param(
            _with_rule({"when": {"fact": "status", "op": "eq", "value": 403}, "weight": 0}),
            "causes.waf-block.supports",
            id="zero-weight",
        ),
    ],
)
def test_mistakes_are_load_errors_naming_file_and_path(data: dict, expected: str) -> None:
    with pytest.raises(EvidenceError) as info:
        _load(data)
    message = str(info.value)
    assert message.startswith("evidence.yaml: causes.waf-block."), message
    assert expected in message, message


def test_unknown_cause_id_is_a_load_error() -> None:
    data = _packaged()
    data["causes"]["waf-blok"] = {"supports": [{"symptom": "waf", "weight": 1.0}]}
    with pytest.raises(
        EvidenceError,
        match=r"evidence.yaml: causes.waf-blok: unknown cause id 'waf-blok' \(did you mean 'waf-block'\?\)",
    ):
        _load(data)


def test_unknown_family_in_produces_and_gates_is_a_load_error() -> None:
    data = _packaged()
    data["causes"]["waf-block"]["produces"]["forbiden"] = 1.0
    data["gates"].append("nope")
    with pytest.raises(EvidenceError) as info:
        _load(data)
    assert "causes.waf-block.produces.forbiden: unknown family 'forbiden'" in str(info.value)
    assert "gates[" in str(info.value)


def test_a_derived_fact_reads_only_facts_above_it() -> None:
    data = _packaged()
    derived = {"first": {"about": "x", "when": {"fact": "second", "op": "eq", "value": True}}}
    derived.update(data["derived"])
    derived["second"] = {"about": "y", "when": {"fact": "status", "op": "eq", "value": 403}}
    data["derived"] = derived
    with pytest.raises(EvidenceError, match=r"derived.first.when.fact: unknown fact 'second'"):
        _load(data)


def test_the_loaded_rules_are_the_file_s_rules() -> None:
    """Nothing is dropped between the file and the model."""
    data = _packaged()
    model = load_evidence()
    for cid, entry in data["causes"].items():
        ce = model.causes[cid]
        assert len(ce.supports) == len(entry.get("supports", []))
        assert len(ce.rules_out) == len(entry.get("rules_out", []))
        assert len(ce.requires) == len(entry.get("requires", []))
        assert len(ce.explains) == len(entry.get("explains", []))
        assert ce.produces == entry.get("produces", {})


def test_rules_on_observations_are_checked_against_their_vocabulary() -> None:
    """The observation names (diagnosis/observations.py) are the fitted layer's vocabulary; a rule
    may name them through the `observations` fact, and a name no extractor produces fails."""
    from wizard.analysis.diagnosis.observations import evidence_model, observation_errors

    assert observation_errors(evidence_model(), "evidence.yaml") == []
    data = _packaged()
    good = {"fact": "observations", "op": "contains", "value": "host:function-url"}
    bad = {"fact": "observations", "op": "contains", "value": "host:lambda-url"}
    data["causes"]["not-apigw-origin"]["supports"].append({"when": good, "weight": 1.0})
    data["causes"]["waf-block"]["supports"].append({"when": {"any": [good, bad]}, "weight": 1.0})
    model = parse_evidence_model(yaml.safe_dump(data), load_catalogue().ids(), "evidence.yaml")
    errors = observation_errors(model, "evidence.yaml")
    assert len(errors) == 1
    assert errors[0].startswith("evidence.yaml: causes.waf-block.supports[")
    assert errors[0].endswith(".when.any[1].value: unknown observation 'host:lambda-url'")


def test_the_observations_fact_holds_the_paste_s_observations() -> None:
    text = "curl https://abc.lambda-url.us-east-1.on.aws/ -> 403 Forbidden"
    from wizard.analysis.diagnosis.observations import observe

    ev, sym = parse_paste_fields(text), detect_symptoms(text)
    ctx = _Context(text, ev, sym, {}, None)
    ctx.observations = observe(text, ev, sym, [], {})
    assert "host:function-url" in _paste_facts(ctx)["observations"]
