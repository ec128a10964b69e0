"""`--jobs N` with the request state built in the workers: each scans its byte range of the file
into per-request partial summaries, the parent merges them in file order.

The one-process scan's state crosses a range boundary in a few ways, and each is carried or
checked here, so the merged result is the one-process result exactly:
- a request whose lines span the boundary: the later range's summary of it (a "segment") is
  merged into the earlier one field by field (`_merge_segment`: sums, unions, first/last times,
  and for a field a segment wrote, the segment's last value);
- which authorizer decision a new request may have been served from (`prior_authorizer_run`):
  a worker marks the requests created before its range's first authorizer result, and the
  parent gives them the last decision of the ranges before;
- the method-ARN prefix learned from the first authorizer request, which a request's summary
  uses when it is closed: the parent records when (in request creations) it was learned and
  closes each request with it only if it was known by then;
- eviction: one process closes the oldest open request when more than `max_active` are open,
  i.e. request j when request j + max_active is created. The parent closes requests at that
  rule, in creation order, after each range. A segment whose lines may come after its
  request was closed (the one-process scan would have opened a new request) is not merged.
What a worker cannot reproduce alone makes its range "unsafe", and the caller scans the file
the one-process way instead (same output, less speed): lines outside the fast path (JSON,
Lambda lines, bare messages, pretty-printed events: they read the pending timestamp and the
last request id), kinds whose effect depends on the request's earlier lines (`unauthorized`,
`iam-deny`, configuration errors), and a request id seen again after its request was closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from wizard.analysis.logs.model import AuthorizerRun, NotableLine, RequestSummary, ScanResult
from wizard.analysis.logs.scan import LogScanner

__all__ = ["MergingScanner", "RangeScan", "RangeScanner"]

# The prior authorizer decision of a request created before its range's first authorizer
# result: the parent fills in the decision the ranges before it ended with. (A value, not an
# identity: it travels between processes.)
PRIOR_FROM_EARLIER_RANGES = AuthorizerRun("\x00from earlier ranges", (), ())
# Kinds whose effect on a request reads what earlier lines set on it (`_set_unauthorized`
# reads the status, `_set_iam_deny` the message, `_apply` remaps a configuration error by the
# kinds already seen): a worker without those lines cannot apply them.
_STATEFUL_KINDS = ("unauthorized", "iam-deny", "authorizer-config-error", "execution-failed")
# Fields a segment sets only through the kind named: it wrote them iff it holds that kind.
_FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    "request-route": ("method", "resource_path"),
    "authorizer-request": ("method_arn",),
    "authorizer-result": (
        "policy",
        "policy_raw",
        "policy_effects",
        "policy_resources",
        "policy_problems",
    ),
    "gateway-response": ("response_type",),
    "integration-status": ("integration_status",),
    "gateway-response-body": ("error_message",),
}
# Fields set as `new or old` (or only to a value): a segment's value, when not None, is the
# last one written.
_FIELDS_IF_SET = ("status", "authorizer_id", "principal_id", "api_key", "api_stage")


@dataclass
class RangeScan:
    """What a worker made of its range: its counts (`counts.requests` is empty), its requests
    in creation order with, for each, the largest creation count at which one of its lines
    may have come, and what the parent needs to join it to the ranges before."""

    counts: ScanResult
    requests: list[tuple[RequestSummary, int]] = field(default_factory=list)
    creations: int = 0
    arn_prefix: tuple[int, str] | None = None  # (creation count when learned, prefix)
    last_authorized: AuthorizerRun | None = None
    safe: bool = True

    # Pickled as rows of plain values, not as dataclasses: a range's requests cross a pipe,
    # and the dataclasses' pickling took about as long as scanning the range (measured on
    # the benchmark's log: 0.20 s against 0.09 s for two 8 MB ranges, and twice as slow to
    # load).
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["requests"] = [(_row(req), bound) for req, bound in self.requests]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["requests"] = [(_from_row(row), bound) for row, bound in state["requests"]]
        self.__dict__.update(state)


_FIELDS = tuple(f.name for f in fields(RequestSummary))
_NOTABLE = _FIELDS.index("notable")


def _row(req: RequestSummary) -> tuple[Any, ...]:
    row = [getattr(req, name) for name in _FIELDS]
    row[_NOTABLE] = [tuple(n) for n in req.notable]
    return tuple(row)


def _from_row(row: tuple[Any, ...]) -> RequestSummary:
    req = RequestSummary(*row)
    req.notable = [tuple.__new__(NotableLine, n) for n in req.notable]
    return req


class RangeScanner(LogScanner):
    """A worker's scanner: the one-process scan of one range, with its requests kept open
    (never closed here: the parent closes them in the file's order)."""

    def __init__(self, *, max_active: int = 2000, max_notable: int = 12) -> None:
        super().__init__(max_active=max_active, max_notable=max_notable)
        self._last_authorized = PRIOR_FROM_EARLIER_RANGES
        self._order: list[RequestSummary] = []
        self._bound: list[int] = []
        self._index: dict[str, int] = {}
        self._left: set[str] = set()
        self._creations = 0
        self._arn_at: int | None = None
        self.safe = True

    def _request(self, rid: str, ts: str | None) -> RequestSummary:
        req = self._active.get(rid)
        if req is None:
            if rid in self._left:
                self.safe = False  # its request was closed: one process opens a new one
            req = RequestSummary(rid, prior_authorizer_run=self._last_authorized)
            self._active[rid] = req
            self._creations += 1
            self._index[rid] = len(self._order)
            self._order.append(req)
            self._bound.append(-1)
            if len(self._active) > self.max_active:
                # One process has closed it by now at the latest: no later line may touch it.
                oldest = next(iter(self._active))
                del self._active[oldest]
                self._left.add(oldest)
                self._bound[self._index.pop(oldest)] = self._creations - 1
        self._last_rid = rid
        return req

    def _general(self, line: str) -> bool:
        self.safe = False
        return super()._general(line)

    def _learn_arn_prefix(self, arn: str | None) -> None:
        known = self._arn_prefix is not None
        super()._learn_arn_prefix(arn)
        if not known and self._arn_prefix is not None:
            self._arn_at = self._creations

    def range_scan(self) -> RangeScan:
        c = self.result_counts
        safe = self.safe and not any(c.by_kind.get(k) for k in _STATEFUL_KINDS)
        bounds = [self._creations if b < 0 else b for b in self._bound]
        last = self._last_authorized
        return RangeScan(
            counts=c,
            requests=list(zip(self._order, bounds, strict=True)),
            creations=self._creations,
            arn_prefix=None
            if self._arn_at is None or self._arn_prefix is None
            else (self._arn_at, self._arn_prefix),
            last_authorized=None if last == PRIOR_FROM_EARLIER_RANGES else last,
            safe=safe,
        )


def _merge_segment(req: RequestSummary, seg: RequestSummary, max_notable: int) -> None:
    """Apply to `req` what a later range's lines of the same request did (see the module)."""
    req.lines += seg.lines
    req.execution_lines += seg.execution_lines
    if req.first_time is None:
        req.first_time = seg.first_time
    if seg.last_time is not None:
        req.last_time = seg.last_time
    req.authorizer_started = req.authorizer_started or seg.authorizer_started
    for name in _FIELDS_IF_SET:
        value = getattr(seg, name)
        if value is not None:
            setattr(req, name, value)
    for kind, names in _FIELDS_BY_KIND.items():
        if kind in seg.kinds:
            for name in names:
                setattr(req, name, getattr(seg, name))
    req.kinds |= seg.kinds
    room = max(0, max_notable - len(req.notable))
    req.notable.extend(seg.notable[:room])
    req.notable_dropped += seg.notable_dropped + max(0, len(seg.notable) - room)


class MergingScanner(LogScanner):
    """The parent's scanner for `--jobs`: `merge` each range's RangeScan in file order, then
    `result()` as usual."""

    def __init__(self, *, request_id: str | None = None, max_active: int = 2000) -> None:
        super().__init__(request_id=request_id, max_active=max_active)
        self._created = 0
        self._number: dict[str, int] = {}  # open request id -> its creation number (1-based)
        self._arn_learned: tuple[int, str] | None = None  # (creations when learned, prefix)

    def merge(self, part: RangeScan) -> bool:
        """Join one range to the ranges before it; False (and nothing changed) when it cannot be
        joined exactly: the caller then scans the file in one process."""
        if not part.safe:
            return False
        base = self._created
        # Which of the range's requests continue one still open, and how many of those were
        # created (in the worker) up to each creation count.
        continues = [req.request_id in self._active for req, _ in part.requests]
        before = [0] * (part.creations + 1)
        for n, cont in enumerate(continues, start=1):
            before[n] = before[n - 1] + cont
        for n in range(len(continues) + 1, part.creations + 1):
            before[n] = before[n - 1]
        for (req, bound), cont in zip(part.requests, continues, strict=True):
            if (
                cont
                and base + bound - before[bound] >= self._number[req.request_id] + self.max_active
            ):
                return False  # one process closed it before this line: it would reopen
        # Nothing can fail from here on.
        c, pc = self.result_counts, part.counts
        c.lines += pc.lines
        c.parsed += pc.parsed
        c.unparseable += pc.unparseable
        c.blank += pc.blank
        c.recognised += pc.recognised
        c.by_kind.update(pc.by_kind)
        prior = self._last_authorized
        for (req, _), cont in zip(part.requests, continues, strict=True):
            if cont:
                _merge_segment(self._active[req.request_id], req, self.max_notable)
                continue
            if req.prior_authorizer_run == PRIOR_FROM_EARLIER_RANGES:
                req.prior_authorizer_run = prior
            self._created += 1
            self._number[req.request_id] = self._created
            self._active[req.request_id] = req
            c.requests_seen += 1
        if part.last_authorized is not None:
            self._last_authorized = part.last_authorized
        if self._arn_learned is None and part.arn_prefix is not None:
            at, prefix = part.arn_prefix
            self._arn_learned = (base + at - before[at], prefix)
        # Close what one process has closed by the end of this range, oldest first.
        while self._active:
            rid = next(iter(self._active))
            number = self._number[rid]
            if number + self.max_active > self._created:
                break
            self._close_at(self._active.pop(rid), number + self.max_active)
            del self._number[rid]
        return True

    def _close_at(self, req: RequestSummary, creations: int | None) -> None:
        """`_close`, with the ARN prefix one process knew when it closed `req`: when the
        `creations`-th request was created (None: at the end of the scan)."""
        learned = self._arn_learned
        known = learned is not None and (creations is None or learned[0] < creations)
        self._arn_prefix = learned[1] if known and learned is not None else None
        self._close(req)

    def result(self) -> ScanResult:
        for rid in list(self._active):
            self._close_at(self._active.pop(rid), None)
        self._number.clear()
        return super().result()
