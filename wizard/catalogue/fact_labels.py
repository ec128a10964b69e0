"""Plain-English labels for the playbook's fact names, so no front end or report shows a raw
snake_case name (`authorizer_ttl`) to the person reading the findings.

A fact without an entry here still reads as words: `label()` spells the name out, with the
usual acronyms in capitals. An entry is only needed where that spelling would mislead.
"""

from __future__ import annotations

import re
from collections.abc import Collection

LABELS: dict[str, str] = {
    "url": "Invoke URL",
    "method": "HTTP method",
    "path": "Request path",
    "resource_path": "Resource path",
    "region": "Region",
    "api_id": "API id",
    "api_type": "API type",
    "stage": "Stage",
    "account_id": "Account",
    "method_arn": "Method ARN of this call",
    "cached_method_arn": "Method ARN the cached policy was made for",
    "denied_resource_arn": "ARN the refusal names",
    "authorizer_ttl": "Authorizer cache TTL (seconds)",
    "pasted_ttl": "Authorizer cache TTL you gave (seconds)",
    "authorizer_type": "Authorizer type",
    "authorizer_id": "Authorizer id",
    "authorizer_identity_source": "Where the authorizer reads the token",
    "authorizer_function_arn": "Authorizer Lambda function",
    "authorization_type": "Method authorization",
    "authorization_scheme": "Authorization scheme",
    "live_policy": "Policy the authorizer returns for this call",
    "live_policy_allows_call": "That policy allows this call",
    "live_policy_denies_call": "That policy denies this call",
    "live_policy_scoped": "That policy names only this method",
    "cached_policy": "Policy the authorizer cached",
    "failing_policy": "Policy returned for the failing call",
    "resource_policy": "API resource policy",
    "has_resource_policy": "The API has a resource policy",
    "live_status": "Status of the replayed request",
    "live_error_type": "Error type of the replayed request",
    "live_body": "Body of the replayed response",
    "live_api_key_sent": "An API key was sent",
    "status_code": "HTTP status",
    "error_type": "Error type (x-amzn-ErrorType)",
    "error_message": "Error message",
    "message_family": "Kind of refusal message",
    "explicit_deny": "Explicit deny",
    "is_api_gateway": "The 403 comes from API Gateway",
    "first_call_works": "The first call with this token works",
    "route_exists": "The route exists",
    "stage_exists": "The stage exists",
    "api_key_required": "The method requires an API key",
    "source_ip": "Caller's IP address",
    "vpce_id": "VPC endpoint",
    "caller_arn": "Caller (IAM principal)",
    "endpoint_type": "Endpoint type",
    "web_acl_arn": "WAF web ACL",
    "log_authorizer_invoked": "The logs show the authorizer ran for this call",
    "execution_log_text": "Execution log lines",
    "authorizer_log_text": "Authorizer log lines",
    "disable_execute_api_endpoint": "The default execute-api endpoint is disabled",
    "host_kind": "Kind of host called",
    "deployment_id": "Deployment",
    "resource_id": "Resource id",
    "top_cause": "Best-scoring cause",
    "top_confidence": "Its confidence",
}

# Words that read as acronyms (spelled out by `label`).
_ACRONYMS = {
    "api": "API",
    "arn": "ARN",
    "ttl": "TTL",
    "ip": "IP",
    "id": "id",
    "jwt": "JWT",
    "iam": "IAM",
    "waf": "WAF",
    "vpc": "VPC",
    "vpce": "VPC endpoint",
    "url": "URL",
    "http": "HTTP",
    "acl": "ACL",
    "mtls": "mTLS",
    "sigv4": "SigV4",
}

# A raw fact name as it would leak into text: snake_case with at least one underscore.
RAW_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def label(name: str) -> str:
    """The fact's plain label: its entry, or its name spelled out as words."""
    if name in LABELS:
        return LABELS[name]
    words = [_ACRONYMS.get(w, w) for w in name.split("_") if w]
    text = " ".join(words) or name
    return text[:1].upper() + text[1:]


def plain(text: str, names: Collection[str]) -> str:
    """`text` with each fact name it mentions (engine-written reasons say "could not check:
    live_status unknown") replaced by the fact's label."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(0)
        return f"“{label(name).lower()}”" if name in names else name

    return RAW_NAME.sub(sub, text)
