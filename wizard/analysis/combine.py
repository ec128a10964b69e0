"""How API Gateway (REST) combines the resource policy with the method's authorization.

Catalogue §0.4 / §0.6 (AWS "apigateway-authorization-flow"):
- pre-auth pass: an explicit Deny in the resource policy rejects the call before any authorizer
  runs (the Lambda authorizer is not invoked);
- same account (Table A): allowed when either side allows and neither denies; both silent is an
  implicit deny;
- cross-account (Table B): BOTH the caller's side (IAM policy, Lambda or Cognito authorizer) and
  the resource policy must allow; either one silent denies;
- no resource policy at all: the authorization alone decides (a private API, though, denies
  every call until it has a resource policy that allows it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from wizard.analysis.arn import parse_method_arn
from wizard.analysis.policy.evaluate import Decision, PolicyDecision, evaluate_policy
from wizard.analysis.policy.parse import Policy
from wizard.analysis.policy.request import RequestContext

__all__ = ["AuthKind", "CombinedDecision", "combine", "combine_policies"]

AuthKind = Literal["none", "iam", "lambda", "cognito"]
Side = Literal[
    "vpc_endpoint_policy", "resource_policy", "authorizer", "iam", "cognito", "both", "none"
]

_AUTH_SIDE: dict[str, Side] = {"iam": "iam", "lambda": "authorizer", "cognito": "cognito"}
_AUTH_NAME = {
    "iam": "the caller's IAM policy",
    "lambda": "the Lambda authorizer's policy",
    "cognito": "the Cognito authorizer",
}
ACCESS_DENIED = "AccessDeniedException"


@dataclass(frozen=True)
class CombinedDecision:
    decision: Decision
    decided_by: Side
    explanation: str
    cause_hint: str | None
    authorizer_invoked: bool | None  # None when there is no Lambda authorizer
    status: int
    error_type: str | None
    message: str | None
    resource_policy: PolicyDecision | None = None
    authorizer_policy: PolicyDecision | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    endpoint_policy: PolicyDecision | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "decision": self.decision,
            "decided_by": self.decided_by,
            "cause_hint": self.cause_hint,
            "authorizer_invoked": self.authorizer_invoked,
            "response": {
                "status": self.status,
                "error_type": self.error_type,
                "message": self.message,
            },
            "explanation": self.explanation,
            "inputs": dict(self.inputs),
        }
        if self.resource_policy is not None:
            out["resource_policy"] = self.resource_policy.to_dict()
        if self.authorizer_policy is not None:
            out["authorizer_policy"] = self.authorizer_policy.to_dict()
        if self.endpoint_policy is not None:
            out["endpoint_policy"] = self.endpoint_policy.to_dict()
        return out


def combine(
    resource_policy: Decision | None,
    auth: AuthKind,
    auth_decision: Decision | None = None,
    *,
    cross_account: bool = False,
    private_api: bool = False,
    principal: str = "anonymous",
    method_arn: str = "<method-arn>",
    action: str = "execute-api:Invoke",
) -> CombinedDecision:
    """Combine the two sides. ``resource_policy`` None means the API has no resource policy;
    ``auth_decision`` is required unless ``auth`` is "none"."""
    if auth != "none" and auth_decision is None:
        raise ValueError(f"auth {auth!r} needs a decision (allow, explicit_deny, implicit_deny)")
    inputs = {
        "resource_policy": resource_policy or "absent",
        "auth": auth,
        "auth_decision": auth_decision if auth != "none" else None,
        "cross_account": cross_account,
        "private_api": private_api,
    }
    lambda_auth = auth == "lambda"
    r = _Responder(principal, method_arn, action, inputs, lambda_auth)

    # 1. Pre-auth pass: an explicit Deny in the resource policy wins before any authorizer.
    if resource_policy == "explicit_deny":
        return r.deny(
            "explicit_deny",
            "resource_policy",
            "rp-explicit-deny",
            invoked=False,
            why=(
                "the resource policy explicitly denies this call; API Gateway checks resource-"
                "policy Deny statements before running any authorizer, so nothing else matters"
                + (" (the Lambda authorizer was never invoked)" if lambda_auth else "")
            ),
        )
    # 2. A Cognito user pool authorizer does not return a policy: it accepts the token or
    #    answers 401 Unauthorized (invalid or expired token, ID vs access token, missing scope).
    if auth == "cognito" and auth_decision != "allow":
        return CombinedDecision(
            auth_decision or "implicit_deny",
            "cognito",
            "Not a 403: the Cognito authorizer rejects this token with 401 Unauthorized (invalid "
            "or expired token, an access token where an ID token is expected or the reverse, or a "
            "missing scope); the resource policy is never combined with it.",
            "not-403-lookalikes",
            None,
            401,
            "UnauthorizedException",
            "Unauthorized",
            inputs=inputs,
        )
    # 3. The authorization side explicitly denies.
    if auth != "none" and auth_decision == "explicit_deny":
        cause = {"lambda": "authz-explicit-deny", "iam": "iam-explicit-deny"}.get(auth)
        return r.deny(
            "explicit_deny",
            _AUTH_SIDE[auth],
            cause,
            invoked=True,
            why=f"{_AUTH_NAME[auth]} explicitly denies this call, and a Deny always wins",
        )
    # 4. Private APIs need a resource policy that allows the call.
    if private_api and resource_policy is None:
        return r.deny(
            "implicit_deny",
            "resource_policy",
            "rp-implicit-deny",
            invoked=lambda_auth,
            why=(
                "this is a private API with no resource policy, and a private API refuses every "
                "call until its resource policy allows it"
            ),
        )
    if private_api and resource_policy != "allow":
        return r.deny(
            "implicit_deny",
            "resource_policy",
            "rp-implicit-deny",
            invoked=lambda_auth,
            why="this is a private API and its resource policy does not allow this call",
        )
    rp_allows = resource_policy == "allow"
    # 5. No authorization on the method: the resource policy alone decides.
    if auth == "none":
        if resource_policy is None or rp_allows:
            why = (
                "the method has no authorization and the API has no resource policy"
                if resource_policy is None
                else "the resource policy allows the call and the method has no authorization"
            )
            return r.allow("resource_policy" if rp_allows else "none", why)
        return r.deny(
            "implicit_deny",
            "resource_policy",
            "rp-implicit-deny",
            invoked=None,
            why="the resource policy has no statement that allows this call (implicit deny)",
        )
    auth_allows = auth_decision == "allow"
    side = _AUTH_SIDE[auth]
    silent_auth_cause = {
        "lambda": "authz-implicit-deny-arn-mismatch",
        "iam": "iam-no-invoke-permission",
    }.get(auth)
    # 6. Cross-account: both sides must allow.
    if cross_account:
        if rp_allows and auth_allows:
            return r.allow(
                "both",
                "cross-account: the resource policy and " + _AUTH_NAME[auth] + " both allow it",
            )
        if not rp_allows:
            missing = (
                "the API has no resource policy"
                if resource_policy is None
                else "the resource policy is silent"
            )
            return r.deny(
                "implicit_deny",
                "resource_policy",
                "rp-cross-account-iam",
                invoked=True,
                why=(
                    f"the caller is in another account, so both sides must allow; {missing} "
                    f"about this caller"
                    + (
                        " (and " + _AUTH_NAME[auth] + " does not allow it either)"
                        if not auth_allows
                        else ""
                    )
                ),
            )
        return r.deny(
            "implicit_deny",
            side,
            silent_auth_cause,
            invoked=True,
            why=(
                "the caller is in another account, so both sides must allow; the resource "
                f"policy allows but {_AUTH_NAME[auth]} does not cover this call"
            ),
        )
    # 7. Same account: either side allowing is enough.
    if auth_allows:
        why = f"{_AUTH_NAME[auth]} allows it" + (
            " and the resource policy does not deny it" if resource_policy else ""
        )
        return r.allow(side, why)
    if rp_allows:
        return r.allow(
            "resource_policy",
            f"the resource policy allows it; in the same account that is enough even though "
            f"{_AUTH_NAME[auth]} does not cover it",
        )
    rp_part = " and the resource policy does not allow it either" if resource_policy else ""
    return r.deny(
        "implicit_deny",
        side,
        silent_auth_cause,
        invoked=True,
        why=f"{_AUTH_NAME[auth]} does not allow this call{rp_part} (implicit deny)",
    )


class _Responder:
    """Builds results with the response API Gateway sends for them."""

    def __init__(
        self, principal: str, arn: str, action: str, inputs: dict[str, Any], lambda_auth: bool
    ) -> None:
        self.principal, self.arn, self.action = principal, arn, action
        self.inputs, self.lambda_auth = inputs, lambda_auth

    def allow(self, side: Side, why: str) -> CombinedDecision:
        return CombinedDecision(
            "allow",
            side,
            f"Allowed: {why}.",
            None,
            True if self.lambda_auth else None,
            200,
            None,
            None,
            inputs=self.inputs,
        )

    def deny(
        self,
        decision: Decision,
        side: Side,
        cause: str | None,
        *,
        invoked: bool | None,
        why: str,
    ) -> CombinedDecision:
        explicit = decision == "explicit_deny"
        if side in ("authorizer", "cognito"):
            message = "User is not authorized to access this resource"
        else:
            message = (
                f"User: {self.principal} is not authorized to perform: {self.action} "
                f"on resource: {self.arn}"
            )
        if explicit:
            message += " with an explicit deny"
        label = "Explicit deny" if explicit else "Implicit deny"
        return CombinedDecision(
            decision,
            side,
            f"{label}: {why}.",
            cause,
            invoked if self.lambda_auth else None,
            403,
            ACCESS_DENIED,
            message,
            inputs=self.inputs,
        )


def combine_policies(
    request: RequestContext,
    *,
    resource_policy: Policy | str | Mapping[str, Any] | None,
    auth: AuthKind,
    auth_decision: Decision | None = None,
    authorizer_policy: Policy | str | Mapping[str, Any] | None = None,
    cross_account: bool | None = None,
    private_api: bool = False,
    endpoint_policy: Policy | str | Mapping[str, Any] | None = None,
) -> CombinedDecision:
    """Evaluate the policies for ``request`` and combine them.

    ``endpoint_policy`` is the policy of the interface VPC endpoint the call came through: it
    must allow the call too, and it is checked at the endpoint, before API Gateway.

    ``authorizer_policy`` is the policy the Lambda authorizer returned (or the caller's IAM
    identity policy for ``auth="iam"``); it is evaluated as an identity policy (no Principal).
    ``cross_account`` defaults to comparing the caller's account with the API's account.
    Raises PolicyError / ValueError like evaluate_policy.
    """

    arn = parse_method_arn(request.method_arn)
    rp = (
        evaluate_policy(resource_policy, request, "resource")
        if resource_policy is not None
        else None
    )
    ap = None
    if authorizer_policy is not None:
        ap = evaluate_policy(authorizer_policy, request, "authorizer")
        auth_decision = ap.decision
    if cross_account is None:
        caller = request.account
        cross_account = bool(caller) and caller != arn.account
    principal = "anonymous" if request.is_anonymous else request.principal
    raw_arn = request.method_arn.strip()
    result = combine(
        rp.decision if rp else None,
        auth,
        auth_decision,
        cross_account=cross_account,
        private_api=private_api,
        principal=principal,
        method_arn=raw_arn,
        action=request.action,
    )
    ep = (
        evaluate_policy(endpoint_policy, request, "resource")
        if endpoint_policy is not None
        else None
    )
    if ep is not None and ep.decision != "allow":
        explicit = ep.decision == "explicit_deny"
        verb = "explicitly denies" if explicit else "does not allow"
        message = (
            f"User: {principal} is not authorized to perform: {request.action} on resource: "
            f"{raw_arn}" + (" with an explicit deny" if explicit else "")
        )
        result = CombinedDecision(
            ep.decision,
            "vpc_endpoint_policy",
            f"{'Explicit' if explicit else 'Implicit'} deny: the VPC endpoint's own policy {verb} "
            "this call, so the endpoint refuses it before API Gateway evaluates the resource "
            "policy or runs any authorizer.",
            "vpce-endpoint-policy",
            False if auth == "lambda" else None,
            403,
            "AccessDeniedException",
            message,
            inputs={**result.inputs, "endpoint_policy": ep.decision},
        )
    return replace(result, resource_policy=rp, authorizer_policy=ap, endpoint_policy=ep)
