"""Recognising the messages API Gateway writes to REST execution logs.

One function, `classify_message`, maps the text after the `(request-id) ` prefix to a `kind`
tag and the facts it carries (authorizer id, returned policy, status, response type ...). The
tags are the vocabulary of `logs scan` output; `KIND_NOTES` says in plain words what each means.
It is on the hot path of a 200 MB scan, so the common case (a line that is none of these) costs
one anchored regex match and two substring tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

# kind -> what the line tells an engineer
KIND_NOTES: dict[str, str] = {
    "authorizer-start": "API Gateway invoked the Lambda authorizer (no cache hit for this request)",
    "authorizer-identity": "the identity source value the authorizer received (masked by AWS)",
    "authorizer-request": "the event sent to the authorizer, with the methodArn it must cover",
    "authorizer-result": "the policy the authorizer returned",
    "authorizer-policy-valid": "API Gateway parsed the returned policy; principal shown",
    "authorizer-complete": "the authorizer finished; API Gateway now applies its policy",
    "not-authorized": "the policy (authorizer or resource policy) does not allow this method ARN",
    "unauthorized": "the authorizer rejected the caller (401 Unauthorized), not a 403",
    "explicit-deny": "an explicit Deny matched (ExplicitDenyException)",
    "authorizer-config-error": "the authorizer failed or returned something unusable (500, not 403)",
    "execution-failed": "API Gateway could not complete the request",
    "usage-plan-check": "API Gateway checked the API key against the stage's usage plans",
    "apikey-not-authorized": "the API key was refused (missing, invalid, or not in a usage plan for this stage)",
    "mtls-denied": "the mutual-TLS client certificate was refused",
    "endpoint-response": "the integration (backend) answered; its body follows",
    "integration-status": "the status code the integration returned",
    "method-completed": "the final status API Gateway sent",
    "gateway-response": "the gateway response type API Gateway used for the error",
    "gateway-response-body": "the error body API Gateway sent",
    "request-route": "the HTTP method and resource path API Gateway matched",
    "iam-deny": "IAM or a resource policy refused execute-api:Invoke",
    "access-log": "an access-log record",
    "lambda-start": "an authorizer Lambda invocation started",
    "lambda-end": "an authorizer Lambda invocation ended",
    "lambda-report": "an authorizer Lambda invocation's duration report",
    "lambda-event": "the authorizer Lambda printed its event (methodArn shown)",
    "lambda-policy": "the authorizer Lambda printed the policy it returns",
    "lambda-error": "the authorizer Lambda raised an error",
}

_PREFIXES = re.compile(
    r"Starting authorizer|Incoming identity|Endpoint request body after transformations"
    r"|Authorizer result body before parsing|Using valid authorizer policy for principal"
    r"|Successfully completed authorizer execution|The client is not authorized to perform"
    r"|Unauthorized request|Execution failed|Verifying Usage Plan for request|API Key "
    r"|Access denied\. Reason|Endpoint response body before transformations"
    r"|Received response\. Status|Method completed with status|Gateway response type"
    r"|Gateway response body|HTTP Method: "
)

# The same prefixes as a tuple for `str.startswith`: a C-level test that turns away the common
# noise lines ("Method request headers: ...") before any regex runs.
PREFIXES: tuple[str, ...] = tuple(p.replace("\\.", ".") for p in _PREFIXES.pattern.split("|"))

# The same prefixes by their first eight characters: finding which one a message starts with
# is a dict lookup and one or two `startswith`, not a regex.
_BY_HEAD: dict[str, tuple[str, ...]] = {}
for _p in PREFIXES:
    _BY_HEAD[_p[:8]] = (*_BY_HEAD.get(_p[:8], ()), _p)


def _head(msg: str) -> str | None:
    for prefix in _BY_HEAD.get(msg[:8], ()):
        if msg.startswith(prefix):
            return prefix
    return None


_AUTHORIZER_START = re.compile(r"Starting authorizer: (\S+) for request: ([^\s.]+)")
_PRINCIPAL = re.compile(r"Using valid authorizer policy for principal: ?(.*)$")
_UNAUTHORIZED = re.compile(r"Unauthorized request: ?(\S*)")
_USAGE_PLAN = re.compile(
    r"Verifying Usage Plan for request: ([^\s.]+)\.?\s*API Key:\s*(\S*)\s*API Stage:\s*(\S+)"
)
_APIKEY = re.compile(r"API Key (\S*)\s*not authorized because (.*)$")
_STATUS = re.compile(r"(\d{3})")
_GATEWAY_RESPONSE = re.compile(
    r"Gateway response type: ([A-Z0-9_]+)(?: with status code: (\d{3}))?"
)
_ROUTE = re.compile(r"HTTP Method: (\S+?),? Resource Path: (\S+)")
_METHOD_ARN = re.compile(r"methodArn['\"]?\s*[:=]\s*['\"]?(arn:aws[\w-]*:execute-api:[^'\"\s,}]+)")
_IAM_DENY = re.compile(
    r"User: (\S+) is not authorized to perform: (execute-api:\w+) on resource: ?(\S+?)"
    r"(?: with an explicit deny| because|\.?\"|\.?$|\s)"
)
_EFFECT = re.compile(r"(?i)\"effect\"\s*:\s*\"(allow|deny)\"")
_RESOURCE = re.compile(r"(?i)\"resource\"\s*:\s*(\"[^\"]*\"|\[[^\]]*\])")


Classified = tuple[str, dict[str, Any]] | None


def _authorizer_start(msg: str) -> Classified:
    a = _AUTHORIZER_START.match(msg)
    return "authorizer-start", (
        {"authorizer_id": a.group(1), "request_id": a.group(2)} if a else {}
    )


def _authorizer_request(msg: str) -> Classified:
    if "methodArn" not in msg:  # an integration's request body: skip the regex
        return None
    arn = _METHOD_ARN.search(msg)
    # Only the authorizer's request carries a methodArn; an integration's body is noise.
    return ("authorizer-request", {"method_arn": arn.group(1)}) if arn else None


def _authorizer_result(msg: str) -> Classified:
    return "authorizer-result", parse_authorizer_result(msg.split(":", 1)[1].strip())


def _policy_valid(msg: str) -> Classified:
    p = _PRINCIPAL.match(msg)
    return "authorizer-policy-valid", {"principal_id": p.group(1).strip() if p else None}


def _unauthorized(msg: str) -> Classified:
    u = _UNAUTHORIZED.match(msg)
    return "unauthorized", {"request_id": u.group(1)} if u and u.group(1) else {}


def _execution_failed(msg: str) -> Classified:
    if "configuration error" in msg or "AuthorizerConfigurationException" in msg:
        return "authorizer-config-error", {"reason": msg.split(":", 1)[-1].strip()}
    return "execution-failed", {"reason": msg.split(":", 1)[-1].strip()}


def _usage_plan(msg: str) -> Classified:
    v = _USAGE_PLAN.match(msg)
    if v is None:
        return "usage-plan-check", {}
    return "usage-plan-check", {
        "request_id": v.group(1),
        "api_key": v.group(2) or None,
        "api_stage": v.group(3),
    }


def _api_key(msg: str) -> Classified:
    if "not authorized because" not in msg:
        return None  # "API Key ... authorized because ..." is the normal case
    k = _APIKEY.match(msg)
    if k is None:
        return None
    reason = k.group(2).strip()
    return "apikey-not-authorized", {
        "api_key": k.group(1) or None,
        "reason": reason,
        "not_in_usage_plan": "not in a Usage Plan" in reason
        or "not associated with a Usage Plan" in reason,
    }


def _mtls_denied(msg: str) -> Classified:
    return "mtls-denied", {"reason": msg.split(":", 1)[-1].strip()}


def _integration_status(msg: str) -> Classified:
    s = _STATUS.search(msg)
    return "integration-status", {"integration_status": int(s.group(1))} if s else {}


def _method_completed(msg: str) -> Classified:
    s = _STATUS.search(msg)
    return "method-completed", {"status": int(s.group(1))} if s else {}


def _gateway_response(msg: str) -> Classified:
    g = _GATEWAY_RESPONSE.match(msg)
    if g is None:
        return "gateway-response", {}
    data: dict[str, Any] = {"response_type": g.group(1)}
    if g.group(2):
        data["status"] = int(g.group(2))
    return "gateway-response", data


def _gateway_response_body(msg: str) -> Classified:
    return "gateway-response-body", {"error_message": _body_message(msg.split(":", 1)[1])}


def _route(msg: str) -> Classified:
    r = _ROUTE.match(msg)
    return ("request-route", {"method": r.group(1), "resource_path": r.group(2)}) if r else None


def _constant(kind: str) -> Callable[[str], Classified]:
    def classify(msg: str) -> Classified:
        return kind, {}

    return classify


# prefix -> what its message says. A dict lookup instead of a chain of comparisons: this runs
# for every recognised line of a scan.
_HANDLERS: dict[str, Callable[[str], Classified]] = {
    "Starting authorizer": _authorizer_start,
    "Incoming identity": _constant("authorizer-identity"),
    "Endpoint request body after transformations": _authorizer_request,
    "Authorizer result body before parsing": _authorizer_result,
    "Using valid authorizer policy for principal": _policy_valid,
    "Successfully completed authorizer execution": _constant("authorizer-complete"),
    "The client is not authorized to perform": _constant("not-authorized"),
    "Unauthorized request": _unauthorized,
    "Execution failed": _execution_failed,
    "Verifying Usage Plan for request": _usage_plan,
    "API Key ": _api_key,
    "Access denied. Reason": _mtls_denied,
    "Endpoint response body before transformations": _constant("endpoint-response"),
    "Received response. Status": _integration_status,
    "Method completed with status": _method_completed,
    "Gateway response type": _gateway_response,
    "Gateway response body": _gateway_response_body,
    "HTTP Method: ": _route,
}
# The handlers by the prefixes' first eight characters, in the prefixes' order.
_HANDLERS_BY_HEAD: dict[str, tuple[tuple[str, Callable[[str], Classified]], ...]] = {
    head: tuple((p, _HANDLERS[p]) for p in prefixes) for head, prefixes in _BY_HEAD.items()
}


def classify_message(msg: str) -> tuple[str, dict[str, Any]] | None:
    """The kind of an execution-log message and the facts it carries, or None."""
    for prefix, handler in _HANDLERS_BY_HEAD.get(msg[:8], ()):
        if msg.startswith(prefix):
            return handler(msg)
    return _classify_anywhere(msg)


# Many messages repeat word for word ("Method completed with status: 200", "Successfully
# completed authorizer execution"): `classify_cached` answers those from a dict. The facts are
# shared between the requests that get them, so only messages whose facts are plain strings and
# numbers are kept (an authorizer result carries a parsed policy), and only short ones (memory).
_CACHE: dict[str, Classified] = {}
_CACHE_MAX = 4096
_CACHE_MSG_MAX = 256
# Not kept either: messages that name their own request (its id, or the event sent for it), which
# no other line repeats. Keeping them cost more than the hits: each 4096 of them clear the cache
# (about 2 ms a clear, measured on the benchmark's log), and they push the repeated ones out.
_NOT_CACHED = (
    "Authorizer result body before parsing",
    "Starting authorizer",
    "Verifying Usage Plan for request",
    "Endpoint request body after transformations",
)
_MISS: Any = object()
# The cache and its miss marker, for the scan's hot loop, which looks a message up itself
# before it pays for a call to `classify_cached` (the dict is cleared, never replaced).
CLASSIFIED_CACHE = _CACHE
CACHE_MISS = _MISS


def classify_cached(msg: str) -> tuple[str, dict[str, Any]] | None:
    """`classify_message(msg)`, from the cache when the same message was seen."""
    hit = _CACHE.get(msg, _MISS)
    if hit is not _MISS:
        return hit
    result = classify_message(msg)
    if len(msg) <= _CACHE_MSG_MAX and not msg.startswith(_NOT_CACHED):
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()  # unique messages filled it: start again, the repeated ones come back
        _CACHE[msg] = result
    return result


def _classify_anywhere(msg: str) -> tuple[str, dict[str, Any]] | None:
    # Two cheap substring tests keep the common (unrecognised) line fast.
    if "xception" in msg:
        if "ExplicitDenyException" in msg:
            return "explicit-deny", {}
        if "AuthorizerConfigurationException" in msg:
            return "authorizer-config-error", {"reason": msg.strip()}
    if "not authorized to perform" in msg:
        d = _IAM_DENY.search(msg)
        if d:
            return "iam-deny", {
                "caller": d.group(1),
                "action": d.group(2),
                "resource": d.group(3).rstrip(".\"'"),
                "explicit": "explicit deny" in msg,
            }
    return None


def _body_message(body: str) -> str | None:
    body = body.strip()
    try:
        data = json.loads(body)
    except ValueError:
        return body[:300] or None
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key).lower() == "message" and isinstance(value, str):
                return value
    return body[:300]


def _statements(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        return []
    stmts = _get_ci(doc, "Statement")
    if isinstance(stmts, dict):
        return [stmts]
    if isinstance(stmts, list):
        return [s for s in stmts if isinstance(s, dict)]
    return []


def _get_ci(obj: dict[str, Any], key: str) -> Any:
    if key in obj:
        return obj[key]
    lower = key.lower()
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == lower:
            return v
    return None


def parse_authorizer_result(body: str) -> dict[str, Any]:
    """Facts from `Authorizer result body before parsing: {...}`.

    Returns `policy` (the parsed document, or None), `principal_id`, `effects` and `resources`
    of its statements. Execution logs truncate long bodies, so when the JSON does not parse the
    effects and resources are still pulled out of the text.
    """
    out: dict[str, Any] = {"policy": None, "policy_raw": None, "effects": [], "resources": []}
    try:
        data = json.loads(body)
    except ValueError:
        out["policy_raw"] = body[:2000]
        out["effects"] = [e.capitalize() for e in _EFFECT.findall(body)]
        for raw in _RESOURCE.findall(body):
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            out["resources"].extend(str(v) for v in (value if isinstance(value, list) else [value]))
        out["truncated"] = True
        return out
    if not isinstance(data, dict):
        out["policy_raw"] = body[:2000]
        return out
    out["principal_id"] = _get_ci(data, "principalId")
    doc = _get_ci(data, "policyDocument")
    out["policy"] = doc
    for st in _statements(doc):
        effect = _get_ci(st, "Effect")
        if isinstance(effect, str):
            out["effects"].append(effect.capitalize())
        res = _get_ci(st, "Resource")
        if isinstance(res, str):
            out["resources"].append(res)
        elif isinstance(res, list):
            out["resources"].extend(str(r) for r in res)
        elif res is not None:
            # A Resource given as an object is a classic authorizer bug: API Gateway rejects it.
            out.setdefault("problems", []).append("a statement's Resource is not a string or list")
    if doc is None:
        out.setdefault("problems", []).append("no policyDocument in the authorizer's result")
    elif not _statements(doc):
        out.setdefault("problems", []).append("the policyDocument has no Statement")
    return out


def find_method_arn(text: str) -> str | None:
    m = _METHOD_ARN.search(text)
    return m.group(1) if m else None
