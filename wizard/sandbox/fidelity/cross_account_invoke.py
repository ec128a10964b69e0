"""A call signed by another account's principal reaches the API and is evaluated as Table B.

AWS ("How API Gateway resource policies affect authorization workflow",
apigateway-authorization-flow.html): an API id is global, so a request to an API's invoke URL
reaches that API whichever account signed it. For an AWS_IAM method called by a principal of
another account (Table B, cross-account), the call is allowed only when BOTH the caller's
identity policy (in its own account) allows execute-api:Invoke AND the API's resource policy
allows that principal or account; an explicit Deny on either side refuses it. The refusal is 403
AccessDeniedException "User: <caller ARN> is not authorized to perform: execute-api:Invoke on
resource: <method ARN> because no resource-based policy allows the execute-api:Invoke action"
(or the identity-based / explicit-deny wording of IAM's "Access denied error messages").

MiniStack derives the account from the access key and looks the API up in that account only, so
another account's caller gets 404. Here a request for an API the signing account does not own,
but another account does, is served in the owner's account; for an AWS_IAM method the caller's
identity is resolved in its own account and combined with the owner's resource policy (MiniStack's
evaluator already applies the cross-account rule once the two accounts differ). The method ARN in
the message masks the owner's account as the same-account refusals do.
"""

from __future__ import annotations

import contextvars
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity.access_denied import access_denied_response

_ACTION = "execute-api:Invoke"

# The signing account of a request being served in another (the API owner's) account.
_CALLER_ACCOUNT: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "fidelity_cross_account_caller", default=None
)


def owner_account(v1: ModuleType, api_id: str, caller_account: str) -> str | None:
    """The account owning REST API `api_id` when it is not `caller_account`'s own, else None."""
    if v1.find_api_scope(api_id) is not None:
        return None
    for (account, _region, stored_id), _api in v1._rest_apis.all_items():
        if stored_id == api_id and account != caller_account:
            return str(account)
    return None


def denial_reason(identity_decision: str | None, resource_decision: str | None) -> str:
    """IAM's wording for the side that refused: the identity side first, as IAM reports it."""
    if identity_decision == "Deny":
        return "with an explicit deny in an identity-based policy"
    if identity_decision is not None:
        return f"because no identity-based policy allows the {_ACTION} action"
    if resource_decision == "Deny":
        return "with an explicit deny in a resource-based policy"
    return f"because no resource-based policy allows the {_ACTION} action"


def masked(arn: str, account: str) -> str:
    """`arn` with its account shown as API Gateway's refusals show it (`********1234`)."""
    return arn.replace(f":{account}:", f":********{account[-4:]}:", 1)


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    import ministack.app as app

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    import ministack.core.iam_evaluator as iam

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.arn import execute_api_arn

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import get_account_id, get_region, request_scope

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.router import extract_access_key_id, extract_region

    handle = app._handle_execute_api_request
    enforce_execute_api = app._enforce_execute_api

    def refusal(api_id: str, stage: str, message: str, headers: Any) -> Any:
        """ACCESS_DENIED through the stage's gateway responses (in the owner's scope)."""
        stage_record = v1.stages_for_api(api_id).get(stage)
        if stage_record is None:
            return None  # the API answers the missing stage itself
        return access_denied_response(v1, api_id, stage, stage_record, message, headers)

    def root_refusal(caller: str, iam_action: str, arn: str, region: str) -> Any:
        """The resource policy's decision for `caller`'s root, as an EvalResult unless Allow."""
        policy = (v1.rest_api_policy_for_arn(arn) or ("",))[0]
        root = f"arn:aws:iam::{caller}:root"
        ctx = iam.EvalContext(root, "Root", caller, iam_action, arn, region)
        result = iam.evaluate_resource_policy(policy, ctx) if policy else None
        if result is not None and str(result.decision) == "Allow":
            return None
        return iam.EvalResult(
            str(result.decision) if result else "ImplicitDeny", principal_arn=root
        )

    def enforce_cross_account(
        api_id: str,
        stage: str,
        method: str,
        execute_path: str,
        headers: Any,
        query_params: Any,
        iam_action: str = _ACTION,
    ) -> Any:
        caller = _CALLER_ACCOUNT.get()
        if caller is None or iam_action != _ACTION or not app.AUTH:
            return enforce_execute_api(
                api_id, stage, method, execute_path, headers, query_params, iam_action
            )
        authorization = app._execute_api_authorization_type(api_id, stage, method, execute_path)
        header = next((v for k, v in (headers or {}).items() if k.lower() == "authorization"), "")
        if authorization != "AWS_IAM" or (header and not header.startswith("AWS4-HMAC-SHA256")):
            # Not an IAM-authorized method (the method answers), or a header that is not SigV4
            # (MiniStack's own check, in the owner's scope, refuses it).
            return enforce_execute_api(
                api_id, stage, method, execute_path, headers, query_params, iam_action
            )
        owner, region = get_account_id(), extract_region(headers, query_params)
        arn = execute_api_arn(region, owner, api_id, stage, method, execute_path)
        key = extract_access_key_id(headers, query_params)
        with request_scope(caller, get_region()):
            # The caller's side alone ("execute-api" keeps no resource policy), then both.
            identity = iam.enforce(key, iam_action, "execute-api", region, resource_arn=arn)
            combined = identity or iam.enforce(
                key, iam_action, "apigateway", region, resource_arn=arn
            )
        if combined is None and iam.is_root_access_key(key or ""):
            # MiniStack lets an account's root do anything, its resource checks included; the
            # API's side still has to allow another account's root (Table B).
            combined = root_refusal(caller, iam_action, arn, region)
        if combined is None:
            return None
        if isinstance(combined, iam.AuthError):
            failure = v1.authentication_error_response(
                api_id, stage, combined, headers, query_params
            )
            return failure or app._credential_failure(
                "apigateway", iam_action, "", combined, headers
            )
        reason = (
            denial_reason(str(identity.decision), None)
            if identity is not None
            else denial_reason(None, str(combined.decision))
        )
        message = (
            f"User: {combined.principal_arn} is not authorized to perform: {iam_action} "
            f"on resource: {masked(arn, owner)} {reason}"
        )
        return refusal(api_id, stage, message, headers)

    async def handle_execute_api_request(
        host: str, path: str, method: str, headers: Any, *rest: Any, **kwargs: Any
    ) -> Any:
        parsed = app._parse_execute_api_url(host, path)
        caller = get_account_id()
        owner = owner_account(v1, parsed[0], caller) if parsed else None
        if owner is None:
            return await handle(host, path, method, headers, *rest, **kwargs)
        token = _CALLER_ACCOUNT.set(caller)
        try:
            with request_scope(owner, get_region()):
                return await handle(host, path, method, headers, *rest, **kwargs)
        finally:
            _CALLER_ACCOUNT.reset(token)

    setattr(app, "_handle_execute_api_request", handle_execute_api_request)  # noqa: B010
    setattr(app, "_enforce_execute_api", enforce_cross_account)  # noqa: B010
