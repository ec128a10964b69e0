"""`apigw-wizard logs scan FILE|-`: per-request summaries of API Gateway and authorizer logs."""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import sys
import textwrap
from collections import deque
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from wizard import exitcodes
from wizard.commands._io import (
    InputError,
    add_format_flag,
    emit,
    guarded,
    missing_action,
    open_input,
)

if TYPE_CHECKING:
    from wizard.analysis.logs.model import RequestSummary, ScanResult
    from wizard.analysis.logs.ranges import RangeScan
    from wizard.analysis.logs.scan import LineOps

# A "line" longer than this is not a log line (binary garbage, a minified blob): it is cut into
# pieces of this size so memory stays bounded whatever the input.
_MAX_LINE_BYTES = 1024 * 1024
_CHUNK_BYTES = 1024 * 1024  # read and prefiltered at a time
_TEXT_HEALTHY_SHOWN = 20
_MAX_JOBS = 64
_TEXT_PROBLEMS_SHOWN = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "logs",
        help="read API Gateway execution/access logs and authorizer Lambda logs",
        description="Read API Gateway logs and say, per request, what happened.",
    )
    logs_sub = p.add_subparsers(dest="logs_command", metavar="SUBCOMMAND")
    scan = logs_sub.add_parser(
        "scan",
        help="summarise each request: status, authorizer invoked or not, returned policy",
        description=(
            "Stream a log file (REST execution logs as copied from the console or printed by "
            "`aws logs tail` / `aws logs filter-log-events`, JSON access logs, Lambda authorizer "
            "logs) and summarise each request: status, whether the authorizer ran (a 403 without "
            "'Starting authorizer' is a cache-hit signal), the policy it returned, the gateway "
            "response type, and the lines that matter. Unreadable lines are counted and skipped."
        ),
        epilog=(
            "examples:\n"
            "  aws logs tail API-Gateway-Execution-Logs_a1b2c3d4e5/prod --since 1h > exec.log\n"
            "  apigw-wizard logs scan exec.log\n"
            "  pbpaste | apigw-wizard logs scan - --request-id c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f\n"
            "  apigw-wizard logs scan access.jsonl --format json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scan.add_argument("file", metavar="FILE", help="log file, or '-' for standard input")
    scan.add_argument("--request-id", metavar="ID", help="show only this request")
    scan.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="processes to read a large file with (default 1); the output is the same for "
        "any N; standard input and gzip files are read by one process",
    )
    add_format_flag(scan)
    scan.set_defaults(func=run_scan)
    p.set_defaults(func=missing_action("logs: choose a subcommand: scan"))


Block = bytes | list[str]


def _blocks(fh: IO[bytes], *, limit: int | None = None) -> Iterator[Block]:
    """The lines of `fh`, read 1 MB at a time: mostly as bytes blocks of whole lines (joined
    by b"\\n", for the scanner's prefilter), and as a list of decoded lines for the pieces
    of a "line" longer than _MAX_LINE_BYTES (binary garbage, a minified blob), cut so memory
    stays bounded whatever the input. With `limit`, reads that many bytes at most; the reads
    stay on the file's chunk grid, so a range read by a worker splits exactly as it would in
    one pass over the whole file."""
    chunk_size = _CHUNK_BYTES
    carry = b""
    remaining = limit
    first = chunk_size - fh.tell() % chunk_size if limit is not None else chunk_size
    size = first
    while True:
        if remaining is not None:
            size = min(size, remaining)
            if size <= 0:
                break
        chunk = fh.read(size)
        size = chunk_size
        if not chunk:
            break
        if remaining is not None:
            remaining -= len(chunk)
        buf = carry + chunk
        cut = buf.rfind(b"\n")
        if cut >= 0:
            carry = buf[cut + 1 :]
            yield buf[:cut]  # cut at a newline: no UTF-8 sequence is split between blocks
        else:
            carry = buf
        while len(carry) > _MAX_LINE_BYTES:
            yield [carry[:_MAX_LINE_BYTES].decode("utf-8", "replace")]
            carry = carry[_MAX_LINE_BYTES:]
    if carry:
        yield [carry.decode("utf-8", "replace")]


# --------------------------------------------------------------------------------------------
# --jobs N: N processes scan ranges of the file into per-request partial state, and this one
# merges it in file order (`merged_scan`, rules in analysis/logs/ranges.py). When a range holds
# what a worker cannot scan alone (lines off the fast path, a request reopened after eviction),
# the workers run only the scan's pure pass (prefilter, noise test, classification) and this
# process applies their ops in file order (`picked_blocks`). Either way the scan (and the
# output) is exactly that of one process.

_RANGE_BYTES = 8 * 1024 * 1024
_BOUNDARY_PROBE = 64 * 1024


def _line_start_after(fh: IO[bytes], offset: int) -> int:
    """The first line start at or after `offset` (the file's end if none), read in probes."""
    fh.seek(offset - 1)
    at = offset - 1
    while True:
        probe = fh.read(_BOUNDARY_PROBE)
        if not probe:
            return at
        nl = probe.find(b"\n")
        if nl >= 0:
            return at + nl + 1
        at += len(probe)


def _ranges(fh: IO[bytes], size: int) -> list[tuple[int, int]]:
    cuts = [0]
    for target in range(_RANGE_BYTES, size, _RANGE_BYTES):
        if target > cuts[-1]:
            cuts.append(_line_start_after(fh, target))
    cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a scan runs. A scan makes millions of small
    acyclic objects (tuples, strings, request summaries: freed by reference counting alone),
    and keeps many alive for a while, so the collector's passes over them are pure cost:
    measured on the benchmark's 200 MB log, `--jobs 2` took 6.85 s CPU with it and 4.78 s
    without (one process: about 5% less)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _pick_range(path: str, start: int, end: int) -> list[LineOps]:
    """In a worker: the blocks of bytes [start, end) read by the scan's pure pass (prefilter,
    noise test, message classification), as the ops the parent applies in file order. Only
    the recognised lines travel back, as tuples of strings: nothing big is pickled."""
    from wizard.analysis.logs.scan import AdaptivePrefilter, read_block, read_lines

    out: list[LineOps] = []
    prefilter = AdaptivePrefilter()
    with _gc_paused(), open(path, "rb") as fh:
        fh.seek(start)
        for block in _blocks(fh, limit=end - start):
            if isinstance(block, bytes):
                out.append(read_block(block, prefilter))
            else:
                out.append(read_lines(block))
    return out


def _scan_range(path: str, start: int, end: int, max_active: int = 2000) -> RangeScan:
    """In a worker: the one-process scan of bytes [start, end), its requests left open, as
    the compact per-request state the parent merges (see analysis/logs/ranges)."""
    from wizard.analysis.logs.ranges import RangeScanner

    scanner = RangeScanner(max_active=max_active)
    with _gc_paused(), open(path, "rb") as fh:
        fh.seek(start)
        for block in _blocks(fh, limit=end - start):
            if isinstance(block, bytes):
                scanner.feed_block(block)
            else:
                scanner.feed_many(block)
    return scanner.range_scan()


def merged_scan(path: str, fh: IO[bytes], jobs: int, request_id: str | None) -> ScanResult | None:
    """The scan of the file by `jobs` worker processes, each building the request state of
    its ranges, merged here in file order; None when a range cannot be merged exactly (the
    caller then scans the way one process does). At most two ranges per worker are in
    flight, so memory stays bounded however far the workers run ahead."""
    from concurrent.futures import Future, ProcessPoolExecutor

    from wizard.analysis.logs.ranges import MergingScanner

    scanner = MergingScanner(request_id=request_id)
    ranges = _ranges(fh, os.fstat(fh.fileno()).st_size)
    if len(ranges) < 2:  # nothing to share: no worker's start-up to pay
        for start, end in ranges:
            if not scanner.merge(_scan_range(path, start, end)):
                return None
        return scanner.result()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[RangeScan]] = deque()
        todo = iter(ranges)
        for start, end in itertools.islice(todo, 2 * jobs):
            pending.append(pool.submit(_scan_range, path, start, end))
        while pending:
            part = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_scan_range, path, *nxt))
            if not scanner.merge(part):
                for future in pending:
                    future.cancel()
                return None
    return scanner.result()


def picked_blocks(path: str, fh: IO[bytes], jobs: int) -> Iterator[LineOps]:
    """The file's blocks, read by `jobs` worker processes, in file order (this process only
    applies what they return). At most two ranges per worker are in flight, so memory stays
    bounded however far the workers run ahead."""
    from concurrent.futures import Future, ProcessPoolExecutor

    size = os.fstat(fh.fileno()).st_size
    ranges = _ranges(fh, size)
    workers = max(1, jobs)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[LineOps]]] = deque()
        todo = iter(ranges)
        for start, end in itertools.islice(todo, 2 * workers):
            pending.append(pool.submit(_pick_range, path, start, end))
        while pending:
            done = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_pick_range, path, *nxt))
            yield from done


def _open(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    return open_input(path, what="logs")


def _maybe_gunzip(fh: IO[bytes]) -> IO[bytes]:
    """CloudWatch exports to S3 are gzip files: read them as they are."""
    peek = getattr(fh, "peek", None)
    if peek is not None and peek(2)[:2] == b"\x1f\x8b":
        import gzip

        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= _MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {_MAX_JOBS}")
    return n


@guarded
def run_scan(args: argparse.Namespace) -> int:
    from wizard.analysis.logs.scan import LogScanner

    scanner = LogScanner(request_id=args.request_id)
    import zlib

    fh = _open(args.file)
    merged: ScanResult | None = None
    try:
        source = _maybe_gunzip(fh)
        with _gc_paused():
            if args.jobs > 1 and source is fh and fh is not sys.stdin.buffer:
                merged = merged_scan(args.file, fh, args.jobs, args.request_id)
                if merged is None:  # a range could not be merged: the workers' pure pass
                    for ops in picked_blocks(args.file, fh, args.jobs):
                        scanner.feed_ops(ops)
            else:
                for block in _blocks(source):
                    if isinstance(block, bytes):
                        scanner.feed_block(block)
                    else:
                        scanner.feed_many(block)
    except (OSError, EOFError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise InputError(f"logs: reading {args.file} failed: {reason}") from None
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    with _gc_paused():
        result = merged if merged is not None else scanner.result()
    if args.request_id and not result.requests:
        sys.stderr.write(
            f"apigw-wizard: request {args.request_id} does not appear in the "
            f"{result.lines} lines read\n"
        )
        emit(result.to_dict() if args.format == "json" else result, args.format, render_text)
        return exitcodes.INCONCLUSIVE
    emit(result.to_dict() if args.format == "json" else result, args.format, render_text)
    return exitcodes.OK


# --------------------------------------------------------------------------------------------
# Text rendering


def _clock(ts: str | None) -> str:
    if not ts:
        return "--:--:--"
    # 2026-11-21T09:14:02.101000+00:00 -> 09:14:02.101
    time_part = ts.replace(" ", "T").split("T", 1)[-1]
    return time_part[:12].rstrip("Z")


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, 100, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    ) or [indent]


def _headline(req: RequestSummary) -> str:
    route = " ".join(x for x in (req.method, req.resource_path) if x) or "(route not logged)"
    status = str(req.status) if req.status is not None else "status not logged"
    rtype = f" {req.response_type}" if req.response_type else ""
    return f"{req.request_id}  {route} → {status}{rtype}"


def _authorizer_line(req: RequestSummary) -> str:
    if req.authorizer_invoked is True:
        who = f" ({req.authorizer_id})" if req.authorizer_id else ""
        return f"invoked{who}" + (f", principal {req.principal_id}" if req.principal_id else "")
    if req.authorizer_invoked is False:
        return "NOT invoked (no 'Starting authorizer' line for this request)"
    return "unknown (no execution-log lines for this request)"


def _render_request(req: RequestSummary) -> list[str]:
    from wizard.analysis.redact import redact_text

    lines = [_headline(req)]
    if req.first_time or req.last_time:
        lines.append(f"  time        {_clock(req.first_time)} – {_clock(req.last_time)}")
    lines.append(f"  authorizer  {_authorizer_line(req)}")
    if req.method_arn:
        lines.append(f"  method ARN  {req.method_arn}")
    elif req.method_arn_guess:
        lines.append(f"  method ARN  {req.method_arn_guess} (built from the route)")
    if req.policy_effects or req.policy_resources:
        effects = "/".join(dict.fromkeys(req.policy_effects)) or "?"
        lines.append(
            f"  policy      {effects} on {', '.join(req.policy_resources) or '(no Resource)'}"
        )
    if req.error_message:
        lines.append(f"  message     {redact_text(req.error_message)}")
    if req.api_key or req.api_stage:
        lines.append(f"  API key     {req.api_key or '(none)'} for stage {req.api_stage or '?'}")
    if req.access_log:
        shown = ", ".join(f"{k}={v}" for k, v in req.access_log.items() if k != "request_id")
        lines.extend(_wrap(redact_text(shown), "  access log  "))
    for sig in req.signals:
        lines.extend(_wrap(f"! {sig.message}", "  "))
        if sig.cause_ids:
            lines.append(f"      (catalogue: {', '.join(sig.cause_ids)})")
    if req.notable:
        lines.append("  lines")
        for n in req.notable:
            d = n.to_dict()
            text = d["text"] if len(d["text"]) <= 160 else d["text"][:157] + "..."
            lines.append(f"    {_clock(n.time)}  {n.kind:<24} {text}")
        if req.notable_dropped:
            lines.append(f"    ... {req.notable_dropped} more notable lines not kept")
    return lines


def render_text(result: ScanResult) -> str:
    statuses = ", ".join(f"{n}× {s}" for s, n in sorted(result.by_status.items()))
    out = [
        f"Scanned {result.lines} lines: {result.parsed} parsed, {result.unparseable} unparseable "
        f"skipped, {result.blank} blank.",
        f"{result.requests_seen} requests"
        + (f" ({statuses})" if statuses else "")
        + (
            f"; {result.lambda_invocations_seen} authorizer Lambda invocation"
            + ("" if result.lambda_invocations_seen == 1 else "s")
            if result.lambda_invocations_seen
            else ""
        )
        + ".",
    ]
    if result.requests_omitted:
        out.append(
            f"{result.requests_omitted} healthy or overflow requests not shown (memory cap)."
        )
    if result.parsed == 0 and result.lines:
        out.append(
            "Nothing here looks like an API Gateway or Lambda log line. Expected lines such as "
            "'(<request-id>) Method completed with status: 403' or JSON access-log records."
        )
    if result.by_signal:
        out.append("")
        out.append("What stands out (all requests)")
        for code, count in result.by_signal.most_common():
            example_id, sig = result.signal_examples[code]
            out.extend(_wrap(f"{count}× {sig.message}", "  "))
            detail = f"e.g. request {example_id}"
            if sig.cause_ids:
                detail += f"; catalogue: {', '.join(sig.cause_ids)}"
            out.append(f"      ({detail})")
    # One pass: `r not in problems` compared dataclasses field by field, quadratic in requests.
    problems: list[RequestSummary] = []
    healthy: list[RequestSummary] = []
    for r in result.requests:
        (problems if r.signals or (r.status or 0) >= 400 else healthy).append(r)
    for req in problems[:_TEXT_PROBLEMS_SHOWN]:
        out.append("")
        out.extend(_render_request(req))
    if len(problems) > _TEXT_PROBLEMS_SHOWN:
        out.append("")
        out.append(
            f"... {len(problems) - _TEXT_PROBLEMS_SHOWN} more failed requests "
            "(see one with --request-id ID, or all with --format json)"
        )
    if healthy:
        out.append("")
        out.append("Other requests")
        for req in healthy[:_TEXT_HEALTHY_SHOWN]:
            auth = {True: "authorizer ran", False: "no authorizer", None: ""}[
                req.authorizer_invoked
            ]
            policy = ""
            if req.policy_resources:
                policy = f"; policy {'/'.join(dict.fromkeys(req.policy_effects))} on " + ", ".join(
                    req.policy_resources
                )
            note = f"  [{auth}{policy}]" if auth or policy else ""
            out.append(f"  {_headline(req)}{note}")
        if len(healthy) > _TEXT_HEALTHY_SHOWN:
            out.append(f"  ... {len(healthy) - _TEXT_HEALTHY_SHOWN} more (use --format json)")
    if result.lambda_invocations:
        out.append("")
        out.append("Authorizer Lambda invocations")
        for inv in result.lambda_invocations[:_TEXT_HEALTHY_SHOWN]:
            arns = ", ".join(inv.method_arns) or "methodArn not printed"
            extra = f"; returned {'/'.join(inv.returned_effects)}" if inv.returned_effects else ""
            err = f"; error: {inv.to_dict()['error']}" if inv.error else ""
            out.append(f"  {_clock(inv.first_time)}  {inv.request_id}  {arns}{extra}{err}")
    return "\n".join(out)
