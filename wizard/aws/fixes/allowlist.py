"""The only mutating AWS operations the wizard may run, and the parts of each it may touch.

Anything not listed here is refused before it is rendered or sent. Each entry names the
parameters that identify the resource (`identity`), the parameters a fix may set (`fields`)
and, for API Gateway's JSON-patch style updates, the patch paths and ops it may use. A few
delete operations are allowed only inside a rollback plan, to undo something the wizard
itself created (a deployment and the stage it created, a usage-plan key, a base-path mapping, a
customised gateway response).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wizard.aws.fixes.code import CodeError, load_artifact
from wizard.aws.fixes.errors import NotAllowedError
from wizard.aws.fixes.iam_policy import IamPolicyError, check_policy_put
from wizard.aws.fixes.web_acl_edit import WebAclEditError, check_update

Constraint = Callable[[Mapping[str, Any], bool], None]


@dataclass(frozen=True)
class PatchRule:
    path: str  # a regular expression matched against the whole patch path
    ops: frozenset[str] = frozenset({"replace"})

    def matches(self, op: str, path: str) -> bool:
        return op in self.ops and re.fullmatch(self.path, path) is not None


@dataclass(frozen=True)
class AllowedOperation:
    service: str
    operation: str
    purpose: str
    identity: tuple[str, ...]
    fields: tuple[str, ...] = ()
    patch: tuple[PatchRule, ...] = ()
    constraint: Constraint | None = None
    rollback_only: bool = False


def _options_method_only(params: Mapping[str, Any], rollback: bool) -> None:
    """UpdateMethod may only open the CORS preflight (OPTIONS → authorizationType NONE)."""
    if params.get("httpMethod") != "OPTIONS":
        raise NotAllowedError(
            "UpdateMethod is allowed only on the OPTIONS method (CORS preflight), "
            f"not {params.get('httpMethod')!r}"
        )
    if rollback:
        return
    for op in params.get("patchOperations") or []:
        if op.get("path") == "/authorizationType" and op.get("value") != "NONE":
            raise NotAllowedError(
                "UpdateMethod may only set authorizationType to NONE on OPTIONS, "
                f"not {op.get('value')!r}"
            )
        if op.get("path") == "/authorizerId":
            raise NotAllowedError("UpdateMethod may not change authorizerId outside a rollback")


_MAPPED_HEADER = re.compile(
    r"/requestParameters/integration\.request\.header\.([A-Za-z0-9-]{1,64})"
)


def _header_from_method_request(params: Mapping[str, Any], rollback: bool) -> None:
    """UpdateIntegration may only map a header from the method request header of the same
    name (pass the caller's value on), never set a static value or another source."""
    if rollback:
        return
    for op in params.get("patchOperations") or []:
        found = _MAPPED_HEADER.fullmatch(str(op.get("path")))
        if found is None or op.get("op") != "add":
            continue  # the patch rule refuses every other path and op
        if op.get("value") != f"method.request.header.{found.group(1)}":
            raise NotAllowedError(
                "UpdateIntegration may only map a header from the method request header of "
                f"the same name, not {op.get('value')!r}"
            )


def _api_key_type(params: Mapping[str, Any], rollback: bool) -> None:
    if params.get("keyType", "API_KEY") != "API_KEY":
        raise NotAllowedError(
            f"CreateUsagePlanKey keyType must be API_KEY, not {params['keyType']!r}"
        )


def _iam_policy(params: Mapping[str, Any], rollback: bool) -> None:
    """An inline IAM policy: outside a rollback, only the wizard's own invoke policy for one
    method ARN, or a Deny lifted for one method ARN (`iam_policy.check_policy_put`; the edit is
    held to the policy it replaces at apply time, `iam_policy.check_edit`)."""
    if rollback:
        return

    try:
        check_policy_put(params)
    except IamPolicyError as exc:
        raise NotAllowedError(str(exc)) from None


def _code_artifact(params: Mapping[str, Any], rollback: bool) -> None:
    """Lambda code only from an artifact the wizard wrote, whose bytes match its name
    (`code.load_artifact`): the patched authorizer, or in a rollback the code it replaced."""

    try:
        load_artifact(params.get("ZipFile"))
    except CodeError as exc:
        raise NotAllowedError(f"UpdateFunctionCode: {exc}") from None


def _endpoint_policy_reset(params: Mapping[str, Any], rollback: bool) -> None:
    """ModifyVpcEndpoint may only reset the endpoint's policy to AWS's full-access default; only
    a rollback may write a PolicyDocument (the one the reset replaced), and never both at once."""
    reset, document = params.get("ResetPolicy"), "PolicyDocument" in params
    if rollback and document and reset is None:
        return
    if document:
        raise NotAllowedError(
            "ModifyVpcEndpoint may set a PolicyDocument only to roll back a reset, alone"
        )
    if reset is not True:
        raise NotAllowedError(f"ModifyVpcEndpoint ResetPolicy must be true, not {reset!r}")


def _web_acl_update(params: Mapping[str, Any], rollback: bool) -> None:
    """UpdateWebACL sends the whole regional ACL with its lock token and, outside a rollback,
    switches a rule to Count (`web_acl_edit.check_update`; the edit is held to the ACL it
    replaces at apply time: only Block -> Count, `web_acl_edit.check_override`)."""
    try:
        check_update(params, rollback=rollback)
    except WebAclEditError as exc:
        raise NotAllowedError(str(exc)) from None


_STAGE_WIDE = r"/\*/\*"
_ENDPOINT_TYPE = r"(EDGE|REGIONAL|PRIVATE)"

_ENTRIES: tuple[AllowedOperation, ...] = (
    AllowedOperation(
        "apigateway",
        "UpdateAuthorizer",
        "authorizer cache TTL and identity sources",
        identity=("restApiId", "authorizerId"),
        patch=(PatchRule(r"/authorizerResultTtlInSeconds"), PatchRule(r"/identitySource")),
    ),
    AllowedOperation(
        "apigateway",
        "FlushStageAuthorizersCache",
        "drop the stage's cached authorizer decisions",
        identity=("restApiId", "stageName"),
    ),
    AllowedOperation(
        "apigateway",
        "CreateDeployment",
        "deploy the API's current configuration to a stage",
        identity=("restApiId", "stageName"),
        fields=("description", "stageDescription"),
    ),
    AllowedOperation(
        "apigateway",
        "UpdateRestApi",
        "resource policy and endpoint settings",
        identity=("restApiId",),
        patch=(
            PatchRule(r"/policy"),
            PatchRule(rf"/endpointConfiguration/types/{_ENDPOINT_TYPE}"),
            PatchRule(r"/endpointConfiguration/vpcEndpointIds", frozenset({"add", "remove"})),
            PatchRule(r"/disableExecuteApiEndpoint"),
        ),
    ),
    AllowedOperation(
        "apigateway",
        "UpdateStage",
        "execution logging, access logging, the deployment a stage runs",
        identity=("restApiId", "stageName"),
        patch=(
            PatchRule(rf"{_STAGE_WIDE}/logging/loglevel"),
            PatchRule(rf"{_STAGE_WIDE}/logging/dataTrace"),
            PatchRule(rf"{_STAGE_WIDE}/metrics/enabled"),
            PatchRule(rf"{_STAGE_WIDE}/caching/unauthorizedCacheControlHeaderStrategy"),
            PatchRule(r"/accessLogSettings/(destinationArn|format)"),
            PatchRule(r"/accessLogSettings", frozenset({"remove"})),
            PatchRule(r"/deploymentId"),
        ),
    ),
    AllowedOperation(
        "apigateway",
        "CreateUsagePlanKey",
        "attach an API key to a usage plan",
        identity=("usagePlanId", "keyId"),
        fields=("keyType",),
        constraint=_api_key_type,
    ),
    AllowedOperation(
        "apigateway",
        "UpdateUsagePlan",
        "bind a usage plan to an API stage",
        identity=("usagePlanId",),
        patch=(PatchRule(r"/apiStages", frozenset({"add", "remove"})),),
    ),
    AllowedOperation(
        "apigateway",
        "UpdateApiKey",
        "enable an API key",
        identity=("apiKey",),
        patch=(PatchRule(r"/enabled"),),
    ),
    AllowedOperation(
        "apigateway",
        "CreateBasePathMapping",
        "map a custom-domain base path to an API stage",
        identity=("domainName",),
        fields=("basePath", "restApiId", "stage", "domainNameId"),
    ),
    AllowedOperation(
        "apigateway",
        "UpdateBasePathMapping",
        "point a custom-domain base path at the right API stage",
        identity=("domainName", "basePath"),
        fields=("domainNameId",),
        patch=(PatchRule(r"/(stage|restapiId|basePath)"),),
    ),
    AllowedOperation(
        "apigateway",
        "UpdateMethod",
        "let the CORS preflight (OPTIONS) through without authorization",
        identity=("restApiId", "resourceId", "httpMethod"),
        patch=(PatchRule(r"/authorizationType"), PatchRule(r"/authorizerId")),
        constraint=_options_method_only,
    ),
    AllowedOperation(
        "apigateway",
        "UpdateIntegration",
        "pass a header the client sends through a non-proxy integration to the backend",
        identity=("restApiId", "resourceId", "httpMethod"),
        patch=(PatchRule(_MAPPED_HEADER.pattern, frozenset({"add", "remove"})),),
        constraint=_header_from_method_request,
    ),
    AllowedOperation(
        "apigateway",
        "PutGatewayResponse",
        "customise a gateway response (CORS headers on 4XX, clearer bodies)",
        identity=("restApiId", "responseType"),
        fields=("statusCode", "responseParameters", "responseTemplates"),
    ),
    AllowedOperation(
        "apigatewayv2",
        "UpdateAuthorizer",
        "authorizer cache TTL and identity sources; a JWT authorizer's audience and issuer",
        identity=("ApiId", "AuthorizerId"),
        # JwtConfiguration (loops2): the audience fix sends it whole, issuer included, so the
        # rollback's GetAuthorizer copy restores both.
        fields=("AuthorizerResultTtlInSeconds", "IdentitySource", "JwtConfiguration"),
    ),
    AllowedOperation(
        "apigatewayv2",
        "UpdateRoute",
        "route authorization (type, authorizer, scopes)",
        identity=("ApiId", "RouteId"),
        fields=("AuthorizationType", "AuthorizerId", "AuthorizationScopes"),
    ),
    AllowedOperation(
        "apigatewayv2",
        "CreateDeployment",
        "deploy the API's current configuration to a stage",
        identity=("ApiId", "StageName"),
        fields=("Description",),
    ),
    AllowedOperation(
        "apigatewayv2",
        "UpdateApi",
        "default endpoint and CORS settings",
        identity=("ApiId",),
        fields=("DisableExecuteApiEndpoint", "CorsConfiguration"),
    ),
    AllowedOperation(
        "apigatewayv2",
        "CreateApiMapping",
        "map a custom-domain path to an API stage",
        identity=("DomainName", "ApiId", "Stage"),
        fields=("ApiMappingKey",),
    ),
    AllowedOperation(
        "apigatewayv2",
        "UpdateStage",
        "access logging and the deployment a stage runs",
        identity=("ApiId", "StageName"),
        fields=("AccessLogSettings", "DeploymentId"),
    ),
    AllowedOperation(
        "iam",
        "PutUserPolicy",
        "an inline policy of the refused caller's user: execute-api:Invoke on the failing "
        "method only, or its Deny lifted for that method only",
        identity=("UserName", "PolicyName"),
        fields=("PolicyDocument",),
        constraint=_iam_policy,
    ),
    AllowedOperation(
        "iam",
        "PutRolePolicy",
        "an inline policy of the refused caller's role: execute-api:Invoke on the failing "
        "method only, or its Deny lifted for that method only",
        identity=("RoleName", "PolicyName"),
        fields=("PolicyDocument",),
        constraint=_iam_policy,
    ),
    AllowedOperation(
        "lambda",
        "UpdateFunctionCode",
        "deploy the authorizer's code with the wrong part of its Resource corrected (a zip the "
        "wizard wrote), or in a rollback the code it replaced",
        identity=("FunctionName",),
        fields=("ZipFile",),
        constraint=_code_artifact,
    ),
    AllowedOperation(
        "ec2",
        "ModifyVpcEndpoint",
        "reset a VPC endpoint's policy to full access (access control stays in the API's "
        "resource policy), or in a rollback put back the policy document it replaced",
        identity=("VpcEndpointId",),
        fields=("ResetPolicy", "PolicyDocument"),
        constraint=_endpoint_policy_reset,
    ),
    AllowedOperation(
        "wafv2",
        "UpdateWebACL",
        "the stage's web ACL sent back as read, with the rule that blocks the request switched "
        "from Block to Count (or in a rollback the exact ACL before)",
        identity=("Name", "Scope", "Id"),
        fields=("DefaultAction", "Rules", "VisibilityConfig", "LockToken"),
        constraint=_web_acl_update,
    ),
    # Undo only: these remove what an applied fix created.
    AllowedOperation(
        "iam",
        "DeleteUserPolicy",
        "delete the inline policy the fix added to the caller's user",
        identity=("UserName", "PolicyName"),
        rollback_only=True,
    ),
    AllowedOperation(
        "iam",
        "DeleteRolePolicy",
        "delete the inline policy the fix added to the caller's role",
        identity=("RoleName", "PolicyName"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigateway",
        "DeleteDeployment",
        "delete the deployment the fix created, once no stage runs it",
        identity=("restApiId", "deploymentId"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigateway",
        "DeleteStage",
        "delete the stage the fix's deployment created",
        identity=("restApiId", "stageName"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigatewayv2",
        "DeleteStage",
        "delete the stage the fix's deployment created",
        identity=("ApiId", "StageName"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigatewayv2",
        "DeleteDeployment",
        "delete the deployment the fix created, once no stage runs it",
        identity=("ApiId", "DeploymentId"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigateway",
        "DeleteUsagePlanKey",
        "detach the API key the fix attached",
        identity=("usagePlanId", "keyId"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigateway",
        "DeleteBasePathMapping",
        "remove the base-path mapping the fix created",
        identity=("domainName", "basePath"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigateway",
        "DeleteGatewayResponse",
        "reset the gateway response the fix customised to its default",
        identity=("restApiId", "responseType"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigatewayv2",
        "DeleteAccessLogSettings",
        "turn off the access logging the fix turned on",
        identity=("ApiId", "StageName"),
        rollback_only=True,
    ),
    AllowedOperation(
        "apigatewayv2",
        "DeleteApiMapping",
        "remove the API mapping the fix created",
        identity=("DomainName", "ApiMappingId"),
        rollback_only=True,
    ),
)

ALLOWLIST: dict[tuple[str, str], AllowedOperation] = {(e.service, e.operation): e for e in _ENTRIES}


def lookup(service: str, operation: str) -> AllowedOperation:
    try:
        return ALLOWLIST[(service, operation)]
    except KeyError:
        raise NotAllowedError(
            f"{service} {operation} is not an operation the wizard may run "
            "(see wizard/aws/fixes/allowlist.py)"
        ) from None


def check_allowed(
    service: str, operation: str, params: Mapping[str, Any], *, rollback: bool = False
) -> AllowedOperation:
    """Refuse anything outside the allowlist; return its entry when allowed."""
    entry = lookup(service, operation)
    where = f"{service} {operation}"
    if entry.rollback_only and not rollback:
        raise NotAllowedError(f"{where} is allowed only to roll back a fix the wizard applied")
    missing = [name for name in entry.identity if name not in params]
    if missing:
        raise NotAllowedError(f"{where}: missing required parameter {missing[0]}")
    known = set(entry.identity) | set(entry.fields)
    if entry.patch:
        known.add("patchOperations")
    extra = sorted(set(params) - known)
    if extra:
        raise NotAllowedError(f"{where}: parameter {extra[0]} is not one the wizard may set")
    if entry.patch:
        _check_patch(where, entry, params.get("patchOperations"))
    if entry.constraint is not None:
        entry.constraint(params, rollback)
    return entry


def _check_patch(where: str, entry: AllowedOperation, ops: Any) -> None:
    if ops is None:
        return
    if not isinstance(ops, list) or not ops:
        raise NotAllowedError(f"{where}: patchOperations must be a non-empty list")
    for i, op in enumerate(ops):
        if not isinstance(op, Mapping):
            raise NotAllowedError(f"{where}: patchOperations[{i}] is not an object")
        name, path = str(op.get("op", "")), str(op.get("path", ""))
        if not any(rule.matches(name, path) for rule in entry.patch):
            raise NotAllowedError(
                f"{where}: patchOperations[{i}] op={name} path={path} is not allowed "
                f"(this operation may change: {entry.purpose})"
            )


_APIGW_VERBS = {
    "Update": "PATCH",
    "Create": "POST",
    "Put": "PUT",
    "Delete": "DELETE",
    "Flush": "DELETE",
}

# What the snapshot, the verification and the rollback read, per service of the allowlist.
READ_ACTIONS = {
    "apigateway": ("apigateway:GET",),
    "apigatewayv2": ("apigateway:GET",),
    "iam": ("iam:GetUserPolicy", "iam:GetRolePolicy"),
    "lambda": ("lambda:GetFunction", "lambda:GetFunctionConfiguration"),
    "ec2": ("ec2:DescribeVpcEndpoints",),
    "wafv2": ("wafv2:GetWebACL",),
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action a call needs: API Gateway's are HTTP verbs (v1 and v2 alike), the other
    services' are named after the operation (iam:PutUserPolicy, lambda:UpdateFunctionCode)."""
    if service in ("apigateway", "apigatewayv2"):
        for prefix, verb in _APIGW_VERBS.items():
            if operation.startswith(prefix):
                return f"apigateway:{verb}"
        return "apigateway:*"
    return f"{service}:{operation}"


def allowed_iam_actions() -> list[str]:
    """What `--apply` needs, for `apigw-wizard permissions`."""
    actions = {iam_action(e.service, e.operation) for e in _ENTRIES}
    for e in _ENTRIES:  # snapshots and verification re-read the state
        actions.update(READ_ACTIONS.get(e.service, ()))
    return sorted(actions)
