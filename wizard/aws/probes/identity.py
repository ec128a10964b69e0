"""Who we are and what the failing request hit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.analysis.invoke_url import InvokeUrlError
from wizard.aws.probes._base import arg, session
from wizard.aws.target import TARGET_IAM_ACTIONS, resolve_target
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind


@REGISTRY.probe(
    "aws_caller_identity",
    "Who the wizard runs as (account and ARN), shown before anything else runs",
    iam_actions=("sts:GetCallerIdentity",),
    needs_aws=True,
)
def aws_caller_identity(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    s = session(ctx)
    ident = s.caller_identity()
    return {
        "account_id": ident["account_id"],
        "caller_arn": ident["caller_arn"],
        "region": s.region,
        "endpoint_url": s.endpoint_url,
    }


@REGISTRY.probe(
    "resolve_target",
    "Resolve the invoke URL (or api id/stage/method/path) to the API, its type, the resource "
    "or route, and the method ARN",
    iam_actions=TARGET_IAM_ACTIONS,
    needs_aws=True,
)
def resolve_target_probe(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    url = arg(ctx, params, "url", None)
    try:
        target = resolve_target(
            session(ctx),
            url=url,
            api_id=arg(ctx, params, "api_id", None),
            stage=arg(ctx, params, "stage", None),
            method=str(arg(ctx, params, "method", "GET")),
            path=str(arg(ctx, params, "path", "/")),
            region=arg(ctx, params, "region", None),
        )
    except InvokeUrlError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, str(exc)) from exc
    facts = target.to_facts()
    facts["route_exists"] = target.method_exists
    return facts
