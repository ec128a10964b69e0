"""What a senior engineer reads from one request's log lines, each tied to catalogue causes."""

from __future__ import annotations

from wizard.analysis.arn import arn_matches
from wizard.analysis.logs.model import RequestSummary, Signal


def _covers(resources: list[str], arn: str | None) -> bool | None:
    if not arn or not resources:
        return None
    # Most authorizers return literal ARNs: compare those directly, glob only the wildcards.
    return any(
        r == arn if "*" not in r and "?" not in r else arn_matches(r, arn) for r in resources
    )


def derive_signals(req: RequestSummary) -> list[Signal]:
    """What a senior engineer reads from one request's lines, each tied to catalogue causes."""
    out: list[Signal] = []
    kinds = req.kinds
    last_authorized = req.prior_authorizer_run
    message = req.error_message or ""
    iam_deny = "iam-deny" in kinds or "not authorized to perform" in message
    if (
        req.policy_denied
        and req.authorizer_invoked is False
        # "User: <arn> is not authorized to perform: execute-api:Invoke" is IAM or the resource
        # policy speaking (checked before any authorizer), not a cached authorizer decision.
        and not iam_deny
        and last_authorized is not None
        and last_authorized.request_id != req.request_id
    ):
        covered = _covers(list(last_authorized.resources), req.method_arn_guess)
        detail = ""
        if last_authorized.resources:
            detail = (
                f" Request {last_authorized.request_id} ran it and got "
                f"{'/'.join(dict.fromkeys(last_authorized.effects)) or 'a policy'} for "
                f"{', '.join(last_authorized.resources)}"
            )
            if covered is False and req.method_arn_guess:
                detail += f", which does not cover {req.method_arn_guess}"
            detail += "."
        lead = (
            f"API Gateway applied a policy for principal {req.principal_id} without running "
            "the authorizer: a cached decision."
            if "authorizer-policy-valid" in kinds
            else "Denied with no authorizer lines while the authorizer ran for an earlier "
            "request: the decision most likely came from the authorizer cache."
        )
        out.append(
            Signal(
                "cache-hit-suspected",
                lead + detail,
                ("authz-cache-scoped-policy", "authz-cache-stale-decision"),
            )
        )
    if "authorizer-result" in kinds:
        if "Deny" in req.policy_effects:
            out.append(
                Signal(
                    "authorizer-deny",
                    "The authorizer returned a policy with an explicit Deny.",
                    ("authz-explicit-deny",),
                )
            )
        elif req.policy_denied:
            covered = _covers(req.policy_resources, req.method_arn)
            null_stage = any("/null/" in r for r in req.policy_resources)
            why = (
                " Its Resource has a `null` stage (copied from a console test)."
                if null_stage
                else f" It does not cover {req.method_arn}."
                if covered is False
                else ""
            )
            out.append(
                Signal(
                    "allow-does-not-cover",
                    "The authorizer returned Allow, yet the request was denied." + why,
                    ("authz-implicit-deny-arn-mismatch", "rp-implicit-deny"),
                )
            )
        if req.policy_problems:
            out.append(
                Signal(
                    "policy-malformed",
                    "The authorizer's result is malformed: " + "; ".join(req.policy_problems) + ".",
                    ("authz-implicit-deny-arn-mismatch", "not-403-lookalikes"),
                )
            )
    if "apikey-not-authorized" in kinds:
        note = next((n.text for n in req.notable if n.kind == "apikey-not-authorized"), "")
        if "Usage Plan" in note:
            out.append(
                Signal(
                    "apikey-not-in-usage-plan",
                    "The API key is valid but no usage plan links it to this API stage.",
                    ("apikey-not-in-usage-plan-stage",),
                )
            )
        else:
            out.append(
                Signal(
                    "apikey-refused",
                    "The API key was refused (missing, wrong, or disabled).",
                    ("apikey-missing-or-invalid",),
                )
            )
    elif req.response_type == "INVALID_API_KEY":
        out.append(
            Signal(
                "apikey-refused",
                "API Gateway answered INVALID_API_KEY.",
                ("apikey-missing-or-invalid", "apikey-not-in-usage-plan-stage"),
            )
        )
    if "explicit-deny" in kinds or (iam_deny and "explicit deny" in message):
        out.append(
            Signal(
                "explicit-deny",
                "An explicit Deny matched (resource policy, IAM policy or authorizer policy).",
                ("rp-explicit-deny", "iam-explicit-deny", "authz-explicit-deny"),
            )
        )
    elif iam_deny:
        out.append(
            Signal(
                "not-allowed",
                "Nothing allowed execute-api:Invoke for this caller (implicit deny).",
                ("rp-implicit-deny", "iam-no-invoke-permission", "rp-cross-account-iam"),
            )
        )
    if "unauthorized" in kinds:
        out.append(
            Signal(
                "unauthorized-401",
                "The authorizer rejected the caller: that is 401 Unauthorized, not 403.",
                ("not-403-lookalikes",),
            )
        )
    if "authorizer-config-error" in kinds:
        out.append(
            Signal(
                "authorizer-error",
                "The authorizer failed or returned an unusable result: API Gateway answers 500.",
                ("not-403-lookalikes",),
            )
        )
    if "execution-failed" in kinds and "authorizer-config-error" not in kinds:
        reason = next((n.text for n in req.notable if n.kind == "execution-failed"), "")
        out.append(
            Signal(
                "integration-error",
                "API Gateway could not complete the call to the integration"
                + (f" ({reason.split(':', 1)[-1].strip()})" if ":" in reason else "")
                + ": that is a 5xx, not a 403.",
                ("not-403-lookalikes",),
            )
        )
    if "mtls-denied" in kinds:
        out.append(
            Signal(
                "mtls-denied",
                "The client certificate was refused during mutual TLS.",
                ("mtls-cert-rejected",),
            )
        )
    if "waf-blocked" in kinds:
        out.append(Signal("waf-blocked", "AWS WAF blocked the request.", ("waf-block",)))
    out.extend(_response_type_signals(req))
    if req.response_type == "MISSING_AUTHENTICATION_TOKEN":
        out.append(
            Signal(
                "route-not-found",
                "MISSING_AUTHENTICATION_TOKEN: no deployed route matched, or an AWS_IAM method "
                "was called unsigned.",
                ("mat-route-not-found", "mat-not-deployed", "mat-iam-unsigned"),
            )
        )
    if req.status == 403 and req.integration_status == 403 and not req.response_type:
        out.append(
            Signal(
                "integration-403",
                "The backend itself answered 403 and API Gateway passed it through.",
                ("integration-returned-403",),
            )
        )
    if req.response_type == "ACCESS_DENIED" and not out:
        out.append(
            Signal(
                "access-denied",
                "ACCESS_DENIED with nothing in these lines to say who refused: a Lambda or "
                "Cognito authorizer, the resource policy or IAM. This request's execution-log "
                "lines (Starting authorizer, Authorizer result body) tell which.",
            )
        )
    return out


# Gateway response types whose cause the type alone narrows down (catalogue §0.1 and C).
_TYPE_SIGNALS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "EXPIRED_TOKEN": (
        "signature-expired",
        "EXPIRED_TOKEN: the SigV4 signature or the temporary credentials had expired "
        "(clock skew, a replayed request, or an old session token).",
        ("sigv4-signature-expired", "sigv4-invalid-security-token"),
    ),
    "INVALID_SIGNATURE": (
        "signature-invalid",
        "INVALID_SIGNATURE: API Gateway computed a different SigV4 signature (host, path "
        "encoding, headers, region or service in the scope), or the header is not SigV4.",
        ("sigv4-signature-mismatch", "sigv4-incomplete-signature"),
    ),
}


def _response_type_signals(req: RequestSummary) -> list[Signal]:
    out: list[Signal] = []
    typed = _TYPE_SIGNALS.get(req.response_type or "")
    if typed:
        out.append(Signal(*typed))
    record = req.access_log or {}
    auth_error = str(record.get("authorizer_error") or "")
    if auth_error:
        if "scope" in auth_error.lower() and req.status == 403:
            out.append(
                Signal(
                    "jwt-insufficient-scope",
                    f"The JWT authorizer says: {auth_error!r}: the token lacks a scope the route "
                    "requires (send the access token, or change the route's scopes).",
                    ("httpapi-jwt-insufficient-scope",),
                )
            )
        elif req.status == 401:
            out.append(
                Signal(
                    "authorizer-401",
                    f"The authorizer rejected the token ({auth_error!r}): that is a 401, not a 403.",
                    ("not-403-lookalikes",),
                )
            )
    return out
