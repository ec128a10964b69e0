"""The stage and what it runs: deployment, logging, WAF, client certificate; deployments;
gateway responses; the account's CloudWatch role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client, paginate, plain
from wizard.aws.probes.logs import execution_log_group, prefetch_log_group
from wizard.aws.probes.rest_api import rest_resources
from wizard.aws.probes.rest_only import rest_only
from wizard.aws.target import PAGE_LIMIT
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

# Gateway responses a 403 can come from (catalogue: every 403 response type).
FORBIDDEN_RESPONSE_TYPES = (
    "ACCESS_DENIED",
    "AUTHORIZER_FAILURE",
    "EXPIRED_TOKEN",
    "INVALID_API_KEY",
    "INVALID_SIGNATURE",
    "MISSING_AUTHENTICATION_TOKEN",
    "WAF_FILTERED",
    "DEFAULT_4XX",
)


def _stage(ctx: ProbeContext, api_id: str, stage: str) -> dict[str, Any] | None:
    apigw = client(ctx, "apigateway")
    manual = manual_command(ctx.aws, "apigateway", "GetStage", restApiId=api_id, stageName=stage)
    try:
        with aws_errors("apigateway:GET", manual=manual):
            return dict(apigw.get_stage(restApiId=api_id, stageName=stage))
    except ProbeError as err:
        if err.kind is ProbeErrorKind.NOT_FOUND:
            return None
        raise


def _require_rest_api(ctx: ProbeContext, api_id: str) -> None:
    """Raise NOT_FOUND when `api_id` names no REST API. GetStage answers "not found" for a
    missing stage and for an API id that is not a REST API's (an HTTP or WebSocket API, read
    by this probe before the walk knows the type) alike; only the first proves the stage is
    missing. The API read is the one `get_rest_api` makes: the session's read cache keeps its
    answer, "not found" included, so this costs no call of its own."""
    manual = manual_command(ctx.aws, "apigateway", "GetRestApi", restApiId=api_id)
    with aws_errors("apigateway:GET", manual=manual):
        client(ctx, "apigateway").get_rest_api(restApiId=api_id)


@REGISTRY.probe(
    "get_stage",
    "Read the stage: its deployment, execution logging, access logs, web ACL and client "
    "certificate",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
@rest_only
def get_stage(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    stage = arg(ctx, params, "stage")
    s = _stage(ctx, api_id, stage)
    if s is None:
        _require_rest_api(ctx, api_id)
        return {"stage": stage, "stage_exists": False}
    settings = (s.get("methodSettings") or {}).get("*/*") or {}
    access = s.get("accessLogSettings") or {}
    logging_level = settings.get("loggingLevel", "OFF")
    if logging_level != "OFF":  # the walk reads these logs next: look the group up now
        prefetch_log_group(ctx, execution_log_group(api_id, stage))
    return {
        "stage": stage,
        "stage_exists": True,
        "deployment_id": s.get("deploymentId"),
        "execution_logging_level": logging_level,
        "execution_logging_enabled": logging_level in ("INFO", "ERROR"),
        "data_trace_enabled": bool(settings.get("dataTraceEnabled", False)),
        "metrics_enabled": bool(settings.get("metricsEnabled", False)),
        "access_log_destination": access.get("destinationArn"),
        "access_log_format": access.get("format"),
        "access_logging_enabled": bool(access.get("destinationArn")),
        "web_acl_arn": s.get("webAclArn"),
        "client_certificate_id": s.get("clientCertificateId"),
        "cache_cluster_enabled": bool(s.get("cacheClusterEnabled", False)),
        # Cache-Control: max-age=0 from a caller without execute-api:InvalidateCache gets 403.
        "unauthorized_cache_control_fails": bool(s.get("cacheClusterEnabled", False))
        and bool(settings.get("cachingEnabled", False))
        and settings.get("requireAuthorizationForCacheControl", True) is not False
        and settings.get("unauthorizedCacheControlHeaderStrategy") == "FAIL_WITH_403",
        "stage_variables": s.get("variables") or {},
        "stage_last_updated": plain(s.get("lastUpdatedDate")),
    }


def _created(deployment: Mapping[str, Any]) -> float:
    """Creation time as a number (boto3 gives datetimes; a missing one sorts first)."""
    created: Any = deployment.get("createdDate")
    return float(created.timestamp()) if hasattr(created, "timestamp") else 0.0


@REGISTRY.probe(
    "get_deployments",
    "Is the stage on the latest deployment? Which routes exist in the API but not in what the "
    "stage runs (changes made without a redeploy)",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def get_deployments(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    stage = arg(ctx, params, "stage")
    apigw = client(ctx, "apigateway")
    manual = manual_command(ctx.aws, "apigateway", "GetDeployments", restApiId=api_id)
    deployments = list(
        paginate(
            ctx,
            apigw,
            "get_deployments",
            "items",
            action="apigateway:GET",
            manual=manual,
            restApiId=api_id,
            limit=PAGE_LIMIT,
        )
    )
    s = _stage(ctx, api_id, stage)
    stage_deployment = (s or {}).get("deploymentId")
    latest = max(deployments, key=_created, default=None)
    out: dict[str, Any] = {
        "deployment_count": len(deployments),
        "latest_deployment_id": latest.get("id") if latest else None,
        "deployment_id": stage_deployment,
        "stage_exists": s is not None,
        "stage_on_latest_deployment": (
            None if latest is None or s is None else stage_deployment == latest.get("id")
        ),
    }
    if s is None or not stage_deployment:
        return out
    ctx.check_cancelled()
    with aws_errors("apigateway:GET", manual=manual):
        deployed = apigw.get_deployment(
            restApiId=api_id, deploymentId=stage_deployment, embed=["apisummary"]
        )
    summary = deployed.get("apiSummary") or {}
    deployed_routes = {f"{m} {p}" for p, methods in summary.items() for m in methods}
    current = {
        f"{m} {r['path']}"
        for r in rest_resources(ctx, api_id)
        for m in (r.get("resourceMethods") or {})
    }
    out["deployment_created"] = plain(deployed.get("createdDate"))
    out["deployed_routes"] = sorted(deployed_routes)
    out["undeployed_routes"] = sorted(current - deployed_routes) if summary else []
    out["removed_but_deployed_routes"] = sorted(deployed_routes - current) if summary else []
    out["route_deployed"] = _route_deployed(ctx, params, deployed_routes if summary else None)
    return out


def _route_deployed(
    ctx: ProbeContext, params: Mapping[str, Any], deployed_routes: set[str] | None
) -> bool | None:
    """Whether the stage's deployment serves the request's method on its resource (an ANY
    method serves every verb); unknown when the resource or the deployment's summary is."""
    resource_path = arg(ctx, params, "resource_path", None)
    if deployed_routes is None or not isinstance(resource_path, str):
        return None
    method = str(arg(ctx, params, "method", "GET")).upper()
    return bool({f"{method} {resource_path}", f"ANY {resource_path}"} & deployed_routes)


@REGISTRY.probe(
    "get_gateway_responses",
    "Read the gateway responses: which 403 responses are customized (status, body, headers)",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def get_gateway_responses(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    apigw = client(ctx, "apigateway")
    items = list(
        paginate(
            ctx,
            apigw,
            "get_gateway_responses",
            "items",
            action="apigateway:GET",
            manual=manual_command(ctx.aws, "apigateway", "GetGatewayResponses", restApiId=api_id),
            restApiId=api_id,
            limit=PAGE_LIMIT,
        )
    )
    customized = [i for i in items if not i.get("defaultResponse", False)]
    return {
        "gateway_responses_customized": sorted(str(i.get("responseType")) for i in customized),
        "gateway_responses": {
            str(i.get("responseType")): {
                "status_code": i.get("statusCode"),
                "templates": i.get("responseTemplates") or {},
                "headers": i.get("responseParameters") or {},
                "default": bool(i.get("defaultResponse", False)),
            }
            for i in items
            if i.get("responseType") in FORBIDDEN_RESPONSE_TYPES
            or not i.get("defaultResponse", False)
        },
    }


@REGISTRY.probe(
    "get_account",
    "Read the account's API Gateway settings: the CloudWatch Logs role execution logging needs",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def get_account(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    with aws_errors("apigateway:GET", manual=manual_command(ctx.aws, "apigateway", "GetAccount")):
        acct = client(ctx, "apigateway").get_account()
    role = acct.get("cloudwatchRoleArn")
    return {
        "cloudwatch_role_arn": role,
        "cloudwatch_role_set": bool(role),
        "account_throttle_rate": (acct.get("throttleSettings") or {}).get("rateLimit"),
        "account_throttle_burst": (acct.get("throttleSettings") or {}).get("burstLimit"),
    }
