"""Read-only views of what a fix will change: which get_* call reads it, and where each patch
path lives in that call's response.

Used three times: the snapshot before apply, the re-probe after it (verify), and the inverse
operations of a rollback.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from botocore import xform_name


@dataclass(frozen=True)
class Reader:
    operation: str  # read-only botocore operation, e.g. GetAuthorizer
    params: tuple[str, ...]  # the fix operation's parameters it takes, same names
    # EC2's Describe* calls take a list of ids and answer with a list: (fix parameter, the
    # reader's list parameter) pairs it sends as one-element lists (VpcEndpointId →
    # VpcEndpointIds=[id]), and the response key whose one item is the state (VpcEndpoints).
    as_lists: tuple[tuple[str, str], ...] = ()
    item: str | None = None

    @property
    def method(self) -> str:
        return str(xform_name(self.operation))

    def call_params(self, fix_params: Mapping[str, Any]) -> dict[str, Any]:
        """The reader's parameters, from the fix operation's."""
        listed = dict(self.as_lists)
        return {
            listed.get(name, name): [fix_params[name]] if name in listed else fix_params[name]
            for name in self.params
            if name in fix_params
        }

    def state_of(self, response: dict[str, Any]) -> dict[str, Any] | None:
        """The state a response holds; None when a Describe* listed nothing (absent)."""
        if self.item is None:
            return response
        found = response.get(self.item) or []
        return dict(found[0]) if found else None


READERS: dict[tuple[str, str], Reader] = {
    ("apigateway", "UpdateAuthorizer"): Reader("GetAuthorizer", ("restApiId", "authorizerId")),
    ("apigateway", "CreateDeployment"): Reader("GetStage", ("restApiId", "stageName")),
    ("apigateway", "UpdateRestApi"): Reader("GetRestApi", ("restApiId",)),
    ("apigateway", "UpdateStage"): Reader("GetStage", ("restApiId", "stageName")),
    ("apigateway", "CreateUsagePlanKey"): Reader("GetUsagePlanKeys", ("usagePlanId",)),
    ("apigateway", "UpdateUsagePlan"): Reader("GetUsagePlan", ("usagePlanId",)),
    ("apigateway", "UpdateApiKey"): Reader("GetApiKey", ("apiKey",)),
    ("apigateway", "CreateBasePathMapping"): Reader("GetBasePathMappings", ("domainName",)),
    ("apigateway", "UpdateBasePathMapping"): Reader(
        "GetBasePathMapping", ("domainName", "basePath")
    ),
    ("apigateway", "UpdateMethod"): Reader("GetMethod", ("restApiId", "resourceId", "httpMethod")),
    ("apigateway", "UpdateIntegration"): Reader(
        "GetIntegration", ("restApiId", "resourceId", "httpMethod")
    ),
    ("apigateway", "PutGatewayResponse"): Reader(
        "GetGatewayResponse", ("restApiId", "responseType")
    ),
    ("apigatewayv2", "UpdateAuthorizer"): Reader("GetAuthorizer", ("ApiId", "AuthorizerId")),
    ("apigatewayv2", "UpdateRoute"): Reader("GetRoute", ("ApiId", "RouteId")),
    ("apigatewayv2", "CreateDeployment"): Reader("GetStage", ("ApiId", "StageName")),
    ("apigatewayv2", "UpdateStage"): Reader("GetStage", ("ApiId", "StageName")),
    ("apigatewayv2", "UpdateApi"): Reader("GetApi", ("ApiId",)),
    ("apigatewayv2", "CreateApiMapping"): Reader("GetApiMappings", ("DomainName",)),
    ("lambda", "UpdateFunctionCode"): Reader("GetFunctionConfiguration", ("FunctionName",)),
    ("iam", "PutUserPolicy"): Reader("GetUserPolicy", ("UserName", "PolicyName")),
    ("iam", "PutRolePolicy"): Reader("GetRolePolicy", ("RoleName", "PolicyName")),
    ("wafv2", "UpdateWebACL"): Reader("GetWebACL", ("Name", "Scope", "Id")),
    ("ec2", "ModifyVpcEndpoint"): Reader(
        "DescribeVpcEndpoints",
        ("VpcEndpointId",),
        as_lists=(("VpcEndpointId", "VpcEndpointIds"),),
        item="VpcEndpoints",
    ),
}

# The policy AWS gives an endpoint created without one, and ModifyVpcEndpoint ResetPolicy puts
# back ("Control access to VPC endpoints using endpoint policies", vpc-endpoints-access.html).
ENDPOINT_FULL_ACCESS_POLICY = {
    "Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}]
}

IAM_POLICY_PUTS = frozenset({("iam", "PutUserPolicy"), ("iam", "PutRolePolicy")})


def iam_document(value: Any) -> dict[str, Any] | None:
    """An inline policy document as a dict: botocore decodes IAM's URL-encoded JSON, a journal
    holds it as read, a plan holds the JSON text it sends. None when absent or unreadable."""

    if value in (None, "", MISSING):
        return None
    if isinstance(value, Mapping):
        return dict(value)
    text = str(value)
    if text.lstrip().startswith("%7B"):
        text = urllib.parse.unquote(text)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


# Stage-wide method settings: patch path suffix → field of methodSettings["*/*"].
_METHOD_SETTING_FIELDS = {
    "logging/loglevel": "loggingLevel",
    "logging/dataTrace": "dataTraceEnabled",
    "metrics/enabled": "metricsEnabled",
    "caching/unauthorizedCacheControlHeaderStrategy": "unauthorizedCacheControlHeaderStrategy",
}

MISSING = object()  # a field the state does not have (distinct from a null value)


def jsonable(value: Any) -> Any:
    """A boto3 response made JSON-safe (datetimes as ISO text, no ResponseMetadata)."""
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def field_at(state: Mapping[str, Any], path: str) -> Any:
    """The value a patch path addresses in a get_* response, or MISSING."""
    if path.startswith("/*/*/"):
        settings = (state.get("methodSettings") or {}).get("*/*") or {}
        name = _METHOD_SETTING_FIELDS.get(path[len("/*/*/") :])
        return settings.get(name, MISSING) if name else MISSING
    if path.startswith("/endpointConfiguration/types/"):
        return (state.get("endpointConfiguration") or {}).get("types", MISSING)
    node: Any = state
    for token in path.strip("/").split("/"):
        if not isinstance(node, Mapping) or _unescape(token) not in node:
            return MISSING
        node = node[_unescape(token)]
    return node


def decode_policy(raw: Any) -> dict[str, Any] | None:
    """A resource policy as API Gateway returns it (a JSON string, often with its quotes
    backslash-escaped) parsed into a dict; None when there is no policy."""
    if raw in (None, "", MISSING):
        return None
    if isinstance(raw, Mapping):
        return dict(raw)
    text = str(raw)
    for candidate in (text, text.replace('\\"', '"')):
        try:
            parsed = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, str):  # double-encoded
            return decode_policy(parsed)
        if isinstance(parsed, dict):
            return parsed
    return None


def policy_text(raw: Any) -> str:
    """The policy document exactly as it was written (quotes unescaped), for restoring it
    byte for byte; "" when there was none."""
    if raw in (None, "", MISSING):
        return ""
    if isinstance(raw, Mapping):
        return json.dumps(raw)
    text = str(raw)
    for candidate in (text, text.replace('\\"', '"')):
        try:
            parsed = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, str):
            return policy_text(parsed)
        if isinstance(parsed, dict):
            return candidate
    return text


def as_patch_value(value: Any) -> str:
    """A state value written back through a patch operation (always a string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
