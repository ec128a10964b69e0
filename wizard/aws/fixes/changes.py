"""What a plan will change, before → after, for the user to read before confirming.

A resource policy is shown as a unified diff of the parsed, pretty-printed JSON (the raw
string API Gateway stores is escaped and unreadable); everything else as before → after.
"Unknown" means the snapshot could not read it — never "empty".
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from wizard.aws.fixes.allowlist import lookup
from wizard.aws.fixes.code import (
    PREFIX,
    CodeError,
    artifact_path,
    code_sha256,
    load_artifact,
    sources_diff,
)
from wizard.aws.fixes.plan import BoundOperation, FixPlan
from wizard.aws.fixes.snapshot import Snapshot, StateRead
from wizard.aws.fixes.state import (
    ENDPOINT_FULL_ACCESS_POLICY,
    IAM_POLICY_PUTS,
    MISSING,
    decode_policy,
    field_at,
    iam_document,
)

UNKNOWN = "(unknown: could not be read)"
UNSET = "(not set)"


@dataclass(frozen=True)
class Change:
    what: str
    before: Any
    after: Any
    diff: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "before": self.before, "after": self.after, "diff": self.diff}

    def text(self) -> str:
        if self.diff is not None:
            return f"{self.what}:\n{self.diff}" if self.diff else f"{self.what}: no change"
        return f"{self.what}: {_show(self.before)} → {_show(self.after)}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value, sort_keys=True)


def _before(read: StateRead | None, path: str) -> Any:
    if read is None or read.state is None:
        return UNKNOWN
    value = field_at(read.state, path)
    return UNSET if value is MISSING else value


def policy_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    def lines(doc: dict[str, Any] | None) -> list[str]:
        return (
            (json.dumps(doc, indent=2, sort_keys=True) + "\n").splitlines(keepends=True)
            if doc
            else []
        )

    return "".join(
        difflib.unified_diff(lines(before), lines(after), "policy (before)", "policy (after)")
    )


def describe_changes(plan: FixPlan, snapshot: Snapshot) -> list[Change]:
    changes: list[Change] = []
    for op, read in zip(plan.operations, snapshot.reads, strict=True):
        changes.extend(_describe(op, read))
    return changes


def _describe(op: BoundOperation, read: StateRead | None) -> list[Change]:
    p = op.params
    where = _resource(op)
    if "patchOperations" in p:
        return [_patch_change(where, patch, read) for patch in p["patchOperations"]]
    if op.operation == "FlushStageAuthorizersCache":
        return [
            Change(
                f"cached authorizer decisions of stage {p['stageName']}",
                "cached (up to the authorizer TTL)",
                "empty: the next request of each token invokes the authorizer",
            )
        ]
    if op.operation == "CreateDeployment":
        stage = p.get("stageName") or p.get("StageName")
        key = "deploymentId" if op.service == "apigateway" else "DeploymentId"
        before = UNKNOWN if read is None or read.state is None else (read.state.get(key) or UNSET)
        if read is not None and read.absent:
            before = "(stage does not exist yet: it will be created)"
        return [
            Change(
                f"deployment of stage {stage}",
                before,
                "a new deployment of the current configuration",
            )
        ]
    if op.operation == "CreateUsagePlanKey":
        items = _items(read)
        before = UNKNOWN if items is None else any(i.get("id") == p["keyId"] for i in items)
        return [Change(f"API key {p['keyId']} in usage plan {p['usagePlanId']}", before, True)]
    if op.operation in ("CreateBasePathMapping", "CreateApiMapping"):
        items = _items(read)
        key = p.get("basePath") or p.get("ApiMappingKey") or "(none)"
        before = UNKNOWN if items is None else [i for i in items if _mapping_key(i) == key] or UNSET
        after = {k: v for k, v in p.items() if k not in ("domainName", "DomainName")}
        return [
            Change(
                f"mapping {key!r} of domain {p.get('domainName') or p.get('DomainName')}",
                before,
                after,
            )
        ]
    if (op.service, op.operation) == ("lambda", "UpdateFunctionCode"):
        return [_code_change(op, read)]
    if (op.service, op.operation) in IAM_POLICY_PUTS:
        who = f"user {p['UserName']}" if "UserName" in p else f"role {p.get('RoleName')}"
        what = f"inline policy {p['PolicyName']} of {who}"
        if read is None or read.state is None:
            return [Change(what, UNKNOWN, iam_document(p["PolicyDocument"]))]
        old = None if read.absent else iam_document(read.state.get("PolicyDocument"))
        new = iam_document(p["PolicyDocument"])
        return [Change(what, old if old is not None else UNSET, new, policy_diff(old, new))]
    if (op.service, op.operation) == ("ec2", "ModifyVpcEndpoint"):
        what = f"policy of VPC endpoint {p['VpcEndpointId']}"
        new = (
            ENDPOINT_FULL_ACCESS_POLICY
            if p.get("ResetPolicy")
            else decode_policy(p.get("PolicyDocument"))
        )
        if read is None or read.state is None or read.absent:
            return [Change(what, UNKNOWN, new)]
        old = decode_policy(read.state.get("PolicyDocument"))
        return [Change(what, old if old is not None else UNSET, new, policy_diff(old, new))]
    if op.operation == "PutGatewayResponse":
        state = None if read is None else read.state
        before = (
            UNKNOWN
            if state is None
            else {
                k: state.get(k)
                for k in (
                    "statusCode",
                    "responseParameters",
                    "responseTemplates",
                    "defaultResponse",
                )
            }
        )
        after = {k: v for k, v in p.items() if k not in ("restApiId",)}
        return [Change(f"gateway response {p['responseType']}", before, after)]
    if (op.service, op.operation) == ("wafv2", "UpdateWebACL"):
        return _web_acl_changes(op, read)
    # apigatewayv2 updates: each field given is a change.
    entry = lookup(op.service, op.operation)
    return [
        Change(
            f"{where} {name}",
            _before(read, "/" + name),
            p[name],
        )
        for name in entry.fields
        if name in p
    ]


def _web_acl_changes(op: BoundOperation, read: StateRead | None) -> list[Change]:
    """The rule actions the update changes (the rest of the ACL is sent back as read, which
    the apply-time check holds it to)."""
    acl = None if read is None or read.state is None else read.state.get("WebACL") or {}
    was = {r.get("Name"): r.get("Action") for r in (acl or {}).get("Rules") or []}
    return [
        Change(
            f"web ACL {op.params['Name']} rule {rule.get('Name')} action",
            UNKNOWN if acl is None else was.get(rule.get("Name"), UNSET),
            rule.get("Action"),
        )
        for rule in op.params.get("Rules") or []
        if acl is None or was.get(rule.get("Name")) != rule.get("Action")
    ]


def _code_change(op: BoundOperation, read: StateRead | None) -> Change:
    """The code update as the diff of the files it changes (the zip that runs now against the
    zip the fix deploys: both are artifacts the wizard saved)."""

    what = f"code of Lambda function {op.params['FunctionName']}"
    try:
        new = load_artifact(op.params["ZipFile"])
    except CodeError as exc:
        return Change(what, UNKNOWN, str(exc))
    after = f"CodeSha256 {code_sha256(new)}"
    if read is None or read.state is None:
        return Change(what, UNKNOWN, after)
    sha = str(read.state.get("CodeSha256"))
    try:
        old = load_artifact(PREFIX + str(artifact_path(sha)))
    except CodeError:
        return Change(what, f"CodeSha256 {sha}", after)

    return Change(what, f"CodeSha256 {sha}", after, sources_diff(old, new))


def _patch_change(where: str, patch: dict[str, Any], read: StateRead | None) -> Change:
    path, value, verb = patch.get("path", ""), patch.get("value"), patch.get("op")
    before = _before(read, path)
    if path == "/policy":
        old = None if before in (UNKNOWN, UNSET) else decode_policy(before)
        new = decode_policy(value)
        diff = policy_diff(old, new) if before != UNKNOWN else None
        return Change(f"{where} resource policy", old if before != UNKNOWN else UNKNOWN, new, diff)
    if verb == "remove":
        return Change(f"{where} {path}", before, UNSET if value is None else f"without {value}")
    if verb == "add":
        return Change(f"{where} {path}", before, f"with {value}")
    return Change(f"{where} {path}", before, value)


def _items(read: StateRead | None) -> list[dict[str, Any]] | None:
    if read is None or read.state is None:
        return None
    return list(read.state.get("items") or read.state.get("Items") or [])


def _mapping_key(item: dict[str, Any]) -> str:
    return str(item.get("basePath") or item.get("ApiMappingKey") or "(none)")


def _resource(op: BoundOperation) -> str:
    p = op.params
    for key, label in (
        ("authorizerId", "authorizer"),
        ("AuthorizerId", "authorizer"),
        ("RouteId", "route"),
        ("stageName", "stage"),
        ("StageName", "stage"),
        ("usagePlanId", "usage plan"),
        ("apiKey", "API key"),
        ("basePath", "base path"),
        ("httpMethod", "method"),
        ("restApiId", "API"),
        ("ApiId", "API"),
    ):
        if key in p:
            return f"{label} {p[key]}"
    return op.operation
