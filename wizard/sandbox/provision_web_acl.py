"""The stage's AWS WAF web ACL: its IP sets, its rules, and its association with the stage.

What `ApiSpec.web_acl` describes, created with wafv2 as a team would (a regional web ACL, the
stage's ARN as its resource). The emulator stores it; the fidelity layer's `waf_web_acl`
makes the stage's requests go through it.
"""

from __future__ import annotations

from typing import Any

from wizard.sandbox.provisioned import ClientFactory, Provisioned
from wizard.sandbox.scenario import WebAclRuleSpec, WebAclSpec


def _visibility(metric: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def _statement(wafv2: Any, acl: WebAclSpec, rule: WebAclRuleSpec) -> dict[str, Any]:
    if rule.source_ips:
        made = wafv2.create_ip_set(
            Name=f"{acl.name}-{rule.name}",
            Scope="REGIONAL",
            IPAddressVersion="IPV4",
            Addresses=list(rule.source_ips),
        )
        return {"IPSetReferenceStatement": {"ARN": made["Summary"]["ARN"]}}
    return {
        "ByteMatchStatement": {
            "SearchString": str(rule.header_value).lower().encode(),
            "FieldToMatch": {"SingleHeader": {"Name": str(rule.header).lower()}},
            "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
            "PositionalConstraint": "EXACTLY",
        }
    }


def create_web_acl(clients: ClientFactory, spec: WebAclSpec | None, out: Provisioned) -> None:
    """The web ACL of `spec` (with an IP set per `source_ips` rule), associated with the stage."""
    if spec is None:
        return
    wafv2 = clients("wafv2")
    rules = [
        {
            "Name": rule.name,
            "Priority": rule.priority,
            "Action": {rule.action: {}},
            "Statement": _statement(wafv2, spec, rule),
            "VisibilityConfig": _visibility(rule.name),
        }
        for rule in spec.rules
    ]
    made = wafv2.create_web_acl(
        Name=spec.name,
        Scope="REGIONAL",
        DefaultAction={spec.default_action: {}},
        Rules=rules,
        VisibilityConfig=_visibility(spec.name),
    )
    stage = f"arn:aws:apigateway:{out.region}::/restapis/{out.api_id}/stages/{out.stage}"
    wafv2.associate_web_acl(WebACLArn=made["Summary"]["ARN"], ResourceArn=stage)
