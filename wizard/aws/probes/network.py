"""What sits in front of the API: a WAF web ACL on the stage, VPC endpoints for private APIs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client, paginate, parse_policy, session
from wizard.aws.probes.integration import sent_headers
from wizard.aws.probes.web_acl_rules import (
    DEFAULT,
    MAX_NAME,
    MAX_RULES,
    KnownRequest,
    evaluate,
    text_blobs,
    with_count,
)
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind


def stage_resource_arn(region: str, api_id: str, stage: str, api_type: str = "REST") -> str:
    kind = "restapis" if api_type == "REST" else "apis"
    return f"arn:aws:apigateway:{region}::/{kind}/{api_id}/stages/{stage}"


@REGISTRY.probe(
    "waf_web_acl",
    "Is an AWS WAF web ACL attached to the stage? Its rules, and the one that blocks the request",
    iam_actions=("wafv2:GetWebACLForResource", "wafv2:GetWebACL", "wafv2:GetIPSet"),
    needs_aws=True,
)
def waf_web_acl(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    stage = arg(ctx, params, "stage")
    region = arg(ctx, params, "region", None) or session(ctx).region
    arn = stage_resource_arn(region, api_id, stage, str(arg(ctx, params, "api_type", "REST")))
    manual = manual_command(ctx.aws, "wafv2", "GetWebACLForResource", ResourceArn=arn)
    try:
        with aws_errors("wafv2:GetWebACLForResource", manual=manual):
            acl = client(ctx, "wafv2").get_web_acl_for_resource(ResourceArn=arn).get("WebACL")
    except ProbeError as err:
        # AWS answers an empty result when nothing is associated, and "nonexistent item" when
        # the resource itself is unknown (then we cannot say: unknown). MiniStack uses the
        # latter, saying "No WebACL associated", for the plain "no".
        if err.kind is ProbeErrorKind.NOT_FOUND and "no webacl associated" in err.message.lower():
            acl = None
        else:
            raise
    if not acl:
        return {"waf_attached": False, "web_acl_arn": None, "stage_resource_arn": arn}
    out: dict[str, Any] = {
        "waf_attached": True,
        "web_acl_arn": acl.get("ARN"),
        "web_acl_name": acl.get("Name"),
        "web_acl_default_action": next(iter(acl.get("DefaultAction") or {}), None),
        "web_acl_rules": [
            {
                "name": str(r.get("Name"))[:MAX_NAME],
                "priority": r.get("Priority"),
                "action": next(iter(r.get("Action") or r.get("OverrideAction") or {}), None),
            }
            for r in (acl.get("Rules") or [])[:MAX_RULES]
        ],
        "stage_resource_arn": arn,
    }
    return {**out, **_blocking_rule(ctx, params, acl)}


_UNREAD = "web_acl_unread"  # the wafv2 read that was refused (its permission named)


def _known_request(ctx: ProbeContext, params: Mapping[str, Any]) -> KnownRequest:
    url = urlsplit(str(arg(ctx, params, "url", "") or ""))
    stage, path = arg(ctx, params, "stage", ""), str(arg(ctx, params, "path", "") or "")
    body = arg(ctx, params, "body", None)
    return KnownRequest(
        headers=sent_headers(ctx, params),
        # The URI path WAF sees on the execute-api host: the stage, then the resource path.
        uri_path=f"/{stage}/{path.lstrip('/')}" if stage else url.path,
        query=url.query,
        body=str(body).encode() if body is not None else b"",
        source_ip=arg(ctx, params, "source_ip", None),
    )


def _ip_set_reader(ctx: ProbeContext, unread: dict[str, str]) -> Any:
    def read(ip_set_arn: str) -> list[str] | None:
        try:
            name, uid = ip_set_arn.rsplit("/", 2)[-2:]
            with aws_errors("wafv2:GetIPSet"):
                found = client(ctx, "wafv2").get_ip_set(Name=name, Scope="REGIONAL", Id=uid)
        except (ProbeError, ValueError) as err:
            unread.setdefault(_UNREAD, str(err)[:500])
            return None
        return [str(a) for a in (found.get("IPSet") or {}).get("Addresses") or []][:10000]

    return read


# What UpdateWebACL would drop when the update does not send it again (the wizard's fix sends
# the rules, the default action and the visibility config): such an ACL is left to the user.
_KEPT_ONLY_IF_SENT = (
    "Description",
    "CustomResponseBodies",
    "CaptchaConfig",
    "ChallengeConfig",
    "TokenDomains",
    "AssociationConfig",
    "DataProtectionConfig",
)


def _blocking_rule(
    ctx: ProbeContext, params: Mapping[str, Any], attached: Mapping[str, Any]
) -> dict[str, Any]:
    """The rule that blocks the failing request, and what a Count override of it needs: the
    ACL as GetWebACL returns it with its lock token (AWS refuses an update without it)."""
    unread: dict[str, str] = {}
    acl: Mapping[str, Any] = attached
    lock_token = None
    uid, name = attached.get("Id"), attached.get("Name")
    try:
        with aws_errors("wafv2:GetWebACL"):
            read = client(ctx, "wafv2").get_web_acl(Name=name, Scope="REGIONAL", Id=uid)
        acl, lock_token = read.get("WebACL") or attached, read.get("LockToken")
    except ProbeError as err:
        unread[_UNREAD] = str(err)[:500]
    verdict = evaluate(acl, _known_request(ctx, params), _ip_set_reader(ctx, unread))
    rule = verdict.blocking_rule
    out: dict[str, Any] = {
        "waf_may_block": verdict.may_block,
        "web_acl_blocking_rule": rule,
        "web_acl_rule_match": (
            None if rule is None else "matches" if verdict.candidates[0][1] else "may match"
        ),
        "web_acl_block_candidates": [n for n, _ in verdict.candidates],
        **unread,
    }
    if rule is None or rule == DEFAULT or lock_token is None:
        return out
    kept = [k for k in _KEPT_ONLY_IF_SENT if acl.get(k)]
    rules = text_blobs(list(acl.get("Rules") or []))
    counted = with_count(rules, rule) if isinstance(rules, list) else None
    if kept or acl.get("ManagedByFirewallManager") or counted is None:
        why = f"it has {', '.join(kept)}" if kept else "its rules cannot be sent back unchanged"
        if acl.get("ManagedByFirewallManager"):
            why = "Firewall Manager manages it"
        out["web_acl_fix_refused"] = f"the wizard does not rewrite this web ACL: {why}"
        return out
    return {
        **out,
        "web_acl_id": uid,
        "web_acl_scope": "REGIONAL",
        "web_acl_lock_token": lock_token,
        "web_acl_default_action_config": text_blobs(acl.get("DefaultAction") or {}),
        "web_acl_visibility_config": text_blobs(acl.get("VisibilityConfig") or {}),
        "web_acl_rules_with_count": counted,
    }


@REGISTRY.probe(
    "vpc_endpoints",
    "List the execute-api VPC endpoints: private DNS, endpoint policy, state (private APIs)",
    iam_actions=("ec2:DescribeVpcEndpoints",),
    needs_aws=True,
)
def vpc_endpoints(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    region = arg(ctx, params, "region", None) or session(ctx).region
    service = f"com.amazonaws.{region}.execute-api"
    manual = manual_command(
        ctx.aws,
        "ec2",
        "DescribeVpcEndpoints",
        Filters=[{"Name": "service-name", "Values": [service]}],
    )
    endpoints = list(
        paginate(
            ctx,
            client(ctx, "ec2"),
            "describe_vpc_endpoints",
            "VpcEndpoints",
            action="ec2:DescribeVpcEndpoints",
            manual=manual,
            Filters=[{"Name": "service-name", "Values": [service]}],
        )
    )
    wanted = arg(ctx, params, "vpce_id", None)
    listed = [
        {
            "vpce_id": e.get("VpcEndpointId"),
            "vpc_id": e.get("VpcId"),
            "state": e.get("State"),
            "private_dns_enabled": bool(e.get("PrivateDnsEnabled", False)),
            "policy": parse_policy(e.get("PolicyDocument")),
        }
        for e in endpoints
        # Filtered again here: the server-side filter is not honoured everywhere (MiniStack).
        if e.get("ServiceName") == service
    ]
    out: dict[str, Any] = {
        "vpc_endpoints": listed,
        "execute_api_vpce_ids": [e["vpce_id"] for e in listed],
        "private_dns_vpce_ids": [e["vpce_id"] for e in listed if e["private_dns_enabled"]],
    }
    if wanted:
        match = next((e for e in listed if e["vpce_id"] == wanted), None)
        out["vpce_found"] = match is not None
        if match:
            out.update(
                {
                    "vpce_id": wanted,
                    "vpce_policy": match["policy"],
                    "vpce_private_dns": match["private_dns_enabled"],
                }
            )
    return out
