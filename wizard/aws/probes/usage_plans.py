"""API keys and usage plans: is the stage in a plan, and is the caller's key in that plan?"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client, paginate
from wizard.aws.target import PAGE_LIMIT
from wizard.engine.probes import REGISTRY, ProbeContext


def _fingerprint(value: str) -> str:
    """Compare key values without keeping them: a short hash is enough to say 'same key'."""
    return hashlib.sha256(value.encode()).hexdigest()[:12]


@REGISTRY.probe(
    "usage_plans",
    "Find the usage plans of the stage and their API keys; with the caller's key, say whether "
    "it exists, is enabled and belongs to a plan of this stage (key values are never kept)",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def usage_plans(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    stage = arg(ctx, params, "stage")
    api_key_value = arg(ctx, params, "api_key", None)
    apigw = client(ctx, "apigateway")
    plans = list(
        paginate(
            ctx,
            apigw,
            "get_usage_plans",
            "items",
            action="apigateway:GET",
            manual=manual_command(ctx.aws, "apigateway", "GetUsagePlans"),
            limit=PAGE_LIMIT,
        )
    )
    stage_plans = [
        p
        for p in plans
        if any(
            s.get("apiId") == api_id and s.get("stage") == stage for s in p.get("apiStages") or []
        )
    ]
    plan_keys = {plan["id"]: list(_plan_key_ids(ctx, apigw, plan["id"])) for plan in stage_plans}
    out: dict[str, Any] = {
        "stage_in_usage_plan": bool(stage_plans),
        # The plan a key can be added to so it reaches this stage (fix-plan-add-key).
        "usage_plan_id": stage_plans[0]["id"] if stage_plans else None,
        "usage_plan_ids": [p["id"] for p in stage_plans],
        "usage_plan_names": [p.get("name") for p in stage_plans],
        "usage_plan_key_ids": sorted({k for ks in plan_keys.values() for k in ks}),
    }
    if not api_key_value:
        return out
    wanted = _fingerprint(str(api_key_value))
    match = None
    for key in paginate(
        ctx,
        apigw,
        "get_api_keys",
        "items",
        action="apigateway:GET",
        manual=manual_command(ctx.aws, "apigateway", "GetApiKeys", includeValues=True),
        includeValues=True,
        limit=PAGE_LIMIT,
    ):
        if key.get("value") and _fingerprint(str(key["value"])) == wanted:
            match = key
            break
    out["api_key_exists"] = match is not None
    if match is not None:
        plans_with_key = [pid for pid, ks in plan_keys.items() if match["id"] in ks]
        out.update(
            {
                "api_key_id": match["id"],
                "api_key_enabled": bool(match.get("enabled", False)),
                "api_key_in_stage_plan": bool(plans_with_key),
                "key_usage_plan_id": _key_plan(ctx, apigw, plans, match["id"], plan_keys),
            }
        )
        if plans_with_key:
            out["usage_plan_id"] = plans_with_key[0]
    return out


def _plan_key_ids(ctx: ProbeContext, apigw: Any, plan_id: str) -> Iterator[str]:
    """The ids of the API keys in one usage plan, read page by page (lazily)."""
    ctx.check_cancelled()
    return (
        k["id"]
        for k in paginate(
            ctx,
            apigw,
            "get_usage_plan_keys",
            "items",
            action="apigateway:GET",
            manual=manual_command(ctx.aws, "apigateway", "GetUsagePlanKeys", usagePlanId=plan_id),
            usagePlanId=plan_id,
            limit=PAGE_LIMIT,
        )
    )


def _key_plan(
    ctx: ProbeContext,
    apigw: Any,
    plans: list[Any],
    key_id: str,
    known: Mapping[str, list[str]],
) -> str | None:
    """A usage plan (of any API or stage) the key already belongs to (fix-plan-add-stage adds
    this stage to it), or None. The stage's plans, whose keys `known` already holds, are not
    read again."""
    for plan in plans:
        keys = known.get(plan["id"])
        if key_id in (keys if keys is not None else _plan_key_ids(ctx, apigw, plan["id"])):
            return str(plan["id"])
    return None
