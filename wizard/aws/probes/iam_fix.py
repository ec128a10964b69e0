"""The IAM change that lets a refused signed caller call this one method, or why there is none.

For `iam-no-invoke-permission` it names the caller's user or role and the inline policy the
wizard would add (Allow execute-api:Invoke on exactly the failing method ARN); for
`ws-mgmt-no-permission` (mode `manage`) the one that allows execute-api:ManageConnections on
the failing stage's @connections ARN for the refused verb. For
`iam-explicit-deny` it reads the caller's inline policies, finds the one whose Deny covers the
method, and proposes it edited to except exactly that ARN (`wizard.aws.fixes.iam_policy`). A
Deny in a managed policy, a permissions boundary or an SCP is not proposed: those are shared by
other principals, and the note says where to look.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from wizard.aws.errors import aws_errors
from wizard.aws.fixes.iam_policy import (
    IamPolicyError,
    connections_arn,
    denying_statements,
    dumps,
    except_from_deny,
    invoke_policy,
    invoke_policy_name,
    is_method_arn,
    manage_policy,
    manage_policy_name,
    parse_document,
    principal_of,
)
from wizard.aws.fixes.render import render_cli
from wizard.aws.probes._base import arg, client, paginate
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

MAX_INLINE_POLICIES = 100  # read at most this many of the principal's inline policies

_OPS = {
    "user": ("list_user_policies", "get_user_policy", "UserName", "User"),
    "role": ("list_role_policies", "get_role_policy", "RoleName", "Role"),
}


def _facts(**values: Any) -> dict[str, Any]:
    keys = (
        "iam_principal_kind",
        "iam_principal_name",
        "iam_policy_name",
        "iam_policy_document",
        "iam_fix_note",
    )
    return {k: values.get(k) for k in keys}


def _document(raw: Any, where: str) -> dict[str, Any]:
    """botocore decodes IAM policy documents to dicts; a raw URL-encoded text is decoded too."""
    if isinstance(raw, str) and raw.lstrip().startswith("%7B"):
        raw = urllib.parse.unquote(raw)
    return parse_document(raw, where=where)


def _connections_target(ctx: ProbeContext, params: Mapping[str, Any], arn: Any) -> str | None:
    """The refused management call's @connections ARN (this API, stage and verb): from the
    denied ARN when the message names it, else from the invoke URL's API, stage and verb (an
    AccessDenied for ManageConnections need not name the resource)."""
    for known in (arn, arg(ctx, params, "method_arn", None)):
        found = connections_arn(known)
        if found is not None:
            return found
    parts = {k: arg(ctx, params, k, None) for k in ("region", "account_id", "api_id", "stage")}
    if not all(isinstance(v, str) and v for v in parts.values()):
        return None
    verb = str(arg(ctx, params, "method", None) or "POST").upper()
    return connections_arn(
        f"arn:aws:execute-api:{parts['region']}:{parts['account_id']}:{parts['api_id']}/"
        f"{parts['stage']}/{verb}/@connections/x"
    )


@REGISTRY.probe(
    "propose_iam_fix",
    "The inline IAM policy change (this method ARN only) that lets the refused signed caller "
    "in: a new Allow for a missing permission, or the denying inline policy edited",
    iam_actions=(
        "iam:GetRolePolicy",
        "iam:GetUserPolicy",
        "iam:ListRolePolicies",
        "iam:ListUserPolicies",
    ),
    needs_aws=True,
)
def propose_iam_fix(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    caller = arg(ctx, params, "caller_arn", None)
    arn = arg(ctx, params, "denied_resource_arn", None) or arg(ctx, params, "method_arn", None)
    mode = str(params.get("mode") or "allow")
    principal = principal_of(caller)
    if principal is None:
        return _facts(
            iam_fix_note=f"The wizard changes only the inline policies of an IAM user or role; "
            f"the caller {caller or '(unknown)'} is neither, so the change is yours to make."
        )
    who = {"iam_principal_kind": principal.kind, "iam_principal_name": principal.name}
    if mode == "manage":
        connections = _connections_target(ctx, params, arn)
        if connections is None:
            return _facts(
                **who,
                iam_fix_note="The @connections ARN of this stage is not known, so no ManageConnections "
                "policy scoped to it can be written.",
            )
        name = manage_policy_name(connections)
        return _facts(
            **who,
            iam_policy_name=name,
            iam_policy_document=dumps(manage_policy(connections)),
            iam_fix_note=f"The policy the wizard can add to {principal.kind} {principal.name} "
            f"allows execute-api:ManageConnections on {connections} only (this stage and verb, "
            f"any connection id); rolling back deletes the inline policy {name}.",
        )
    if not is_method_arn(arn):
        return _facts(
            **who,
            iam_fix_note="The failing method's ARN is not known exactly, so no policy scoped "
            "to it can be written.",
        )
    if mode == "allow":
        name = invoke_policy_name(str(arn))
        return _facts(
            **who,
            iam_policy_name=name,
            iam_policy_document=dumps(invoke_policy(str(arn))),
            iam_fix_note=f"The policy the wizard can add to {principal.kind} {principal.name} "
            f"allows execute-api:Invoke on {arn} only (not the stage, not the API); rolling "
            f"back deletes the inline policy {name}.",
        )
    if mode != "deny":
        raise ProbeError(
            ProbeErrorKind.INVALID_INPUT, f"mode must be allow, manage or deny, not {mode!r}"
        )
    list_op, get_op, key, label = _OPS[principal.kind]
    iam = client(ctx, "iam")
    manual = render_cli("iam", f"List{label}Policies", {key: principal.name})
    names = []
    principal_arg: dict[str, Any] = {key: principal.name}
    for n in paginate(
        ctx,
        iam,
        list_op,
        "PolicyNames",
        action=f"iam:List{label}Policies",
        manual=manual,
        **principal_arg,
    ):
        names.append(str(n))
        if len(names) >= MAX_INLINE_POLICIES:
            break
    hits: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        ctx.check_cancelled()
        with aws_errors(f"iam:Get{label}Policy", manual=manual):
            raw = getattr(iam, get_op)(**{key: principal.name, "PolicyName": name})
        try:
            doc = _document(raw.get("PolicyDocument"), where=f"inline policy {name}")
        except IamPolicyError:
            continue
        if denying_statements(doc, str(arn)):
            hits.append((name, doc))
    if not hits:
        return _facts(
            **who,
            iam_fix_note=f"No inline policy of {principal.kind} {principal.name} denies "
            f"{arn}: the Deny is in a managed policy, a permissions boundary or an SCP, which "
            "other principals share; the wizard does not edit those.",
        )
    if len(hits) > 1:
        listed = ", ".join(n for n, _ in hits)
        return _facts(
            **who,
            iam_fix_note=f"Several inline policies deny {arn} ({listed}); change them by hand.",
        )
    name, doc = hits[0]
    edit = except_from_deny(doc, str(arn))
    if edit.document is None:
        return _facts(
            **who,
            iam_fix_note=f"The wizard will not edit the inline policy {name}: {edit.reason}.",
        )
    return _facts(
        **who,
        iam_policy_name=name,
        iam_policy_document=dumps(edit.document),
        iam_fix_note=f"The edit of the inline policy {name} of {principal.kind} "
        f"{principal.name} lifts its Deny for {arn} only: {edit.reason}. Its Allow statements "
        "are unchanged; rolling back puts the policy back as it was.",
    )
