"""The weights of the error classifier: which evidence points at which cause, and how hard.

Three layers, following the catalogue's triage order (§0.4, Appendix A):
1. FAMILIES - the response itself (x-amzn-ErrorType, the message, status, origin). A family is a
   hard gate: causes that can never produce that response are pushed far down.
2. EVIDENCE - log lines, access-log fields, headers, URL shape, structured facts.
3. SYMPTOMS - what the engineer describes; these reorder causes inside the family.
Weights are log-odds-like: +1 mild hint, +3 strong, +6 decisive. Data only, no logic beyond
matching; classify.py applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Causes a family gate never pushes down: they can disguise any response.
ALWAYS_POSSIBLE = frozenset({"gateway-response-override", "not-apigw-origin"})
GATE_PENALTY = -4.0


@dataclass(frozen=True)
class Family:
    name: str
    pattern: re.Pattern[str] | None  # searched in the whole paste (reports quote bodies inline)
    error_types: frozenset[str]
    boosts: dict[str, float]
    reason: str
    gate: bool = True  # when matched, causes outside `boosts` are penalised


def _f(
    name: str,
    pattern: str | None,
    error_types: tuple[str, ...],
    boosts: dict[str, float],
    reason: str,
    gate: bool = True,
) -> Family:
    return Family(
        name,
        re.compile(pattern, re.IGNORECASE) if pattern else None,
        frozenset(error_types),
        boosts,
        reason,
        gate,
    )


_AUTHZ_FAMILY = {
    "authz-implicit-deny-arn-mismatch": 3.0,
    "authz-cache-scoped-policy": 3.0,
    "authz-explicit-deny": 2.6,
    "authz-cache-stale-decision": 2.7,
    "httpapi-lambda-authorizer-deny": 1.0,
    "ws-connect-denied": 0.8,
    "rp-not-redeployed": 0.8,
    "not-apigw-origin": 0.3,
}
_FORBIDDEN_FAMILY = {
    "apikey-missing-or-invalid": 3.0,
    "apikey-not-in-usage-plan-stage": 2.8,
    "stage-not-found": 2.8,
    "waf-block": 2.5,
    "vpce-private-dns-public-api": 2.6,
    "private-api-access-path": 2.4,
    "custom-domain-mapping": 2.3,
    "default-endpoint-disabled": 2.2,
    "mtls-cert-rejected": 2.0,
    "httpapi-jwt-insufficient-scope": 2.0,
    "httpapi-lambda-authorizer-deny": 2.0,
    "ws-mgmt-wrong-endpoint": 1.6,
    "ws-connect-denied": 0.6,
    "host-header-mismatch": 2.0,
    "cloudfront-edge-rejection": 0.3,
    "integration-returned-403": 0.0,
    "cache-invalidation-unauthorized": 0.5,
    "not-403-lookalikes": 0.0,
}
_MAT_FAMILY = {
    "mat-route-not-found": 5.0,
    "mat-not-deployed": 3.6,
    "mat-iam-unsigned": 3.5,
    "custom-domain-mapping": 3.2,
    "sigv4-incomplete-signature": 1.0,
    "stage-not-found": 1.0,
    "ws-mgmt-wrong-endpoint": 0.8,
    "default-endpoint-disabled": 0.3,
}

FAMILIES: tuple[Family, ...] = (
    _f(
        "security-token-invalid",
        r"security token included in the request is invalid|UnrecognizedClientException|"
        r"The security token included in the request is expired|InvalidClientTokenId",
        ("UnrecognizedClientException",),
        {"sigv4-invalid-security-token": 7.0},
        'the message "The security token included in the request is invalid" means the access key or session token was not recognised',
    ),
    _f(
        "signature-expired",
        r"Signature expired|Signature not yet current|is now earlier than .{0,60}- 5 min",
        (),
        {"sigv4-signature-expired": 7.0},
        'the message "Signature expired" means the signing time is more than 5 minutes from AWS\'s clock',
    ),
    _f(
        "signature-mismatch",
        r"signature we calculated does not match|Credential should be scoped|"
        r"Canonical String for this request should have been|String-to-Sign should have been",
        (),
        {
            "sigv4-signature-mismatch": 6.5,
            "host-header-mismatch": 1.0,
            "ws-mgmt-wrong-endpoint": 0.8,
            "custom-domain-mapping": 0.3,
        },
        'the message "The request signature we calculated does not match" means the signed request differs from the one received',
    ),
    _f(
        "incomplete-signature",
        r"Authorization header requires '?(?:Credential|Signature|SignedHeaders)|"
        r"not a valid key=value pair \(missing equal-sign\) in Authorization header|"
        r"Authorization header requires existence of either",
        ("IncompleteSignatureException",),
        {
            "mat-route-not-found": 4.0,
            "sigv4-incomplete-signature": 3.8,
            "mat-not-deployed": 2.0,
            "vpce-endpoint-policy": 2.3,
            "custom-domain-mapping": 0.5,
            "mat-iam-unsigned": 0.5,
            "stage-not-found": 0.3,
        },
        "IncompleteSignatureException: API Gateway tried to read a non-SigV4 Authorization header as a signature - most often because no route matched",
    ),
    _f(
        "missing-authentication-token",
        r"Missing Authentication Token",
        ("MissingAuthenticationTokenException",),
        _MAT_FAMILY,
        '"Missing Authentication Token" is what API Gateway answers when no route matches (or an AWS_IAM route is called unsigned)',
    ),
    _f(
        "manage-connections-denied",
        r"not authori[sz]ed to perform:?\s*execute-api:ManageConnections",
        (),
        {"ws-mgmt-no-permission": 7.0, "ws-mgmt-wrong-endpoint": 1.5},
        "the caller is denied execute-api:ManageConnections, the permission for the @connections API",
    ),
    _f(
        "anonymous-denied",
        r"User:\s*an+on\w*m\w*s\s+is not authori[sz]ed to perform",
        (),
        {
            "rp-implicit-deny": 3.0,
            "rp-explicit-deny": 3.0,
            "rp-not-redeployed": 1.5,
            "vpce-endpoint-policy": 1.2,
            "private-api-access-path": 0.8,
            "rp-cross-account-iam": 0.3,
        },
        '"User: anonymous is not authorized to perform: execute-api:Invoke" comes from a resource policy (or VPC endpoint policy) evaluation of an unsigned caller',
    ),
    _f(
        "identity-denied",
        r"User:\s*arn:aws[\w-]*:(?:iam|sts)::\S+\s+is not authori[sz]ed to perform",
        (),
        {
            "iam-no-invoke-permission": 3.2,
            "iam-explicit-deny": 1.8,
            "rp-cross-account-iam": 1.8,
            "rp-explicit-deny": 1.4,
            "rp-implicit-deny": 0.8,
            "rp-not-redeployed": 0.8,
            "vpce-endpoint-policy": 0.8,
            "ws-mgmt-wrong-endpoint": 0.8,
            "ws-mgmt-no-permission": 0.5,
        },
        '"User: arn:... is not authorized to perform: execute-api:Invoke" means a signed (IAM) caller was denied by IAM or the resource policy',
    ),
    _f(
        "perform-denied",
        r"(?:assumed-role|role|user|caller|principal)\b[^.\n]{0,80}?\bnot authori[sz]ed to perform:?\s*execute-api:Invoke",
        (),
        {
            "iam-no-invoke-permission": 2.6,
            "iam-explicit-deny": 1.2,
            "rp-cross-account-iam": 1.5,
            "rp-explicit-deny": 1.0,
            "rp-implicit-deny": 0.8,
            "rp-not-redeployed": 0.8,
            "vpce-endpoint-policy": 0.6,
            "ws-mgmt-wrong-endpoint": 0.5,
        },
        "a signed caller (role/user) is denied execute-api:Invoke: IAM or the resource policy",
    ),
    _f(
        "explicit-deny",
        r"\bwith an explicit deny\b",
        (),
        {
            "rp-explicit-deny": 2.5,
            "iam-explicit-deny": 1.5,
            "authz-explicit-deny": 1.5,
            "authz-cache-stale-decision": 0.5,
            "rp-not-redeployed": 0.8,
            "vpce-endpoint-policy": 0.5,
        },
        '"with an explicit deny": a Deny statement (resource policy, IAM or the authorizer\'s policy) matched',
    ),
    _f(
        "authorizer-denied",
        r"User is not authori[sz]ed to access this resource",
        (),
        _AUTHZ_FAMILY,
        '"User is not authorized to access this resource" is the Lambda authorizer denial message (its policy did not allow this method)',
    ),
    _f(
        "invalid-api-key-text",
        r"Invalid API Key identifier specified",
        (),
        {"apikey-missing-or-invalid": 5.0, "apikey-not-in-usage-plan-stage": 3.0},
        '"Invalid API Key identifier specified" is the (older) invalid API key answer',
    ),
    _f(
        "websocket-handshake-403",
        r"Unexpected server response:?\s*403|WebSocket connection to .{0,120} failed|handshake.{0,40}403|rejected WebSocket connection:?\s*HTTP 403",
        (),
        {"ws-connect-denied": 6.0, "custom-domain-mapping": 0.5, "stage-not-found": 0.5},
        "the WebSocket upgrade ($connect) itself was answered with 403",
    ),
    _f(
        "no-method-found",
        r"No method found matching route",
        (),
        {"ws-mgmt-wrong-endpoint": 6.0, "mat-route-not-found": 1.0},
        '"No method found matching route" shows the management call went to a URL with the wrong path (stage or @connections)',
    ),
    _f(
        "cloudfront-error-page",
        r"The request could not be satisfied|Generated by cloudfront",
        (),
        {"cloudfront-edge-rejection": 5.0, "host-header-mismatch": 3.0, "waf-block": 0.8},
        'the HTML page "403 ERROR The request could not be satisfied" is generated by CloudFront, not API Gateway',
    ),
    _f(
        "access-denied-generic",
        None,
        ("AccessDeniedException",),
        {
            "authz-implicit-deny-arn-mismatch": 1.5,
            "authz-cache-scoped-policy": 1.5,
            "authz-explicit-deny": 1.3,
            "authz-cache-stale-decision": 1.0,
            "rp-implicit-deny": 1.5,
            "rp-explicit-deny": 1.5,
            "iam-no-invoke-permission": 1.5,
            "iam-explicit-deny": 0.8,
            "rp-cross-account-iam": 0.8,
            "rp-not-redeployed": 0.8,
            "vpce-endpoint-policy": 1.0,
            "sigv4-invalid-security-token": 0.8,
            "ws-mgmt-no-permission": 1.2,
            "ws-mgmt-wrong-endpoint": 0.5,
            "ws-connect-denied": 0.0,
        },
        "x-amzn-ErrorType AccessDeniedException: an authorizer, IAM or resource-policy decision",
    ),
    _f(
        "forbidden",
        r"[\"']?message[\"']?\s*[:=]\s*[\"']Forbidden[\"']|ForbiddenException",
        ("ForbiddenException",),
        _FORBIDDEN_FAMILY,
        'a bare {"message":"Forbidden"} (ForbiddenException) is answered before any authorizer decision: API key, stage, WAF, network path, domain or HTTP API authorizer',
    ),
    _f(
        "invalid-signature-generic",
        None,
        ("InvalidSignatureException",),
        {
            "sigv4-signature-mismatch": 3.0,
            "sigv4-signature-expired": 2.5,
            "vpce-endpoint-policy": 1.0,
        },
        "x-amzn-ErrorType InvalidSignatureException: the SigV4 signature was rejected",
    ),
    _f(
        "unauthorized-401",
        r"[\"']?message[\"']?\s*[:=]\s*[\"']Unauthorized[\"']|UnauthorizedException",
        ("UnauthorizedException",),
        {"not-403-lookalikes": 5.0, "httpapi-jwt-insufficient-scope": 0.5},
        'an {"message":"Unauthorized"} answer is a 401 (token missing or rejected), not a 403',
    ),
    _f(
        "throttled-429",
        r"TooManyRequestsException|LimitExceededException|Too Many Requests|Rate exceeded|Limit Exceeded",
        ("TooManyRequestsException", "LimitExceededException"),
        {"not-403-lookalikes": 5.0, "waf-block": 0.5},
        "throttling answers 429 Too Many Requests, not 403",
    ),
    _f(
        "authorizer-configuration-error",
        r"AuthorizerConfigurationException|Execution failed due to configuration error|AUTHORIZER_CONFIGURATION_ERROR",
        ("AuthorizerConfigurationException",),
        {"not-403-lookalikes": 5.0},
        "an authorizer configuration error is a 500, not a 403",
    ),
)

# Which families describe an answer that API Gateway itself produced.
APIGW_FAMILIES = frozenset(f.name for f in FAMILIES if f.name not in ("cloudfront-error-page",))


@dataclass(frozen=True)
class SymptomRule:
    concept: str
    boosts: dict[str, float]
    reason: str


SYMPTOM_RULES: tuple[SymptomRule, ...] = (
    SymptomRule(
        "first_call_works_then_fails",
        {
            "authz-cache-scoped-policy": 3.5,
            "httpapi-lambda-authorizer-deny": 1.2,
            "authz-cache-stale-decision": 0.8,
            "waf-block": 0.3,
        },
        "the first call works and later calls fail: the signature of a cached authorizer policy",
    ),
    SymptomRule(
        "other_routes_fail",
        {"authz-cache-scoped-policy": 1.2, "httpapi-lambda-authorizer-deny": 0.4},
        "other routes with the same token are involved",
    ),
    SymptomRule(
        "authorizer_not_invoked",
        {
            "authz-cache-scoped-policy": 1.2,
            "authz-cache-stale-decision": 0.8,
            "rp-explicit-deny": 1.5,
            "waf-block": 1.0,
            "mat-route-not-found": 0.5,
            "stage-not-found": 0.5,
            "custom-domain-mapping": 0.8,
            "authz-explicit-deny": -2.0,
            "authz-implicit-deny-arn-mismatch": -2.0,
            "integration-returned-403": -3.0,
        },
        "the authorizer is not invoked for the failing calls: the request was decided before (or from cache)",
    ),
    SymptomRule(
        "authorizer_invoked",
        {
            "authz-explicit-deny": 0.8,
            "authz-implicit-deny-arn-mismatch": 0.8,
            "apikey-not-in-usage-plan-stage": 0.3,
            "apikey-missing-or-invalid": 0.3,
        },
        "the authorizer runs for the failing request",
    ),
    SymptomRule(
        "authorizer_allows",
        {
            "authz-implicit-deny-arn-mismatch": 2.0,
            "authz-cache-scoped-policy": 1.0,
            "apikey-not-in-usage-plan-stage": 0.6,
            "apikey-missing-or-invalid": 0.4,
            "rp-implicit-deny": 0.5,
            "authz-explicit-deny": -1.5,
        },
        "the authorizer returns Allow, yet the request is denied: the Allow does not cover this method",
    ),
    SymptomRule(
        "authorizer_denies",
        {
            "authz-explicit-deny": 3.0,
            "authz-cache-stale-decision": 0.6,
            "httpapi-lambda-authorizer-deny": 0.8,
        },
        "the authorizer returns a Deny",
    ),
    SymptomRule(
        "expired_token_deny",
        {"authz-explicit-deny": 1.5, "authz-cache-stale-decision": 1.5},
        "Deny is returned for expired/invalid tokens (should be 401 Unauthorized)",
    ),
    SymptomRule(
        "token_refresh",
        {"authz-cache-stale-decision": 1.8, "authz-explicit-deny": 0.6, "not-403-lookalikes": 0.3},
        "token expiry or refresh is involved",
    ),
    SymptomRule(
        "persists_after_fix",
        {"authz-cache-stale-decision": 2.0, "rp-not-redeployed": 0.8},
        "the error persists for a while after the fix, for existing sessions only: a stale cached decision",
    ),
    SymptomRule(
        "no_api_logs",
        {
            "stage-not-found": 1.5,
            "vpce-private-dns-public-api": 1.2,
            "private-api-access-path": 1.0,
            "custom-domain-mapping": 0.8,
            "default-endpoint-disabled": 0.8,
            "waf-block": 0.4,
            "mat-route-not-found": 0.4,
            "apikey-missing-or-invalid": -1.0,
            "apikey-not-in-usage-plan-stage": -1.0,
            "integration-returned-403": -2.0,
        },
        "nothing reaches the API's logs: the request failed before a stage handled it",
    ),
    SymptomRule(
        "different_users",
        {"authz-cache-stale-decision": 1.6, "authz-cache-scoped-policy": 0.5},
        "different users/tenants see each other's decisions",
    ),
    SymptomRule(
        "caching_mentioned",
        {
            "authz-cache-scoped-policy": 1.0,
            "authz-cache-stale-decision": 1.0,
            "httpapi-lambda-authorizer-deny": 0.3,
        },
        "authorizer caching / TTL is in play",
    ),
    SymptomRule(
        "cache_flush_helps",
        {
            "authz-cache-scoped-policy": 1.8,
            "authz-cache-stale-decision": 1.8,
            "httpapi-lambda-authorizer-deny": 0.6,
        },
        "flushing the cache, disabling it or waiting makes it work: a cached decision",
    ),
    SymptomRule(
        "fails_for_minutes",
        {"authz-cache-scoped-policy": 1.0, "authz-cache-stale-decision": 1.0, "waf-block": 0.3},
        "the failure lasts a few minutes, then clears: a cache TTL at work",
    ),
    SymptomRule(
        "policy_scoped_to_method_arn",
        {"authz-cache-scoped-policy": 1.5, "authz-implicit-deny-arn-mismatch": 0.5},
        "the authorizer's policy is scoped to event.methodArn (only the method of the first call)",
    ),
    SymptomRule(
        "identity_source",
        {"authz-cache-stale-decision": 2.0, "authz-cache-scoped-policy": 0.5},
        "the authorizer's identity sources / cache key are involved",
    ),
    SymptomRule(
        "arn_construction",
        {"authz-implicit-deny-arn-mismatch": 1.5, "authz-cache-scoped-policy": 0.4},
        "the method ARN / Resource in the returned policy is involved",
    ),
    SymptomRule(
        "wildcard_resource",
        {"authz-cache-scoped-policy": 0.4, "authz-implicit-deny-arn-mismatch": 0.4},
        "wildcards in the policy Resource are discussed",
    ),
    SymptomRule(
        "changed_no_effect",
        {"rp-not-redeployed": 3.5, "mat-not-deployed": 1.8, "authz-cache-stale-decision": 0.4},
        "a saved change has no effect (or a manual redeploy fixed it): the stage runs an old deployment",
    ),
    SymptomRule(
        "console_shows_change",
        {"rp-not-redeployed": 2.0, "mat-not-deployed": 1.0},
        "the console shows the change, the stage does not apply it: not deployed",
    ),
    SymptomRule(
        "iac_tool",
        {"rp-not-redeployed": 0.7, "mat-not-deployed": 0.7},
        "deployed with an infrastructure-as-code tool",
    ),
    SymptomRule(
        "after_deploy",
        {
            "mat-not-deployed": 0.5,
            "rp-not-redeployed": 0.4,
            "default-endpoint-disabled": 0.4,
            "apikey-not-in-usage-plan-stage": 0.4,
        },
        "it started after a deployment",
    ),
    SymptomRule(
        "route_added",
        {"mat-not-deployed": 2.5, "mat-route-not-found": 0.5},
        "a new route/method was added",
    ),
    SymptomRule(
        "route_exists",
        {"mat-route-not-found": -2.0, "sigv4-incomplete-signature": 1.2, "mat-iam-unsigned": 0.5},
        "the route is said to exist",
    ),
    SymptomRule(
        "gateway_response_status_changed",
        {"gateway-response-override": 3.0},
        "a gateway response's status code was changed",
    ),
    SymptomRule(
        "console_test_works",
        {
            "mat-not-deployed": 1.5,
            "rp-not-redeployed": 0.8,
            "stage-not-found": 0.5,
            "apikey-missing-or-invalid": 0.5,
            "authz-implicit-deny-arn-mismatch": 0.4,
            "rp-implicit-deny": 0.4,
            "rp-explicit-deny": 0.3,
        },
        "the console Test works but the real URL does not (the test skips the front door)",
    ),
    SymptomRule(
        "resource_policy",
        {
            "rp-explicit-deny": 1.5,
            "rp-implicit-deny": 1.5,
            "rp-not-redeployed": 0.8,
            "rp-cross-account-iam": 0.5,
        },
        "a resource policy is involved",
    ),
    SymptomRule(
        "rp_allows",
        {"rp-explicit-deny": -1.0, "rp-implicit-deny": -1.2},
        "the resource policy is said to allow the caller",
    ),
    SymptomRule(
        "rp_removed",
        {"rp-explicit-deny": -1.5},
        "the resource policy was removed (a missing policy denies cross-account and private-API callers)",
    ),
    SymptomRule(
        "added_resource_policy",
        {"rp-implicit-deny": 1.6, "rp-explicit-deny": 1.0},
        "it started when a resource policy was added",
    ),
    SymptomRule(
        "ip_allowlist",
        {"rp-explicit-deny": 2.0, "rp-implicit-deny": 1.8},
        "an IP allow-list / source IP condition is involved",
    ),
    SymptomRule(
        "explicit_deny_statement",
        {"rp-explicit-deny": 1.5, "authz-explicit-deny": 0.3},
        "a Deny statement (NotIpAddress / StringNotEquals ...) is involved",
    ),
    SymptomRule(
        "only_from_vpc",
        {
            "vpce-private-dns-public-api": 2.0,
            "private-api-access-path": 1.0,
            "vpce-endpoint-policy": 1.0,
            "rp-explicit-deny": 0.5,
            "rp-implicit-deny": 0.5,
        },
        "the failing caller runs inside a VPC",
    ),
    SymptomRule(
        "works_outside",
        {"vpce-private-dns-public-api": 1.5, "rp-explicit-deny": 0.3, "rp-implicit-deny": 0.3},
        "the same call works from outside (a laptop, the internet)",
    ),
    SymptomRule(
        "private_api",
        {
            "private-api-access-path": 2.5,
            "rp-implicit-deny": 2.0,
            "vpce-endpoint-policy": 1.2,
            "vpce-private-dns-public-api": -1.5,
        },
        "the API is private (reachable only through an execute-api VPC endpoint)",
    ),
    SymptomRule(
        "public_api",
        {"vpce-private-dns-public-api": 0.8, "private-api-access-path": -1.0},
        "the API is public (regional/edge)",
    ),
    SymptomRule(
        "vpc_endpoint",
        {
            "vpce-private-dns-public-api": 1.2,
            "private-api-access-path": 1.0,
            "vpce-endpoint-policy": 1.0,
            "rp-implicit-deny": 0.4,
        },
        "an execute-api VPC endpoint is involved",
    ),
    SymptomRule(
        "private_dns",
        {"vpce-private-dns-public-api": 3.0, "private-api-access-path": -0.5},
        "private DNS of an execute-api endpoint is involved",
    ),
    SymptomRule("vpce_policy", {"vpce-endpoint-policy": 4.0}, "a VPC endpoint policy is involved"),
    SymptomRule(
        "execute_api_url_works",
        {
            "custom-domain-mapping": 2.0,
            "host-header-mismatch": 1.2,
            "mtls-cert-rejected": 0.5,
            "default-endpoint-disabled": -1.5,
            "stage-not-found": -1.0,
        },
        "the execute-api URL itself works: the problem is in front of it (domain mapping, proxy, certificate)",
    ),
    SymptomRule(
        "on_prem",
        {"private-api-access-path": 2.5},
        "the caller is on premises / over Direct Connect",
    ),
    SymptomRule(
        "apigw_api_id_header",
        {"private-api-access-path": 2.0},
        "the x-apigw-api-id header is involved",
    ),
    SymptomRule(
        "cross_account", {"rp-cross-account-iam": 4.0}, "the caller is in another AWS account"
    ),
    SymptomRule(
        "iam_auth",
        {
            "iam-no-invoke-permission": 1.5,
            "mat-iam-unsigned": 1.5,
            "sigv4-incomplete-signature": 1.2,
            "iam-explicit-deny": 0.5,
            "sigv4-signature-mismatch": 0.5,
            "sigv4-invalid-security-token": 0.5,
            "rp-cross-account-iam": 0.5,
        },
        "the method uses IAM (SigV4) authorization",
    ),
    SymptomRule("unsigned", {"mat-iam-unsigned": 3.0}, "the request is not signed"),
    SymptomRule(
        "scp_boundary", {"iam-explicit-deny": 4.0}, "an SCP / permissions boundary is involved"
    ),
    SymptomRule(
        "iam_policy_talk",
        {"iam-no-invoke-permission": 1.0, "iam-explicit-deny": 0.4},
        "IAM policies of the caller are discussed",
    ),
    SymptomRule(
        "credentials_issue",
        {"sigv4-invalid-security-token": 2.0},
        "the credentials / session token are involved",
    ),
    SymptomRule(
        "clock_skew", {"sigv4-signature-expired": 4.0}, "the client clock / time is involved"
    ),
    SymptomRule(
        "replayed_signature",
        {"sigv4-signature-expired": 2.0},
        "signed requests are stored or retried later",
    ),
    SymptomRule(
        "signing_details",
        {"sigv4-signature-mismatch": 3.0},
        "canonical request / encoding / signing scope details",
    ),
    SymptomRule(
        "jwt_or_cognito",
        {
            "httpapi-jwt-insufficient-scope": 0.4,
            "not-403-lookalikes": 0.3,
            "sigv4-incomplete-signature": 0.4,
        },
        "JWT / Cognito tokens are used",
    ),
    SymptomRule(
        "scopes",
        {"httpapi-jwt-insufficient-scope": 3.0, "not-403-lookalikes": 0.3},
        "token scopes are involved",
    ),
    SymptomRule(
        "id_token",
        {"httpapi-jwt-insufficient-scope": 1.5, "not-403-lookalikes": 0.3},
        "an ID token is used",
    ),
    SymptomRule(
        "lambda_authorizer",
        {
            "authz-cache-scoped-policy": 0.5,
            "authz-implicit-deny-arn-mismatch": 0.5,
            "authz-explicit-deny": 0.5,
            "authz-cache-stale-decision": 0.3,
            "httpapi-lambda-authorizer-deny": 0.5,
        },
        "a Lambda authorizer is involved",
    ),
    SymptomRule(
        "simple_response",
        {"httpapi-lambda-authorizer-deny": 3.5},
        "an HTTP API simple-response authorizer (isAuthorized) is involved",
    ),
    SymptomRule(
        "websocket",
        {"ws-connect-denied": 2.5, "ws-mgmt-wrong-endpoint": 1.0, "ws-mgmt-no-permission": 0.8},
        "a WebSocket API is involved",
    ),
    SymptomRule(
        "ws_connections",
        {"ws-mgmt-wrong-endpoint": 3.0, "ws-mgmt-no-permission": 2.2, "ws-connect-denied": -1.5},
        "the @connections management API (PostToConnection) is called",
    ),
    SymptomRule(
        "manage_connections",
        {"ws-mgmt-no-permission": 4.0},
        "execute-api:ManageConnections is involved",
    ),
    SymptomRule(
        "has_manage_connections",
        {"ws-mgmt-no-permission": -2.5, "ws-mgmt-wrong-endpoint": 1.0},
        "the role already has execute-api:ManageConnections: look at the URL",
    ),
    SymptomRule(
        "private_dns_off",
        {"vpce-private-dns-public-api": -3.0, "private-api-access-path": 1.0},
        "private DNS is off on the endpoint: public API names are not captured",
    ),
    SymptomRule(
        "stages_listed",
        {"stage-not-found": 2.0},
        "the stage list was checked against the URL",
    ),
    SymptomRule(
        "usage_plans_empty",
        {"apikey-not-in-usage-plan-stage": 3.5},
        "the key is in no usage plan",
    ),
    SymptomRule(
        "key_in_plan_for_stage",
        {"apikey-not-in-usage-plan-stage": -2.5, "apikey-missing-or-invalid": 1.0},
        "the key is in a usage plan for this stage",
    ),
    SymptomRule(
        "export_missing_route",
        {"mat-not-deployed": 3.0},
        "the route is in the API but not in the stage's export: not deployed",
    ),
    SymptomRule(
        "route_absent_everywhere",
        {"mat-route-not-found": 2.0, "mat-not-deployed": -1.5},
        "neither the API nor the stage has the route",
    ),
    SymptomRule(
        "wrong_path",
        {"mat-route-not-found": 2.5, "custom-domain-mapping": 0.3},
        "the path / method itself is in doubt",
    ),
    SymptomRule(
        "stage_missing", {"stage-not-found": 4.0}, "the stage segment of the URL is in doubt"
    ),
    SymptomRule(
        "custom_domain",
        {
            "custom-domain-mapping": 2.5,
            "default-endpoint-disabled": 0.7,
            "mtls-cert-rejected": 0.4,
            "host-header-mismatch": 0.3,
        },
        "a custom domain name is involved",
    ),
    SymptomRule(
        "mapping_wrong_target",
        {"custom-domain-mapping": 3.5},
        "the domain's mapping points at another stage or API",
    ),
    SymptomRule(
        "mtls", {"mtls-cert-rejected": 5.0}, "mutual TLS / client certificates are involved"
    ),
    SymptomRule(
        "api_key",
        {"apikey-missing-or-invalid": 2.0, "apikey-not-in-usage-plan-stage": 2.0},
        "API keys / usage plans are involved",
    ),
    SymptomRule("usage_plan", {"apikey-not-in-usage-plan-stage": 1.8}, "a usage plan is involved"),
    SymptomRule(
        "key_looks_valid",
        {"apikey-not-in-usage-plan-stage": 1.5, "apikey-missing-or-invalid": -0.5},
        "the API key itself looks right",
    ),
    SymptomRule(
        "key_missing",
        {"apikey-missing-or-invalid": 2.5},
        "the API key is missing, wrong or sent the wrong way",
    ),
    SymptomRule(
        "new_stage",
        {"apikey-not-in-usage-plan-stage": 1.2, "stage-not-found": 0.8},
        "a new or renamed stage is involved",
    ),
    SymptomRule("waf", {"waf-block": 4.0}, "AWS WAF / a firewall is involved"),
    SymptomRule("waf_clear", {"waf-block": -4.0}, "the web ACL shows no blocks (or there is none)"),
    SymptomRule(
        "payload_specific",
        {"waf-block": 2.5, "cloudfront-edge-rejection": 0.3},
        "only some payloads (large or special content) fail",
    ),
    SymptomRule(
        "cloudfront",
        {"cloudfront-edge-rejection": 1.5, "host-header-mismatch": 1.5},
        "CloudFront is in front of the API",
    ),
    SymptomRule(
        "host_header",
        {"host-header-mismatch": 3.0},
        "a proxy forwarding the Host header is involved",
    ),
    SymptomRule(
        "get_with_body", {"cloudfront-edge-rejection": 4.0}, "a GET request carries a body"
    ),
    SymptomRule(
        "disabled_endpoint",
        {"default-endpoint-disabled": 5.0},
        "the default execute-api endpoint is disabled",
    ),
    SymptomRule(
        "lambda_returns_403", {"integration-returned-403": 4.0}, "the backend itself returns 403"
    ),
    SymptomRule(
        "emulator",
        {"not-apigw-origin": 4.0},
        "a local emulator (serverless-offline, LocalStack, SAM local) answers",
    ),
    SymptomRule(
        "gateway_responses",
        {"gateway-response-override": 3.5},
        "customised gateway responses are involved",
    ),
    SymptomRule(
        "cors",
        {"mat-iam-unsigned": 1.5, "not-403-lookalikes": 1.0, "gateway-response-override": 0.8},
        "CORS / the browser preflight is involved",
    ),
    SymptomRule(
        "browser_only",
        {"mat-iam-unsigned": 1.0, "not-403-lookalikes": 0.8, "gateway-response-override": 0.3},
        "it works from a tool but not from the browser",
    ),
    SymptomRule(
        "cache_control",
        {"cache-invalidation-unauthorized": 4.5},
        "Cache-Control / stage caching is involved",
    ),
    SymptomRule("throttled", {"not-403-lookalikes": 2.0}, "throttling (429) is involved"),
    SymptomRule(
        "intermittent",
        {
            "authz-cache-scoped-policy": 1.0,
            "authz-cache-stale-decision": 1.0,
            "waf-block": 0.8,
            "httpapi-lambda-authorizer-deny": 0.5,
            "sigv4-signature-expired": 0.3,
        },
        "it fails intermittently",
    ),
)

# Causes that exist only on REST APIs (HTTP APIs have no resource policies, API keys, WAF,
# REST Lambda-authorizer policies or execution logs) and only on HTTP APIs.
REST_ONLY = frozenset(
    {
        "authz-explicit-deny",
        "authz-implicit-deny-arn-mismatch",
        "authz-cache-stale-decision",
        "rp-explicit-deny",
        "rp-implicit-deny",
        "rp-cross-account-iam",
        "rp-not-redeployed",
        "apikey-missing-or-invalid",
        "apikey-not-in-usage-plan-stage",
        "waf-block",
        "private-api-access-path",
        "cache-invalidation-unauthorized",
        "mat-not-deployed",
        "gateway-response-override",
    }
)
HTTP_ONLY = frozenset({"httpapi-jwt-insufficient-scope", "httpapi-lambda-authorizer-deny"})
WEBSOCKET_ONLY = frozenset({"ws-connect-denied", "ws-mgmt-wrong-endpoint", "ws-mgmt-no-permission"})
AUTHORIZER_CAUSES = frozenset(
    {
        "authz-explicit-deny",
        "authz-implicit-deny-arn-mismatch",
        "authz-cache-scoped-policy",
        "authz-cache-stale-decision",
        "httpapi-lambda-authorizer-deny",
    }
)
CACHE_CAUSES = frozenset({"authz-cache-scoped-policy", "authz-cache-stale-decision"})
IAM_CAUSES = frozenset(
    {
        "iam-no-invoke-permission",
        "iam-explicit-deny",
        "mat-iam-unsigned",
        "sigv4-invalid-security-token",
        "sigv4-signature-expired",
        "sigv4-signature-mismatch",
        "rp-cross-account-iam",
    }
)
API_KEY_CAUSES = frozenset({"apikey-missing-or-invalid", "apikey-not-in-usage-plan-stage"})
RP_CAUSES = frozenset({"rp-explicit-deny", "rp-implicit-deny", "rp-cross-account-iam"})
STAGE_NAMES = re.compile(
    r"(?i)^(?:prod|production|dev|develop|development|stage|staging|test|testing|qa|uat|beta|live|v\d+|default|\$default|sandbox)$"
)
