"""One rule for "can the wizard apply this fix?" (applicability.assess), and the catalogue's
declarative `applies_when` conditions read with the engine's condition model."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.aws.fixes.applicability import assess, assess_plan
from wizard.catalogue.model import Fix, Operation, load_catalogue
from wizard.engine.fix_conditions import fix_fit, parse_condition

UPDATE_OPTIONS = Operation(
    service="apigateway",
    operation="UpdateMethod",
    params={
        "restApiId": "{api_id}",
        "resourceId": "{resource_id}",
        "httpMethod": "OPTIONS",
        "patchOperations": [{"op": "replace", "path": "/authorizationType", "value": "NONE"}],
    },
)
FACTS = {"api_id": "a1", "resource_id": "r1", "stage": "prod"}


def _fix(**kw: Any) -> Fix:
    base: dict[str, Any] = {"id": "f", "title": "t", "explanation": "e"}
    return Fix(**{**base, **kw})


def test_every_catalogue_condition_is_an_engine_condition() -> None:
    conditions = [
        (c.id, f.id, f.applies_when)
        for c in load_catalogue().causes
        for f in c.fixes
        if f.applies_when is not None
    ]
    assert len(conditions) >= 4
    for cause, fix, data in conditions:
        parse_condition(data)  # raises ValidationError naming what is wrong
        assert cause and fix


def test_options_fix_applies_to_options_only() -> None:
    fix = _fix(
        operations=[UPDATE_OPTIONS], applies_when={"fact": "method", "op": "eq", "value": "OPTIONS"}
    )
    assert assess(fix, {**FACTS, "method": "OPTIONS"}).status == "applicable"
    get = assess(fix, {**FACTS, "method": "GET"})
    assert get.status == "not_applicable" and "'GET'" in get.reason
    assert not fix_fit(fix.applies_when, {"method": "GET"}).proposed
    # Unknown method: maybe — shown, explained, never applied automatically.
    maybe = assess(fix, FACTS)
    assert maybe.status == "maybe" and "method is not known" in maybe.reason
    assert not maybe.applicable


@pytest.mark.parametrize(
    ("fix_kw", "facts", "live", "status"),
    [
        ({}, FACTS, True, "manual"),  # guidance only
        ({"operations": [UPDATE_OPTIONS], "guidance": "edit code"}, FACTS, True, "manual"),
        ({"operations": [UPDATE_OPTIONS]}, {"api_id": "a1"}, True, "needs_facts"),
        ({"operations": [UPDATE_OPTIONS]}, FACTS, False, "offline"),
        ({"operations": [UPDATE_OPTIONS]}, FACTS, True, "applicable"),
    ],
)
def test_one_rule_for_every_front_end(
    fix_kw: dict[str, Any], facts: dict[str, Any], live: bool, status: str
) -> None:
    verdict, plan = assess_plan(_fix(**fix_kw), facts, live=live)
    assert verdict.status == status, verdict.reason
    assert verdict.applicable == (status == "applicable")
    assert (plan is not None) == (status in ("applicable", "offline"))


def test_an_operation_off_the_allowlist_is_refused() -> None:
    iam = Operation(
        service="iam",
        operation="PutRolePolicy",
        params={"RoleName": "r", "PolicyName": "p", "PolicyDocument": "{}"},
    )
    verdict, plan = assess_plan(_fix(operations=[iam]), FACTS)
    assert verdict.status == "refused" and plan is not None and plan.refused


def test_call_right_route_is_never_applicable() -> None:
    """The inconsistency this rule removed: prompt mode offered it, diagnose --apply refused."""
    cause = load_catalogue().get("mat-route-not-found")
    fix = next(f for f in cause.fixes if f.id == "fix-call-right-route")
    assert assess(fix, {**FACTS, "region": "us-east-1"}).status == "manual"


def test_a_policy_change_carries_the_words_of_what_it_allows() -> None:
    from wizard.aws.fixes.plan import build_plan

    cause = load_catalogue().get("rp-implicit-deny")
    fix = next(f for f in cause.fixes if f.id == "fix-rp-allow-caller")
    facts = {
        **FACTS,
        "proposed_resource_policy": '{"Version":"2012-10-17","Statement":[]}',
        "policy_fix_note": "adds one Allow statement: anonymous callers from 10.0.0.1/32 ...",
    }
    plan = build_plan(fix, facts)
    assert facts["policy_fix_note"] in plan.notes
    assert assess(fix, facts).applicable
    # Without a derived policy (none is safe) the fix is not proposed at all.
    assert assess(fix, {**FACTS, "proposed_resource_policy": None}).status == "not_applicable"


def test_every_fact_a_catalogue_condition_reads_is_produced_by_the_playbook() -> None:
    """A typo in `applies_when` (`methd`) would make the fix 'maybe' forever: catch it here."""
    from pathlib import Path

    from wizard.engine.lint import _produced
    from wizard.engine.loader import load_playbook
    from wizard.engine.models import condition_facts

    playbook = load_playbook(Path(__file__).parents[3] / "playbooks" / "api-gateway-403.yaml")
    produced = {name for node in playbook.nodes.values() for name, _, _ in _produced(node)}
    for cause in load_catalogue().causes:
        for fix in cause.fixes:
            if fix.applies_when is None:
                continue
            for leaf in condition_facts(parse_condition(fix.applies_when)):
                assert leaf.fact in produced, f"{cause.id}/{fix.id} reads {leaf.fact}"
