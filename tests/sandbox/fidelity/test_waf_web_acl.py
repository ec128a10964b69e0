"""An AWS WAF web ACL associated with a REST stage filters its requests on the fidelity emulator.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
(a regional web ACL associated with a stage inspects each request before API Gateway: its rules in
priority order, the first Block or Allow ends it, Count goes on, the DefaultAction decides
otherwise; a block answers 403 {"message":"Forbidden"}, before any authorizer) for the subset
docs/emulator.md lists: IP sets on the source IP, byte match on a header or the URI path, size
constraint on the body. A statement outside it leaves the request alone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import urllib3
from fidelity_helpers import deployed_mock_api, seed, seed_request

from wizard.sandbox.fidelity.waf_web_acl import Unsupported, evaluate, stage_arn
from wizard.sandbox.replay import send_request

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "m"}


def _rule(name: str, priority: int, action: str, statement: dict[str, Any]) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Action": {action: {}},
        "Statement": statement,
        "VisibilityConfig": {**VISIBILITY, "MetricName": name},
    }


def _header_is(name: str, value: str) -> dict[str, Any]:
    return {
        "ByteMatchStatement": {
            "SearchString": value.encode(),
            "FieldToMatch": {"SingleHeader": {"Name": name}},
            "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
            "PositionalConstraint": "EXACTLY",
        }
    }


class _Waf:
    """wafv2 on the emulator: IP sets, web ACLs and their association with one stage."""

    def __init__(self, aws: Any, ministack: Any) -> None:
        self.client = aws.client("wafv2", endpoint_url=ministack.endpoint_url)
        self.names = 0

    def ip_set(self, *cidrs: str) -> str:
        self.names += 1
        made = self.client.create_ip_set(
            Name=f"set{id(self)}{self.names}",
            Scope="REGIONAL",
            IPAddressVersion="IPV4",
            Addresses=list(cidrs),
        )
        return str(made["Summary"]["ARN"])

    def attach(self, api: str, rules: list[dict[str, Any]], default: str = "Allow") -> str:
        self.names += 1
        made = self.client.create_web_acl(
            Name=f"acl{id(self)}{self.names}",
            Scope="REGIONAL",
            DefaultAction={default: {}},
            Rules=rules,
            VisibilityConfig=VISIBILITY,
        )
        arn = str(made["Summary"]["ARN"])
        self.client.associate_web_acl(
            WebACLArn=arn, ResourceArn=stage_arn("us-east-1", api, "prod")
        )
        return arn


@pytest.fixture
def waf(aws, ministack) -> _Waf:
    return _Waf(aws, ministack)


@pytest.fixture
def api(aws, ministack) -> str:
    return deployed_mock_api(aws.client("apigateway", endpoint_url=ministack.endpoint_url), "waf")


def _get(ministack, api: str, path: str = "/", **kw: Any) -> Any:
    return urllib3.request("GET", ministack.data_plane_url(api, "prod", path), **kw)


@pytest.mark.emulator
def test_a_block_rule_on_the_callers_ip_answers_forbidden_until_disassociated(waf, api, ministack):
    assert _get(ministack, api).status == 200
    ips = waf.ip_set("10.0.0.0/8", "127.0.0.1/32")
    waf.attach(api, [_rule("block-office", 0, "Block", {"IPSetReferenceStatement": {"ARN": ips}})])
    refused = _get(ministack, api)
    assert refused.status == 403
    assert json.loads(refused.data) == {"message": "Forbidden"}
    assert refused.headers["x-amzn-ErrorType"] == "ForbiddenException"
    # No deployment: WAF changes take effect at once.
    waf.client.disassociate_web_acl(ResourceArn=stage_arn("us-east-1", api, "prod"))
    assert _get(ministack, api).status == 200


@pytest.mark.emulator
def test_rules_run_in_priority_order_and_count_goes_on(waf, api, ministack):
    ips = waf.ip_set("127.0.0.0/8")
    waf.attach(
        api,
        [
            _rule("block-loopback", 5, "Block", {"IPSetReferenceStatement": {"ARN": ips}}),
            _rule("count-all", 0, "Count", {"IPSetReferenceStatement": {"ARN": ips}}),
            _rule("allow-partner", 1, "Allow", _header_is("x-partner", "trusted")),
        ],
    )
    assert _get(ministack, api, headers={"X-Partner": "TRUSTED"}).status == 200
    assert _get(ministack, api, headers={"X-Partner": "other"}).status == 403


@pytest.mark.emulator
def test_default_block_and_a_size_constraint_on_the_body(aws, waf, api, ministack):
    big = {
        "SizeConstraintStatement": {
            "FieldToMatch": {"Body": {}},
            "ComparisonOperator": "GT",
            "Size": 8,
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }
    waf.attach(api, [_rule("no-big-bodies", 0, "Block", big)])
    assert _get(ministack, api, body=b"small").status == 200
    assert _get(ministack, api, body=b"far too large a body").status == 403
    other = deployed_mock_api(
        aws.client("apigateway", endpoint_url=ministack.endpoint_url), "waf-default-block"
    )
    path = {
        "ByteMatchStatement": {
            "SearchString": b"/prod/open",
            "FieldToMatch": {"UriPath": {}},
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
            "PositionalConstraint": "STARTS_WITH",
        }
    }
    waf.attach(other, [_rule("open-path", 0, "Allow", path)], default="Block")
    assert _get(ministack, other).status == 403  # no rule allows /prod/: the default blocks


@pytest.mark.emulator
def test_an_unsupported_statement_leaves_the_request_alone(waf, api, ministack):
    geo = {"GeoMatchStatement": {"CountryCodes": ["US"]}}
    waf.attach(api, [_rule("geo", 0, "Block", geo)], default="Block")
    assert _get(ministack, api).status == 200


@pytest.mark.emulator
def test_the_block_comes_before_the_authorizer(waf, ministack):
    _, out = seed(ministack)
    without_token = seed_request("open-dashboard").model_copy(update={"token": None})
    assert send_request(without_token, out).status_code == 401  # the authorizer's answer
    ips = waf.ip_set("127.0.0.1/32")
    waf.attach(out.api_id, [_rule("block", 0, "Block", {"IPSetReferenceStatement": {"ARN": ips}})])
    blocked = send_request(without_token, out)
    assert (blocked.status_code, blocked.error_type) == (403, "ForbiddenException")


@pytest.mark.emulator
def test_update_web_acl_needs_the_current_lock_token_and_takes_effect_at_once(waf, api, ministack):
    """https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateWebACL.html: the update
    carries the LockToken of the last read; a stale one is refused (WAFOptimisticLockException)
    and each update returns the next token. The fix's Count override needs no redeployment."""
    ips = waf.ip_set("127.0.0.1/32")
    block = _rule("block", 0, "Block", {"IPSetReferenceStatement": {"ARN": ips}})
    arn = waf.attach(api, [block])
    uid, name = arn.rsplit("/", 1)[1], arn.rsplit("/", 2)[1]
    read = waf.client.get_web_acl(Name=name, Scope="REGIONAL", Id=uid)
    assert _get(ministack, api).status == 403
    counted = {**block, "Action": {"Count": {}}}
    update = {
        "Name": name,
        "Scope": "REGIONAL",
        "Id": uid,
        "DefaultAction": {"Allow": {}},
        "VisibilityConfig": VISIBILITY,
    }
    done = waf.client.update_web_acl(**update, Rules=[counted], LockToken=read["LockToken"])
    assert done["NextLockToken"] != read["LockToken"]
    assert _get(ministack, api).status == 200  # Count only counts; nothing was redeployed
    stale = waf.client.exceptions.WAFOptimisticLockException
    with pytest.raises(stale):
        waf.client.update_web_acl(**update, Rules=[block], LockToken=read["LockToken"])
    assert _get(ministack, api).status == 200  # the refused update changed nothing
    waf.client.update_web_acl(**update, Rules=[block], LockToken=done["NextLockToken"])
    assert _get(ministack, api).status == 403


def test_the_evaluation_without_an_emulator():
    request = {"source_ip": "192.0.2.7", "path": "/prod/a", "headers": {}, "body": b""}
    sets = {"s": {"Addresses": ["192.0.2.0/24"]}}
    rule = _rule("r", 0, "Block", {"IPSetReferenceStatement": {"ARN": "s"}})
    assert evaluate({"Rules": [rule]}, request, sets.get) == ("Block", "r")
    elsewhere = {**request, "source_ip": "198.51.100.1"}
    assert evaluate({"Rules": [rule]}, elsewhere, sets.get) == ("Allow", None)
    with pytest.raises(Unsupported):
        evaluate({"Rules": [{**rule, "Action": {"Captcha": {}}}]}, request, sets.get)
