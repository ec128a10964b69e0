"""The cheap pass first: which lines of a large byte chunk the scanner must parse at all.

Most of an execution log is noise for a 403 investigation (`Method request headers: ...`,
`Endpoint request URI: ...`). The scanner counts such a line as parsed and moves on without
touching any request, so it need not even see it: `lines_to_parse` finds, with a few searches
run in C over the whole chunk, every line that is NOT certainly such noise, and the scanner
parses only those. The test is conservative by construction — a line is skipped only when
  1. it has the shape `(rid) msg`, `ts (rid) msg` or `ts stream (rid) msg` with nothing
     unusual before the request id (no parenthesis, no tab, at most 120 characters), so the
     scanner's own noise test would find the same `) ` and `(`; and
  2. no recognised message starts after a `) ` anywhere in it, and it contains neither
     `xception` nor `not authorized to perform`.
Anything else (other shapes, JSON, Lambda lines, blank lines, a marker anywhere) is handed to
the scanner's full per-line logic. Chunks with non-ASCII bytes are not prefiltered at all (the
scanner's character offsets would differ from byte offsets there).
"""

from __future__ import annotations

import re

from wizard.analysis.logs.execution import PREFIXES

# A line the scanner's noise test certainly sees as `(rid) msg`: what follows "\n" when it is.
_SHAPE = rb"(?:\(|\d[^()\n\t]{0,120}\()[^()\n]{8,64}\) "
_SHAPE_AT_START = re.compile(_SHAPE)
# A line start ("\n" + the next line) that does NOT have that shape.
_OTHER_SHAPE = re.compile(rb"\n(?!" + _SHAPE + rb")")
# A recognised message after `) `: the literal `) ` lets the regex engine skip ahead in C.
_MARKER = re.compile(rb"\) (?:" + b"|".join(re.escape(p.encode()) for p in PREFIXES) + rb")")
_ANYWHERE = (b"xception", b"not authorized to perform")


def lines_to_parse(block: bytes) -> tuple[list[str], int] | None:
    """The lines of `block` (lines joined by b"\\n") the scanner must parse, in order, and how
    many lines the block holds; None when the block must be parsed line by line (non-ASCII)."""
    if not block.isascii():
        return None
    starts: set[int] = set()
    if _SHAPE_AT_START.match(block) is None:
        starts.add(0)
    starts.update(m.start() + 1 for m in _OTHER_SHAPE.finditer(block))
    rfind = block.rfind
    starts.update(rfind(b"\n", 0, m.start()) + 1 for m in _MARKER.finditer(block))
    find = block.find
    for token in _ANYWHERE:
        at = find(token)
        while at >= 0:
            start = rfind(b"\n", 0, at) + 1
            starts.add(start)
            end = find(b"\n", at)
            if end < 0:
                break
            at = find(token, end)
    out: list[str] = []
    for start in sorted(starts):
        end = find(b"\n", start)
        out.append(block[start : end if end >= 0 else len(block)].decode("ascii"))
    return out, block.count(b"\n") + 1
