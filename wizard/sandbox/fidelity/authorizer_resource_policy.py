"""A REST API's resource policy combined with its Lambda authorizer (Table A / Table B).

AWS ("How API Gateway resource policies affect authorization workflow"): with a Lambda
authorizer, the resource policy is evaluated in two phases. Before the authorizer is called,
an explicit Deny in the resource policy refuses the caller at once (the authorizer is not
invoked). Then the authorizer's policy is evaluated together with the resource policy:

- Table A (same account): allowed when either allows and neither denies explicitly; both
  silent is an implicit deny;
- Table B (different accounts): both must allow explicitly.

MiniStack skips the resource policy for a method with a Lambda authorizer. As MiniStack does
for methods without authorization, this applies under AUTH=true (resource policies enforced);
the authorizer counts as another account when its function's ARN names one.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass
class Combination:
    resource_decision: str  # Allow | ImplicitDeny (an explicit Deny never gets this far)
    cross_account: bool
    refused_by_resource_policy: bool = False


_COMBINING: contextvars.ContextVar[Combination | None] = contextvars.ContextVar(
    "fidelity_policy_combination", default=None
)


def combine(authorizer: str, resource: str, *, cross_account: bool) -> str:
    """The outcome (Allow | Deny | NoMatch) of an authorizer decision (Allow | Deny | NoMatch)
    and a resource-policy decision (Allow | Deny | ImplicitDeny)."""
    if "Deny" in (authorizer, resource):
        return "Deny"
    if cross_account:
        return "Allow" if authorizer == resource == "Allow" else "NoMatch"
    return "Allow" if "Allow" in (authorizer, resource) else "NoMatch"


def function_account(authorizer_uri: str) -> str | None:
    """The account in `arn:aws:apigateway:r:lambda:path/.../functions/arn:aws:lambda:r:ACCT:...`."""
    _, sep, function_arn = authorizer_uri.partition("/functions/")
    parts = function_arn.split(":")
    return parts[4] if sep and len(parts) > 4 and parts[4] else None


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.arn import execute_api_arn

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.iam_evaluator import EvalContext, evaluate_resource_policy

    authorize = v1._authorize_request_v1
    evaluate_policy = v1._evaluate_policy

    def resource_decision(
        api_id: str, stage: str, method: str, path: str, account: str, region: str
    ) -> str | None:
        arn = execute_api_arn(region, account, api_id, stage, method, path)
        policy = (v1.rest_api_policy_for_arn(arn) or ("",))[0]
        if not policy:
            return None
        ctx = EvalContext("*", "Anonymous", "", "execute-api:Invoke", arn, region)
        return str(evaluate_resource_policy(policy, ctx).decision)

    async def authorize_combined(
        api_id: str,
        stage_name: str,
        method_obj: dict[str, Any],
        method: str,
        request_path: str,
        *rest: Any,
    ) -> Any:
        # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
        from ministack.app import AUTH

        account, region = rest[-2], rest[-1]
        custom = (method_obj.get("authorizationType") or "").upper() == "CUSTOM"
        decision = (
            resource_decision(api_id, stage_name, method, request_path, account, region)
            if AUTH and custom
            else None
        )
        if decision is None:
            return await authorize(api_id, stage_name, method_obj, method, request_path, *rest)
        if decision == "Deny":
            # Phase one: refused before the authorizer runs.
            refused = v1._anonymous_policy_error(
                api_id, stage_name, method, request_path, account, region
            )
            return refused, None
        authorizer = v1._authorizers_v1.get(api_id, {}).get(method_obj.get("authorizerId")) or {}
        fn_account = function_account(str(authorizer.get("authorizerUri") or ""))
        state = Combination(decision, cross_account=fn_account not in (None, account))
        token = _COMBINING.set(state)
        try:
            error, context = await authorize(
                api_id, stage_name, method_obj, method, request_path, *rest
            )
        finally:
            _COMBINING.reset(token)
        if state.refused_by_resource_policy:
            # The authorizer allowed; the resource policy (Table B) did not.
            return v1._anonymous_policy_error(
                api_id, stage_name, method, request_path, account, region
            ), None
        return error, context

    def evaluate_combined(policy_doc: Any, method_arn: str) -> str:
        outcome = str(evaluate_policy(policy_doc, method_arn))
        state = _COMBINING.get()
        if state is None:
            return outcome
        combined = combine(outcome, state.resource_decision, cross_account=state.cross_account)
        state.refused_by_resource_policy = outcome == "Allow" and combined != "Allow"
        return combined

    setattr(v1, "_authorize_request_v1", authorize_combined)  # noqa: B010 - a module's function
    setattr(v1, "_evaluate_policy", evaluate_combined)  # noqa: B010
