"""Lambda/Cognito authorizers: their configuration, and the policy one returns for a token."""

from __future__ import annotations

import json
import re
import shlex
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from wizard.analysis.arn import arn_matches, build_method_arn
from wizard.analysis.identity_source import parse_identity_sources
from wizard.analysis.policy.parse import PolicyError
from wizard.analysis.policy.request import RequestContext
from wizard.aws.errors import aws_errors
from wizard.aws.loopback import is_loopback_host
from wizard.aws.manual import manual_argv, manual_command
from wizard.aws.probes._base import arg, client, fresh_reads, parse_policy
from wizard.aws.probes.logs import lambda_log_group, prefetch_log_group, read_log_group
from wizard.aws.probes.reproduce import reproduce
from wizard.engine.offline_probes.policies import evaluate_record
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

# Our own Lambda invocations (authorizer_policy) would look like API Gateway calling the
# authorizer to authorizer_cache_check, so the two never overlap for one function.
_FUNCTION_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def function_lock(function: str) -> threading.Lock:
    name = (
        function.split(":")[6]
        if function.startswith("arn:") and function.count(":") >= 6
        else function
    )
    with _LOCKS_GUARD:
        return _FUNCTION_LOCKS.setdefault(name, threading.Lock())


_FUNCTION_IN_URI = re.compile(r"/functions/(?P<fn>arn:[^/]+?)/invocations")


def function_arn_from_uri(uri: str | None) -> str | None:
    """`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{fn_arn}/invocations` → fn_arn."""
    if not uri:
        return None
    m = _FUNCTION_IN_URI.search(uri)
    return m.group("fn") if m else None


def _authorizer(ctx: ProbeContext, api_id: str, authorizer_id: str) -> dict[str, Any]:
    manual = manual_command(
        ctx.aws, "apigateway", "GetAuthorizer", restApiId=api_id, authorizerId=authorizer_id
    )
    with aws_errors("apigateway:GET", manual=manual):
        return dict(
            client(ctx, "apigateway").get_authorizer(restApiId=api_id, authorizerId=authorizer_id)
        )


@REGISTRY.probe(
    "get_authorizer",
    "Read the method's authorizer: type, identity source, result cache TTL and the Lambda "
    "function behind it",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def get_authorizer(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    authorizer_id = arg(ctx, params, "authorizer_id")
    a = _authorizer(ctx, api_id, authorizer_id)
    atype = a.get("type", "TOKEN")
    # AWS applies 300 s when the TTL was never set; 0 disables the cache.
    ttl = int(a.get("authorizerResultTtlInSeconds", 300))
    function_arn = function_arn_from_uri(a.get("authorizerUri"))
    if function_arn:  # authorizer_logs looks its Lambda's log group up next
        prefetch_log_group(ctx, lambda_log_group(function_arn))
    return {
        "authorizer_id": authorizer_id,
        "authorizer_name": a.get("name"),
        "authorizer_type": atype,
        "authorizer_ttl": ttl,
        "authorizer_caching_enabled": ttl > 0,
        "authorizer_identity_source": a.get("identitySource"),
        "authorizer_identity_validation_expression": a.get("identityValidationExpression") or None,
        "authorizer_function_arn": function_arn,
        "authorizer_uri": a.get("authorizerUri"),
        "authorizer_credentials": a.get("authorizerCredentials"),
        "authorizer_provider_arns": list(a.get("providerARNs") or []),
    }


def _header_name(identity_source: str | None) -> str:
    """The header the identity source's first parameter names, else Authorization."""
    first = parse_identity_sources((identity_source or "").split(",")[0])
    return first[0].name if first and first[0].where == "header" else "Authorization"


def _statements(policy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    st = policy.get("Statement") or []
    return [s for s in (st if isinstance(st, list) else [st]) if isinstance(s, Mapping)]


def _resources(statement: Mapping[str, Any]) -> list[str]:
    res = statement.get("Resource") or []
    return [str(r) for r in (res if isinstance(res, list) else [res])]


def _coverage(policy: Mapping[str, Any], method_arn: str | None) -> dict[str, Any]:
    """Which resources the returned policy names, and whether they cover `method_arn`."""
    allow = [r for s in _statements(policy) if s.get("Effect") == "Allow" for r in _resources(s)]
    deny = [r for s in _statements(policy) if s.get("Effect") == "Deny" for r in _resources(s)]
    out: dict[str, Any] = {
        "authorizer_policy_allow_resources": allow,
        "authorizer_policy_deny_resources": deny,
    }
    if method_arn:
        out["authorizer_allows_method_arn"] = any(arn_matches(r, method_arn) for r in allow)
        out["authorizer_denies_method_arn"] = any(arn_matches(r, method_arn) for r in deny)
    return out


def _result(
    response: Mapping[str, Any], source: str, method_arn: str | None, event_arn: str | None
) -> dict[str, Any]:
    policy = response.get("policyDocument")
    policy = parse_policy(policy) if not isinstance(policy, dict) else policy
    out: dict[str, Any] = {
        "authorizer_policy_source": source,
        "authorizer_result": "policy" if policy else "no_policy",
        "authorizer_policy": policy,
        "authorizer_principal_id": response.get("principalId"),
        "authorizer_context_keys": sorted((response.get("context") or {}).keys()),
        "authorizer_event_method_arn": event_arn,
        "method_arn": method_arn,
    }
    if policy:
        out.update(_coverage(policy, method_arn))
        out["authorizer_policy_evaluation"] = _evaluation(policy, method_arn)
    return out


def _evaluation(policy: Mapping[str, Any], method_arn: str | None) -> dict[str, Any] | None:
    """The evaluator's per-statement record of the returned policy for this call (the same
    record the offline eval_policy probe stores), or None when it cannot be evaluated."""
    if not method_arn:
        return None
    try:
        return evaluate_record(policy, RequestContext(method_arn=method_arn), "authorizer")[1]
    except (PolicyError, ValueError):  # a malformed answer: the coverage facts still say it
        return None


def _method_arn(ctx: ProbeContext, params: Mapping[str, Any], api_id: str) -> str | None:
    given = arg(ctx, params, "method_arn", None)
    if given:
        return str(given)
    account = arg(ctx, params, "account_id", None)
    region = arg(ctx, params, "region", None) or ctx.aws.region
    stage = arg(ctx, params, "stage", None)
    if not (account and region and stage):
        return None
    return build_method_arn(
        region,
        account,
        api_id,
        stage,
        str(arg(ctx, params, "method", "GET")).upper(),
        str(arg(ctx, params, "path", "/")),
    )


def _test_invoke(
    ctx: ProbeContext, api_id: str, authorizer_id: str, header: str, token: str
) -> dict[str, Any]:
    manual = manual_command(
        ctx.aws,
        "apigateway",
        "TestInvokeAuthorizer",
        restApiId=api_id,
        authorizerId=authorizer_id,
        headers={header: "TOKEN"},
    )
    with aws_errors("apigateway:POST", manual=manual):
        r = client(ctx, "apigateway").test_invoke_authorizer(
            restApiId=api_id, authorizerId=authorizer_id, headers={header: token}
        )
    if int(r.get("clientStatus", 200)) == 401:
        return {
            "authorizer_policy_source": "test_invoke_authorizer",
            "authorizer_result": "Unauthorized",
        }
    return _result(
        {
            "policyDocument": r.get("policy"),
            "principalId": r.get("principalId"),
            "context": r.get("authorization"),
        },
        "test_invoke_authorizer",
        None,
        None,
    )


def _invoke_lambda(
    ctx: ProbeContext, function_arn: str, event: dict[str, Any], method_arn: str | None
) -> dict[str, Any]:
    # The event goes in a file the user writes (its JSON is the authorizer's input, shown in
    # the probe's result); `out.json` is the CLI's positional outfile. `fileb://` sends the
    # file's bytes as they are in AWS CLI v1 and v2 alike; v1 has no --cli-binary-format and
    # refuses the whole command if it is given.
    manual = shlex.join(
        [
            *manual_argv(ctx.aws, "lambda", "Invoke", FunctionName=function_arn),
            "--payload",
            "fileb://event.json",
            "out.json",
        ]
    )
    with function_lock(function_arn), aws_errors("lambda:InvokeFunction", manual=manual):
        r = client(ctx, "lambda").invoke(
            FunctionName=function_arn,
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode(),
        )
        payload_text = r["Payload"].read().decode("utf-8", errors="replace")
    if r.get("FunctionError"):
        try:
            message = json.loads(payload_text).get("errorMessage", "")
        except (ValueError, AttributeError):
            message = payload_text[:200]
        result = "Unauthorized" if str(message).strip() == "Unauthorized" else "error"
        return {
            "authorizer_policy_source": "lambda_invoke",
            "authorizer_result": result,
            "authorizer_error": str(message)[:500],
            "authorizer_event_method_arn": event.get("methodArn"),
            "method_arn": method_arn,
        }
    try:
        response = json.loads(payload_text)
    except ValueError:
        response = {}
    if not isinstance(response, dict):
        response = {}
    return _result(response, "lambda_invoke", method_arn, event.get("methodArn"))


def _request_headers(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, str]:
    """The request's extra headers (`headers`: a mapping, or NAME:VALUE strings from --header)."""
    extra = arg(ctx, params, "headers", None)
    if isinstance(extra, Mapping):
        return {str(k): str(v) for k, v in extra.items()}
    out: dict[str, str] = {}
    if isinstance(extra, list | tuple):
        for item in extra:
            name, _, value = str(item).partition(":")
            out[name.strip()] = value.strip()
    return out


def _identity_value(ctx: ProbeContext, params: Mapping[str, Any], header: str) -> str:
    """What the authorizer's identity source reads: the token (--token), or, for an authorizer
    keyed on another header, that header as the request carried it (--header NAME:VALUE)."""
    token = arg(ctx, params, "token", None)
    if token is not None:
        return str(token)
    for name, value in _request_headers(ctx, params).items():
        if name.lower() == header.lower():
            return value
    return str(arg(ctx, params, "token"))  # neither: missing, named as the token


def request_authorizer_event(
    ctx: ProbeContext,
    params: Mapping[str, Any],
    api_id: str,
    method_arn: str,
    header: str,
    token: str,
) -> dict[str, Any]:
    """The REQUEST authorizer event API Gateway sends for a REST API (the fields authorizers
    commonly read; extra headers from `headers` as NAME:VALUE or a mapping)."""
    method = str(arg(ctx, params, "method", "GET")).upper()
    path = str(arg(ctx, params, "path", "/"))
    resource_path = str(arg(ctx, params, "resource_path", path))
    stage = str(arg(ctx, params, "stage", ""))
    headers: dict[str, str] = {header: token}
    # The token travels in its own header (Authorization unless told otherwise) even when the
    # identity source is another header, e.g. a tenant id the cache is keyed on.
    token_header = str(arg(ctx, params, "token_header", "Authorization"))
    if token_header.lower() != header.lower():
        headers[token_header] = token
    headers.update(_request_headers(ctx, params))
    path_params = arg(ctx, params, "path_params", None) or None
    return {
        "type": "REQUEST",
        "methodArn": method_arn,
        "resource": resource_path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {},
        "multiValueQueryStringParameters": {},
        "pathParameters": path_params,
        "stageVariables": None,
        "requestContext": {
            "path": f"/{stage}{path}",
            "accountId": arg(ctx, params, "account_id", ""),
            "resourceId": arg(ctx, params, "resource_id", ""),
            "stage": stage,
            "resourcePath": resource_path,
            "httpMethod": method,
            "apiId": api_id,
            "identity": {"sourceIp": arg(ctx, params, "source_ip", "")},
        },
    }


@REGISTRY.probe(
    "authorizer_policy",
    "Ask the authorizer what it returns for the user's token: test-invoke-authorizer, or when "
    "that is unavailable, invoke its Lambda with the event API Gateway would send",
    iam_actions=("apigateway:POST", "apigateway:GET", "lambda:InvokeFunction"),
    needs_aws=True,
)
def authorizer_policy(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    authorizer_id = arg(ctx, params, "authorizer_id")
    a = _authorizer(ctx, api_id, authorizer_id)
    method_arn = _method_arn(ctx, params, api_id)
    header = _header_name(a.get("identitySource"))
    token = _identity_value(ctx, params, header)
    # The Lambda route first when we know the real method ARN: test-invoke-authorizer sends a
    # synthetic one (stage "ESTestInvoke-stage"), which hides the scoped-Resource bug.
    fn = function_arn_from_uri(a.get("authorizerUri"))
    fallback_reason = None
    if not (method_arn and fn):
        try:
            return _test_invoke(ctx, api_id, authorizer_id, header, token)
        except ProbeError as err:
            if err.kind not in (
                ProbeErrorKind.UNSUPPORTED,
                ProbeErrorKind.NOT_FOUND,
                ProbeErrorKind.ACCESS_DENIED,
            ):
                raise
            fallback_reason = str(err)
    if fn is None:
        raise ProbeError(
            ProbeErrorKind.UNSUPPORTED,
            "this authorizer has no Lambda function to invoke (Cognito?)",
            manual_hint="decode the token with `apigw-wizard jwt` instead",
        )
    ctx.check_cancelled()
    event: dict[str, Any]
    if a.get("type", "TOKEN") == "TOKEN":
        event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn or ""}
    else:
        event = request_authorizer_event(ctx, params, api_id, method_arn or "", header, token)
    out = _invoke_lambda(ctx, fn, event, method_arn)
    if fallback_reason:
        out["test_invoke_fallback_reason"] = fallback_reason
    return out


def _invocations(ctx: ProbeContext, group: str, since_ms: int) -> int | None:
    """START lines in the authorizer's log group since `since_ms` (None: group missing)."""
    r = read_log_group(ctx, {"start_time": since_ms}, group, "START RequestId")
    if not r["log_group_exists"]:
        return None
    return sum(1 for line in r["lines"] if line.startswith("START RequestId:"))


@REGISTRY.probe(
    "authorizer_cache_check",
    "Send the failing request again and watch the authorizer's logs: a 403 without a new "
    "invocation was decided from the authorizer cache",
    iam_actions=("apigateway:GET", "logs:DescribeLogGroups", "logs:FilterLogEvents"),
    needs_aws=True,
)
def authorizer_cache_check(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    fn = str(arg(ctx, params, "authorizer_function_arn"))
    group = str(arg(ctx, params, "log_group", None) or lambda_log_group(fn))
    url = str(arg(ctx, params, "url"))
    local = is_loopback_host(urlsplit(url).hostname or "")
    # CloudWatch Logs shows a Lambda's lines some seconds after the call; the emulator at once.
    wait = float(arg(ctx, params, "wait_seconds", 1.5 if local else 15.0))
    # Fresh reads: the group may appear, and new lines surely do, while we watch.
    with function_lock(fn), fresh_reads(ctx):
        since_ms = int(time.time() * 1000)
        before = _invocations(ctx, group, since_ms)
        answer = reproduce(ctx, params)
        deadline = time.monotonic() + wait
        after = before
        while time.monotonic() < deadline:
            ctx.check_cancelled()
            time.sleep(min(0.5, wait))
            after = _invocations(ctx, group, since_ms)
            if after is not None and after > (before or 0):
                break
    # A group that appears now was created by this invocation; one still missing tells nothing
    # (wrong group, or logs not delivered yet): unknown, never "not invoked".
    invoked = None if after is None else after > (before or 0)
    return {
        "status_code": answer["status_code"],
        "error_type": answer["error_type"],
        "error_message": answer["error_message"],
        "request_id": answer["request_id"],
        "authorizer_log_group": group,
        "authorizer_invoked_by_request": invoked,
        "authorizer_cache_hit": None if invoked is None else (not invoked),
        "waited_seconds": wait,
    }
