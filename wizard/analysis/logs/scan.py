"""Streaming scan of API Gateway logs into per-request summaries.

Input: an iterator of lines (str or bytes) in any of the shapes people copy logs in:
- REST execution logs as the CloudWatch console copies them: `(<request-id>) <message>`,
  optionally after a timestamp and, from `aws logs tail`, a log-stream name;
- `aws logs filter-log-events` output: pretty-printed JSON (`"timestamp": ...`, `"message": ...`
  on their own lines), one JSON event per line, or `--output text` (`EVENTS\t...`);
- JSON access-log lines with `$context.*` fields under any key names (see access);
- Lambda authorizer logs (START/END/REPORT RequestId, printed events with a methodArn);
- bare messages pasted without their prefix (`Method completed with status: 403`).

Output: per-request summaries (first/last time, status, whether the authorizer ran, the policy
it returned, the gateway response type, notable lines tagged with a `kind`, derived signals
pointing at catalogue causes) plus counts. Memory is bounded: at most `max_active` requests are
open at a time (the oldest is closed when another opens), at most `max_kept` summaries are
kept (problem requests first) and at most `max_notable` notable lines per request. Garbage is
counted as unparseable and skipped; nothing here raises on any input.

This module reads the lines; `execution` recognises execution-log messages, `access`
access-log records, `model` holds the results and `signals` what they mean.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wizard.analysis.logs.access import normalise_access_record
from wizard.analysis.logs.execution import (
    CACHE_MISS,
    CLASSIFIED_CACHE,
    KIND_NOTES,
    PREFIXES,
    classify_cached,
    classify_message,
    find_method_arn,
)
from wizard.analysis.logs.model import (
    AuthorizerRun,
    LambdaInvocation,
    NotableLine,
    RequestSummary,
    ScanResult,
)
from wizard.analysis.logs.prefilter import Picked, items_to_parse, marked_lines_at_least
from wizard.analysis.logs.signals import derive_signals
from wizard.analysis.redact import redact_text

__all__ = ["NO_REQUEST_ID", "ExplainedLine", "LogScanner", "explain_lines", "scan_lines"]

NO_REQUEST_ID = "(no request id)"

_TS = r"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?|\d{13})"
# [timestamp] [stream] (request-id) message
_EXEC_LINE = re.compile(
    rf"^(?:(?P<ts>{_TS})\s+)?(?:(?P<stream>[^\s(][^\s]*)\s+)?\((?P<rid>[0-9A-Fa-f-]{{8,64}})\)\s?(?P<msg>.*)$"
)
# [timestamp] [stream] rest — for Lambda and access-log lines copied from `aws logs tail`
# The hot path: `(rid) `, `ts (rid) `, `ts stream (rid) ` at the start of a line.
_FAST_PREFIX = re.compile(
    r"(?:(\d{4}-\d\d-\d\d[T ][^ \t]*|\d{13})[ \t](?:[^ \t(]+[ \t])?)?\(([0-9A-Fa-f-]{8,64})\) "
)
# CloudWatch Logs Insights CSV export: `@timestamp,@message` with the message quoted.
_CSV_LINE = re.compile(rf'^(?P<ts>{_TS}),(?P<q>"?)(?P<msg>.*)(?P=q)$')
_CSV_HEADER = re.compile(r"^@?timestamp,@?message", re.IGNORECASE)
_TS_STREAM = re.compile(rf"^(?P<ts>{_TS})\s+(?:(?P<stream>\S+)\s+)?(?P<rest>.*)$")
_LAMBDA_MARK = re.compile(r"^(START|END|REPORT) RequestId: ([0-9a-fA-F-]{8,64})")
_LAMBDA_APP = re.compile(
    rf"^(?:\[(?:[A-Z]+)\]\s+)?(?P<ts>{_TS})\s+(?P<id>[0-9a-fA-F-]{{36}})\s+(?:(?P<lvl>[A-Z]+)\s+)?(?P<msg>.*)$"
)
_PRETTY_FIELD = re.compile(r'^\s*"(message|timestamp)"\s*:\s*(.*?),?\s*$')
_PRETTY_STRUCTURE = re.compile(
    r'^\s*(?:[{}\[\],]+|"(?:events|searchedLogStreams|logStreamName|ingestionTime|eventId|nextToken'
    r'|logGroupName|searchedCompletely|nextForwardToken|nextBackwardToken)"\s*:.*)\s*$'
)
_ENVELOPE_KEYS = ("timestamp", "logStreamName", "eventId", "ingestionTime", "@timestamp")
# A request id as `_FAST_PREFIX` takes it, and the line heads `feed_many` remembers at most.
_RID_CHARS = "0123456789abcdefABCDEF-"
_HEADS_MAX = 4096
_BAD_HEAD: Any = object()


# The prefilter costs about as much per line as the per-line noise test it spares, so it pays
# only when most lines are noise: measured on 30 MB logs, 1.26x faster with 10% of the lines
# picked, 0.81x with 48% (the benchmark's log). A block is prefiltered when the last probe
# picked at most this share of its lines; every PREFILTER_PROBE_EVERY-th block probes again.
# Both ways give the same result (tests/analysis/test_logs_differential.py).
PREFILTER_PAYS_BELOW = 0.25
PREFILTER_PROBE_EVERY = 16
# A probe first counts the block's recognised-message markers (one C-level search, 1.2 ms a MB
# against 9 ms for the whole prefilter): every such line is picked, so when they alone are more
# than PREFILTER_PAYS_BELOW of the lines the prefilter cannot pay and is not run. On the
# benchmark's log that saves the 4 probes' cost, 3-4% of the scan.
PREFILTER_PROBE_BY_MARKERS = True


class AdaptivePrefilter:
    """Whether the next block is worth prefiltering (PREFILTER_PAYS_BELOW), and its picked
    lines when it is."""

    def __init__(self) -> None:
        self.blocks = 0
        self.pays = True

    def pick(self, block: bytes) -> tuple[list[Picked], int] | None:
        """`items_to_parse(block)`, or None when the block is to be read line by line."""
        self.blocks += 1
        if self.pays or self.blocks % PREFILTER_PROBE_EVERY == 1:
            if (
                not self.pays
                and PREFILTER_PROBE_BY_MARKERS
                and marked_lines_at_least(block) > PREFILTER_PAYS_BELOW * (block.count(b"\n") + 1)
            ):
                return None
            picked = items_to_parse(block)
            if picked is not None:
                self.pays = len(picked[0]) <= PREFILTER_PAYS_BELOW * picked[1]
                return picked
        return None


def _epoch_ms_to_iso(ms: int | float) -> str | None:
    try:
        return (
            datetime.fromtimestamp(float(ms) / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
            + "Z"
        )
    except (OverflowError, OSError, ValueError):
        return None


def _norm_ts(ts: str | None) -> str | None:
    if ts is None:
        return None
    if ts.isdigit():
        return _epoch_ms_to_iso(int(ts))
    return ts


class LogScanner:
    """Feed lines one at a time; `result()` closes every open request and returns the scan."""

    def __init__(
        self,
        *,
        request_id: str | None = None,
        max_active: int = 2000,
        max_kept: int = 1000,
        max_notable: int = 12,
        max_lambda: int = 200,
    ) -> None:
        self.only = request_id
        self.max_active = max_active
        self.max_kept = max_kept
        self.max_notable = max_notable
        self.max_lambda = max_lambda
        self._active: dict[str, RequestSummary] = {}
        self._kept_problems: list[RequestSummary] = []
        self._kept_ok: deque[RequestSummary] = deque()
        self._lambda: dict[str, LambdaInvocation] = {}
        self._lambda_kept: deque[LambdaInvocation] = deque(maxlen=max_lambda)
        self._pending_ts: str | None = None
        self._last_rid: str | None = None
        # The most recent authorizer run: a later 403 with no authorizer lines was most likely
        # answered from that cached decision.
        self._last_authorized: AuthorizerRun | None = None
        self._arn_prefix: str | None = None
        self.result_counts = ScanResult([], [])
        self._prefilter = AdaptivePrefilter()
        self._heads: dict[str, Any] = {}
        self._splits: dict[str, Any] = {}

    # ------------------------------------------------------------------ feeding

    def feed(self, line: str | bytes) -> None:
        """One line (str or bytes, with or without its newline)."""
        self.feed_many((line,))

    def feed_many(self, lines: Iterable[str | bytes]) -> None:
        """Every line of `lines` (see `_feed_lines`)."""
        self._feed_lines(lines, True, True, True)

    def _feed_lines(self, lines: Iterable[str | bytes], tokens: bool, tabs: bool, cr: bool) -> None:
        """Every line of `lines`; `tokens` False when none of them holds `xception` or
        `not authorized to perform`, `tabs` False when none holds a tab, `cr` False when none
        holds a CR or LF (the caller searched its whole block once, in C: the noise test then
        need not search each line).
        The execution-log shapes are handled inline with locals:
        they are the bulk of any log, so this loop decides the scan's throughput. It is
        `feed_ops(read_lines(lines))` in one pass: the two passes (which `--jobs` workers
        need) cost 15-30% more CPU in one process, measured on the benchmark's log.

        A recognised line of the usual shape (`[ts [stream]] (rid) <message>`) is split with
        the offsets the noise test already found, not with `_FAST_PREFIX`: the part before
        the `(` is checked against `_FAST_PREFIX` once per distinct text (`_heads`; the lines
        of one request share it), which gives the same split (see `_head_ts`)."""
        c = self.result_counts
        fast_match = _FAST_PREFIX.match
        prefixes = PREFIXES
        active_get = self._active.get
        classify = classify_cached
        cache_get = CLASSIFIED_CACHE.get
        apply = self._apply
        heads = self._heads
        heads_get = heads.get
        splits = self._splits
        splits_get = splits.get
        by_kind = c.by_kind
        setters_get = _SETTERS.get
        max_notable = self.max_notable
        new_notable = tuple.__new__
        notable_line = NotableLine
        n_lines = n_parsed = 0
        seen: list[str] = []
        kinds_seen = seen.append
        try:
            for line in lines:
                n_lines += 1
                try:
                    if not isinstance(line, str):
                        line = bytes(line).decode("utf-8", "replace")
                    # Noise first: an execution-log line whose message is none of the
                    # recognised ones is counted and skipped with three C-level string tests.
                    k = line.find(") ", 0, 200)
                    if k > 8:
                        if not line.startswith(prefixes, k + 2):
                            i = line.rfind("(", 0, k)
                            if (
                                8 <= k - i <= 65
                                # `(rid) `, or a timestamp first; Lambda's lines are tab-separated
                                and (
                                    i == 0
                                    or (
                                        line[0].isdigit()
                                        and (not tabs or line.count("\t", 0, i) <= 1)
                                    )
                                )
                                and (
                                    not tokens
                                    or (
                                        "xception" not in line
                                        and "not authorized to perform" not in line
                                    )
                                )
                            ):
                                n_parsed += 1
                                continue
                        else:
                            # `(rid) ` and what precedes it decide the split alone: the lines
                            # of one request share them, so it is looked up once per text.
                            before = line[:k]
                            split = splits_get(before)
                            if split is None:
                                i = line.rfind("(", 0, k)
                                rid = line[i + 1 : k]
                                if i >= 0 and 9 <= k - i <= 65 and not rid.strip(_RID_CHARS):
                                    head = line[:i]
                                    ts = heads_get(head, _BAD_HEAD)
                                    if ts is _BAD_HEAD:
                                        ts = self._head_ts(head)
                                    split = _BAD_HEAD if ts is _BAD_HEAD else (ts, rid)
                                else:
                                    split = _BAD_HEAD
                                if len(splits) >= _HEADS_MAX:
                                    splits.clear()
                                splits[before] = split
                            if split is not _BAD_HEAD:
                                # the fast path of `_FAST_PREFIX`, split by offsets
                                ts, rid = split
                                n_parsed += 1
                                if ts is None:
                                    ts = self._pending_ts
                                    self._pending_ts = None
                                msg = line[k + 2 :].rstrip("\r\n") if cr else line[k + 2 :]
                                req = active_get(rid)
                                if req is None:
                                    req = self._request(rid, ts)
                                else:
                                    self._last_rid = rid
                                req.lines += 1
                                if ts is not None:
                                    if req.first_time is None:
                                        req.first_time = ts
                                    req.last_time = ts
                                req.execution_lines += 1
                                # classify_cached(), its cache hit inlined
                                classified = cache_get(msg, CACHE_MISS)
                                if classified is CACHE_MISS:
                                    classified = classify(msg)
                                if classified is None:
                                    continue
                                kind, data = classified
                                if kind == "authorizer-config-error":
                                    apply(req, kind, data, msg, ts)
                                    continue
                                # _apply(), inlined for every other kind
                                kinds_seen(kind)  # counted in one C-level pass at the end
                                req.kinds.add(kind)
                                notable = req.notable
                                if len(notable) < max_notable:
                                    notable.append(
                                        new_notable(notable_line, (kind, msg[:1000], ts))
                                    )
                                else:
                                    req.notable_dropped += 1
                                setter = setters_get(kind)
                                if setter is not None:
                                    setter(self, req, data, msg)
                                continue
                    m = fast_match(line)
                    if m is None:
                        line = line.rstrip("\r\n")
                        if not line or line.isspace():
                            c.blank += 1
                        elif self._general(line):
                            c.parsed += 1
                        else:
                            c.unparseable += 1
                        continue
                    n_parsed += 1
                    ts, rid = m.group(1, 2)
                    if ts is None:
                        ts = self._pending_ts
                        self._pending_ts = None
                    elif len(ts) == 13:
                        ts = _epoch_ms_to_iso(int(ts))
                    msg = line[m.end() :].rstrip("\r\n")
                    if (
                        msg.startswith(prefixes)
                        or "xception" in msg
                        or "not authorized to perform" in msg
                    ):
                        # _execution(), inlined: this runs for every recognised line
                        req = active_get(rid)
                        if req is None:
                            req = self._request(rid, ts)
                        else:
                            self._last_rid = rid
                        req.lines += 1
                        if ts is not None:
                            if req.first_time is None:
                                req.first_time = ts
                            req.last_time = ts
                        req.execution_lines += 1
                        classified = classify(msg)
                        if classified is not None:
                            apply(req, classified[0], classified[1], msg, ts)
                        continue
                except Exception:  # pasted logs must never make the scan raise: count, move on
                    c.unparseable += 1
        finally:
            c.lines += n_lines
            c.parsed += n_parsed
            c.recognised += len(seen)
            by_kind.update(seen)

    def _head_ts(self, head: str) -> Any:
        """What `_FAST_PREFIX` makes of a line that starts with `head` followed by `(rid) `:
        its timestamp (None when there is none: the pending one is used), or _BAD_HEAD when it
        does not match there. The match does not depend on what follows `(rid) `, and the rid
        is checked apart (8 to 64 of _RID_CHARS), so one answer holds for every line with this
        head. Remembered in `_heads` (bounded: a log with a new millisecond on every line
        makes a new head on every line)."""
        m = _FAST_PREFIX.match(head + "(00000000) ")
        ts: Any = _BAD_HEAD
        if m is not None and m.end() == len(head) + 11:
            ts = m.group(1)
            if ts is not None and len(ts) == 13:
                ts = _epoch_ms_to_iso(int(ts))
        if len(self._heads) >= _HEADS_MAX:
            self._heads.clear()
        self._heads[head] = ts
        return ts

    def feed_ops(self, batch: LineOps) -> None:
        """What `read_lines` made of a batch of lines (here, or in a `--jobs` worker): apply
        its ops to the open requests, in order, and add its counts. The execution-log ops are
        handled inline with locals: they are the bulk of any log."""
        c = self.result_counts
        ops, n_lines, n_parsed = batch
        c.lines += n_lines
        c.parsed += n_parsed
        active_get = self._active.get
        apply = self._apply
        for op in ops:
            try:
                rid = op[1]
                if rid is None:  # a line for the general path; or a bare `(rid)` line
                    line = op[0]
                    if line is None:
                        self._pending_ts = None
                    elif line is _UNPARSEABLE:
                        c.unparseable += 1
                    elif not line or line.isspace():
                        c.blank += 1
                    elif self._general(line):
                        c.parsed += 1
                    else:
                        c.unparseable += 1
                    continue
                ts, _, msg, classified = op
                if ts is None:
                    ts = self._pending_ts
                    self._pending_ts = None
                # _execution(), inlined: this runs for every recognised line
                req = active_get(rid)
                if req is None:
                    req = self._request(rid, ts)
                else:
                    self._last_rid = rid
                req.lines += 1
                if ts is not None:
                    if req.first_time is None:
                        req.first_time = ts
                    req.last_time = ts
                req.execution_lines += 1
                if classified is _UNPARSEABLE:
                    c.unparseable += 1
                elif classified is not None:
                    apply(req, classified[0], classified[1], msg, ts)
            except Exception:  # pasted logs must never make the scan raise: count, move on
                c.unparseable += 1

    def feed_block(self, block: bytes) -> None:
        """Every line of `block` (lines joined by b"\\n"): the same scan as
        `feed_many(block.decode("utf-8", "replace").split("\\n"))`, but only the lines the
        prefilter picks are parsed (see logs.prefilter); the others are counted."""
        picked = self._prefilter.pick(block)
        if picked is not None:
            self.feed_picked(*picked)
        else:
            text = block.decode("utf-8", "replace")
            self._feed_lines(
                text.split("\n"),
                "xception" in text or "not authorized to perform" in text,
                "\t" in text,
                "\r" in text,
            )

    def feed_picked(self, items: list[Picked], total: int) -> None:
        """What `items_to_parse` returned for a block: its picked lines, and its line count.
        The lines left out are noise the per-line scan would count as parsed and skip; the
        fast-path lines come already split, and take `feed_many`'s fast path from there."""
        c = self.result_counts
        skipped = total - len(items)
        c.lines += total
        c.parsed += skipped
        active_get = self._active.get
        classify = classify_message
        apply = self._apply
        for item in items:
            if isinstance(item, str):
                c.lines -= 1  # feed_many counts it
                self.feed_many((item,))
                continue
            c.parsed += 1
            try:
                ts, rid, msg = item
                if ts is None:
                    ts = self._pending_ts
                    self._pending_ts = None
                elif len(ts) == 13:
                    ts = _epoch_ms_to_iso(int(ts))
                # _execution(), inlined as in feed_many
                req = active_get(rid)
                if req is None:
                    req = self._request(rid, ts)
                else:
                    self._last_rid = rid
                req.lines += 1
                if ts is not None:
                    if req.first_time is None:
                        req.first_time = ts
                    req.last_time = ts
                req.execution_lines += 1
                classified = classify(msg)
                if classified is not None:
                    apply(req, classified[0], classified[1], msg, ts)
            except Exception:  # pasted logs must never make the scan raise: count, move on
                c.unparseable += 1

    def _take_ts(self, ts: str | None) -> str | None:
        if ts is not None:
            return _norm_ts(ts)
        pending, self._pending_ts = self._pending_ts, None
        return pending

    def _general(self, line: str) -> bool:
        stripped = line.lstrip()
        first = stripped[:1]
        if first == "{" and stripped != "{":
            return self._json_line(stripped, None)
        if first == '"':
            pretty = _PRETTY_FIELD.match(stripped)
            if pretty:
                return self._pretty_field(pretty.group(1), pretty.group(2))
        if _PRETTY_STRUCTURE.match(line):
            return True
        if stripped.startswith("EVENTS\t"):
            return self._text_event(stripped)
        csv = _CSV_LINE.match(stripped)
        if csv:
            msg = csv.group("msg").replace('""', '"') if csv.group("q") else csv.group("msg")
            return self._event_message(msg, _norm_ts(csv.group("ts")))
        if _CSV_HEADER.match(stripped):
            return True
        m = _EXEC_LINE.match(stripped)
        if m:
            self._execution(m.group("rid"), m.group("msg"), self._take_ts(m.group("ts")))
            return True
        t = _TS_STREAM.match(stripped)
        if t is None or _LAMBDA_APP.match(stripped):
            return self._message(stripped, self._take_ts(None))
        # `ts message` or `ts stream message` (aws logs tail): the stream name is optional and
        # indistinguishable from a first word, so try without it, then with it.
        ts = _norm_ts(t.group("ts"))
        after_ts = stripped[t.end("ts") :].lstrip()
        for rest in (after_ts, t.group("rest")):
            if rest.startswith("{") and self._json_line(rest, ts):
                return True
            m = _EXEC_LINE.match(rest)
            if m:
                self._execution(m.group("rid"), m.group("msg"), ts)
                return True
            if self._message(rest, ts):
                return True
        return False

    def _message(self, msg: str, ts: str | None) -> bool:
        """A message with no (request-id) prefix: Lambda output or a bare execution-log line."""
        lam = _LAMBDA_MARK.match(msg)
        if lam:
            self._lambda_line(lam.group(2), lam.group(1), msg, ts)
            return True
        app = _LAMBDA_APP.match(msg)
        if app:
            self._lambda_line(app.group("id"), app.group("lvl") or "LOG", app.group("msg"), ts)
            return True
        if msg.startswith("{"):
            return self._json_line(msg, ts)
        classified = classify_message(msg)
        if classified is None:
            return False
        kind, data = classified
        rid = data.get("request_id") or self._last_rid or NO_REQUEST_ID
        req = self._request(rid, ts)
        req.touch(ts)
        self._apply(req, kind, data, msg, ts)
        return True

    def _pretty_field(self, name: str, raw: str) -> bool:
        if name == "timestamp":
            value = raw.strip().strip('"')
            self._pending_ts = _epoch_ms_to_iso(int(value)) if value.isdigit() else value or None
            return True
        try:
            msg = json.loads(raw)
        except ValueError:
            return False
        if not isinstance(msg, str):
            return False
        ts = self._take_ts(None)
        return self._event_message(msg, ts)

    def _text_event(self, line: str) -> bool:
        # aws logs filter-log-events --output text: EVENTS eventId ingestionTime stream message ts
        parts = line.split("\t")
        ts = None
        if parts and parts[-1].strip().isdigit():
            ts = _epoch_ms_to_iso(int(parts[-1].strip()))
        msg = "\t".join(parts[4:-1]) if len(parts) >= 6 else parts[-1]
        return self._event_message(msg, ts)

    def _json_line(self, text: str, ts: str | None) -> bool:
        try:
            data = json.loads(text)
        except ValueError:
            return False
        if not isinstance(data, dict):
            return False
        msg = data.get("message")
        if not isinstance(msg, str):
            msg = data.get("@message")  # a Logs Insights result
        if isinstance(msg, str) and any(k in data for k in _ENVELOPE_KEYS):
            event_ts = data.get("timestamp", data.get("@timestamp"))
            if isinstance(event_ts, int | float) and not isinstance(event_ts, bool):
                ts = _epoch_ms_to_iso(event_ts)
            elif isinstance(event_ts, str):
                ts = event_ts
            return self._event_message(msg, ts)
        if isinstance(data.get("events"), list):  # a whole filter-log-events document on one line
            handled = False
            for event in data["events"]:
                if isinstance(event, dict) and isinstance(event.get("message"), str):
                    ets = event.get("timestamp")
                    iso = _epoch_ms_to_iso(ets) if isinstance(ets, int | float) else None
                    handled = self._event_message(event["message"], iso) or handled
            return handled
        record = normalise_access_record(data)
        if record is None:
            return False
        self._access(record, text, ts)
        return True

    def _event_message(self, msg: str, ts: str | None) -> bool:
        """The `message` of a CloudWatch event: any of the line shapes, without a timestamp."""
        msg = msg.rstrip("\r\n")
        if msg.startswith("("):
            j = msg.find(") ", 1, 70)
            if j > 6:
                self._execution(msg[1:j], msg[j + 2 :], ts)
                return True
        return self._message(msg, ts)

    # ------------------------------------------------------------------ requests

    def _request(self, rid: str, ts: str | None) -> RequestSummary:
        req = self._active.get(rid)
        if req is None:
            req = RequestSummary(rid, prior_authorizer_run=self._last_authorized)
            self._active[rid] = req
            self.result_counts.requests_seen += 1
            if len(self._active) > self.max_active:
                oldest = next(iter(self._active))
                self._close(self._active.pop(oldest))
        self._last_rid = rid
        return req

    def _execution(self, rid: str, msg: str, ts: str | None) -> None:
        req = self._active.get(rid)
        if req is None:
            req = self._request(rid, ts)
        else:
            self._last_rid = rid
        # touch(), inlined: this runs for every execution-log line
        req.lines += 1
        if ts is not None:
            if req.first_time is None:
                req.first_time = ts
            req.last_time = ts
        req.execution_lines += 1
        classified = classify_message(msg)
        if classified is not None:
            self._apply(req, classified[0], classified[1], msg, ts)

    def _note(self, req: RequestSummary, kind: str, text: str, ts: str | None) -> None:
        self.result_counts.recognised += 1
        self.result_counts.by_kind[kind] += 1
        req.kinds.add(kind)
        if len(req.notable) < self.max_notable:
            req.notable.append(NotableLine(kind, text[:1000], ts))
        else:
            req.notable_dropped += 1

    def _apply(
        self, req: RequestSummary, kind: str, data: dict[str, Any], msg: str, ts: str | None
    ) -> None:
        if (
            kind == "authorizer-config-error"
            and ("request-route" in req.kinds or "authorizer-complete" in req.kinds)
            and "authoriz" not in msg.lower()
            and "policy" not in msg.lower()
        ):
            # "Execution failed due to configuration error" once the method runs (after its
            # route is logged) is the integration's: e.g. no permission to invoke the backend.
            kind = "execution-failed"
        # _note(), inlined: this runs for every recognised line
        c = self.result_counts
        c.recognised += 1
        c.by_kind[kind] += 1
        req.kinds.add(kind)
        if len(req.notable) < self.max_notable:
            req.notable.append(NotableLine(kind, msg[:1000], ts))
        else:
            req.notable_dropped += 1
        setter = _SETTERS.get(kind)
        if setter is not None:
            setter(self, req, data, msg)

    def _set_authorizer_result(self, req: RequestSummary, data: dict[str, Any]) -> None:
        req.policy = data.get("policy")
        req.policy_raw = data.get("policy_raw")
        req.policy_effects = list(data.get("effects", []))
        req.policy_resources = list(data.get("resources", []))
        req.policy_problems = list(data.get("problems", []))
        if data.get("principal_id") is not None:
            req.principal_id = str(data["principal_id"])
        self._last_authorized = AuthorizerRun(
            req.request_id, tuple(req.policy_effects), tuple(req.policy_resources)
        )

    def _access(self, record: dict[str, Any], text: str, ts: str | None) -> None:
        rid = record.get("request_id") or NO_REQUEST_ID
        req = self._request(str(rid), ts)
        req.touch(ts or record.get("time"))
        req.access_log = record
        self._note(req, "access-log", text, ts or record.get("time"))
        if isinstance(record.get("status"), int):
            req.status = record["status"]
        for name in ("response_type", "error_message", "integration_status", "method"):
            if getattr(req, name) is None and record.get(name) is not None:
                setattr(req, name, record[name])
        if req.resource_path is None:
            req.resource_path = record.get("resource_path")
        route_key = record.get("route_key")
        if req.resource_path is None and isinstance(route_key, str):
            # HTTP/WebSocket APIs: "GET /items/{id}", "$default", "$connect"
            method, _, path = route_key.partition(" ")
            if path:
                req.method = req.method or method
                req.resource_path = path
            else:
                req.resource_path = route_key
        waf = str(record.get("waf_status") or record.get("waf_response_code") or "")
        if waf in ("403", "WAF_BLOCK") or record.get("response_type") == "WAF_FILTERED":
            self._note(req, "waf-blocked", f"WAF blocked the request ({waf or 'WAF_FILTERED'})", ts)

    def _lambda_line(self, lid: str, mark: str, msg: str, ts: str | None) -> None:
        inv = self._lambda.get(lid)
        if inv is None:
            inv = LambdaInvocation(lid, ts)
            self._lambda[lid] = inv
            self.result_counts.lambda_invocations_seen += 1
            self._lambda_kept.append(inv)
            if len(self._lambda) > self.max_lambda * 2:
                self._lambda.pop(next(iter(self._lambda)))
        kind = {"START": "lambda-start", "END": "lambda-end", "REPORT": "lambda-report"}.get(mark)
        if mark == "REPORT":
            d = re.search(r"Duration: ([\d.]+ ms)", msg)
            inv.duration = d.group(1) if d else None
        if kind is None:
            arn = find_method_arn(msg)
            if arn:
                kind = "lambda-event"
                inv.method_arns.append(arn)
                self._learn_arn_prefix(arn)
            elif "policyDocument" in msg or re.search(r"(?i)['\"]effect['\"]", msg):
                kind = "lambda-policy"
                inv.returned_effects += [
                    e.capitalize()
                    for e in re.findall(r"(?i)['\"]effect['\"]\s*:\s*['\"](\w+)", msg)
                ]
                inv.returned_resources += re.findall(
                    r"(arn:aws[\w-]*:execute-api:[^'\"\s,\]}]+|execute-api:/[^'\"\s,\]}]*)", msg
                )
            elif mark in ("ERROR", "FATAL") or "Traceback" in msg or "errorMessage" in msg:
                kind = "lambda-error"
                inv.error = inv.error or msg[:300]
        if kind is not None:
            self.result_counts.recognised += 1
            self.result_counts.by_kind[kind] += 1

    def _learn_arn_prefix(self, arn: str | None) -> None:
        # arn:aws:execute-api:region:account:api-id/stage/ — used to guess other requests' ARNs
        if arn and self._arn_prefix is None:
            parts = arn.split("/", 2)
            if len(parts) >= 2 and parts[1] != "null":
                self._arn_prefix = parts[0] + "/" + parts[1] + "/"

    # ------------------------------------------------------------------ closing

    def _close(self, req: RequestSummary) -> None:
        c = self.result_counts
        if req.status is not None:
            c.by_status[str(req.status)] += 1
        try:
            self._derive(req)
        except Exception:  # a malformed policy must not cost the whole scan its result
            req.signals = []
        for sig in req.signals:
            c.by_signal[sig.code] += 1
            c.signal_examples.setdefault(sig.code, (req.request_id, sig))
        if req.status is not None and req.status < 400 and not req.signals:
            self._kept_ok.append(req)
            # Healthy requests make way for problem requests when the budget runs out.
            while len(self._kept_ok) + len(self._kept_problems) > self.max_kept and self._kept_ok:
                self._kept_ok.popleft()
                c.requests_omitted += 1
        elif len(self._kept_problems) < self.max_kept:
            self._kept_problems.append(req)
            while len(self._kept_ok) + len(self._kept_problems) > self.max_kept and self._kept_ok:
                self._kept_ok.popleft()
                c.requests_omitted += 1
        else:
            c.requests_omitted += 1

    def _derive(self, req: RequestSummary) -> None:
        if req.method_arn is None and self._arn_prefix and req.method and req.resource_path:
            req.method_arn_guess = self._arn_prefix + req.method + req.resource_path
        req.signals.extend(derive_signals(req))
        if any(s.code == "cache-hit-suspected" for s in req.signals) and req.prior_authorizer_run:
            req.cached_policy_from = req.prior_authorizer_run.request_id

    def result(self) -> ScanResult:
        for req in list(self._active.values()):
            self._close(req)
        self._active.clear()
        out = self.result_counts
        kept = list(self._kept_ok) + self._kept_problems
        if self.only is not None:
            # Every request was scanned (an earlier one may hold the cached policy); show one.
            kept = [r for r in kept if r.request_id == self.only]
        kept.sort(key=lambda r: (r.first_time or "", r.request_id))
        out.requests = kept
        out.lambda_invocations = list(self._lambda_kept)
        return out


# What each kind of line sets on its request (kinds that only count are not here). A dict of
# small functions instead of a chain of comparisons: `_apply` runs for every recognised line.
_Setter = Callable[[LogScanner, RequestSummary, dict[str, Any], str], None]


def _set_authorizer_start(
    s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str
) -> None:
    req.authorizer_started = True
    req.authorizer_id = data.get("authorizer_id") or req.authorizer_id


def _set_authorizer_request(
    s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str
) -> None:
    req.method_arn = data.get("method_arn")
    s._learn_arn_prefix(req.method_arn)


def _set_authorizer_result(
    s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str
) -> None:
    s._set_authorizer_result(req, data)


def _set_policy_valid(s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str) -> None:
    req.principal_id = data.get("principal_id") or req.principal_id


def _set_status(s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str) -> None:
    if "status" in data:
        req.status = data["status"]


def _set_gateway_response(
    s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str
) -> None:
    if "status" in data:
        req.status = data["status"]
    req.response_type = data.get("response_type")


def _set_integration_status(
    s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str
) -> None:
    req.integration_status = data.get("integration_status")


def _set_route(s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str) -> None:
    req.method = data.get("method")
    req.resource_path = data.get("resource_path")


def _set_error_message(s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str) -> None:
    req.error_message = data.get("error_message")


def _set_api_key(s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str) -> None:
    req.api_key = data.get("api_key") or req.api_key
    req.api_stage = data.get("api_stage") or req.api_stage


def _set_unauthorized(s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str) -> None:
    if req.status is None:
        req.status = 401


def _set_iam_deny(s: LogScanner, req: RequestSummary, data: dict[str, Any], msg: str) -> None:
    req.error_message = req.error_message or msg.strip()


_SETTERS: dict[str, _Setter] = {
    "authorizer-start": _set_authorizer_start,
    "authorizer-request": _set_authorizer_request,
    "authorizer-result": _set_authorizer_result,
    "authorizer-policy-valid": _set_policy_valid,
    "method-completed": _set_status,
    "gateway-response": _set_gateway_response,
    "integration-status": _set_integration_status,
    "request-route": _set_route,
    "gateway-response-body": _set_error_message,
    "usage-plan-check": _set_api_key,
    "apikey-not-authorized": _set_api_key,
    "unauthorized": _set_unauthorized,
    "iam-deny": _set_iam_deny,
}


# One batch of lines as `read_lines` hands it on: the ops the scanner must apply, in order, and
# how many lines the batch held and how many of them count as parsed.
LineOp = tuple[Any, ...]
LineOps = tuple[list[LineOp], int, int]
# An op's classification (or line) when reading it raised: the line is counted as unparseable.
_UNPARSEABLE = "\x00unparseable"


def read_lines(lines: Iterable[str | bytes]) -> LineOps:
    """The pure half of the scan: what each line is, without any request state, so `--jobs`
    workers can do it for their part of a file. Noise is counted and dropped; an execution-log
    line whose message is recognised becomes `(ts, rid, msg, classification)` (ts None: the
    scanner's pending timestamp); a bare `(rid)` line that carries nothing becomes
    `(None, None)` (it only clears the pending timestamp); any other line `(line, None)` for
    the scanner's general path, which needs its state."""
    ops: list[LineOp] = []
    append = ops.append
    fast_match = _FAST_PREFIX.match
    prefixes = PREFIXES
    classify = classify_message
    n_lines = n_parsed = 0
    for line in lines:
        n_lines += 1
        try:
            if not isinstance(line, str):
                line = bytes(line).decode("utf-8", "replace")
            # Noise first: an execution-log line whose message is none of the recognised
            # ones is counted and skipped with three C-level string tests.
            k = line.find(") ", 0, 200)
            if k > 8 and not line.startswith(prefixes, k + 2):
                i = line.rfind("(", 0, k)
                if (
                    8 <= k - i <= 65
                    # `(rid) `, or a timestamp first; Lambda's own lines are tab-separated
                    and (i == 0 or (line[0].isdigit() and line.count("\t", 0, i) <= 1))
                    and "xception" not in line
                    and "not authorized to perform" not in line
                ):
                    n_parsed += 1
                    continue
            m = fast_match(line)
            if m is None:
                append((line.rstrip("\r\n"), None))
                continue
            n_parsed += 1
            ts, rid = m.group(1, 2)
            if ts is not None and len(ts) == 13:
                ts = _epoch_ms_to_iso(int(ts))
            msg = line[m.end() :].rstrip("\r\n")
            if msg.startswith(prefixes) or "xception" in msg or "not authorized to perform" in msg:
                try:
                    classified: Any = classify(msg)
                except Exception:
                    classified = _UNPARSEABLE
                append((ts, rid, msg, classified))
            elif ts is None:
                append((None, None))
        except Exception:  # pasted logs must never make the scan raise: count, move on
            append((_UNPARSEABLE, None))
    return ops, n_lines, n_parsed


def read_block(block: bytes, prefilter: AdaptivePrefilter) -> LineOps:
    """`read_lines` of a block of lines joined by b"\\n", prefiltered when that pays."""
    picked = prefilter.pick(block)
    if picked is not None:
        return read_picked(*picked)
    return read_lines(block.decode("utf-8", "replace").split("\n"))


def read_picked(items: list[Picked], total: int) -> LineOps:
    """`read_lines` of what `items_to_parse` picked from a block of `total` lines: the lines
    left out are noise, counted as parsed; the fast-path lines come already split."""
    ops: list[LineOp] = []
    n_lines = total - len(items)
    n_parsed = n_lines
    for item in items:
        if isinstance(item, str):
            more, lines, parsed = read_lines((item,))
            ops.extend(more)
            n_lines += lines
            n_parsed += parsed
            continue
        n_lines += 1
        n_parsed += 1
        ts, rid, msg = item
        try:
            if ts is not None and len(ts) == 13:
                ts = _epoch_ms_to_iso(int(ts))
            classified: Any = classify_message(msg)
        except Exception:
            classified = _UNPARSEABLE
        ops.append((ts, rid, msg, classified))
    return ops, n_lines, n_parsed


def scan_lines(lines: Iterable[str | bytes], **options: Any) -> ScanResult:
    scanner = LogScanner(**options)
    scanner.feed_many(lines)
    return scanner.result()


@dataclass(frozen=True)
class ExplainedLine:
    text: str
    kind: str | None
    note: str | None


def explain_lines(text: str) -> list[ExplainedLine]:
    """Each line of a pasted excerpt with its kind and a plain-words note (for display)."""
    out: list[ExplainedLine] = []
    for line in _split_lines(text):
        if not line.strip():
            continue
        kind = _line_kind(line)
        out.append(ExplainedLine(redact_text(line), kind, KIND_NOTES.get(kind) if kind else None))
    return out


def _split_lines(text: str) -> Iterator[str]:
    yield from text.splitlines()


def _line_kind(line: str) -> str | None:
    scanner = LogScanner(max_notable=1)
    scanner.feed(line)
    kinds = scanner.result_counts.by_kind
    return next(iter(kinds)) if kinds else None
