"""REST API configuration: the API (endpoint type, resource policy), its resources and methods."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.prefetch import ahead
from wizard.aws.probes._base import arg, client, paginate, parse_policy
from wizard.aws.probes.rest_only import rest_only
from wizard.aws.target import RESOURCE_LISTING, find_rest_resource, match_rest_resource
from wizard.engine.probes import REGISTRY, ProbeContext


@REGISTRY.probe(
    "get_rest_api",
    "Read the REST API: endpoint type, VPC endpoints, the resource policy (unescaped and "
    "parsed) and whether the default execute-api endpoint is disabled",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
@rest_only
def get_rest_api(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    with aws_errors(
        "apigateway:GET",
        manual=manual_command(ctx.aws, "apigateway", "GetRestApi", restApiId=api_id),
    ):
        api = client(ctx, "apigateway").get_rest_api(restApiId=api_id)
    endpoint = api.get("endpointConfiguration") or {}
    types = endpoint.get("types") or []
    raw_policy = api.get("policy")
    policy = parse_policy(raw_policy)
    return {
        "api_id": api_id,
        "api_type": "REST",
        "api_name": api.get("name"),
        "endpoint_type": types[0] if types else None,
        "vpc_endpoint_ids": list(endpoint.get("vpcEndpointIds") or []),
        "disable_execute_api_endpoint": bool(api.get("disableExecuteApiEndpoint", False)),
        "api_key_source": api.get("apiKeySource", "HEADER"),
        "has_resource_policy": policy is not None,
        "resource_policy": policy,
        "resource_policy_text": json.dumps(policy, indent=2) if policy else None,
        "resource_policy_unparsed": raw_policy if raw_policy and policy is None else None,
    }


def rest_resources(ctx: ProbeContext, api_id: str) -> list[dict[str, Any]]:
    """Every resource of the API with its methods, in 500-item pages (the target resolution
    reads the same pages with the same parameters: the session's read cache serves them)."""
    return list(
        paginate(
            ctx,
            client(ctx, "apigateway"),
            "get_resources",
            "items",
            action="apigateway:GET",
            manual=manual_command(
                ctx.aws, "apigateway", "GetResources", restApiId=api_id, embed=["methods"]
            ),
            restApiId=api_id,
            **RESOURCE_LISTING,
        )
    )


@REGISTRY.probe(
    "list_resources",
    "List the REST API's resources and methods, and say whether the request's method and path "
    "match one (Missing Authentication Token otherwise)",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def list_resources(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    method = str(arg(ctx, params, "method", "GET")).upper()
    path = str(arg(ctx, params, "path", "/"))
    resources = rest_resources(ctx, api_id)
    res, path_params, has_method = match_rest_resource(resources, path, method)
    return {
        "routes": sorted(
            f"{m} {r['path']}" for r in resources for m in (r.get("resourceMethods") or {})
        ),
        "resource_count": len(resources),
        "path_exists": res is not None,
        "route_exists": has_method,
        "resource_path": res["path"] if res else None,
        "resource_id": res["id"] if res else None,
        "path_params": path_params,
        "methods_on_resource": sorted((res or {}).get("resourceMethods") or {}),
    }


@REGISTRY.probe(
    "get_method",
    "Read the method: authorization type, authorizer, API key requirement, integration",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
@rest_only
def get_method(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    method = str(arg(ctx, params, "method", "GET")).upper()
    resource_id = arg(ctx, params, "resource_id", None)
    resource_path = arg(ctx, params, "resource_path", None)
    if resource_id is None:  # resolve_target runs beside us: the same pages, read once
        path = str(arg(ctx, params, "path", "/"))
        res, _, _ = find_rest_resource(
            client(ctx, "apigateway"), api_id, path, method, ctx.check_cancelled
        )
        resource_id = res["id"] if res else None
        resource_path = res["path"] if res else None
    if resource_id is None:
        return {"route_exists": False, "method": method}
    apigw = client(ctx, "apigateway")
    manual = manual_command(
        ctx.aws,
        "apigateway",
        "GetMethod",
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
    )
    with aws_errors("apigateway:GET", manual=manual):
        try:
            m = apigw.get_method(restApiId=api_id, resourceId=resource_id, httpMethod=method)
            used = method
        except apigw.exceptions.NotFoundException:
            try:
                m = apigw.get_method(restApiId=api_id, resourceId=resource_id, httpMethod="ANY")
                used = "ANY"
            except apigw.exceptions.NotFoundException:
                return {"route_exists": False, "method": method, "resource_id": resource_id}
    integration = m.get("methodIntegration") or {}
    if m.get("authorizerId"):  # the walk's next link: get_authorizer's exact read
        ahead(ctx, "apigateway", "get_authorizer", restApiId=api_id, authorizerId=m["authorizerId"])
    return {
        "route_exists": True,
        "method": method,
        "http_method_defined": used,
        "resource_id": resource_id,
        "resource_path": resource_path,
        "authorization_type": m.get("authorizationType", "NONE"),
        "authorizer_id": m.get("authorizerId"),
        "authorization_scopes": list(m.get("authorizationScopes") or []),
        "api_key_required": bool(m.get("apiKeyRequired", False)),
        "request_validator_id": m.get("requestValidatorId"),
        "integration_type": integration.get("type"),
        "integration_uri": integration.get("uri"),
    }
