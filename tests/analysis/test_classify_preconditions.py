"""A cause whose precondition (`requires:` in evidence.yaml) the session's facts prove false is
not possible: it scores 0 and ranks last, whatever the paste says. Unknown stays unknown: a fact
the session has not read never rules a cause out, and a paste alone never does either.

Table-driven over the catalogue's data: every requirement of every cause is checked against the
facts that decide it, not against a list of cause names.
"""

from __future__ import annotations

from typing import Any

import pytest

from wizard.analysis import classify_rules as R
from wizard.analysis.classify import classify
from wizard.analysis.diagnosis.observations import evidence_model
from wizard.catalogue.conditions import (
    AllCondition,
    FactCondition,
    NotCondition,
    Truth,
    evaluate,
    evaluate_read,
)

FORBIDDEN = 'HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: ForbiddenException\n{"message":"Forbidden"}'

# The session facts of a live run on the waf-block scenario that decide the alternatives: a
# regional REST API, its stage found, WAF attached, the wizard's resend to a loopback endpoint
# answered 403 on the emulator's execute-api form of the URL.
LIVE_WAF = {
    "api_type": "REST",
    "endpoint_type": "REGIONAL",
    "stage_exists": True,
    "waf_attached": True,
    "api_key_required": False,
    "live_status": 403,
    "status_code": 403,
    "error_type": "ForbiddenException",
    "error_message": "Forbidden",
    "host_kind": "emulator",
    "domain_name": None,
    "vpce_id": None,
    "source_ip": "127.0.0.1",
}


def test_live_waf_session_offers_no_cause_its_facts_rule_out() -> None:
    result = classify("", facts=LIVE_WAF)
    ruled = {c.id for c in result.causes if c.ruled_out}
    # Each one's precondition is false by a fact the session read (the data says which).
    assert {
        "vpce-private-dns-public-api",
        "stage-not-found",
        "custom-domain-mapping",
        "apikey-missing-or-invalid",
        "not-403-lookalikes",
    } <= ruled
    assert "waf-block" not in ruled
    for cause in result.causes:
        if cause.ruled_out:
            assert cause.confidence == 0.0
    # Ruled out last: every possible cause ranks before every impossible one.
    flags = [bool(c.ruled_out) for c in result.causes]
    assert flags == sorted(flags)


def test_the_same_paste_without_session_facts_rules_nothing_out() -> None:
    result = classify(FORBIDDEN)
    assert not any(c.ruled_out for c in result.causes)
    assert result.rank_of("vpce-private-dns-public-api") is not None


def test_one_fact_rules_out_exactly_the_causes_whose_precondition_reads_it() -> None:
    """The loopback resend rules out the causes whose requirement reads it (private DNS capture,
    a proxy forwarding the Host) and nothing else."""
    readers = {
        cid
        for cid, ce in evidence_model().causes.items()
        for req in ce.requires
        if any(leaf.fact == "request_to_loopback" for leaf in _leaf_facts(req.when))
    }
    assert "vpce-private-dns-public-api" in readers
    facts = {k: v for k, v in LIVE_WAF.items() if k != "source_ip"}
    without = {c.id: c for c in classify("", facts=facts).causes}
    with_loopback = {c.id: c for c in classify("", facts=LIVE_WAF).causes}
    assert without["vpce-private-dns-public-api"].confidence > 0.1
    assert with_loopback["vpce-private-dns-public-api"].confidence == 0.0
    newly = {c for c in with_loopback if with_loopback[c].ruled_out and not without[c].ruled_out}
    assert newly == readers
    # The share it held is not spread over the others: they keep exactly their confidences.
    changed = {c for c in without if without[c].confidence != with_loopback[c].confidence}
    assert changed == {c for c in readers if without[c].confidence > 0}


@pytest.mark.parametrize(
    "facts",
    [
        {"source_ip": "203.0.113.7"},  # a real endpoint's view: says nothing about the path
        {"source_ip": None},
        {"stage_exists": None},
        {"host_kind": None},
        {"waf_attached": None},
        {},
    ],
)
def test_an_unread_or_uninformative_fact_rules_nothing_out(facts: dict[str, Any]) -> None:
    result = classify(FORBIDDEN, facts=facts)
    assert not any(c.ruled_out for c in result.causes), [
        (c.id, c.ruled_out) for c in result.causes if c.ruled_out
    ]


def test_the_stage_listing_proves_the_stage_exists() -> None:
    """The API's stage listing naming the URL's stage proves it exists, whatever get-stage said
    (the HTTP and WebSocket probes have answered False for a listed stage)."""
    facts = {"stage": "prod", "api_stages": ["prod"], "stage_exists": False}
    ruled = {c.id for c in classify(FORBIDDEN, facts=facts).causes if c.ruled_out}
    assert "stage-not-found" in ruled
    missing = {"stage": "v2", "api_stages": ["prod"], "stage_exists": False}
    ranked = classify(FORBIDDEN, facts=missing)
    assert ranked.ids()[0] == "stage-not-found"
    assert "stage-not-found" not in {c.id for c in ranked.causes if c.ruled_out}


def test_a_paste_never_rules_a_cause_out_only_a_session_fact_does() -> None:
    """The paste's own TTL 0 pushes the cache causes down (the requirement's weight), but is
    not a session fact: they are not ruled out. The session's authorizer_ttl 0 is."""
    text = FORBIDDEN + "\nthe authorizer's TTL is 0 seconds"
    pasted = classify(text)
    assert not any(c.ruled_out for c in pasted.causes)
    probed = classify(FORBIDDEN, facts={"authorizer_ttl": 0})
    assert "authz-cache-scoped-policy" in {c.id for c in probed.causes if c.ruled_out}


def _leaf_facts(cond: Any) -> list[FactCondition]:
    if isinstance(cond, FactCondition):
        return [cond]
    if isinstance(cond, NotCondition):
        return _leaf_facts(cond.not_)
    members = cond.all if isinstance(cond, AllCondition) else cond.any
    return [leaf for c in members for leaf in _leaf_facts(c)]


def _requirements() -> list[tuple[str, int]]:
    model = evidence_model()
    return [(cid, i) for cid, ce in model.causes.items() for i, _ in enumerate(ce.requires)]


@pytest.mark.parametrize(("cause", "index"), _requirements())
def test_every_requirement_is_undecided_over_no_facts(cause: str, index: int) -> None:
    """Over an empty session nothing is known: no requirement can be proven false (an
    `exists` over a fact not read is unknown, not absent)."""
    req = evidence_model().get(cause).requires[index]
    assert evaluate_read(req.when, {}) is Truth.UNKNOWN
    assert cause not in R.contradicted(evidence_model(), [cause], {})


def test_evaluate_read_differs_from_evaluate_only_on_missing_facts() -> None:
    cond = FactCondition(fact="vpce_id", op="exists")
    assert evaluate(cond, {}) is Truth.FALSE  # the playbook's reading: not there
    assert evaluate_read(cond, {}) is Truth.UNKNOWN  # a partial view: not read here
    assert evaluate_read(cond, {"vpce_id": None}) is Truth.FALSE  # read: known absent
    assert evaluate_read(cond, {"vpce_id": "vpce-1"}) is Truth.TRUE
    both = AllCondition(all=[cond, FactCondition(fact="stage_exists", op="eq", value=True)])
    assert evaluate_read(both, {"stage_exists": False}) is Truth.FALSE
    assert evaluate_read(both, {"stage_exists": True}) is Truth.UNKNOWN
