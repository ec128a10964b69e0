"""HTTP and WebSocket APIs (apigatewayv2): the API, the matched route, its authorizer, the stage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client, paginate
from wizard.aws.probes.authorizers import function_arn_from_uri
from wizard.aws.target import match_route
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind


@REGISTRY.probe(
    "get_http_api",
    "Read an HTTP or WebSocket API: protocol, default endpoint, the route the request matches, "
    "its authorization and authorizer (JWT issuer/audience or Lambda, cache TTL), the stage",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def get_http_api(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    method = str(arg(ctx, params, "method", "GET")).upper()
    path = str(arg(ctx, params, "path", "/"))
    stage = arg(ctx, params, "stage", None)
    v2 = client(ctx, "apigatewayv2")
    with aws_errors(
        "apigateway:GET", manual=manual_command(ctx.aws, "apigatewayv2", "GetApi", ApiId=api_id)
    ):
        api = v2.get_api(ApiId=api_id)
    protocol = str(api.get("ProtocolType", "HTTP")).upper()
    out: dict[str, Any] = {
        "api_id": api_id,
        "api_type": protocol,
        "api_name": api.get("Name"),
        "disable_execute_api_endpoint": bool(api.get("DisableExecuteApiEndpoint", False)),
        "route_selection_expression": api.get("RouteSelectionExpression"),
        "api_key_selection_expression": api.get("ApiKeySelectionExpression"),
    }
    routes = list(
        paginate(
            ctx,
            v2,
            "get_routes",
            "Items",
            action="apigateway:GET",
            manual=manual_command(ctx.aws, "apigatewayv2", "GetRoutes", ApiId=api_id),
            ApiId=api_id,
        )
    )
    out["routes"] = sorted(str(r.get("RouteKey")) for r in routes)
    if stage and protocol == "HTTP":
        stage, path = _default_stage_fallback(ctx, api_id, str(stage), path)
        out["path"] = path
    if protocol == "WEBSOCKET":
        route = next((r for r in routes if r.get("RouteKey") == "$connect"), None)
    else:
        route, params_found = match_route(routes, method, path)
        out["path_params"] = params_found
    out["route_exists"] = route is not None
    if route is not None:
        out.update(
            {
                "route_key": route.get("RouteKey"),
                "route_id": route.get("RouteId"),
                "authorization_type": route.get("AuthorizationType", "NONE"),
                "authorizer_id": route.get("AuthorizerId"),
                "authorization_scopes": list(route.get("AuthorizationScopes") or []),
                "api_key_required": bool(route.get("ApiKeyRequired", False)),
            }
        )
        if route.get("AuthorizerId"):
            ctx.check_cancelled()
            out.update(_authorizer(ctx, api_id, str(route["AuthorizerId"])))
    if stage:
        ctx.check_cancelled()
        out.update(_stage(ctx, api_id, str(stage)))
    return out


def _default_stage_fallback(
    ctx: ProbeContext, api_id: str, stage: str, path: str
) -> tuple[str, str]:
    """(stage, path) the request reaches. An HTTP API on the `$default` stage is served from the
    URL's root, so a first segment that names no stage is part of the path (the URL parser can
    only call it a candidate stage): `/orders` is `$default` + `/orders`, not stage `orders`."""
    v2 = client(ctx, "apigatewayv2")
    manual = manual_command(ctx.aws, "apigatewayv2", "GetStages", ApiId=api_id)
    found = paginate(
        ctx, v2, "get_stages", "Items", action="apigateway:GET", manual=manual, ApiId=api_id
    )
    stages = {str(s.get("StageName")) for s in found}
    if stage in stages or "$default" not in stages:
        return stage, path
    return "$default", f"/{stage}" + (path if path != "/" else "")


def _authorizer(ctx: ProbeContext, api_id: str, authorizer_id: str) -> dict[str, Any]:
    manual = manual_command(
        ctx.aws, "apigatewayv2", "GetAuthorizer", ApiId=api_id, AuthorizerId=authorizer_id
    )
    with aws_errors("apigateway:GET", manual=manual):
        a = client(ctx, "apigatewayv2").get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    jwt = a.get("JwtConfiguration") or {}
    atype = a.get("AuthorizerType", "JWT")
    return {
        "authorizer_type": atype,
        "authorizer_name": a.get("Name"),
        "authorizer_identity_source": ",".join(a.get("IdentitySource") or []),
        "authorizer_ttl": int(a.get("AuthorizerResultTtlInSeconds", 0 if atype == "JWT" else 300)),
        "authorizer_function_arn": function_arn_from_uri(a.get("AuthorizerUri")),
        "authorizer_payload_format": a.get("AuthorizerPayloadFormatVersion"),
        "authorizer_simple_responses": bool(a.get("EnableSimpleResponses", False)),
        "jwt_issuer": jwt.get("Issuer"),
        "jwt_audience": list(jwt.get("Audience") or []),
    }


def _stage(ctx: ProbeContext, api_id: str, stage: str) -> dict[str, Any]:
    try:
        with aws_errors(
            "apigateway:GET",
            manual=manual_command(
                ctx.aws, "apigatewayv2", "GetStage", ApiId=api_id, StageName=stage
            ),
        ):
            s = client(ctx, "apigatewayv2").get_stage(ApiId=api_id, StageName=stage)
    except ProbeError as err:
        if err.kind is ProbeErrorKind.NOT_FOUND:
            return {"stage": stage, "stage_exists": False}
        raise
    access = s.get("AccessLogSettings") or {}
    return {
        "stage": stage,
        "stage_exists": True,
        "auto_deploy": bool(s.get("AutoDeploy", False)),
        "deployment_id": s.get("DeploymentId"),
        "access_log_destination": access.get("DestinationArn"),
        "access_log_format": access.get("Format"),
        "access_logging_enabled": bool(access.get("DestinationArn")),
        "client_certificate_id": s.get("ClientCertificateId"),
    }
