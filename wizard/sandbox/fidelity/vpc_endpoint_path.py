"""A private REST API is reached only through an associated VPC endpoint, whose policy decides.

AWS ("Invoke a private API", apigateway-private-api-test-invoke-url.html): a private API is
called through an interface VPC endpoint for execute-api, e.g. with the endpoint's Route 53
alias `https://{rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com/{stage}`, which needs
the API associated with that endpoint (`vpcEndpointIds`). AWS ("Use VPC endpoint policies for
private APIs", apigateway-vpc-endpoint-policies.html): the endpoint's policy must allow
execute-api:Invoke on the API's ARN as well as the API's resource policy (which can name the
endpoint with `aws:SourceVpce`). MiniStack has endpoints and PRIVATE APIs but no network path.

Here a request that names an endpoint the way the alias does - the alias host
`{api}-{vpce}.execute-api.localhost`, or the emulator's path forms with `{api}-{vpce}` for the
API id (`/restapis/{api}-{vpce}/{stage}/_user_request_/...`, `/_aws/execute-api/{api}-{vpce}/...`)
- counts as sent through that endpoint: refused 403 Forbidden when the API is not private or not
associated with it, 403 AccessDenied when the endpoint policy does not allow the call, else
served with `aws:SourceVpce`/`aws:SourceVpc` set for the resource policy. A private API called
on any other URL answers 403 Forbidden, as one reached outside its endpoints does. EC2 (the
endpoint's side): an endpoint keeps the PolicyDocument it was created with (the full-access
default when none, "Control access to VPC endpoints using endpoint policies"), DescribeVpcEndpoints
returns it, and ModifyVpcEndpoint --reset-policy puts the default back.
"""

from __future__ import annotations

import contextvars
import json
import re
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape

from wizard.sandbox.fidelity.access_denied import access_denied_response
from wizard.sandbox.fidelity.default_endpoint import forbidden

# The policy AWS attaches to an endpoint created without one (and --reset-policy restores).
FULL_ACCESS = json.dumps(
    {
        "Statement": [
            {"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"},
        ]
    }
)
_ALIAS = re.compile(r"^(?P<api>[a-z0-9]{1,32})-(?P<vpce>vpce-[0-9a-f]{1,32})$")
_ALIAS_HOST = re.compile(r"^(?P<alias>[a-z0-9-]{1,80})(?P<rest>\.execute-api\..+)$")
_PATH_PREFIXES = ("/restapis/", "/_aws/execute-api/")

# (vpce id, vpc id) of the endpoint the request being served came through.
_SOURCE: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "fidelity_source_vpce", default=None
)


def split_alias(segment: str) -> tuple[str, str] | None:
    """(api id, vpce id) of `{api}-{vpce}`, else None."""
    found = _ALIAS.fullmatch(segment.lower())
    return (found["api"], found["vpce"]) if found else None


def through_endpoint(host: str, path: str) -> tuple[str, str, str] | None:
    """(host, path, vpce id) with the alias replaced by the plain API id, for a request that
    names a VPC endpoint; None for any other request."""
    name, colon, port = host.partition(":")
    on_host = _ALIAS_HOST.fullmatch(name.lower())
    if on_host:
        alias = split_alias(on_host["alias"])
        if alias:
            return f"{alias[0]}{on_host['rest']}{colon}{port}", path, alias[1]
    for prefix in _PATH_PREFIXES:
        if path.startswith(prefix):
            segment, slash, rest = path[len(prefix) :].partition("/")
            alias = split_alias(segment)
            if alias:
                return host, f"{prefix}{alias[0]}{slash}{rest}", alias[1]
    return None


def is_private(api: dict[str, Any]) -> bool:
    return "PRIVATE" in ((api.get("endpointConfiguration") or {}).get("types") or [])


def associated(api: dict[str, Any], vpce_id: str) -> bool:
    return vpce_id in ((api.get("endpointConfiguration") or {}).get("vpcEndpointIds") or [])


def denial_reason(decision: str) -> str:
    """IAM's wording for a refusal by a VPC endpoint policy ("Access denied error messages")."""
    if decision == "Deny":
        return "with an explicit deny in a VPC endpoint policy"
    return "because no VPC endpoint policy allows the execute-api:Invoke action"


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    import ministack.app as app

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    import ministack.core.iam_evaluator as iam

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.arn import execute_api_arn

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.services import ec2

    _install_endpoint_policies(ec2)
    resolve_key = iam._resolve_condition_key

    def resolve_condition_key(key: str, ctx: Any) -> Any:
        source = _SOURCE.get()
        if source is not None and key.lower() in ("aws:sourcevpce", "aws:sourcevpc"):
            return source[0] if key.lower() == "aws:sourcevpce" else source[1]
        return resolve_key(key, ctx)

    setattr(iam, "_resolve_condition_key", resolve_condition_key)  # noqa: B010

    def endpoint_refusal(
        api_id: str, scope: tuple[str, str], host: str, path: str, method: str, headers: Any
    ) -> Any:
        """403 AccessDenied when the endpoint's policy does not allow this call, else None."""
        parsed = app._parse_execute_api_url(host, path)
        if parsed is None:
            return None
        _, stage, execute_path = parsed
        stage_record = v1.stages_for_api(api_id).get(stage)
        if stage_record is None:
            return None  # the API answers the missing stage itself
        account, region = scope
        arn = execute_api_arn(region, account, api_id, stage, method, execute_path)
        endpoint = _SOURCE_ENDPOINT.get() or {}
        policy = endpoint.get("PolicyDocument") or FULL_ACCESS
        ctx = iam.EvalContext("*", "Anonymous", "", "execute-api:Invoke", arn, region)
        decision = str(iam.evaluate_resource_policy(policy, ctx).decision)
        if decision == "Allow":
            return None
        shown = arn.replace(f":{account}:", f":********{account[-4:]}:", 1)
        message = (
            f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
            f"{shown} {denial_reason(decision)}"
        )
        with v1.request_scope(*scope):
            return access_denied_response(v1, api_id, stage, stage_record, message, headers)

    original = app._handle_execute_api_request

    async def handle_execute_api_request(
        host: str, path: str, method: str, headers: Any, *rest: Any, **kwargs: Any
    ) -> Any:
        routed = through_endpoint(host, path)
        if routed is None:
            parsed = app._parse_execute_api_url(host, path)
            api = _rest_api(v1, parsed[0]) if parsed else None
            if api is not None and is_private(api[0]):
                return forbidden()  # a private API outside its VPC endpoints
            return await original(host, path, method, headers, *rest, **kwargs)
        new_host, new_path, vpce_id = routed
        parsed = app._parse_execute_api_url(new_host, new_path)
        api = _rest_api(v1, parsed[0]) if parsed else None
        if parsed is None or api is None:
            return await original(new_host, new_path, method, headers, *rest, **kwargs)
        record, scope = api
        endpoint = ec2._vpc_endpoints.get_scoped(scope[0], scope[1], vpce_id)
        if not is_private(record) or not associated(record, vpce_id) or endpoint is None:
            return forbidden()
        token = _SOURCE.set((vpce_id, str(endpoint.get("VpcId") or "")))
        endpoint_token = _SOURCE_ENDPOINT.set(endpoint)
        try:
            refused = endpoint_refusal(parsed[0], scope, new_host, new_path, method, headers)
            if refused is not None:
                return refused
            return await original(new_host, new_path, method, headers, *rest, **kwargs)
        finally:
            _SOURCE_ENDPOINT.reset(endpoint_token)
            _SOURCE.reset(token)

    setattr(app, "_handle_execute_api_request", handle_execute_api_request)  # noqa: B010


_SOURCE_ENDPOINT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "fidelity_source_endpoint", default=None
)


def _rest_api(v1: ModuleType, api_id: str) -> tuple[dict[str, Any], tuple[str, str]] | None:
    """The REST API record of `api_id` and its (account, region), else None."""
    scope = v1.find_api_scope(api_id)
    if scope is None:
        return None
    record = v1._rest_apis.get_scoped(scope[0], scope[1], api_id)
    return (record, scope) if isinstance(record, dict) else None


def _install_endpoint_policies(ec2: ModuleType) -> None:
    """EC2's side: endpoints keep, return and reset their policy document."""
    create, modify, fields_xml = (
        ec2._ACTION_MAP["CreateVpcEndpoint"],
        ec2._ACTION_MAP["ModifyVpcEndpoint"],
        ec2._vpce_fields_xml,
    )

    def create_vpc_endpoint(p: Any) -> Any:
        before = set(ec2._vpc_endpoints.keys())
        response = create(p)
        for vpce_id in set(ec2._vpc_endpoints.keys()) - before:
            endpoint = ec2._vpc_endpoints[vpce_id]
            endpoint["PolicyDocument"] = ec2._p(p, "PolicyDocument") or FULL_ACCESS
            endpoint["PrivateDnsEnabled"] = ec2._p(p, "PrivateDnsEnabled").lower() == "true"
        return response

    def modify_vpc_endpoint(p: Any) -> Any:
        endpoint = ec2._vpc_endpoints.get(ec2._p(p, "VpcEndpointId"))
        response = modify(p)
        if endpoint is not None and ec2._p(p, "ResetPolicy").lower() == "true":
            endpoint["PolicyDocument"] = FULL_ACCESS
        return response

    def vpce_fields_xml(ep: dict[str, Any], tag: str = "item") -> str:
        xml = str(fields_xml(ep, tag=tag))
        extra = (
            f"<policyDocument>{escape(str(ep.get('PolicyDocument') or FULL_ACCESS))}</policyDocument>"
            f"<privateDnsEnabled>{str(bool(ep.get('PrivateDnsEnabled'))).lower()}</privateDnsEnabled>"
        )
        closing = f"</{tag}>"
        head, _, _ = xml.rpartition(closing)
        return f"{head}{extra}{closing}"

    ec2._ACTION_MAP["CreateVpcEndpoint"] = create_vpc_endpoint
    ec2._ACTION_MAP["ModifyVpcEndpoint"] = modify_vpc_endpoint
    setattr(ec2, "_vpce_fields_xml", vpce_fields_xml)  # noqa: B010
