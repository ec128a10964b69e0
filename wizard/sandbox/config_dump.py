"""A full dump of an API's configuration, to prove that declining a fix changed nothing.

Everything a fix could touch: the API (policy, endpoint), resources with their methods and
integrations, authorizers, stages, deployments, gateway responses, usage plans with their keys
and stages, API keys, the custom-domain base path mappings to the API, the web ACL associated
with each stage, the policies of the VPC endpoints a private API is associated with. Response
metadata (request ids, retry counts) is dropped: it differs on every call. So is `lastUpdatedDate`: it records when, not what - a rollback restores the
configuration, and cannot restore the clock. A web ACL's `LockToken` is left out too: WAF
issues a new one on every update, so it records that an update happened, not what it set.

HTTP and WebSocket APIs (apigatewayv2): the API, routes (with their route responses),
integrations (with theirs), authorizers, stages and deployments (models are left out: MiniStack
1.5.33 has no GetModels, and no fix touches them), and the Lambda functions and inline IAM
policies, as for a REST API. `LastUpdatedDate` is dropped for the same
reason.

`dump_text` is the same dump as canonical JSON, so "identical" means byte-identical text.
"""

from __future__ import annotations

import json
from typing import Any

from wizard.sandbox.provisioned import ClientFactory

_VOLATILE = frozenset({"ResponseMetadata", "lastUpdatedDate", "LastUpdatedDate"})
# A Lambda function's record of when and how its last update went: a rollback restores the
# code and configuration (CodeSha256 included), not the clock nor the update's bookkeeping.
_LAMBDA_VOLATILE = frozenset(
    {
        "LastModified",
        "RevisionId",
        "LastUpdateStatus",
        "LastUpdateStatusReason",
        "LastUpdateStatusReasonCode",
        "State",
        "StateReason",
        "StateReasonCode",
    }
)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _items(apigw: Any, operation: str, **kwargs: Any) -> list[Any]:
    paginator = apigw.get_paginator(operation)
    out: list[Any] = []
    for page in paginator.paginate(**kwargs):
        out.extend(page.get("items", []))
    return out


def dump_rest_api(clients: ClientFactory, api_id: str) -> dict[str, Any]:
    apigw = clients("apigateway")
    resources = sorted(
        _items(apigw, "get_resources", restApiId=api_id), key=lambda r: str(r.get("path"))
    )
    methods = {}
    for res in resources:
        for verb in sorted(res.get("resourceMethods") or {}):
            methods[f"{verb} {res['path']}"] = apigw.get_method(
                restApiId=api_id, resourceId=res["id"], httpMethod=verb
            )
    stages = apigw.get_stages(restApiId=api_id).get("item", [])
    plans = _items(apigw, "get_usage_plans")
    rest_api = apigw.get_rest_api(restApiId=api_id)
    return _clean(
        {
            "rest_api": rest_api,
            "resources": resources,
            "methods": methods,
            "authorizers": _items(apigw, "get_authorizers", restApiId=api_id),
            "stages": sorted(stages, key=lambda s: str(s.get("stageName"))),
            "deployments": _items(apigw, "get_deployments", restApiId=api_id),
            "gateway_responses": _items(apigw, "get_gateway_responses", restApiId=api_id),
            "usage_plans": plans,
            "usage_plan_keys": {
                p["id"]: _items(apigw, "get_usage_plan_keys", usagePlanId=p["id"]) for p in plans
            },
            "api_keys": _items(apigw, "get_api_keys", includeValues=True),
            # What a custom-domain fix changes: the base path mappings that serve this API.
            "base_path_mappings": _base_path_mappings(apigw, api_id),
            # What a WAF fix changes: the rules and default action of each stage's web ACL.
            "stage_web_acls": _stage_web_acls(clients, api_id, stages),
            # What the code and IAM fixes change: the Lambda functions (authorizers), and the
            # inline policies of the IAM users and roles (the signed callers).
            "lambda_functions": _lambda_functions(clients),
            "iam_inline_policies": _inline_policies(clients),
            # A private API's VPC endpoints: their policies decide too (the endpoint fix).
            "vpc_endpoint_policies": _endpoint_policies(clients, rest_api),
        }
    )


def _endpoint_policies(clients: ClientFactory, rest_api: dict[str, Any]) -> dict[str, Any]:
    """The PolicyDocument of each VPC endpoint the API is associated with, by endpoint id."""
    ids = sorted((rest_api.get("endpointConfiguration") or {}).get("vpcEndpointIds") or [])
    if not ids:
        return {}
    found = clients("ec2").describe_vpc_endpoints(VpcEndpointIds=ids).get("VpcEndpoints", [])
    return {e["VpcEndpointId"]: e.get("PolicyDocument") for e in found}


def _v2_items(v2: Any, operation: str, **kwargs: Any) -> list[Any]:
    out: list[Any] = []
    if v2.can_paginate(operation):
        for page in v2.get_paginator(operation).paginate(**kwargs):
            out.extend(page.get("Items", []))
        return out
    return list(getattr(v2, operation)(**kwargs).get("Items", []))


def dump_v2_api(clients: ClientFactory, api_id: str) -> dict[str, Any]:
    """An HTTP or WebSocket API's whole configuration (apigatewayv2)."""
    v2 = clients("apigatewayv2")
    routes = sorted(_v2_items(v2, "get_routes", ApiId=api_id), key=lambda r: str(r["RouteKey"]))
    integrations = sorted(
        _v2_items(v2, "get_integrations", ApiId=api_id), key=lambda i: str(i["IntegrationId"])
    )
    return _clean(
        {
            "api": v2.get_api(ApiId=api_id),
            "routes": routes,
            "route_responses": {
                r["RouteKey"]: _v2_items(
                    v2, "get_route_responses", ApiId=api_id, RouteId=r["RouteId"]
                )
                for r in routes
            },
            "integrations": integrations,
            "integration_responses": {
                i["IntegrationId"]: _v2_items(
                    v2,
                    "get_integration_responses",
                    ApiId=api_id,
                    IntegrationId=i["IntegrationId"],
                )
                for i in integrations
            },
            "authorizers": sorted(
                _v2_items(v2, "get_authorizers", ApiId=api_id), key=lambda a: str(a["Name"])
            ),
            "stages": sorted(
                _v2_items(v2, "get_stages", ApiId=api_id), key=lambda s: str(s["StageName"])
            ),
            "deployments": sorted(
                _v2_items(v2, "get_deployments", ApiId=api_id),
                key=lambda d: str(d["DeploymentId"]),
            ),
            # As for a REST API: the authorizers' functions (a code fix) and the callers'
            # inline policies (an IAM fix, e.g. ManageConnections) are part of what a fix moves.
            "lambda_functions": _lambda_functions(clients),
            "iam_inline_policies": _inline_policies(clients),
        }
    )


def _is_rest_api(clients: ClientFactory, api_id: str) -> bool:
    apigw = clients("apigateway")
    try:
        apigw.get_rest_api(restApiId=api_id)
    except apigw.exceptions.NotFoundException:
        return False
    return True


def dump_api(clients: ClientFactory, api_id: str) -> dict[str, Any]:
    """`dump_rest_api` for a REST API, else `dump_v2_api` (HTTP, WebSocket)."""
    if _is_rest_api(clients, api_id):
        return dump_rest_api(clients, api_id)
    return dump_v2_api(clients, api_id)


def _base_path_mappings(apigw: Any, api_id: str) -> dict[str, Any]:
    """Domain name -> its base path mappings to this API, for the domains that have one."""
    out: dict[str, Any] = {}
    for domain in sorted(str(d.get("domainName")) for d in _items(apigw, "get_domain_names")):
        mine = [
            m
            for m in _items(apigw, "get_base_path_mappings", domainName=domain)
            if m.get("restApiId") == api_id
        ]
        if mine:
            out[domain] = sorted(mine, key=lambda m: str(m.get("basePath")))
    return out


def _stage_web_acls(clients: ClientFactory, api_id: str, stages: list[Any]) -> dict[str, Any]:
    """Stage name -> its web ACL as GetWebACLForResource returns it (no LockToken: that is
    GetWebACL's, and changes on every update), for the stages that have one."""
    waf = clients("wafv2")
    out: dict[str, Any] = {}
    for stage in sorted(str(s.get("stageName")) for s in stages):
        arn = f"arn:aws:apigateway:{waf.meta.region_name}::/restapis/{api_id}/stages/{stage}"
        try:
            acl = waf.get_web_acl_for_resource(ResourceArn=arn).get("WebACL")
        except waf.exceptions.WAFNonexistentItemException:
            continue  # nothing associated (how MiniStack says it; AWS answers no WebACL)
        if acl:
            out[stage] = {k: v for k, v in acl.items() if k != "LockToken"}
    return out


def _lambda_functions(clients: ClientFactory) -> dict[str, Any]:
    lam = clients("lambda")
    out: dict[str, Any] = {}
    for page in lam.get_paginator("list_functions").paginate():
        for fn in page.get("Functions", []):
            config = lam.get_function_configuration(FunctionName=fn["FunctionName"])
            out[fn["FunctionName"]] = {k: v for k, v in config.items() if k not in _LAMBDA_VOLATILE}
    return out


def _inline_policies(clients: ClientFactory) -> dict[str, Any]:
    iam = clients("iam")
    out: dict[str, Any] = {}
    kinds = (
        ("user", "list_users", "Users", "UserName", "list_user_policies", "get_user_policy"),
        ("role", "list_roles", "Roles", "RoleName", "list_role_policies", "get_role_policy"),
    )
    for kind, lister, key, name_key, list_policies, get_policy in kinds:
        for page in iam.get_paginator(lister).paginate():
            for principal in page.get(key, []):
                name = principal[name_key]
                names = iam.get_paginator(list_policies).paginate(**{name_key: name})
                out[f"{kind}/{name}"] = {
                    policy: getattr(iam, get_policy)(**{name_key: name, "PolicyName": policy})[
                        "PolicyDocument"
                    ]
                    for p in names
                    for policy in sorted(p.get("PolicyNames", []))
                }
    return out


def dump_text(clients: ClientFactory, api_id: str) -> str:
    """`dump_api` as canonical JSON (sorted keys, dates in ISO form), one line per field."""
    return json.dumps(dump_api(clients, api_id), sort_keys=True, indent=1, default=str)
