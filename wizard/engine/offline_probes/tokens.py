"""The pasted token: scopes against the route's, expiry, Cognito token use (inspect_jwt)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from wizard.analysis.identity_source import identity_value, parse_identity_sources
from wizard.analysis.jwt_inspect import TokenError, inspect_token
from wizard.engine.offline_probes._common import (
    _given,
    _text_param,
)
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

TOKEN_CLAIMS = "token_claims"  # the `analysis` tag of the decoded-token record
MAX_FINDINGS = 8


@REGISTRY.probe(
    "inspect_jwt",
    "Decode the pasted token (no signature check): scopes, expiry, Cognito token use, vs the TTL",
)
def inspect_jwt(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    text = _text_param(params, "token")
    ttl_text = _given(params, "ttl")
    ttl = int(ttl_text) if ttl_text and ttl_text.isdigit() else None
    now = params.get("now")
    try:
        report = inspect_token(
            text, now=now if isinstance(now, int | float) else datetime.now(UTC), ttl=ttl
        )
    except TokenError as exc:
        raise ProbeError(
            ProbeErrorKind.INVALID_INPUT,
            f"the token cannot be decoded: {exc}",
            manual_hint="paste the Authorization header value (a JWT has three dot-separated parts)",
        ) from None
    wanted = params.get("required_scopes")
    if isinstance(wanted, list):  # a route's AuthorizationScopes, read live
        required = [str(s) for s in wanted if s]
    else:
        required = [s for s in re.split(r"[\s,]+", _given(params, "required_scopes") or "") if s]
    scopes = list(report.scopes)
    audience = list(report.audience)
    # The audience a JWT authorizer accepts (its JwtConfiguration.Audience, read live): the
    # token passes when one of its aud values is listed. The union is what the audience fix
    # sets - the authorizer's own list kept, the token's added - so no caller loses access.
    accepted = params.get("accepted_audience")
    accepted_list = [str(a) for a in accepted if a] if isinstance(accepted, list) else []
    expires_in = report.expires_in_seconds
    return {
        "scopes": scopes,
        "required_scopes": required,
        "has_required_scope": bool(set(scopes) & set(required)) if required else None,
        "expired": expires_in < 0 if expires_in is not None else None,
        "expires_in_seconds": expires_in,
        "lifetime_seconds": report.lifetime_seconds,
        "token_use": report.token_use,
        "issuer": report.issuer.url if report.issuer else None,
        "issuer_provider": report.issuer.provider if report.issuer else None,
        "audience": audience,
        "audience_accepted": bool(set(audience) & set(accepted_list)) if accepted_list else None,
        "audience_with_token": accepted_list + [a for a in audience if a not in accepted_list],
        "client_id": report.client_id,
        "alg": report.header.get("alg"),
        "cache_outlives_token": report.cache.outlives if report.cache else None,
        "findings": [f.message for f in report.findings],
        # the decoded token kept whole for the views (the report renders this, never the
        # token again); the signature is never in it
        "claims": {
            "analysis": TOKEN_CLAIMS,
            "header": {k: v for k, v in report.header.items() if k in ("alg", "kid", "typ")},
            "claims": report.claims,
            "findings": [f.message for f in report.findings][:MAX_FINDINGS],
            "expires_in_seconds": expires_in,
            "scopes": scopes,
            "required_scopes": required,
        },
    }


def _known(ctx: ProbeContext, params: Mapping[str, Any], name: str) -> Any:
    """The node's parameter, else the fact, else the session input (the URL, headers, token)."""
    for source in (params, ctx.facts, ctx.inputs):
        value = source.get(name)
        if value is not None and value != "" and not (isinstance(value, str) and "{" in value):
            return value
    return None


@REGISTRY.probe(
    "identity_token",
    "The token a REQUEST authorizer receives: its identity source's value in the request "
    "(a query-string parameter of the URL, a header, or the token given)",
)
def identity_token(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    sources = parse_identity_sources(_given(params, "identity_source", ctx))
    headers, url, token = (_known(ctx, params, n) for n in ("headers", "url", "token"))
    value = identity_value(
        sources,
        url=url if isinstance(url, str) else None,
        headers=headers if isinstance(headers, Mapping) else None,
        token=token if isinstance(token, str) else None,
    )
    return {"token": value, "identity_sources": [f"{s.where}.{s.name}" for s in sources]}
