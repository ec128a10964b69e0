"""A REST stage's associated AWS WAF web ACL filters its requests before API Gateway does.

AWS ("Use AWS WAF to protect your REST APIs in API Gateway", apigateway-control-access-aws-waf):
a regional web ACL associated with a stage inspects every request first; its rules run in
priority order, the first Block or Allow ends the evaluation, Count only counts and goes on,
and the DefaultAction decides when no rule ends it. A blocked request answers 403
`{"message":"Forbidden"}` with x-amzn-ErrorType ForbiddenException (responseType WAF_FILTERED)
before any authorizer, API key or resource policy is looked at. MiniStack stores web ACLs and
their associations (wafv2) but serves the stage as if none were there.

Only a small subset of WAF is evaluated here, enough for the sandbox's scenarios:
IPSetReferenceStatement on the source IP (the connection's address), ByteMatchStatement on a
single header or the URI path (`/{stage}/...`, as sent to the execute-api host; text transformations NONE and LOWERCASE), SizeConstraintStatement
on the body; Block, Allow and Count; the DefaultAction. Anything else (other statements, rule
groups, CAPTCHA/Challenge, custom responses, forwarded-IP configs) is not guessed at: the request
is left alone and a log line says which rule could not be evaluated.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity.request_trace import current, header

log = logging.getLogger(__name__)

Lookup = Callable[[str], Mapping[str, Any] | None]  # an IP set's ARN -> the stored IP set


class Unsupported(Exception):
    """A part of a rule this subset does not evaluate (the request is then left alone)."""


def stage_arn(region: str, api_id: str, stage: str) -> str:
    """The ARN WAF associates a REST stage by (the ResourceArn of AssociateWebACL)."""
    return f"arn:aws:apigateway:{region}::/restapis/{api_id}/stages/{stage}"


def forbidden() -> tuple[int, dict[str, str], bytes]:
    """The answer to a request WAF blocked (a new headers dict each time: MiniStack adds to it)."""
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": "ForbiddenException"}
    return 403, headers, json.dumps({"message": "Forbidden"}).encode()


def _search_bytes(value: Any) -> bytes:
    """ByteMatch's SearchString: a blob, so base64 text on the wire (as boto3 and the CLI send)."""
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return str(value).encode()


def _transform(data: bytes, transformations: Any) -> bytes:
    for t in sorted(transformations or [], key=lambda t: int(t.get("Priority", 0))):
        kind = t.get("Type")
        if kind == "LOWERCASE":
            data = data.lower()
        elif kind != "NONE":
            raise Unsupported(f"text transformation {kind!r}")
    return data


def _field(field: Mapping[str, Any], request: Mapping[str, Any]) -> bytes:
    if "SingleHeader" in field:
        name = str((field["SingleHeader"] or {}).get("Name", ""))
        return header(dict(request["headers"]), name).encode()
    if "UriPath" in field:
        return str(request["path"]).encode()
    if "Body" in field:
        return bytes(request["body"])
    raise Unsupported(f"field to match {sorted(field)!r}")


def _byte_match(s: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
    data = _transform(_field(s.get("FieldToMatch") or {}, request), s.get("TextTransformations"))
    want = _search_bytes(s.get("SearchString"))
    where = s.get("PositionalConstraint")
    if where == "EXACTLY":
        return data == want
    if where == "STARTS_WITH":
        return data.startswith(want)
    if where == "ENDS_WITH":
        return data.endswith(want)
    if where == "CONTAINS":
        return want in data
    raise Unsupported(f"positional constraint {where!r}")


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "EQ": lambda a, b: a == b,
    "NE": lambda a, b: a != b,
    "LE": lambda a, b: a <= b,
    "LT": lambda a, b: a < b,
    "GE": lambda a, b: a >= b,
    "GT": lambda a, b: a > b,
}


def _size(s: Mapping[str, Any], request: Mapping[str, Any]) -> bool:
    data = _transform(_field(s.get("FieldToMatch") or {}, request), s.get("TextTransformations"))
    compare = _COMPARE.get(str(s.get("ComparisonOperator")))
    if compare is None:
        raise Unsupported(f"comparison operator {s.get('ComparisonOperator')!r}")
    return compare(len(data), int(s.get("Size", 0)))


def _in_ip_set(s: Mapping[str, Any], request: Mapping[str, Any], ip_set: Lookup) -> bool:
    if s.get("IPSetForwardedIPConfig"):
        raise Unsupported("IPSetForwardedIPConfig")
    stored = ip_set(str(s.get("ARN", "")))
    if stored is None:
        raise Unsupported(f"IP set {str(s.get('ARN'))[:200]!r} not found")
    source = ipaddress.ip_address(str(request["source_ip"]))
    for cidr in stored.get("Addresses") or []:
        try:
            if source in ipaddress.ip_network(str(cidr), strict=False):
                return True
        except ValueError:
            continue  # WAF refuses a malformed address at CreateIPSet; nothing matches it
    return False


def matches(statement: Mapping[str, Any], request: Mapping[str, Any], ip_set: Lookup) -> bool:
    """Whether `statement` matches `request` (source_ip, path, headers, body); Unsupported
    for a statement outside the subset."""
    if "IPSetReferenceStatement" in statement:
        return _in_ip_set(statement["IPSetReferenceStatement"], request, ip_set)
    if "ByteMatchStatement" in statement:
        return _byte_match(statement["ByteMatchStatement"], request)
    if "SizeConstraintStatement" in statement:
        return _size(statement["SizeConstraintStatement"], request)
    raise Unsupported(f"statement {sorted(statement)!r}")


def evaluate(
    acl: Mapping[str, Any], request: Mapping[str, Any], ip_set: Lookup
) -> tuple[str, str | None]:
    """("Block" | "Allow", terminating rule name or None for the default action); raises
    Unsupported when a rule the evaluation reaches is outside the subset."""
    rules = sorted(acl.get("Rules") or [], key=lambda r: int(r.get("Priority", 0)))
    for rule in rules:
        action = rule.get("Action") or {}
        kind = next(iter(action), None)
        if kind not in ("Block", "Allow", "Count"):
            raise Unsupported(f"rule action {kind!r} (rule groups use OverrideAction)")
        if kind == "Block" and (action["Block"] or {}).get("CustomResponse"):
            raise Unsupported("a Block action's CustomResponse")
        if not matches(rule.get("Statement") or {}, request, ip_set):
            continue
        if kind != "Count":
            return str(kind), str(rule.get("Name"))
    default = next(iter(acl.get("DefaultAction") or {"Allow": {}}), "Allow")
    if default not in ("Block", "Allow"):
        raise Unsupported(f"default action {default!r}")
    return str(default), None


def _stored(waf: ModuleType, store: Any, arn: str, kind: str) -> Mapping[str, Any] | None:
    """The record MiniStack's wafv2 keeps under `arn` (a web ACL or an IP set), or None."""
    _, key, err = waf._parse_local_waf_arn(arn, (kind,))
    if err:
        return None
    found = store.get_scoped(*key)
    return found if found and found.get("ARN") == arn else None


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import get_request_client_ip

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.services import waf

    execute_in_scope = v1._handle_execute_in_scope

    async def filtered(
        api_id: str,
        stage_name: str,
        method: str,
        path: str,
        headers: dict[str, Any],
        body: Any,
        query_params: Any,
        owner_account_id: str,
        owner_region: str,
        *rest: Any,
    ) -> Any:
        args = (api_id, stage_name, method, path, headers, body, query_params)
        acl_arn = waf._associations.get(stage_arn(owner_region, api_id, stage_name))
        acl = _stored(waf, waf._web_acls, acl_arn, "webacl") if acl_arn else None
        if acl is not None:
            request = {
                "source_ip": get_request_client_ip(),
                # The URI path as the client sent it to the execute-api host: stage first.
                "path": f"/{stage_name}/{str(path).lstrip('/')}",
                "headers": headers or {},
                "body": body if isinstance(body, bytes) else str(body or "").encode(),
            }
            try:
                verdict, rule = evaluate(
                    acl, request, lambda arn: _stored(waf, waf._ip_sets, arn, "ipset")
                )
            except Unsupported as why:
                log.warning("web ACL %s not evaluated (%s): request left alone", acl_arn, why)
                verdict, rule = "Allow", None
            if verdict == "Block":
                log.info("web ACL %s blocked %s %s (rule %s)", acl_arn, method, path, rule)
                trace = current()
                if trace is not None:
                    trace.gateway_response = ("WAF_FILTERED", "Forbidden")
                return forbidden()
        return await execute_in_scope(*args, owner_account_id, owner_region, *rest)

    setattr(v1, "_handle_execute_in_scope", filtered)  # noqa: B010
