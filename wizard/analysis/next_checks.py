"""The next check to run: the one that best separates the top candidate causes.

Each check is an instruction with the exact command, and says what each outcome means. Pairwise
checks (for the classic confusions) come first; otherwise each top cause's confirming check.
Placeholders are filled from what the paste revealed (api id, stage, region) or left as <api-id>.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

_LOGS = "API-Gateway-Execution-Logs_{api_id}/{stage}"

CONFIRMING_CHECK: dict[str, str] = {
    "authz-explicit-deny": (
        "Replay the token against the authorizer: aws apigateway test-invoke-authorizer --rest-api-id {api_id} "
        '--authorizer-id {authorizer_id} --headers Authorization=<token> - a policy with "Effect": "Deny" for '
        "this method confirms authz-explicit-deny."
    ),
    "authz-implicit-deny-arn-mismatch": (
        "Compare the Resource the authorizer returns with the method ARN: aws apigateway test-invoke-authorizer "
        "--rest-api-id {api_id} --authorizer-id {authorizer_id} --headers Authorization=<token> and check that an Allow "
        "Resource matches arn:aws:execute-api:{region}:<account>:{api_id}/{stage}/<METHOD>/<path> (a /null/ stage or "
        "another region/stage confirms authz-implicit-deny-arn-mismatch)."
    ),
    "authz-cache-scoped-policy": (
        "Confirm the cache and the narrow policy: aws apigateway get-authorizer --rest-api-id {api_id} "
        "--authorizer-id {authorizer_id} --query authorizerResultTtlInSeconds (> 0 means cached), then "
        "test-invoke-authorizer: a Resource equal to the single method ARN (no wildcard) confirms "
        "authz-cache-scoped-policy."
    ),
    "authz-cache-stale-decision": (
        "Check the cache key and TTL: aws apigateway get-authorizer --rest-api-id {api_id} --authorizer-id "
        "{authorizer_id} --query '[identitySource,authorizerResultTtlInSeconds]' - an identity source that is not the "
        "token, or a TTL longer than the token lifetime, confirms authz-cache-stale-decision."
    ),
    "rp-explicit-deny": (
        "Read the resource policy: aws apigateway get-rest-api --rest-api-id {api_id} --query policy --output text, "
        "and evaluate its Deny statements for the caller's source IP / VPC endpoint "
        "(apigw-wizard policy eval --policy FILE --arn <method-arn> --source-ip <ip>)."
    ),
    "rp-implicit-deny": (
        "Read the resource policy (aws apigateway get-rest-api --rest-api-id {api_id} --query '[policy,endpointConfiguration]') "
        "and check that an Allow matches the caller (IP, VPC endpoint, principal) and this method; none means "
        "rp-implicit-deny."
    ),
    "rp-cross-account-iam": (
        "Compare accounts: aws sts get-caller-identity on the caller vs the account in the API ARN; if they differ, the "
        "resource policy (aws apigateway get-rest-api --rest-api-id {api_id} --query policy) must name the caller's role."
    ),
    "rp-not-redeployed": (
        "Compare the stage's deployment date with your last change: aws apigateway get-stage --rest-api-id {api_id} "
        "--stage-name {stage} --query deploymentId, then aws apigateway get-deployment --rest-api-id {api_id} "
        "--deployment-id <id> --query createdDate - older than the change confirms rp-not-redeployed."
    ),
    "iam-no-invoke-permission": (
        "Simulate the caller's permissions: aws iam simulate-principal-policy --policy-source-arn <caller-arn> "
        "--action-names execute-api:Invoke --resource-arns <method-arn> - implicitDeny confirms iam-no-invoke-permission."
    ),
    "iam-explicit-deny": (
        "aws iam simulate-principal-policy --policy-source-arn <caller-arn> --action-names execute-api:Invoke "
        "--resource-arns <method-arn> - explicitDeny with MatchedStatements names the denying IAM/SCP statement; "
        "if IAM allows, the Deny is in the resource policy."
    ),
    "sigv4-invalid-security-token": (
        "Run aws sts get-caller-identity with the very same credentials; if it fails they are invalid/expired; if the "
        "key id starts with ASIA, make sure X-Amz-Security-Token is sent."
    ),
    "sigv4-signature-expired": (
        "Compare the request's X-Amz-Date header with the response Date header (curl -v): more than 5 minutes apart "
        "confirms clock skew."
    ),
    "sigv4-signature-mismatch": (
        "Diff the 'Canonical String for this request should have been' block of the error body with your signer's "
        "canonical request (host, path encoding, query order, signed headers, service execute-api)."
    ),
    "sigv4-incomplete-signature": (
        "First make sure the route exists on the deployed stage: aws apigateway get-export --rest-api-id {api_id} "
        "--stage-name {stage} --export-type oas30 out.json; if it does, check aws apigateway get-method ... --query "
        "authorizationType (AWS_IAM needs SigV4, not a Bearer token)."
    ),
    "mat-route-not-found": (
        "List what the stage really serves: aws apigateway get-export --rest-api-id {api_id} --stage-name {stage} "
        "--export-type oas30 /dev/stdout and compare path (case, trailing slash) and HTTP method with the failing call."
    ),
    "mat-not-deployed": (
        "Compare the console resources with the deployed stage: aws apigateway get-resources --rest-api-id {api_id} vs "
        "aws apigateway get-export --rest-api-id {api_id} --stage-name {stage} --export-type oas30 /dev/stdout - a route "
        "missing from the export confirms mat-not-deployed."
    ),
    "mat-iam-unsigned": (
        "Check the method's authorization: aws apigateway get-method --rest-api-id {api_id} --resource-id <resource-id> "
        "--http-method <METHOD|OPTIONS> --query authorizationType - AWS_IAM on an unsigned request (or on OPTIONS) "
        "confirms mat-iam-unsigned."
    ),
    "stage-not-found": (
        "List the stages: aws apigateway get-stages --rest-api-id {api_id} --query 'item[].stageName' and compare "
        "with the first path segment of the URL (case-sensitive)."
    ),
    "custom-domain-mapping": (
        "List the domain's mappings: aws apigateway get-base-path-mappings --domain-name <domain> (HTTP/WS: aws "
        "apigatewayv2 get-api-mappings --domain-name <domain>) and check the URL is https://<domain>/<basePath>/<resource> "
        "with no stage in it."
    ),
    "apikey-missing-or-invalid": (
        "Check the method needs a key and the request sends one: aws apigateway get-method --rest-api-id {api_id} "
        "--resource-id <resource-id> --http-method <METHOD> --query apiKeyRequired, then retry with "
        "curl -i -H 'x-api-key: <value>' <url>."
    ),
    "apikey-not-in-usage-plan-stage": (
        "Check the key's usage plans cover this stage: aws apigateway get-usage-plans --key-id <key-id> "
        "--query 'items[].apiStages' - no {api_id}:{stage} entry confirms apikey-not-in-usage-plan-stage."
    ),
    "private-api-access-path": (
        "Check the endpoint type and how you call it: aws apigateway get-rest-api --rest-api-id {api_id} --query "
        "endpointConfiguration - PRIVATE APIs must be called from the VPC via the endpoint (or with header "
        "x-apigw-api-id: {api_id})."
    ),
    "vpce-private-dns-public-api": (
        "From inside the failing VPC run: nslookup {api_id}.execute-api.{region}.amazonaws.com - private (10.x/172.x) "
        "addresses, plus aws ec2 describe-vpc-endpoints --filters Name=service-name,Values=com.amazonaws.{region}.execute-api "
        "showing PrivateDnsEnabled true, confirm vpce-private-dns-public-api."
    ),
    "vpce-endpoint-policy": (
        "Read the VPC endpoint policy: aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <vpce-id> --query "
        "'VpcEndpoints[].PolicyDocument' - a policy that does not allow this API/principal confirms vpce-endpoint-policy."
    ),
    "default-endpoint-disabled": (
        "aws apigateway get-rest-api --rest-api-id {api_id} --query disableExecuteApiEndpoint - true means only the "
        "custom domain works."
    ),
    "waf-block": (
        "Check for a web ACL and its sampled blocks: aws apigateway get-stage --rest-api-id {api_id} --stage-name {stage} "
        "--query webAclArn, then aws wafv2 get-sampled-requests ... (Action BLOCK and the rule name) or the access log "
        "field $context.waf.status."
    ),
    "mtls-cert-rejected": (
        "Check mutual TLS on the domain and the certificate chain: aws apigateway get-domain-name --domain-name <domain> "
        "--query mutualTlsAuthentication, then openssl verify -CAfile truststore.pem client.pem; look for "
        "'Access denied. Reason:' in the execution log."
    ),
    "host-header-mismatch": (
        "Send the same request straight to https://{api_id}.execute-api.{region}.amazonaws.com/{stage}/...; if it works, "
        "check the CloudFront origin request policy forwards everything except Host (AllViewerExceptHostHeader)."
    ),
    "cloudfront-edge-rejection": (
        "Look at the response headers (curl -v): x-cache 'Error from cloudfront' and an HTML body mean CloudFront "
        "refused it; check whether the failing request is a GET/HEAD with a body."
    ),
    "httpapi-jwt-insufficient-scope": (
        "Compare the route's scopes with the token: aws apigatewayv2 get-routes --api-id {api_id} --query "
        "'Items[].[RouteKey,AuthorizationScopes]' and apigw-wizard jwt <token> (scope/scp claim; an ID token has none)."
    ),
    "httpapi-lambda-authorizer-deny": (
        "Check the HTTP API authorizer: aws apigatewayv2 get-authorizer --api-id {api_id} --authorizer-id {authorizer_id} "
        "(EnableSimpleResponses, AuthorizerResultTtlInSeconds, IdentitySource) and invoke the Lambda with a sample event to "
        "see isAuthorized."
    ),
    "ws-connect-denied": (
        "Check the $connect route's authorization: aws apigatewayv2 get-routes --api-id {api_id} --query "
        "\"Items[?RouteKey=='\\$connect'].[AuthorizationType,AuthorizerId]\" and the access log's $context.authorizer.error."
    ),
    "ws-mgmt-wrong-endpoint": (
        "Print the management client's endpoint: it must be exactly https://{api_id}.execute-api.{region}.amazonaws.com/{stage} "
        "(the stage once, no /@connections); a resource ARN with the stage or @connections twice confirms it."
    ),
    "ws-mgmt-no-permission": (
        "aws iam simulate-principal-policy --policy-source-arn <role-arn> --action-names execute-api:ManageConnections "
        "--resource-arns 'arn:aws:execute-api:{region}:<account>:{api_id}/{stage}/POST/@connections/*'."
    ),
    "cache-invalidation-unauthorized": (
        "aws apigateway get-stage --rest-api-id {api_id} --stage-name {stage} --query "
        "'[cacheClusterEnabled,methodSettings]' - FAIL_WITH_403 plus a Cache-Control: max-age=0 request confirms it."
    ),
    "integration-returned-403": (
        "Find the request in "
        + _LOGS
        + ": 'Endpoint response body before transformations' with a 403 means the "
        "backend answered; or run aws apigateway test-invoke-method --rest-api-id {api_id} --resource-id <id> "
        "--http-method <METHOD>."
    ),
    "not-apigw-origin": (
        "Check who answered: curl -i the URL and look for x-amzn-RequestId / x-amz-apigw-id / apigw-requestid; their "
        "absence (or server: awselb / nginx, an HTML page) means another layer produced the 403."
    ),
    "gateway-response-override": (
        "aws apigateway get-gateway-responses --rest-api-id {api_id} --query 'items[?defaultResponse==`false`]' - "
        "customised types can change the status and body; the access log field $context.error.responseType shows the real one."
    ),
    "not-403-lookalikes": (
        "Read the real status code and body: curl -i <url> (401 = token missing/rejected, 500 = authorizer "
        "configuration, 429 = throttling)."
    ),
}

PAIR_CHECKS: dict[frozenset[str], str] = {
    frozenset({"authz-cache-scoped-policy", "authz-implicit-deny-arn-mismatch"}): (
        "Look for 'Starting authorizer' for the failing request id in "
        + _LOGS
        + ": absent means a cache hit "
        "(authz-cache-scoped-policy); present with an Allow whose Resource misses this method means "
        "authz-implicit-deny-arn-mismatch."
    ),
    frozenset({"authz-cache-scoped-policy", "authz-explicit-deny"}): (
        "Look for 'Starting authorizer' for the failing request id in "
        + _LOGS
        + ": absent means a cache hit "
        '(authz-cache-scoped-policy); present with "Effect":"Deny" in \'Authorizer result body before parsing\' '
        "means authz-explicit-deny."
    ),
    frozenset({"authz-explicit-deny", "authz-implicit-deny-arn-mismatch"}): (
        "Read 'Authorizer result body before parsing' for the failing request in "
        + _LOGS
        + ': "Effect":"Deny" is '
        "authz-explicit-deny; an Allow whose Resource does not match the method ARN is authz-implicit-deny-arn-mismatch."
    ),
    frozenset({"rp-explicit-deny", "rp-implicit-deny"}): (
        "Evaluate the resource policy for this caller: aws apigateway get-rest-api --rest-api-id {api_id} --query policy "
        "--output text > policy.json; apigw-wizard policy eval --policy policy.json --arn <method-arn> --source-ip <ip> "
        "(explicit_deny vs implicit_deny)."
    ),
    frozenset({"mat-route-not-found", "mat-not-deployed"}): (
        "Compare the API's resources with what the stage serves: aws apigateway get-resources --rest-api-id {api_id} "
        "vs aws apigateway get-export --rest-api-id {api_id} --stage-name {stage} --export-type oas30 /dev/stdout - in "
        "neither: mat-route-not-found; only in get-resources: mat-not-deployed."
    ),
    frozenset({"mat-route-not-found", "mat-iam-unsigned"}): (
        "aws apigateway get-method --rest-api-id {api_id} --resource-id <resource-id> --http-method <METHOD> - "
        "NotFoundException means the route is missing (mat-route-not-found); authorizationType AWS_IAM on an unsigned "
        "request means mat-iam-unsigned."
    ),
    frozenset({"apikey-missing-or-invalid", "apikey-not-in-usage-plan-stage"}): (
        "aws apigateway get-usage-plans --key-id <key-id> --query 'items[].apiStages': key not found or disabled means "
        "apikey-missing-or-invalid; a valid key without {api_id}:{stage} in any plan means apikey-not-in-usage-plan-stage."
    ),
    frozenset({"vpce-private-dns-public-api", "private-api-access-path"}): (
        "aws apigateway get-rest-api --rest-api-id {api_id} --query endpointConfiguration.types - REGIONAL/EDGE called "
        "from a VPC with execute-api private DNS is vpce-private-dns-public-api; PRIVATE is private-api-access-path."
    ),
    frozenset({"iam-no-invoke-permission", "rp-cross-account-iam"}): (
        "Compare the caller's account (aws sts get-caller-identity) with the API's account: same account and "
        "implicitDeny in aws iam simulate-principal-policy is iam-no-invoke-permission; another account needs the "
        "resource policy to allow it (rp-cross-account-iam)."
    ),
}

# When the closest rivals belong to one family, the check that splits the whole family comes first.
_FORBIDDEN_FAMILY = frozenset(
    {
        "apikey-missing-or-invalid",
        "apikey-not-in-usage-plan-stage",
        "stage-not-found",
        "waf-block",
        "vpce-private-dns-public-api",
        "private-api-access-path",
        "custom-domain-mapping",
        "default-endpoint-disabled",
        "mtls-cert-rejected",
        "host-header-mismatch",
    }
)
FAMILY_CHECKS: tuple[tuple[frozenset[str], str], ...] = (
    (
        _FORBIDDEN_FAMILY,
        "Find the failing request in the stage's access log (enable it with a format that includes "
        "$context.error.responseType and $context.identity.apiKeyId): INVALID_API_KEY means an API key cause, "
        "WAF_FILTERED means waf-block, and NO log line at all means the request never reached the stage "
        "(stage name, custom-domain mapping, VPC endpoint DNS, disabled default endpoint, mTLS). "
        "Stages: aws apigateway get-stages --rest-api-id {api_id} --query 'item[].[stageName,webAclArn]'.",
    ),
)

_PLACEHOLDER_DEFAULTS = {
    "api_id": "<api-id>",
    "stage": "<stage>",
    "region": "<region>",
    "authorizer_id": "<authorizer-id>",
}


def fill(template: str, known: Mapping[str, str | None]) -> str:
    """`template` with {api_id}, {stage}, {region} and {authorizer_id} filled from `known`
    (placeholders such as <api-id> where a value is unknown)."""
    return _fill(template, known)


def _fill(template: str, known: Mapping[str, str | None]) -> str:
    out = template
    for key, default in _PLACEHOLDER_DEFAULTS.items():
        out = out.replace("{" + key + "}", known.get(key) or default)
    return out


def next_checks_for(
    cause_id: str, ranked: Sequence[str], known: Mapping[str, str | None], limit: int = 3
) -> list[str]:
    """Checks for `cause_id`: first the one separating it from its closest rival (a pairwise check,
    else the check that splits their whole family, else a pairwise check with a further rival),
    then the cause's own confirming check."""
    rivals = [c for c in ranked[:4] if c != cause_id]
    checks: list[str] = []
    for members, check in FAMILY_CHECKS:
        # The three leading candidates all in one family: the family's splitting check first.
        if cause_id in members and len(rivals) >= 2 and set(rivals[:2]) <= members:
            checks.append(check)
            break
    closest = PAIR_CHECKS.get(frozenset({cause_id, rivals[0]})) if rivals else None
    if closest:
        checks.append(closest)
    elif not checks:
        for members, check in FAMILY_CHECKS:
            if cause_id in members and rivals and rivals[0] in members:
                checks.append(check)
                break
    if not checks:
        for other in rivals[1:]:
            pair = PAIR_CHECKS.get(frozenset({cause_id, other}))
            if pair:
                checks.append(pair)
                break
    own = CONFIRMING_CHECK.get(cause_id)
    if own and own not in checks:
        checks.append(own)
    return [_fill(c, known) for c in checks[:limit]]
