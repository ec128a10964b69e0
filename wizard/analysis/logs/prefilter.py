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
the scanner's full per-line logic. `items_to_parse` (what the scanner uses) hands a picked line that has
the scanner's fast-path shape with a recognised message on as (timestamp, request id, message),
split by one bytes match where the line starts. Chunks with non-ASCII bytes are not prefiltered at all (the
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


# A picked line the scanner would read on its fast path (`[ts [stream]] (rid) <recognised
# message>`), matched where it starts: the same shape as scan._FAST_PREFIX (its classes kept
# off the newline, which a single line cannot hold) followed by one of the recognised prefixes,
# so the timestamp, request id and message come out of one C-level match instead of a decode
# and three tests per line.
_FAST_MARKED = re.compile(
    rb"(?:(\d{4}-\d\d-\d\d[T ][^ \t\n]*|\d{13})[ \t](?:[^ \t(\n]+[ \t])?)?"
    rb"\(([0-9A-Fa-f-]{8,64})\) ((?:"
    + b"|".join(re.escape(p.encode()) for p in PREFIXES)
    + rb")[^\n]*)"
)

# A picked line: its text for the scanner's per-line logic, or, for a fast-path line, its
# (timestamp or None, request id, message).
Picked = str | tuple[str | None, str, str]


def marked_lines_at_least(block: bytes) -> int:
    """A lower bound on how many lines of `block` `_picked_starts` picks: the lines holding a
    recognised message after a `) ` (a line with two counts once: matches are taken one per
    line, searching on from the line's end)."""
    n = 0
    at = 0
    search = _MARKER.search
    find = block.find
    while (m := search(block, at)) is not None:
        n += 1
        at = find(b"\n", m.end())
        if at < 0:
            break
    return n


def _picked_starts(block: bytes) -> list[int]:
    """Where the lines the scanner must parse start, in order (see the module's docstring)."""
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
    return sorted(starts)


def lines_to_parse(block: bytes) -> tuple[list[str], int] | None:
    """The lines of `block` (lines joined by b"\\n") the scanner must parse, in order, and how
    many lines the block holds; None when the block must be parsed line by line (non-ASCII)."""
    if not block.isascii():
        return None
    find = block.find
    out: list[str] = []
    for start in _picked_starts(block):
        end = find(b"\n", start)
        out.append(block[start : end if end >= 0 else len(block)].decode("ascii"))
    return out, block.count(b"\n") + 1


def items_to_parse(block: bytes) -> tuple[list[Picked], int] | None:
    """`lines_to_parse`, with each fast-path line already split into its (timestamp, request
    id, message): what the scanner would make of it with `_FAST_PREFIX`, message stripped of
    a trailing CR as it strips it."""
    if not block.isascii():
        return None
    find = block.find
    fast = _FAST_MARKED.match
    out: list[Picked] = []
    append = out.append
    for start in _picked_starts(block):
        m = fast(block, start)
        if m is not None:
            ts, rid, msg = m.groups()
            append(
                (
                    None if ts is None else ts.decode("ascii"),
                    rid.decode("ascii"),
                    msg.rstrip(b"\r\n").decode("ascii"),
                )
            )
            continue
        end = find(b"\n", start)
        append(block[start : end if end >= 0 else len(block)].decode("ascii"))
    return out, block.count(b"\n") + 1
