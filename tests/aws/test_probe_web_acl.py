"""waf_web_acl: the stage's web ACL, and the rule that blocks the failing request when the wizard
can tell (AWS WAF: rules in priority order, Count goes on, the first matching Block or Allow
ends it; apigateway-control-access-aws-waf.html)."""

from __future__ import annotations

import pytest
from aws_probe_helpers import run_probe, wizard_session

from wizard.aws.probes.web_acl_rules import DEFAULT, KnownRequest, evaluate, with_count
from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario


@pytest.fixture(scope="module")
def blocked_stage(ministack):
    session = wizard_session(ministack)
    out = provision(load_scenario("waf-block"), session.client, endpoint_url=ministack.endpoint_url)
    return session, {"api_id": out.api_id, "stage": out.stage, "path": "/quotes"}


@pytest.mark.emulator
def test_the_ip_set_rule_blocks_a_caller_whose_address_is_known(blocked_stage):
    session, facts = blocked_stage
    got = run_probe("waf_web_acl", session, {"source_ip": "127.0.0.1"}, facts)
    assert got["waf_attached"] and got["web_acl_name"] == "partner-edge"
    assert (got["web_acl_blocking_rule"], got["web_acl_rule_match"]) == (
        "block-suspicious-ranges",
        "matches",
    )
    assert got["waf_may_block"] is True
    counted = {r["Name"]: r["Action"] for r in got["web_acl_rules_with_count"]}
    assert counted == {
        "count-debug-callers": {"Count": {}},
        "block-suspicious-ranges": {"Count": {}},
    }
    assert got["web_acl_lock_token"] and got["web_acl_id"] and got["web_acl_scope"] == "REGIONAL"


@pytest.mark.emulator
def test_an_unknown_address_leaves_the_one_block_rule_possible(blocked_stage):
    session, facts = blocked_stage
    got = run_probe("waf_web_acl", session, {}, facts)
    assert (got["web_acl_blocking_rule"], got["web_acl_rule_match"]) == (
        "block-suspicious-ranges",
        "may match",
    )
    assert got["waf_may_block"] is None
    other = run_probe("waf_web_acl", session, {"source_ip": "127.0.0.2"}, facts)
    assert other["waf_may_block"] is False and other["web_acl_blocking_rule"] is None


def _req(**kw):
    base = {"headers": {}, "uri_path": "/prod/x", "query": "", "body": b"", "source_ip": None}
    return KnownRequest(**{**base, **kw})


def _rule(name, prio, action, statement):
    return {"Name": name, "Priority": prio, "Action": {action: {}}, "Statement": statement}


HEADER = {
    "ByteMatchStatement": {
        "SearchString": b"bot",
        "FieldToMatch": {"SingleHeader": {"Name": "user-agent"}},
        "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
        "PositionalConstraint": "CONTAINS",
    }
}


def test_priority_order_count_goes_on_and_allow_ends_it() -> None:
    acl = {
        "DefaultAction": {"Allow": {}},
        "Rules": [_rule("block-bots", 2, "Block", HEADER), _rule("count", 1, "Count", HEADER)],
    }
    hit = evaluate(acl, _req(headers={"User-Agent": "EvilBot/1"}), lambda _: None)
    assert (hit.blocking_rule, hit.may_block) == ("block-bots", True)
    miss = evaluate(acl, _req(headers={"User-Agent": "curl"}), lambda _: None)
    assert (miss.blocking_rule, miss.may_block) == (None, False)
    unknown = evaluate(
        acl, _req(), lambda _: None
    )  # the header was not given: the client may send it
    assert (unknown.blocking_rule, unknown.may_block) == ("block-bots", None)
    allow_first = {**acl, "Rules": [*acl["Rules"], _rule("allow-all-bots", 0, "Allow", HEADER)]}
    assert (
        evaluate(allow_first, _req(headers={"user-agent": "bot"}), lambda _: None).may_block
        is False
    )


def test_the_default_action_and_a_not_statement() -> None:
    acl = {
        "DefaultAction": {"Block": {}},
        "Rules": [_rule("allow-not-bots", 0, "Allow", {"NotStatement": {"Statement": HEADER}})],
    }
    assert (
        evaluate(acl, _req(headers={"user-agent": "bot"}), lambda _: None).blocking_rule == DEFAULT
    )
    assert evaluate(acl, _req(headers={"user-agent": "me"}), lambda _: None).may_block is False


def test_count_override_changes_one_block_rule_only() -> None:
    rules = [_rule("a", 0, "Block", HEADER), _rule("b", 1, "Block", HEADER)]
    assert [r["Action"] for r in with_count(rules, "a")] == [{"Count": {}}, {"Block": {}}]
    assert rules[0]["Action"] == {"Block": {}}  # the list read is left as read
    assert with_count(rules, "missing") is None
