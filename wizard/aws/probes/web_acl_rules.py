"""Which rule of a stage's web ACL blocks the failing request, as far as the wizard can tell.

AWS WAF runs a web ACL's rules in priority order: Count only counts, the first Block or Allow
whose statement matches ends it, and the DefaultAction decides when none does. The wizard knows
the failing request only partly - the headers it was given, the path, the body, and the source
address only when it is certain (a loopback endpoint) - so each statement matches (True), does
not (False) or cannot be told (None). A header the wizard was not given is unknown, not absent:
the user's client may send it. Only a few statements are read (IP sets, byte matches on a
header, the URI path or the query string, size constraints, and And/Or/Not of those); any other
is unknown. WAF never says which rule blocked (its sampled requests and logs do, on AWS), so
the rule is named only when one Block is left standing.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

# An IP set's ARN -> its addresses, or None when they could not be read.
IpSetReader = Callable[[str], list[str] | None]

MAX_RULES = 100  # WAF's own quota per web ACL; a longer list is not read rule by rule
MAX_NAME = 128  # WAF's limit on a rule name: a longer one is not WAF's


@dataclass(frozen=True)
class KnownRequest:
    """What the wizard knows of the failing request."""

    headers: Mapping[str, str]  # as given: names compared case-insensitively
    uri_path: str
    query: str
    body: bytes | None  # None: not known
    source_ip: str | None  # None: not known (a real endpoint sees this network's egress)


def _blob(value: Any) -> bytes:
    """ByteMatch's SearchString as WAF stores it (boto3 gives bytes; a JSON dump, text)."""
    if isinstance(value, bytes):
        return value
    return str(value).encode()


def _transform(data: bytes, transformations: Any) -> bytes | None:
    for t in sorted(transformations or [], key=lambda t: int(t.get("Priority", 0))):
        kind = t.get("Type")
        if kind == "LOWERCASE":
            data = data.lower()
        elif kind == "URL_DECODE":
            data = unquote_to_bytes(data)
        elif kind == "BASE64_DECODE":
            try:
                data = base64.b64decode(data)
            except (binascii.Error, ValueError):
                return None
        elif kind != "NONE":
            return None  # a transformation not read here: unknown
    return data


def _field(field: Mapping[str, Any], request: KnownRequest) -> bytes | None:
    if "SingleHeader" in field:
        name = str((field["SingleHeader"] or {}).get("Name", "")).lower()
        for key, value in request.headers.items():
            if key.lower() == name:
                return value.encode()
        return None  # not given: the client may send it
    if "UriPath" in field:
        return request.uri_path.encode()
    if "QueryString" in field:
        return request.query.encode()
    if "Body" in field:
        return request.body
    return None


def _byte_match(s: Mapping[str, Any], request: KnownRequest) -> bool | None:
    data = _field(s.get("FieldToMatch") or {}, request)
    if data is None:
        return None
    data = _transform(data, s.get("TextTransformations"))
    if data is None:
        return None
    want = _blob(s.get("SearchString"))
    where = s.get("PositionalConstraint")
    if where == "EXACTLY":
        return data == want
    if where == "STARTS_WITH":
        return data.startswith(want)
    if where == "ENDS_WITH":
        return data.endswith(want)
    if where == "CONTAINS":
        return want in data
    return None


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "EQ": lambda a, b: a == b,
    "NE": lambda a, b: a != b,
    "LE": lambda a, b: a <= b,
    "LT": lambda a, b: a < b,
    "GE": lambda a, b: a >= b,
    "GT": lambda a, b: a > b,
}


def _size(s: Mapping[str, Any], request: KnownRequest) -> bool | None:
    data = _field(s.get("FieldToMatch") or {}, request)
    compare = _COMPARE.get(str(s.get("ComparisonOperator")))
    if data is None or compare is None:
        return None
    data = _transform(data, s.get("TextTransformations"))
    return None if data is None else compare(len(data), int(s.get("Size", 0)))


def _in_ip_set(s: Mapping[str, Any], request: KnownRequest, ip_set: IpSetReader) -> bool | None:
    if s.get("IPSetForwardedIPConfig") or request.source_ip is None:
        return None
    addresses = ip_set(str(s.get("ARN", "")))
    if addresses is None:
        return None
    source = ipaddress.ip_address(request.source_ip)
    for cidr in addresses:
        try:
            if source in ipaddress.ip_network(str(cidr), strict=False):
                return True
        except ValueError:
            return None  # WAF would have refused it; what it means is not ours to guess
    return False


def matches(
    statement: Mapping[str, Any], request: KnownRequest, ip_set: IpSetReader
) -> bool | None:
    """True, False, or None when the wizard cannot tell."""
    if "IPSetReferenceStatement" in statement:
        return _in_ip_set(statement["IPSetReferenceStatement"], request, ip_set)
    if "ByteMatchStatement" in statement:
        return _byte_match(statement["ByteMatchStatement"], request)
    if "SizeConstraintStatement" in statement:
        return _size(statement["SizeConstraintStatement"], request)
    if "NotStatement" in statement:
        inner = matches((statement["NotStatement"] or {}).get("Statement") or {}, request, ip_set)
        return None if inner is None else not inner
    for kind, decisive in (("AndStatement", False), ("OrStatement", True)):
        if kind in statement:
            parts = [
                matches(s, request, ip_set) for s in (statement[kind] or {}).get("Statements") or []
            ]
            if decisive in parts:  # one False ends an And, one True an Or
                return decisive
            return None if None in parts else not decisive
    return None


@dataclass(frozen=True)
class Verdict:
    candidates: tuple[tuple[str, bool], ...]  # Block rules that may end it: (name, certain)
    allowed: bool  # an Allow rule certainly lets the request through first

    @property
    def may_block(self) -> bool | None:
        """Whether the ACL can block this request: False when it certainly does not."""
        if self.allowed or not self.candidates:
            return False
        return True if self.candidates[0][1] else None

    @property
    def blocking_rule(self) -> str | None:
        """The one rule left that blocks it ("(default action)" for the default), or None."""
        return self.candidates[0][0] if len(self.candidates) == 1 else None


DEFAULT = "(default action)"


def evaluate(acl: Mapping[str, Any], request: KnownRequest, ip_set: IpSetReader) -> Verdict:
    rules = list(acl.get("Rules") or [])[:MAX_RULES]
    candidates: list[tuple[str, bool]] = []
    for rule in sorted(rules, key=lambda r: int(r.get("Priority", 0))):
        action = next(iter(rule.get("Action") or rule.get("OverrideAction") or {}), None)
        if action == "Count":
            continue
        hit = matches(rule.get("Statement") or {}, request, ip_set)
        if hit is False:
            continue
        if action == "Allow":
            if hit:
                return Verdict(tuple(candidates), not candidates)
            continue  # it may let the request through first: the Blocks after it stay possible
        # Block, a rule group (its own rules decide), CAPTCHA or Challenge: it may end it here.
        name = str(rule.get("Name", ""))[:MAX_NAME]
        certain = bool(hit) and action == "Block" and not candidates
        candidates.append((name, certain))
        if hit and action == "Block":
            return Verdict(tuple(candidates), False)
    if "Block" in (acl.get("DefaultAction") or {}):
        candidates.append((DEFAULT, not candidates))
    return Verdict(tuple(candidates), False)


def text_blobs(value: Any) -> Any | None:
    """A GetWebACL rule list with its blobs (SearchString) as the text the CLI and boto3 send
    back as the same bytes; None when a blob is not UTF-8 text (it could not be sent back
    unchanged, so no update is offered)."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            done = text_blobs(v)
            if done is None and v is not None:
                return None
            out[k] = done
        return out
    if isinstance(value, list):
        items = [text_blobs(v) for v in value]
        return (
            None
            if any(i is None and v is not None for i, v in zip(items, value, strict=True))
            else items
        )
    return value


def with_count(rules: list[Mapping[str, Any]], name: str) -> list[dict[str, Any]] | None:
    """The same rules with rule `name`'s Block action overridden to Count (it still counts the
    requests it matches), or None when `name` is not a plain Block rule of the list."""
    out = [dict(r) for r in rules]
    hits = [r for r in out if r.get("Name") == name and "Block" in (r.get("Action") or {})]
    if len(hits) != 1:
        return None
    hits[0]["Action"] = {"Count": {}}
    return out
