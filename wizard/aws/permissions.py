"""The IAM policy documents the wizard needs, built from what is registered.

Read-only: the union of every live probe's `iam_actions`, grouped into statements scoped as
tightly as the actions allow. API Gateway's IAM actions are HTTP verbs on resource paths:
`apigateway:GET` reads configuration; the only `apigateway:POST` a probe makes is
test-invoke-authorizer, whose resource is `/restapis/*/authorizers/*` (creating an authorizer
is a POST on `/restapis/*/authorizers`, which that pattern does not cover).
`--apply`: what the allowlisted fixes need (wizard.aws.fixes), separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wizard.aws.fixes.allowlist import allowed_iam_actions
from wizard.aws.probes import register_all
from wizard.engine.probes import REGISTRY

# action → (statement id, resources, why). Unlisted actions go to a catch-all read statement.
_SCOPES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "apigateway:GET": (
        "ReadApiGatewayConfiguration",
        ("arn:aws:apigateway:*::/*",),
        "read APIs, resources, methods, authorizers, stages, deployments, usage plans, domains",
    ),
    "apigateway:POST": (
        "TestInvokeAuthorizer",
        ("arn:aws:apigateway:*::/restapis/*/authorizers/*",),
        "ask an authorizer what it returns for the user's token (test-invoke-authorizer)",
    ),
    "lambda:InvokeFunction": (
        "InvokeAuthorizerFunction",
        ("arn:aws:lambda:*:*:function:*",),
        "fallback when test-invoke-authorizer is unavailable: runs the authorizer once with "
        "the event API Gateway would send (narrow the Resource to your authorizer functions)",
    ),
    "lambda:GetFunctionConfiguration": (
        "ReadAuthorizerFunction",
        ("arn:aws:lambda:*:*:function:*",),
        "read the authorizer function's configuration",
    ),
}
_READ_SID = "ReadEvidence"


def probe_actions(include_offline: bool = False) -> dict[str, list[str]]:
    """probe name → IAM actions, for every registered live probe."""

    register_all()
    return {
        spec.name: sorted(spec.iam_actions)
        for spec in REGISTRY
        if spec.iam_actions or (include_offline and not spec.needs_aws)
    }


def build_policy(actions: Iterable[str]) -> dict[str, Any]:
    """A policy document granting `actions`, one statement per scope."""
    grouped: dict[str, tuple[set[str], tuple[str, ...]]] = {}
    for action in sorted(set(actions)):
        sid, resources, _ = _SCOPES.get(action, (_READ_SID, ("*",), ""))
        grouped.setdefault(sid, (set(), resources))[0].add(action)
    statements = [
        {
            "Sid": sid,
            "Effect": "Allow",
            "Action": sorted(acts),
            "Resource": list(resources) if len(resources) > 1 else resources[0],
        }
        for sid, (acts, resources) in sorted(grouped.items())
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def read_only_policy() -> dict[str, Any]:
    return build_policy(a for acts in probe_actions().values() for a in acts)


def apply_actions() -> list[str]:
    """What `diagnose --apply` needs on top of the read-only policy."""

    return sorted(allowed_iam_actions())


# `--apply` statements: service → (statement id, resources). API Gateway's are its own paths;
# the IAM fixes write inline policies of users and roles (never managed policies, boundaries
# or SCPs); the code fix updates Lambda functions (the sandbox's authorizers).
_APPLY_SCOPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "apigateway": ("ApplyAllowlistedFixes", ("arn:aws:apigateway:*::/*",)),
    "iam": ("ApplyIamInvokeFixes", ("arn:aws:iam::*:user/*", "arn:aws:iam::*:role/*")),
    "lambda": ("ApplyAuthorizerCodeFix", ("arn:aws:lambda:*:*:function:*",)),
    # UpdateWebACL is authorised on the web ACL and on every IP set it references.
    "wafv2": (
        "ApplyWebAclCountOverride",
        ("arn:aws:wafv2:*:*:regional/webacl/*/*", "arn:aws:wafv2:*:*:regional/ipset/*/*"),
    ),
    "ec2": ("ApplyVpcEndpointPolicyFix", ("arn:aws:ec2:*:*:vpc-endpoint/*",)),
}
# Actions with no resource-level permissions (EC2's Describe* take only "*"): a statement of
# their own, so the change above stays scoped to endpoints.
_APPLY_ACTION_SCOPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ec2:DescribeVpcEndpoints": ("ReadVpcEndpointForFix", ("*",)),
}


def apply_policy() -> dict[str, Any]:
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for action in apply_actions():
        scope = _APPLY_ACTION_SCOPES.get(action) or _APPLY_SCOPES[action.split(":", 1)[0]]
        grouped.setdefault(scope, []).append(action)
    statements = []
    for (sid, resources), actions in grouped.items():  # in the order of the sorted actions
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions,
                "Resource": list(resources) if len(resources) > 1 else resources[0],
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def explanations() -> dict[str, str]:
    """Statement id → why the wizard needs it."""
    out = {sid: why for sid, _, why in _SCOPES.values()}
    out[_READ_SID] = (
        "who you are (sts), logs of the stage and the authorizer, WAF on the stage, "
        "execute-api VPC endpoints"
    )
    out["ApplyAllowlistedFixes"] = (
        "only with --apply, after you confirm each fix: the allowlisted API Gateway updates "
        "(authorizer TTL, cache flush, deployment, resource policy, stage logging, usage plans)"
    )
    out["ApplyIamInvokeFixes"] = (
        "only with --apply, after you confirm: an inline policy of the refused caller's user or "
        "role allowing execute-api:Invoke on the failing method only, or its Deny lifted for "
        "that method only (read first, deleted or restored by the rollback)"
    )
    out["ApplyVpcEndpointPolicyFix"] = (
        "only with --apply, after you confirm: reset an execute-api VPC endpoint's policy to "
        "full access, and the previous policy document back on rollback"
    )
    out["ReadVpcEndpointForFix"] = (
        "only with --apply: read the endpoint's policy before the reset (for the rollback) and "
        "after it (to verify); DescribeVpcEndpoints takes no narrower Resource"
    )
    out["ApplyAuthorizerCodeFix"] = (
        "only with --apply on the sandbox emulator: deploy the authorizer's code with its "
        "Resource corrected, and the previous code back on rollback"
    )
    out["ApplyWebAclCountOverride"] = (
        "only with --apply, after you confirm: the stage's regional web ACL sent back as read "
        "with the rule that blocks the request switched from Block to Count (read first, the "
        "exact previous ACL restored by the rollback)"
    )
    return out
