"""Derive the operations that undo an applied plan from the snapshot taken before it.

The inverse of each applied operation, in reverse order: restore the previous value of every
patched field (TTL, policy, logging, ...), point the stage back at its previous deployment,
remove what the fix created. The result is an ordinary `FixPlan` (kind "rollback"), rendered as
CLI commands for the report and applied only with its own confirmation. What cannot be undone
automatically becomes a note saying what to do by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wizard.aws.fixes.allowlist import lookup
from wizard.aws.fixes.code import PREFIX, CodeError, artifact_path
from wizard.aws.fixes.errors import FixError
from wizard.aws.fixes.plan import BoundOperation, FixPlan, bind_operation
from wizard.aws.fixes.results import ApplyResult
from wizard.aws.fixes.snapshot import Snapshot, StateRead
from wizard.aws.fixes.state import (
    MISSING,
    as_patch_value,
    field_at,
    iam_document,
    policy_text,
)

Inverse = tuple[list[tuple[str, str, dict[str, Any]]], list[str]]  # (service, op, params), notes

# When a stage setting had no value before, this is what AWS uses when it is unset.
_STAGE_DEFAULTS = {
    "/*/*/logging/loglevel": "OFF",
    "/*/*/logging/dataTrace": "false",
    "/*/*/metrics/enabled": "false",
    "/*/*/caching/unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
}


def derive_rollback(
    plan: FixPlan, snapshot: Snapshot, result: ApplyResult | None = None
) -> FixPlan:
    if snapshot.plan_digest != plan.digest:
        raise FixError("this snapshot was taken for another plan; cannot derive its rollback")
    steps = result.steps if result is not None else None
    ops: list[BoundOperation] = []
    notes: list[str] = []
    for i in reversed(range(len(plan.operations))):
        op, read = plan.operations[i], snapshot.reads[i]
        if steps is not None and steps[i].status != "applied":
            continue
        response = steps[i].response if steps is not None else None
        calls, op_notes = _inverse(op, read, response or {})
        notes += op_notes
        for service, operation, params in calls:
            ops.append(bind_operation(service, operation, params, plan.target, rollback=True))
    return FixPlan(
        f"{plan.fix_id}.rollback",
        f"Roll back: {plan.title}",
        tuple(ops),
        plan.target,
        "rollback",
        tuple(notes),
    )


def _inverse(op: BoundOperation, read: StateRead | None, response: Mapping[str, Any]) -> Inverse:
    p = op.params
    if op.operation == "FlushStageAuthorizersCache":
        return [], []  # emptying a cache needs no undo: it refills on the next requests
    if read is None or read.state is None:
        why = read.error if read is not None else "no snapshot"
        return [], [f"cannot derive the undo of `{op.cli}`: the state before was not read ({why})"]
    state = read.state
    if "patchOperations" in p:
        return _inverse_patch(op, state)
    handler = _HANDLERS.get((op.service, op.operation))
    if handler is None:
        return [], [f"no automatic undo for `{op.cli}`"]
    return handler(op, read, response)


def _identity(op: BoundOperation) -> dict[str, Any]:
    return {k: op.params[k] for k in lookup(op.service, op.operation).identity if k in op.params}


def _inverse_patch(op: BoundOperation, state: Mapping[str, Any]) -> Inverse:
    identity = _identity(op)
    inverse: list[dict[str, Any]] = []
    notes: list[str] = []
    for patch in op.params["patchOperations"]:
        verb, path, value = patch.get("op"), str(patch.get("path")), patch.get("value")
        before = field_at(state, path)
        if path == "/basePath" and verb == "replace":
            identity["basePath"] = value  # the mapping now lives under its new base path
        if verb == "add" or (verb == "remove" and path != "/accessLogSettings"):
            had = _contains(before, value, path)
            if had is None:
                notes.append(f"cannot tell whether {path} held {value!r} before; check it by hand")
            elif had == (verb == "add"):
                continue  # the patch changed nothing, so there is nothing to undo
            inverse.append(
                {"op": "remove" if verb == "add" else "add", "path": path, "value": value}
            )
            continue
        if verb == "remove":  # /accessLogSettings removed: put both fields back
            for sub in ("destinationArn", "format"):
                old = field_at(state, f"/accessLogSettings/{sub}")
                if old is not MISSING and old:
                    inverse.append(
                        {"op": "replace", "path": f"/accessLogSettings/{sub}", "value": old}
                    )
            continue
        if path.startswith("/endpointConfiguration/types/"):
            old_type = path.rsplit("/", 1)[1]
            inverse.append(
                {
                    "op": "replace",
                    "path": f"/endpointConfiguration/types/{value}",
                    "value": old_type,
                }
            )
            continue
        if path == "/policy":
            inverse.append({"op": "replace", "path": path, "value": policy_text(before)})
            continue
        if path.startswith("/accessLogSettings/") and (before is MISSING or before in ("", None)):
            if not any(i["path"] == "/accessLogSettings" for i in inverse):
                inverse.append({"op": "remove", "path": "/accessLogSettings"})
            continue
        if before is MISSING or before is None:
            default = _STAGE_DEFAULTS.get(path)
            if default is None:
                notes.append(f"{path} had no value before `{op.cli}`; unset it by hand if needed")
                continue
            before = default
        inverse.append({"op": "replace", "path": path, "value": as_patch_value(before)})
        if op.operation == "UpdateMethod" and path == "/authorizationType":
            old_authorizer = state.get("authorizerId")
            if old_authorizer:
                inverse.append({"op": "replace", "path": "/authorizerId", "value": old_authorizer})
    if not inverse:
        return [], notes
    return [(op.service, op.operation, {**identity, "patchOperations": inverse})], notes


def _contains(collection: Any, value: Any, path: str) -> bool | None:
    if collection is MISSING or collection is None:
        return False
    if path == "/apiStages" and isinstance(value, str) and ":" in value:
        api_id, stage = value.split(":", 1)
        return any(
            s.get("apiId") == api_id and s.get("stage") == stage
            for s in collection
            if isinstance(s, Mapping)
        )
    if isinstance(collection, list):
        return value in collection
    if isinstance(collection, str):  # a map entry (a request parameter's mapping) added as is
        return collection == value
    return None


def _stage_back(op: BoundOperation, read: StateRead, response: Mapping[str, Any]) -> Inverse:
    """Undo a deployment: point the stage back at the deployment it ran (or delete the stage the
    deployment created), then delete the new deployment, so nothing the fix made is left."""
    state = read.state or {}
    v2 = op.service == "apigatewayv2"
    api = {"ApiId": op.params["ApiId"]} if v2 else {"restApiId": op.params["restApiId"]}
    old = state.get("DeploymentId" if v2 else "deploymentId")
    stage = op.params["StageName" if v2 else "stageName"]
    made = response.get("DeploymentId" if v2 else "id")
    calls: list[tuple[str, str, dict[str, Any]]] = []
    if read.absent:
        calls.append(
            (op.service, "DeleteStage", {**api, "StageName" if v2 else "stageName": stage})
        )
    elif not old:
        return [], [f"stage {stage} had no deployment before `{op.cli}`; check it by hand"]
    elif v2:
        calls.append((op.service, "UpdateStage", {**api, "StageName": stage, "DeploymentId": old}))
    else:
        patch = [{"op": "replace", "path": "/deploymentId", "value": old}]
        calls.append(
            (op.service, "UpdateStage", {**api, "stageName": stage, "patchOperations": patch})
        )
    if not made:
        return calls, [f"the id of the deployment `{op.cli}` made is unknown; delete it by hand"]
    calls.append(
        (op.service, "DeleteDeployment", {**api, "DeploymentId" if v2 else "deploymentId": made})
    )
    return calls, []


def _usage_plan_key(op: BoundOperation, read: StateRead, _: Mapping[str, Any]) -> Inverse:
    items = (read.state or {}).get("items") or []
    if any(i.get("id") == op.params["keyId"] for i in items):
        return [], []
    return [
        (
            "apigateway",
            "DeleteUsagePlanKey",
            {"usagePlanId": op.params["usagePlanId"], "keyId": op.params["keyId"]},
        )
    ], []


def _base_path(op: BoundOperation, read: StateRead, _: Mapping[str, Any]) -> Inverse:
    base = op.params.get("basePath") or "(none)"
    items = (read.state or {}).get("items") or []
    if any((i.get("basePath") or "(none)") == base for i in items):
        return [], [f"base path {base!r} existed before; check it by hand"]
    return [
        (
            "apigateway",
            "DeleteBasePathMapping",
            {"domainName": op.params["domainName"], "basePath": base},
        )
    ], []


def _api_mapping(op: BoundOperation, _: StateRead, response: Mapping[str, Any]) -> Inverse:
    mapping_id = response.get("ApiMappingId")
    if not mapping_id:
        return [], ["the new API mapping's id is unknown; delete it by hand"]
    return [
        (
            "apigatewayv2",
            "DeleteApiMapping",
            {"DomainName": op.params["DomainName"], "ApiMappingId": mapping_id},
        )
    ], []


def _gateway_response(op: BoundOperation, read: StateRead, _: Mapping[str, Any]) -> Inverse:
    state = read.state or {}
    identity = {"restApiId": op.params["restApiId"], "responseType": op.params["responseType"]}
    if read.absent or state.get("defaultResponse", True):
        return [("apigateway", "DeleteGatewayResponse", identity)], []
    previous = {
        k: state[k]
        for k in ("statusCode", "responseParameters", "responseTemplates")
        if state.get(k) not in (None, "")
    }
    return [("apigateway", "PutGatewayResponse", {**identity, **previous})], []


def _v2_fields(op: BoundOperation, read: StateRead, _: Mapping[str, Any]) -> Inverse:
    state = read.state or {}
    restore: dict[str, Any] = {}
    notes: list[str] = []
    calls: list[tuple[str, str, dict[str, Any]]] = []
    for name in lookup(op.service, op.operation).fields:
        if name not in op.params:
            continue
        if name in state and state[name] not in (None, {}):
            restore[name] = state[name]
        elif name == "AuthorizationScopes":
            restore[name] = []
        elif name == "AccessLogSettings":
            stage = {"ApiId": op.params["ApiId"], "StageName": op.params["StageName"]}
            calls.append(("apigatewayv2", "DeleteAccessLogSettings", stage))
        else:
            notes.append(f"{name} had no value before `{op.cli}`; unset it by hand if needed")
    if restore:
        calls.insert(0, (op.service, op.operation, {**_identity(op), **restore}))
    return calls, notes


def _inline_policy(op: BoundOperation, read: StateRead, _: Mapping[str, Any]) -> Inverse:
    """Undo an inline IAM policy put: delete the policy the fix added, or put back the document
    that was there (as IAM returned it: the same statements, keys and values)."""
    key = "UserName" if op.operation == "PutUserPolicy" else "RoleName"
    identity = {key: op.params[key], "PolicyName": op.params["PolicyName"]}
    if read.absent:
        return [("iam", op.operation.replace("Put", "Delete"), identity)], []
    old = iam_document((read.state or {}).get("PolicyDocument"))
    if old is None:
        return [], [f"the policy {op.params['PolicyName']} before `{op.cli}` is unreadable"]
    document = json.dumps(old, separators=(",", ":"))
    return [("iam", op.operation, {**identity, "PolicyDocument": document})], []


def _function_code(op: BoundOperation, read: StateRead, _: Mapping[str, Any]) -> Inverse:
    """Undo a code update: deploy the zip that ran before, saved as an artifact by its
    CodeSha256 (the snapshot refuses a code fix whose current code is not saved)."""

    sha = (read.state or {}).get("CodeSha256")
    try:
        ref = PREFIX + str(artifact_path(str(sha)))
    except CodeError:
        return [], [f"the code before `{op.cli}` is unknown; redeploy it by hand"]
    return [
        (
            "lambda",
            "UpdateFunctionCode",
            {"FunctionName": op.params["FunctionName"], "ZipFile": ref},
        )
    ], []


def _endpoint_policy(op: BoundOperation, read: StateRead, _: Mapping[str, Any]) -> Inverse:
    """Undo an endpoint policy reset: write back the document it replaced, as EC2 returned it
    (the exact text, so the endpoint is as it was byte for byte)."""
    old = (read.state or {}).get("PolicyDocument")
    if read.absent or not isinstance(old, str) or not old:
        return [], [f"the endpoint's policy before `{op.cli}` is unknown; put it back by hand"]
    params = {"VpcEndpointId": op.params["VpcEndpointId"], "PolicyDocument": old}
    return [("ec2", "ModifyVpcEndpoint", params)], []


def _web_acl(op: BoundOperation, read: StateRead, response: Mapping[str, Any]) -> Inverse:
    """Undo a web ACL update: send back the exact ACL GetWebACL read before it, with the lock
    token the fix's update returned (NextLockToken): the token read before is spent by then, and
    a change someone made after the fix moves it on again, so WAF then refuses the rollback
    rather than overwriting their change."""
    state = read.state or {}
    acl = state.get("WebACL") or {}
    if acl.get("DefaultAction") is None or acl.get("VisibilityConfig") is None:
        return [], [f"the web ACL before `{op.cli}` is unreadable; restore it by hand"]
    notes: list[str] = []
    token = response.get("NextLockToken")
    if not token:
        # Not applied yet (the journal's planned undo) or its answer was lost: the token read
        # before is the best known; if WAF refuses it, `get-web-acl` gives the current one.
        token = state.get("LockToken")
        notes.append(
            "the lock token the fix's update returned is unknown: if WAF refuses the rollback "
            f"(WAFOptimisticLockException), take the LockToken of `{read.call}` and run it again"
        )
    previous = {
        "DefaultAction": acl["DefaultAction"],
        "Rules": list(acl.get("Rules") or []),
        "VisibilityConfig": acl["VisibilityConfig"],
        "LockToken": token,
    }
    return [("wafv2", "UpdateWebACL", {**_identity(op), **previous})], notes


_HANDLERS = {
    ("ec2", "ModifyVpcEndpoint"): _endpoint_policy,
    ("lambda", "UpdateFunctionCode"): _function_code,
    ("iam", "PutUserPolicy"): _inline_policy,
    ("iam", "PutRolePolicy"): _inline_policy,
    ("apigateway", "CreateDeployment"): _stage_back,
    ("apigatewayv2", "CreateDeployment"): _stage_back,
    ("apigateway", "CreateUsagePlanKey"): _usage_plan_key,
    ("apigateway", "CreateBasePathMapping"): _base_path,
    ("apigatewayv2", "CreateApiMapping"): _api_mapping,
    ("apigateway", "PutGatewayResponse"): _gateway_response,
    ("apigatewayv2", "UpdateAuthorizer"): _v2_fields,
    ("apigatewayv2", "UpdateRoute"): _v2_fields,
    ("apigatewayv2", "UpdateApi"): _v2_fields,
    ("apigatewayv2", "UpdateStage"): _v2_fields,
    ("wafv2", "UpdateWebACL"): _web_acl,
}
