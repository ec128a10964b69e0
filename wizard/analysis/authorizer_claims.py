"""An authorizer that denies because its code reads a claim the token does not carry (pure).

A Deny is normally the authorizer's decision (a role check), which the wizard cannot overrule.
One kind is not a decision but a bug: the code looks up a claim by a name the token does not
have (`claims.get("roles")` for a token carrying `role`), so every caller is judged on a missing
value. That is visible from the code and the token alone: a string read by subscript or `.get`
that is not a claim of the token, while exactly one claim of the token has a close name and is
read nowhere in the code. Only that literal, on those lines, is renamed. Whether it was the
reason for the Deny is proved the only way it can be: the patched authorizer is deployed and the
request sent again (a fix that does not make it succeed is never reported as one).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# A dict read: `x["name"]`, `x.get("name"` (Python) or `x["name"]` (Node). Environment and
# event reads are the function's configuration and API Gateway's input, never token claims.
_READ = re.compile(
    r"""(?P<recv>[\w.]+)\s*(?:\[\s*|\.get\(\s*)(?P<q>["'])(?P<name>[\w:.\-]{1,64})(?P=q)"""
)
_NOT_CLAIMS = re.compile(r"(?:^|\.)(?:environ|env|event|headers|context)$")
_CUTOFF = 0.75


@dataclass(frozen=True)
class ClaimRename:
    read: str  # the name the code looks up
    claim: str  # the token's claim it should read


def wrong_claim_reads(source: str, claims: Mapping[str, Any]) -> list[ClaimRename]:
    """The claim names the code reads that the token lacks, each with its one close claim."""
    names = [str(c) for c in claims]
    reads = {m["name"] for m in _READ.finditer(source) if not _NOT_CLAIMS.search(m["recv"])}
    out = []
    for read in sorted(reads - set(names)):
        close = [
            c
            for c in names
            if c not in reads
            and (
                difflib.SequenceMatcher(None, read.lower(), c.lower()).ratio() >= _CUTOFF
                or c.lower().endswith(":" + read.lower())
            )
        ]
        if len(close) == 1:
            out.append(ClaimRename(read, close[0]))
    return out


def rename_claim_reads(source: str, renames: list[ClaimRename]) -> tuple[str, int]:
    """`source` with each wrong read renamed where it is read; the number of lines changed."""
    wanted = {r.read: r.claim for r in renames}

    def fix(m: re.Match[str]) -> str:
        if _NOT_CLAIMS.search(m["recv"]) or m["name"] not in wanted:
            return m[0]
        start, end = m.span("name")
        return m[0][: start - m.start()] + wanted[m["name"]] + m[0][end - m.start() :]

    out, changed = [], 0
    for line in source.splitlines(keepends=True):
        new = _READ.sub(fix, line)
        changed += new != line
        out.append(new)
    return "".join(out), changed
