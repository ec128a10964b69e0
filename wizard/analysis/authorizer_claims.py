"""An authorizer that denies because its code reads a name the request does not carry (pure).

A Deny is normally the authorizer's decision (a role check), which the wizard cannot overrule.
One kind is not a decision but a bug: the code looks a value up by a name the request does not
have, so every caller is judged on a missing value:

- a claim (`claims.get("roles")`, `payload.roles` in Node, for a token carrying `role`);
- a header (`headers["X-Auth-Token"]` while the client sends `X-Session-Token`);
- a query-string parameter (`event.queryStringParameters.access_token` for `?token=`).

That is visible from the code and the request alone: a name read by subscript, `.get` or
attribute that the request lacks, while exactly one name the request carries is close to it and
is read nowhere in the code. Only that name, on those lines, is renamed. Whether it was the
reason for the Deny is proved the only way it can be: the patched authorizer is deployed and the
request sent again (a fix that does not make it succeed is never reported as one).

Header names are compared without case (HTTP's rule); a read that differs from a header only in
case is left alone: whether the event keeps the client's case depends on the payload version.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["claim", "header", "query"]

_NAME = r"[\w:.\-]{1,64}"
_PLAIN = re.compile(_NAME)
# The receiver: `claims`, `event.headers`, `event["headers"]`, `event?.queryStringParameters`.
_RECV = r"""[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*|\[\s*["'][\w:.\-]{1,64}["']\s*\])*"""
# A dict read: `x["name"]`, `x.get("name"` (Python) or `x["name"]` (Node).
_SUBSCRIPT = re.compile(
    rf"""(?<![\w$.])(?P<recv>{_RECV})\s*(?:\[\s*|\??\.get\(\s*)(?P<q>["'])(?P<name>{_NAME})(?P=q)"""
)
# An attribute read (Node objects, Python namespaces): `.name` / `?.name` after a receiver, not
# a call (`json.loads(`) nor an assignment (`x.name = `; `==` is a read). Every segment of a
# chain is a read of its own (`payload.groups.includes(...)` reads `groups`).
_ATTRIBUTE = re.compile(
    r"""(?P<dot>\??\.)(?P<name>[A-Za-z_$][\w$]{0,63})(?![\w$])(?!\s*\()(?!\s*=(?!=))"""
)
_RECV_AT_END = re.compile(rf"""(?<![\w$.])(?P<recv>{_RECV})$""")
_LAST_SUBSCRIPT = re.compile(r"""\[\s*["']([\w:.\-]+)["']\s*\]$""")
# Receivers that are neither claims nor the request's parameters: the function's configuration
# and API Gateway's own input (the method ARN, the context), and modules.
_IGNORED = frozenset(
    {"environ", "env", "event", "context", "requestcontext", "stagevariables", "os", "process"}
)
_QUERY = re.compile(r"(?i)^(?:multivalue)?(?:querystring(?:parameters)?|query\w*|qs|searchparams)$")
_IMPORT = re.compile(
    r"""(?m)^\s*(?:import\s+([A-Za-z_]\w*)|from\s+[\w.]+\s+import\s+([A-Za-z_]\w*)"""
    r"""|(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(|import\s+([A-Za-z_$][\w$]*)\s+from)"""
)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
_CUTOFF = 0.75


@dataclass(frozen=True)
class ClaimRename:
    read: str  # the name the code looks up
    claim: str  # the name the request carries that it should read
    kind: Kind = "claim"


def _kind(recv: str) -> Kind | None:
    """What a receiver holds, from its last segment: None for configuration and event reads."""
    m = _LAST_SUBSCRIPT.search(recv)
    last = (m.group(1) if m else recv.rsplit(".", 1)[-1].lstrip("?")).lower()
    if last in _IGNORED:
        return None
    if last.endswith("headers"):
        return "header"
    if _QUERY.match(last):
        return "query"
    return "claim"


def _modules(source: str) -> set[str]:
    """Names the file binds to modules (`import hashlib`, `const jwt = require("jwt")`): their
    attributes (`hashlib.sha256`) are code, not claims."""
    return {next(g for g in m.groups() if g) for m in _IMPORT.finditer(source)}


@dataclass(frozen=True)
class _Read:
    kind: Kind
    name: str
    start: int  # the span to replace: the quoted name, or the attribute with its dot
    end: int
    dot: str | None  # the attribute's `.` / `?.`; None for a subscript


def _line_reads(line: str, modules: set[str]) -> list[_Read]:
    out = []
    for m in _SUBSCRIPT.finditer(line):
        kind = _kind(m["recv"])
        if kind is not None and m["recv"].split(".", 1)[0].rstrip("?") not in modules:
            out.append(_Read(kind, m["name"], *m.span("name"), None))
    for m in _ATTRIBUTE.finditer(line):
        found = _RECV_AT_END.search(line, 0, m.start())
        if found is None:
            continue
        kind = _kind(found["recv"])
        if kind is not None and found["recv"].split(".", 1)[0].rstrip("?") not in modules:
            out.append(_Read(kind, m["name"], m.start(), m.end(), m["dot"]))
    return out


def _reads(source: str) -> list[tuple[Kind, str]]:
    modules = _modules(source)
    return [(r.kind, r.name) for line in source.splitlines() for r in _line_reads(line, modules)]


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[-_:.]+", name.lower()) if w]


def _in_order(short: list[str], long: list[str]) -> bool:
    rest = iter(long)
    return bool(short) and all(w in rest for w in short)


def _close(read: str, carried: list[str], already: set[str], *, kind: Kind) -> list[str]:
    """The carried names close to `read` and read nowhere: a similar spelling, a namespaced
    claim (`cognito:groups` for `groups`), or for a parameter the same words with one more or
    less (`X-Token` / `X-Auth-Token`, `access_token` / `token`)."""

    def norm(s: str) -> str:
        return s if kind == "claim" else s.lower()

    def close(c: str) -> bool:
        if difflib.SequenceMatcher(None, read.lower(), c.lower()).ratio() >= _CUTOFF:
            return True
        if c.lower().endswith(":" + read.lower()):
            return True
        if kind == "claim":
            return False
        a, b = _words(read), _words(c)
        return _in_order(a, b) or _in_order(b, a)

    return [c for c in carried if norm(c) not in already and close(c)]


def _renames(source: str, kind: Kind, carried: Iterable[Any], *, fold: bool) -> list[ClaimRename]:
    # Only plain names: a claim or header name comes from the request and is written into code
    # (a quote in it would end the string literal it replaces).
    names = [n for n in dict.fromkeys(str(c) for c in carried) if _PLAIN.fullmatch(n)]

    def norm(s: str) -> str:
        return s.lower() if fold else s

    reads = {name for k, name in _reads(source) if k == kind}
    read_norm = {norm(r) for r in reads}
    have = {norm(c) for c in names}
    out = []
    for read in sorted(r for r in reads if norm(r) not in have):
        close = _close(read, names, read_norm, kind=kind)
        if len(close) == 1:
            claim = close[0]
            if fold and read == read.lower():
                claim = claim.lower()  # the code lower-cases the headers first: keep its style
            out.append(ClaimRename(read, claim, kind))
    return out


def wrong_claim_reads(source: str, claims: Mapping[str, Any]) -> list[ClaimRename]:
    """The claim names the code reads that the token lacks, each with its one close claim."""
    return _renames(source, "claim", claims, fold=False)


def wrong_parameter_reads(
    source: str, *, headers: Iterable[str] = (), query: Iterable[str] = ()
) -> list[ClaimRename]:
    """The header and query-string names the code reads that the request does not carry, each
    with the one close name it carries (headers without case, query parameters with it)."""
    return _renames(source, "header", headers, fold=True) + _renames(
        source, "query", query, fold=False
    )


def rename_claim_reads(source: str, renames: list[ClaimRename]) -> tuple[str, int]:
    """`source` with each wrong read renamed where it is read; the number of lines changed."""
    wanted = {(r.kind, r.read): r.claim for r in renames}
    modules = _modules(source)
    out, changed = [], 0
    for line in source.splitlines(keepends=True):
        new = line
        # right to left, so the spans of the reads not yet replaced stay where they are
        for read in sorted(_line_reads(line, modules), key=lambda r: r.start, reverse=True):
            name = wanted.get((read.kind, read.name))
            if name is None:
                continue
            if read.dot is None or _IDENTIFIER.match(name):
                text = name if read.dot is None else read.dot + name
            else:  # `cognito:groups` is no identifier: payload?.groups -> payload?.["cognito:groups"]
                text = ("?." if read.dot == "?." else "") + f'["{name}"]'
            new = new[: read.start] + text + new[read.end :]
        changed += new != line
        out.append(new)
    return "".join(out), changed
