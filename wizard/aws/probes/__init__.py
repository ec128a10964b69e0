"""Live read-only probes (boto3). Importing a module registers its probes on
`wizard.engine.probes.REGISTRY`; `register_all()` imports them all.

| probe | what it reads |
|---|---|
| aws_caller_identity | sts get-caller-identity |
| resolve_target | invoke URL / ids → API type, resource or route, method ARN |
| get_rest_api | endpoint type, resource policy (parsed), default endpoint disabled |
| list_resources, get_method | routes; authorization type, authorizer, API key requirement |
| get_authorizer | type, identity source, TTL, Lambda |
| authorizer_policy | the policy the authorizer returns for the token (test-invoke or Lambda) |
| get_stage, get_deployments | deployment, logging, web ACL, client cert; stage on latest deployment |
| get_gateway_responses, get_account | customized 403 responses; CloudWatch role |
| usage_plans | stage in a plan; the caller's key in it |
| custom_domain | endpoint type, mTLS, base path mappings |
| get_http_api | HTTP/WebSocket API, route, JWT/Lambda authorizer, stage |
| lambda_configuration | the authorizer function's configuration |
| execution_logs, authorizer_logs | CloudWatch Logs in a window / by request id |
| waf_web_acl, vpc_endpoints | WAF on the stage; execute-api VPC endpoints |
| vpc_endpoint_policy | the endpoint the call came through: its policy, evaluated for the method |
| reproduce | sends the request again |
| propose_authorizer_code_fix | the authorizer's code patched where it builds the Resource (sandbox only) |
| propose_authorizer_claim_fix | the authorizer's code reading the claim, header or query parameter the request carries (sandbox only) |
| propose_iam_fix | the caller's inline IAM policies: the change scoped to the failing method |
| integration_request | the integration request: header mappings, the sent headers it drops, the one the backend names |
"""

from __future__ import annotations

import importlib

from wizard.engine.probes import REGISTRY

MODULES = (
    "identity",
    "rest_api",
    "authorizers",
    "stage",
    "usage_plans",
    "domains",
    "http_api",
    "lambda_fn",
    "logs",
    "network",
    "vpc_endpoint",
    "reproduce",
    "iam_fix",
    "authorizer_code",
    "integration",
)


def register_all() -> list[str]:
    """Import every probe module (idempotent); returns the live probe names."""

    for name in MODULES:
        importlib.import_module(f"wizard.aws.probes.{name}")
    return sorted(s.name for s in REGISTRY if s.fn.__module__.startswith(__name__ + "."))
