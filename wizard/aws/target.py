"""Resolve what the failing request hit: the API (REST, HTTP or WebSocket), stage, resource or
route, method and the method ARN API Gateway evaluates policies against.

Input is an invoke URL (custom domains are resolved through their base-path / API mappings) or
explicit `api_id`/`stage`/`method`/`path`. Read-only: apigateway:GET and sts:GetCallerIdentity.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from wizard.analysis.arn import build_method_arn, match_resource_path
from wizard.analysis.invoke_url import (
    InvokeUrl,
    longest_base_path,
    parse_invoke_url,
    resource_specificity,
)
from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.engine.probes import ProbeError, ProbeErrorKind

TARGET_IAM_ACTIONS = ("apigateway:GET", "sts:GetCallerIdentity")
# API Gateway's largest page. Every reader of the resources asks with these same parameters,
# so the session's read cache answers the second one (wizard.aws.read_cache).
PAGE_LIMIT = 500
RESOURCE_LISTING: dict[str, Any] = {"limit": PAGE_LIMIT, "embed": ["methods"]}


@dataclass
class Target:
    api_id: str
    api_type: str  # REST | HTTP | WEBSOCKET
    region: str
    stage: str
    method: str
    path: str
    account_id: str | None = None
    endpoint_type: str | None = None
    resource_path: str | None = None  # REST template, e.g. /items/{id}
    resource_id: str | None = None
    route_key: str | None = None  # HTTP/WebSocket, e.g. "GET /items/{id}"
    route_id: str | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    method_exists: bool | None = None  # None: not checked
    method_arn: str | None = None
    domain_name: str | None = None
    base_path: str | None = None
    vpce_id: str | None = None
    invoke_url: str | None = None
    stages: list[str] | None = None  # the API's stage names (HTTP/WebSocket: read to resolve)

    def to_facts(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _paginate(client: Any, op: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    if client.can_paginate(op):
        items: list[dict[str, Any]] = []
        for page in client.get_paginator(op).paginate(**kwargs):
            items.extend(page.get(key, []))
        return items
    return list(getattr(client, op)(**kwargs).get(key, []))


def api_type_of(session: Any, api_id: str) -> tuple[str, dict[str, Any]]:
    """("REST" | "HTTP" | "WEBSOCKET", the API description) — REST is tried first."""
    apigw = session.client("apigateway")
    try:
        with aws_errors(
            "apigateway:GET",
            manual=manual_command(session, "apigateway", "GetRestApi", restApiId=api_id),
        ):
            return "REST", dict(apigw.get_rest_api(restApiId=api_id))
    except ProbeError as err:
        if err.kind not in (ProbeErrorKind.NOT_FOUND, ProbeErrorKind.UNSUPPORTED):
            raise
    v2 = session.client("apigatewayv2")
    try:
        with aws_errors(
            "apigateway:GET", manual=manual_command(session, "apigatewayv2", "GetApi", ApiId=api_id)
        ):
            api = dict(v2.get_api(ApiId=api_id))
    except ProbeError as err:
        if err.kind is ProbeErrorKind.NOT_FOUND:
            raise ProbeError(
                ProbeErrorKind.NOT_FOUND,
                f"no REST, HTTP or WebSocket API {api_id!r} in {session.region}: check the id and "
                "the region (the invoke URL's host names both)",
                manual_hint=manual_command(session, "apigateway", "GetRestApis")
                + "; "
                + manual_command(session, "apigatewayv2", "GetApis"),
            ) from err
        raise
    return str(api.get("ProtocolType", "HTTP")).upper(), api


def _unmapped_base_path(
    session: Any,
    mappings: list[tuple[str, str, str]],
    path: str,
    api_id: str | None,
    stage: str | None,
) -> tuple[str, str, str, str] | None:
    """The API stage a base path no mapping serves was meant for, when it is certain: the one
    the caller named (`--api-id` and `--stage`), else the one API mapped on this domain that
    has a stage named like the base path (a release whose stage was deployed and whose base path
    mapping was never created). None when it is not certain."""
    first, _, rest = path.lstrip("/").partition("/")
    if not first:
        return None
    if api_id and stage:
        return api_id, stage, first, "/" + rest
    apigw = session.client("apigateway")
    named = []
    for candidate in sorted({a for _, a, _ in mappings}):
        with aws_errors(
            "apigateway:GET",
            manual=manual_command(session, "apigateway", "GetStages", restApiId=candidate),
        ):
            items = apigw.get_stages(restApiId=candidate).get("item", [])
        if any(s.get("stageName") == first for s in items):
            named.append(candidate)
    return (named[0], first, first, "/" + rest) if len(named) == 1 else None


def resolve_custom_domain(
    session: Any, domain: str, path: str, api_id: str | None = None, stage: str | None = None
) -> tuple[str, str, str, str]:
    """(api_id, stage, base_path, remaining path) for a request on a custom domain. When no
    base path mapping serves the path, the base path the request names and the API stage it was
    meant for, if that is certain (`_unmapped_base_path`): the mapping is what is missing."""
    apigw = session.client("apigateway")
    mappings: list[tuple[str, str, str]] = []  # (base_path, api_id, stage)
    try:
        with aws_errors(
            "apigateway:GET",
            manual=manual_command(session, "apigateway", "GetBasePathMappings", domainName=domain),
        ):
            for m in _paginate(apigw, "get_base_path_mappings", "items", domainName=domain):
                mappings.append((m.get("basePath", "(none)"), m["restApiId"], m.get("stage", "")))
    except ProbeError as err:
        if err.kind not in (ProbeErrorKind.NOT_FOUND, ProbeErrorKind.UNSUPPORTED):
            raise
    if not mappings:
        v2 = session.client("apigatewayv2")
        with aws_errors(
            "apigateway:GET",
            manual=manual_command(session, "apigatewayv2", "GetApiMappings", DomainName=domain),
        ):
            for m in v2.get_api_mappings(DomainName=domain).get("Items", []):
                mappings.append((m.get("ApiMappingKey") or "(none)", m["ApiId"], m["Stage"]))
    chosen = longest_base_path([b for b, _, _ in mappings], path)
    if chosen is None:
        meant = _unmapped_base_path(session, mappings, path, api_id, stage)
        if meant is not None:
            return meant
        raise ProbeError(
            ProbeErrorKind.NOT_FOUND,
            f"no base path mapping of {domain} serves {path} (mappings: "
            f"{', '.join(b for b, _, _ in mappings) or 'none'})",
            manual_hint=manual_command(
                session, "apigateway", "GetBasePathMappings", domainName=domain
            ),
        )
    base, rest = chosen
    api_id, stage = next((a, s) for b, a, s in mappings if b == base)
    return api_id, stage, base, rest


def match_rest_resource(
    resources: list[dict[str, Any]], path: str, method: str
) -> tuple[dict[str, Any] | None, dict[str, str], bool]:
    """The resource serving `path` (most specific template), its params, and whether it has
    `method` (or ANY)."""
    candidates = []
    for res in resources:
        params = match_resource_path(res["path"], path)
        if params is not None:
            candidates.append((resource_specificity(res["path"]), res, params))
    if not candidates:
        return None, {}, False
    candidates.sort(key=lambda c: c[0], reverse=True)
    # API Gateway routes on the most specific matching resource; the method must exist there.
    _, res, params = candidates[0]
    methods = res.get("resourceMethods") or {}
    return res, params, method in methods or "ANY" in methods


def is_exact_resource(resource: dict[str, Any], path: str) -> bool:
    """The resource is the request path itself, with no {parameter} segment: the most
    specific match there can be (resource paths are unique within an API)."""
    template = str(resource.get("path", ""))
    return template == path and "{" not in template


def match_route(
    routes: list[dict[str, Any]], method: str, path: str
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """HTTP API route matching: exact method before ANY, most specific path, then $default."""
    best: tuple[tuple[int, ...], int, dict[str, Any], dict[str, str]] | None = None
    default = None
    for route in routes:
        key = str(route.get("RouteKey", ""))
        if key == "$default":
            default = route
            continue
        verb, _, template = key.partition(" ")
        if verb not in (method, "ANY"):
            continue
        params = match_resource_path(template, path)
        if params is None:
            continue
        rank = (resource_specificity(template), 1 if verb == method else 0)
        if best is None or rank > (best[0], best[1]):
            best = (rank[0], rank[1], route, params)
    if best is not None:
        return best[2], best[3]
    return default, {}


def resolve_target(
    session: Any,
    *,
    url: str | None = None,
    api_id: str | None = None,
    stage: str | None = None,
    method: str = "GET",
    path: str = "/",
    region: str | None = None,
) -> Target:
    """Resolve a Target; raises ProbeError (classified) or InvokeUrlError (bad URL)."""
    method = method.upper()
    parsed: InvokeUrl | None = parse_invoke_url(url) if url else None
    domain = base = vpce = None
    if parsed is not None:
        region = region or parsed.region
        vpce = parsed.vpce_id
        path = parsed.path
        if parsed.kind == "custom-domain":
            domain = parsed.domain_name
            api_id, stage, base, path = resolve_custom_domain(
                session, domain or "", parsed.path, api_id, stage
            )
        else:
            api_id = api_id or parsed.api_id
            stage = parsed.stage
    if region and region != session.region:
        session = session.with_region(region)
    region = session.region
    if not api_id:
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT,
            "the API id is not known: pass the invoke URL or --api-id",
            manual_hint="the id is the first label of the invoke URL host: {api_id}.execute-api.{region}.amazonaws.com",
        )
    if not region:
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT, "no AWS region: pass --region or set AWS_REGION"
        )
    api_type, api = api_type_of(session, api_id)
    target = Target(
        api_id=api_id,
        api_type=api_type,
        region=region,
        stage=stage or "",
        method=method,
        path=path if path.startswith("/") else "/" + path,
        domain_name=domain,
        base_path=base,
        vpce_id=vpce,
        invoke_url=url,
    )
    if api_type == "REST":
        types = (api.get("endpointConfiguration") or {}).get("types") or []
        target.endpoint_type = types[0] if types else None
        _resolve_rest(session, target)
    else:
        target.endpoint_type = "REGIONAL"
        _resolve_v2(session, target, parsed)
    try:
        target.account_id = session.caller_identity()["account_id"]
    except ProbeError:
        target.account_id = None  # unknown: the ARN is then left unbuilt
    if target.account_id and target.stage:
        if api_type == "WEBSOCKET":
            target.method_arn = (
                f"arn:aws:execute-api:{region}:{target.account_id}:{api_id}/{target.stage}/"
                f"{target.route_key or '$default'}"
            )
        else:
            target.method_arn = build_method_arn(
                region, target.account_id, api_id, target.stage, method, target.path
            )
    return target


def find_rest_resource(
    apigw: Any, api_id: str, path: str, method: str, between_pages: Any = None
) -> tuple[dict[str, Any] | None, dict[str, str], bool]:
    """`match_rest_resource` over the API's resources, read page by page until the request
    path's own resource turns up (then no later page can match more specifically). The
    target resolution and `get_method` both call this with the same page parameters, at the
    same time: the read cache sends each page once and the second caller waits for it."""
    resources: list[dict[str, Any]] = []
    with aws_errors(
        "apigateway:GET",
        manual=manual_command(apigw, "apigateway", "GetResources", restApiId=api_id),
    ):
        pages = apigw.get_paginator("get_resources").paginate(restApiId=api_id, **RESOURCE_LISTING)
        for page in pages:
            if between_pages is not None:
                between_pages()
            resources.extend(page.get("items", []))
            if any(is_exact_resource(r, path) for r in page.get("items", [])):
                break
    return match_rest_resource(resources, path, method)


def _resolve_rest(session: Any, target: Target) -> None:
    apigw = session.client("apigateway")
    res, params, has_method = find_rest_resource(apigw, target.api_id, target.path, target.method)
    if res is not None:
        target.resource_path = res["path"]
        target.resource_id = res["id"]
        target.path_params = params
    target.method_exists = has_method


def _resolve_v2(session: Any, target: Target, parsed: InvokeUrl | None) -> None:
    v2 = session.client("apigatewayv2")
    with aws_errors(
        "apigateway:GET",
        manual=manual_command(session, "apigatewayv2", "GetStages", ApiId=target.api_id),
    ):
        stages = {s["StageName"] for s in v2.get_stages(ApiId=target.api_id).get("Items", [])}
    target.stages = sorted(stages)
    # An HTTP API on the $default stage has no stage segment in its URL.
    if target.stage not in stages and "$default" in stages and target.api_type == "HTTP":
        if parsed is not None and parsed.stage:
            target.path = parsed.full_path
        target.stage = "$default"
    with aws_errors(
        "apigateway:GET",
        manual=manual_command(session, "apigatewayv2", "GetRoutes", ApiId=target.api_id),
    ):
        routes = _paginate(v2, "get_routes", "Items", ApiId=target.api_id)
    if target.api_type == "WEBSOCKET":
        connect = next((r for r in routes if r.get("RouteKey") == "$connect"), None)
        target.route_key = "$connect" if connect else None
        target.route_id = connect.get("RouteId") if connect else None
        target.method_exists = connect is not None
        return
    route, params = match_route(routes, target.method, target.path)
    target.method_exists = route is not None
    if route is not None:
        target.route_key = route.get("RouteKey")
        target.route_id = route.get("RouteId")
        target.path_params = params
        template = str(route.get("RouteKey", "")).partition(" ")[2]
        target.resource_path = template or None
