"""The prefiltered scan (and `--jobs`) against the frozen scanner of before: identical results.

`logs_oracle` is today's scanner frozen before the byte-chunk prefilter. Every log here — the
test corpus, the benchmark's generated log, and logs hypothesis assembles (fixed seed and
budget) from every line shape the scanner knows, noise, odd shapes, tabs, CRs, non-ASCII,
blank lines and over-long lines — must give the same `to_dict()` and the same text report.
"""

from __future__ import annotations

import io
import pickle
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.analysis import logs_oracle
from tests.analysis.test_logs import CATALOGUE_LINES
from wizard.analysis.logs import execution, prefilter, scan
from wizard.analysis.logs.prefilter import items_to_parse, lines_to_parse
from wizard.analysis.logs.scan import LogScanner
from wizard.commands import logs as cli

DATA = Path(__file__).parent / "logs_data"
BENCH = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture(autouse=True, params=["adaptive", "always", "probing"])
def prefilter_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with the prefilter as shipped, on every block, and switched off after
    each probe (every other block): the scan must be the same in each."""
    if request.param == "always":
        monkeypatch.setattr(scan, "PREFILTER_PAYS_BELOW", 1.0)
    elif request.param == "probing":
        monkeypatch.setattr(scan, "PREFILTER_PAYS_BELOW", -1.0)
        monkeypatch.setattr(scan, "PREFILTER_PROBE_EVERY", 2)
        # the probe runs the whole prefilter, not only its marker count
        monkeypatch.setattr(scan, "PREFILTER_PROBE_BY_MARKERS", False)
    return str(request.param)


def oracle(data: bytes, chunk: int) -> logs_oracle.ScanResult:
    scanner = logs_oracle.LogScanner()
    for batch in logs_oracle.line_batches(io.BytesIO(data), chunk):
        scanner.feed_many(batch)
    return scanner.result()


def prefiltered(data: bytes, chunk: int) -> logs_oracle.ScanResult:
    scanner = LogScanner()
    cli._CHUNK_BYTES, saved = chunk, cli._CHUNK_BYTES
    try:
        blocks = list(cli._blocks(io.BytesIO(data)))
    finally:
        cli._CHUNK_BYTES = saved
    for block in blocks:
        if isinstance(block, bytes):
            scanner.feed_block(block)
        else:
            scanner.feed_many(block)
    return scanner.result()


def two_passes(data: bytes, chunk: int) -> logs_oracle.ScanResult:
    """The pure pass and the apply pass separately, as `--jobs` workers and their parent do."""
    scanner = LogScanner()
    for batch in logs_oracle.line_batches(io.BytesIO(data), chunk):
        scanner.feed_ops(scan.read_lines(batch))
    return scanner.result()


def by_ranges(path: Path, chunk: int) -> logs_oracle.ScanResult:
    """What `--jobs N` feeds, range by range, without the processes (one run below has them)."""
    scanner = LogScanner()
    with path.open("rb") as fh:
        ranges = cli._ranges(fh, path.stat().st_size)
    for start, end in ranges:
        for ops in cli._pick_range(str(path), start, end):
            scanner.feed_ops(ops)
    return scanner.result()


def assert_same(data: bytes, chunk: int = 1024 * 1024) -> None:
    want = oracle(data, chunk)
    got = prefiltered(data, chunk)
    assert got.to_dict() == want.to_dict()
    assert cli.render_text(got) == cli.render_text(want)
    assert two_passes(data, chunk).to_dict() == want.to_dict()


def test_seed_log_is_identical() -> None:
    assert_same((DATA / "seed_execution.log").read_bytes())


def test_generated_benchmark_log_is_identical(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from bench_logs_scan import generate
    finally:
        sys.path.remove(str(BENCH))
    log = tmp_path / "execution.log"
    generate(log, 1)
    data = log.read_bytes()
    assert_same(data)
    assert_same(data, chunk=4096)  # many block boundaries


def test_jobs_ranges_are_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small ranges and chunks: every range boundary and read-grid case is crossed many times.
    monkeypatch.setattr(cli, "_RANGE_BYTES", 5000)
    monkeypatch.setattr(cli, "_MAX_LINE_BYTES", 3000)
    monkeypatch.setattr(logs_oracle, "_MAX_LINE_BYTES", 3000)
    seed_log = (DATA / "seed_execution.log").read_bytes()
    data = seed_log * 20 + b"x" * 9000 + b"\n" + seed_log + "caf\u00e9 (r\u00e9)\n".encode()
    log = tmp_path / "mixed.log"
    log.write_bytes(data)
    for chunk in (1024, 4096):
        monkeypatch.setattr(cli, "_CHUNK_BYTES", chunk)
        want = oracle(data, chunk)
        assert by_ranges(log, chunk).to_dict() == want.to_dict()


def test_jobs_2_output_is_identical_to_jobs_1(tmp_path: Path, prefilter_mode: str) -> None:
    from tests.cli.helpers import run_wizard

    if prefilter_mode != "adaptive":
        pytest.skip("a subprocess runs the shipped prefilter only")

    log = tmp_path / "big.log"
    seed_log = (DATA / "seed_execution.log").read_bytes()
    log.write_bytes(seed_log * (9 * 2**20 // len(seed_log)))  # > 8 MB: two ranges
    one = run_wizard("logs", "scan", str(log), "--format", "json")
    two = run_wizard("logs", "scan", str(log), "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    text_one = run_wizard("logs", "scan", str(log))
    text_two = run_wizard("logs", "scan", str(log), "--jobs", "2")
    assert text_one.stdout == text_two.stdout


# --------------------------------------------------------------------------- generated logs

RIDS = [
    "4f1d6f0e-5b8c-11e9-8a3c-2b5b0c3f4a1d",
    "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f",
    "abcd1234",
    "abc12",
]
MESSAGES = [line for line, _kind, _facts in CATALOGUE_LINES] + [
    "Method request headers: {Accept=*/*, Host=x}",
    "Endpoint request URI: https://lambda.eu-west-1.amazonaws.com/x",
    "Extended Request Id: Vx1ZkF3ZoAMFkWQ=",
    "Starting execution for request: 4f1d6f0e",
    "Lambda threw AuthorizerConfigurationException",
    "ExplicitDenyException while evaluating",
    "a (nested) paren and ) Method completed with status: 403",
    'Endpoint request body after transformations: {"x": 1}',
]
PREFIXES = [
    "",
    "2026-11-21T09:14:02.101000+00:00 ",
    "2026-11-21T09:14:02.101Z 3c59dc048e8850243be8079a5c74d079 ",
    "1763716442101 ",
    "2026-11-21 09:14:02,101 stream\t",
    "x(",
    "(",
]
OTHER_LINES = [
    "",
    "   ",
    "\r",
    '{"requestId": "4f1d6f0e-5b8c-11e9-8a3c-2b5b0c3f4a1d", "status": "403"}',
    '    "timestamp": 1763716442101,',
    '    "message": "(4f1d6f0e-5b8c-11e9-8a3c-2b5b0c3f4a1d) Method completed with status: 403",',
    "START RequestId: 8a1b2c3d-4e5f-6789-abcd-ef0123456789 Version: $LATEST",
    "2026-11-21T09:14:02.101Z\t8a1b2c3d-4e5f-6789-abcd-ef0123456789\tINFO\tmethodArn: "
    "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/x",
    "EVENTS\tid\t1\tstream\t(abcd1234) Method completed with status: 200\t1763716442101",
    "User: arn:aws:iam::1:user/x is not authorized to perform: execute-api:Invoke on resource: y",
    "caf\u00e9 (4f1d6f0e-5b8c) Method completed with status: 403",
    "\x1b]52;c;aGk=\x07 (4f1d6f0e-5b8c-11e9) noise",
]


@st.composite
def log_lines(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(OTHER_LINES))
    prefix = draw(st.sampled_from(PREFIXES))
    rid = draw(st.sampled_from(RIDS))
    msg = draw(st.sampled_from(MESSAGES))
    tail = draw(st.sampled_from(["", "\r", " trailing", " xception"]))
    return f"{prefix}({rid}) {msg}{tail}"


@seed(14)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(log_lines(), max_size=60), chunk=st.sampled_from([64, 256, 1 << 20]))
def test_generated_logs_are_identical(lines: list[str], chunk: int) -> None:
    assert_same("\n".join(lines).encode(), chunk)


def test_prefilter_skips_only_noise_and_keeps_order() -> None:
    block = "\n".join(
        [
            "2026-11-21T09:14:02Z s (4f1d6f0e-5b8c-11e9) Method request headers: {}",
            "2026-11-21T09:14:02Z s (4f1d6f0e-5b8c-11e9) Method completed with status: 403",
            "",
            "(4f1d6f0e-5b8c-11e9) Endpoint request URI: https://x",
            "(4f1d6f0e-5b8c-11e9) java.lang.RuntimeException",
        ]
    ).encode()
    picked = lines_to_parse(block)
    assert picked is not None
    lines, total = picked
    assert total == 5
    assert lines == [
        "2026-11-21T09:14:02Z s (4f1d6f0e-5b8c-11e9) Method completed with status: 403",
        "",
        "(4f1d6f0e-5b8c-11e9) java.lang.RuntimeException",
    ]
    assert lines_to_parse("caf\u00e9".encode()) is None  # non-ASCII: parsed line by line


def test_marker_count_is_a_lower_bound_on_the_picked_lines() -> None:
    """The probe's shortcut: lines holding a recognised message, each counted once."""
    block = "\n".join(
        [
            "(4f1d6f0e-5b8c-11e9) Method completed with status: 403",
            "(4f1d6f0e-5b8c-11e9) Method request headers: {a) Starting authorizer: x}",
            "(4f1d6f0e-5b8c-11e9) Method request headers: {}",
            '{"requestId": "x"}',
            "(4f1d6f0e-5b8c-11e9) Starting authorizer: a) Gateway response type: X",
        ]
    ).encode()
    assert prefilter.marked_lines_at_least(block) == 3
    assert len(prefilter._picked_starts(block)) == 4  # the JSON line too
    assert prefilter.marked_lines_at_least(b"(4f1d6f0e-5b8c-11e9) Method request body") == 0


def test_fast_path_lines_come_split_like_the_scanner_splits_them() -> None:
    block = "\n".join(
        [
            "2026-11-21T09:14:02Z s (4f1d6f0e-5b8c-11e9) Method completed with status: 403\r",
            "1700000000000 (4f1d6f0e-5b8c-11e9) Gateway response type: ACCESS_DENIED",
            "(4f1d6f0e-5b8c-11e9) HTTP Method: GET, Resource Path: /a",
            "(4f1d6f0e-5b8c-11e9) Method request headers: {}",
            "(4f1d6f0e-5b8c-11e9) java.lang.RuntimeException",
            "x (4f1d6f0e-5b8c-11e9) Method completed with status: 200",
        ]
    ).encode()
    picked = items_to_parse(block)
    assert picked is not None
    items, total = picked
    assert total == 6
    assert items == [
        ("2026-11-21T09:14:02Z", "4f1d6f0e-5b8c-11e9", "Method completed with status: 403"),
        ("1700000000000", "4f1d6f0e-5b8c-11e9", "Gateway response type: ACCESS_DENIED"),
        (None, "4f1d6f0e-5b8c-11e9", "HTTP Method: GET, Resource Path: /a"),
        # no recognised prefix, or not the fast path's shape: the scanner's per-line logic
        "(4f1d6f0e-5b8c-11e9) java.lang.RuntimeException",
        "x (4f1d6f0e-5b8c-11e9) Method completed with status: 200",
    ]
    assert [i for i in items if isinstance(i, str)] == [
        line
        for line in lines_to_parse(block)[0]
        if line.startswith(("(4f1d6f0e-5b8c-11e9) j", "x"))
    ]


@pytest.mark.parametrize(("line", "kind", "facts"), CATALOGUE_LINES)
def test_every_classified_kind_is_picked_by_the_prefilter(
    line: str, kind: str, facts: dict
) -> None:
    """The prefilter's markers come from the classifier's own prefix table: every message it
    classifies, among noise, is picked (and a prefixed one split on the fast path)."""
    rid = "4f1d6f0e-5b8c-11e9"
    noise = f"2026-11-21T09:14:02Z s ({rid}) Method request headers: {{}}"
    wanted = f"2026-11-21T09:14:02Z s ({rid}) {line}"
    picked = items_to_parse(f"{noise}\n{wanted}\n{noise}".encode())
    assert picked is not None
    items, total = picked
    assert total == 3
    assert len(items) == 1
    if line.startswith(execution.PREFIXES):
        assert items == [("2026-11-21T09:14:02Z", rid, line.rstrip("\r\n"))]
    else:
        assert items == [wanted]


# --------------------------------------------------------------------------- --jobs merge


def merged(path: Path, max_active: int = 2000) -> logs_oracle.ScanResult | None:
    """What `--jobs N` makes of the file with the request state built per range and merged
    (`merged_scan`), range by range without the processes; None when a range cannot be merged
    exactly (the CLI then falls back to the path `by_ranges` checks)."""
    from wizard.analysis.logs.ranges import MergingScanner

    scanner = MergingScanner(max_active=max_active)
    with path.open("rb") as fh:
        ranges = cli._ranges(fh, path.stat().st_size)
    for start, end in ranges:
        # through pickle, as a worker's result crosses the pipe
        part = pickle.loads(pickle.dumps(cli._scan_range(str(path), start, end, max_active)))
        if not scanner.merge(part):
            return None
    return scanner.result()


def oracle_file(path: Path, chunk: int, max_active: int = 2000) -> logs_oracle.ScanResult:
    scanner = logs_oracle.LogScanner(max_active=max_active)
    with path.open("rb") as fh:
        for batch in logs_oracle.line_batches(fh, chunk):
            scanner.feed_many(batch)
    return scanner.result()


def bench_log(tmp_path: Path, mb: int = 1) -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from bench_logs_scan import generate
    finally:
        sys.path.remove(str(BENCH))
    log = tmp_path / "execution.log"
    generate(log, mb)
    return log


@pytest.mark.parametrize("max_active", [2000, 3, 1])
@pytest.mark.parametrize(
    ("range_bytes", "chunk"), [(5000, 1024), (40_000, 4096), (1 << 23, 1 << 20)]
)
def test_merged_ranges_are_identical_on_the_benchmark_log(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    max_active: int,
    range_bytes: int,
    chunk: int,
    prefilter_mode: str,
) -> None:
    """Requests cut by range and read-chunk borders, evicted (max_active 1 and 3) in the
    middle of a range and at its end: the merge gives the one-process result, and it does
    merge (the benchmark's log must not fall back, or `--jobs` would be no faster)."""
    monkeypatch.setattr(cli, "_RANGE_BYTES", range_bytes)
    monkeypatch.setattr(cli, "_CHUNK_BYTES", chunk)
    log = bench_log(tmp_path)
    got = merged(log, max_active)
    assert got is not None
    want = oracle_file(log, chunk, max_active)
    assert got.to_dict() == want.to_dict()
    assert cli.render_text(got) == cli.render_text(want)


def test_merged_ranges_carry_the_earlier_authorizer_run_and_arn_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A denied request with no authorizer lines, alone in a later range: its cache-hit
    signal names the request of an earlier range, and its ARN guess uses the prefix learned
    there."""
    monkeypatch.setattr(cli, "_RANGE_BYTES", 3000)
    monkeypatch.setattr(cli, "_CHUNK_BYTES", 1024)
    seed_log = (DATA / "seed_execution.log").read_bytes()
    log = tmp_path / "seed.log"
    log.write_bytes(seed_log)
    got = merged(log)
    if got is None:
        pytest.skip("the seed log holds lines outside the fast path")
    want = oracle_file(log, 1024)
    assert got.to_dict() == want.to_dict()
    assert any(r.cached_policy_from for r in got.requests)


def interleaved_log(n_rids: int, rounds: int) -> bytes:
    """Requests whose lines interleave round-robin: with a small max_active, one process
    closes requests while their lines still come (and opens new ones for them)."""
    rids = [f"{i:08x}-0000-4000-8000-000000000000" for i in range(n_rids)]
    msgs = [
        "HTTP Method: GET, Resource Path: /items/1",
        "Starting authorizer: 62mgrc for request: x",
        'Endpoint request body after transformations: {"methodArn":"arn:aws:execute-api:'
        'eu-west-1:123456789012:a1b2c3d4e5/prod/GET/items/1"}',
        "Method completed with status: 403",
    ]
    out = []
    for r in range(rounds):
        for rid in rids:
            out.append(f"2026-11-21T09:14:0{r % 10}.000Z s ({rid}) {msgs[r % len(msgs)]}")
            out.append(f"2026-11-21T09:14:0{r % 10}.000Z s ({rid}) Method request headers: {{}}")
    return ("\n".join(out) + "\n").encode()


@pytest.mark.parametrize(("n_rids", "max_active"), [(4, 3), (4, 4), (6, 2), (3, 2000)])
def test_merged_ranges_with_interleaved_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n_rids: int, max_active: int
) -> None:
    """Interleaved requests across many ranges: the merge either declines (a closed request
    would reopen: the CLI then scans in one process) or gives the one-process result; with
    room for every request (max_active >= requests) it must merge."""
    monkeypatch.setattr(cli, "_RANGE_BYTES", 700)
    monkeypatch.setattr(cli, "_CHUNK_BYTES", 256)
    log = tmp_path / "interleaved.log"
    log.write_bytes(interleaved_log(n_rids, 12))
    got = merged(log, max_active)
    if max_active >= n_rids:
        assert got is not None
    if got is not None:
        assert got.to_dict() == oracle_file(log, 256, max_active).to_dict()


def test_merge_declines_lines_off_the_fast_path(tmp_path: Path) -> None:
    """A JSON access-log line reads the scanner's state: its range is not merged."""
    log = tmp_path / "mixed.log"
    log.write_bytes(
        b"(4f1d6f0e-5b8c-11e9) Method completed with status: 403\n"
        b'{"requestId": "4f1d6f0e-5b8c-11e9", "status": "403"}\n'
    )
    assert merged(log) is None
