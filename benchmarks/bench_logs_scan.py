"""Log scan throughput, `--jobs 2` speed-up and peak memory on a generated 200 MB execution log.

Aims: `apigw-wizard logs scan` at >= 0.8x the throughput of the minimal Python loop
(`for line in f: if "403" in line`) on the same file; `--jobs 2` >= 1.6x `--jobs 1` on two cores;
peak RSS < 150 MB. Every command runs as a child process, in rounds of one of each, and the
figures are medians of the ratios taken within a round, so a machine shared with other work
slows both sides of a ratio alike (the load average is printed too). Each child's own CPU time
and peak RSS come from wait4(). The scan's JSON output of both job counts is compared too.
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_logs_scan.py [--mb 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

STREAM = "3c59dc048e8850243be8079a5c74d079"
ARN = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod"

# One request that runs the authorizer and succeeds, the way INFO-level execution logging
# writes it (with data tracing, hence the header and body lines).
ALLOWED = [
    "Extended Request Id: Vx1ZkF3ZoAMFkWQ=",
    "Starting authorizer: 62mgrc for request: {rid}",
    "Incoming identity: ***************************************************...Jq4w",
    "Endpoint request URI: https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/"
    "arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations",
    "Endpoint request headers: {{x-amzn-lambda-integration-tag={rid}, Authorization=****1234, "
    "X-Amz-Date=20261121T091402Z, x-amzn-apigateway-api-id=a1b2c3d4e5, Accept=application/json, "
    "User-Agent=AmazonAPIGateway_a1b2c3d4e5, Host=lambda.eu-west-1.amazonaws.com}}",
    'Endpoint request body after transformations: {{"type":"TOKEN","methodArn":"'
    + ARN
    + '/GET/items/{n}","authorizationToken":"Bearer abc.def.ghi"}}',
    "Sending request to https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/"
    "arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations",
    'Authorizer result body before parsing: {{"principalId":"user-{n}","policyDocument":'
    '{{"Version":"2012-10-17","Statement":[{{"Action":"execute-api:Invoke","Effect":"Allow",'
    '"Resource":"' + ARN + '/GET/items/{n}"}}]}}}}',
    "Using valid authorizer policy for principal: user-{n}",
    "Successfully completed authorizer execution",
    "Verifying Usage Plan for request: {rid}. API Key:  API Stage: a1b2c3d4e5/prod",
    "API Key  authorized because method 'GET /items/{{id}}' does not require API Key. Request will "
    "not contribute to throttle or quota limits",
    "Usage Plan check succeeded for API Key  and API Stage a1b2c3d4e5/prod",
    "Starting execution for request: {rid}",
    "HTTP Method: GET, Resource Path: /items/{n}",
    "Method request path: {{id={n}}}",
    "Method request query string: {{}}",
    "Method request headers: {{Accept=*/*, Authorization=Bearer ****, Host=a1b2c3d4e5.execute-api."
    "eu-west-1.amazonaws.com, User-Agent=curl/8.4.0, X-Forwarded-For=203.0.113.10}}",
    "Method request body before transformations: ",
    "Endpoint request URI: https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/"
    "arn:aws:lambda:eu-west-1:123456789012:function:items/invocations",
    'Endpoint request body after transformations: {{"resource":"/items/{{id}}","path":"/items/{n}",'
    '"httpMethod":"GET","headers":{{"Accept":"*/*"}}}}',
    "Received response. Status: 200, Integration latency: 45 ms",
    'Endpoint response body before transformations: {{"statusCode":200,"body":"{{\\"id\\":{n}}}"}}',
    'Method response body after transformations: {{"id":{n}}}',
    "Method response headers: {{X-Amzn-Trace-Id=Root=1-6560a1b2-0123456789abcdef01234567, "
    "Content-Type=application/json}}",
    "Successfully completed execution",
    "Method completed with status: 200",
    "AWS Integration Endpoint RequestId : {rid}",
]
# One request answered from the authorizer cache and denied.
DENIED = [
    "Extended Request Id: Vx1ZpG8DoAMF7yw=",
    "Starting execution for request: {rid}",
    "HTTP Method: POST, Resource Path: /items/{n}",
    "The client is not authorized to perform this operation.",
    "Gateway response type: ACCESS_DENIED with status code: 403",
    'Gateway response body: {{"Message":"User is not authorized to access this resource"}}',
    "Gateway response headers: {{x-amzn-ErrorType=AccessDeniedException}}",
    "Method completed with status: 403",
]


def generate(path: Path, megabytes: int) -> int:
    target = megabytes * 1024 * 1024
    written = 0
    n = 0
    with path.open("w", encoding="utf-8", buffering=1024 * 1024) as fh:
        while written < target:
            n += 1
            rid = str(uuid.UUID(int=n * 7919 + 1))
            template = DENIED if n % 5 == 0 else ALLOWED
            sec = n // 50
            stamp = f"2026-11-21T{9 + sec // 3600 % 12:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{n % 1000:03d}000+00:00"
            block = "".join(
                f"{stamp} {STREAM} ({rid}) {line.format(rid=rid, n=n)}\n" for line in template
            )
            fh.write(block)
            written += len(block)
    return written


BASELINE = """
import sys
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if "403" in line:
            n += 1
print(n)
"""


def timed(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MiB) and a digest of stdout of one child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    digest = hashlib.sha256()
    for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
        digest.update(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[2:5]} failed (exit {proc.returncode})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, digest.hexdigest()


def pool_start_ms(jobs: int = 2, rounds: int = 5) -> float:
    """What `--jobs` pays before any work: starting its worker processes and a first round
    trip to each (median of `rounds`, in this process)."""
    from concurrent.futures import ProcessPoolExecutor

    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(abs, range(jobs)))
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the generated log (MB)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of paired runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as tmp:
        log = Path(tmp) / "execution.log"
        size = generate(log, args.mb)
        mb = size / 1e6
        print(
            f"generated {mb:.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        scan = [sys.executable, "-m", "wizard", "logs", "scan", str(log), "--format", "json"]
        runs: dict[str, list[tuple[float, float, float, str]]] = {"loop": [], "j1": [], "j2": []}
        for _ in range(args.rounds):
            runs["loop"].append(timed([sys.executable, "-c", BASELINE, str(log)]))
            runs["j1"].append(timed(scan))
            runs["j2"].append(timed([*scan, "--jobs", "2"]))
        vs_loop = [b[0] / a[0] for a, b in zip(runs["j1"], runs["loop"], strict=True)]
        vs_loop_cpu = [b[1] / a[1] for a, b in zip(runs["j1"], runs["loop"], strict=True)]
        jobs = [a[0] / b[0] for a, b in zip(runs["j1"], runs["j2"], strict=True)]
        jobs_cpu = [b[1] / a[1] for a, b in zip(runs["j1"], runs["j2"], strict=True)]
        med = statistics.median
        print(
            f"minimal loop: {mb / med(r[0] for r in runs['loop']):.0f} MB/s; "
            f"logs scan: {mb / med(r[0] for r in runs['j1']):.0f} MB/s "
            f"({mb / med(r[1] for r in runs['j1']):.0f} MB per CPU second)"
        )
        print(
            f"logs scan / minimal loop throughput: {med(vs_loop):.2f}x wall, "
            f"{med(vs_loop_cpu):.2f}x CPU (aim >= 0.8)"
        )
        print(f"--jobs 2 / --jobs 1 wall: {med(jobs):.2f}x faster (aim >= 1.6 on 2 idle cores)")
        print(
            f"--jobs 2 / --jobs 1 CPU (workers included): {med(jobs_cpu):.2f}x "
            "(what the split costs; on a loaded machine the wall ratio cannot show the overlap)"
        )
        print(
            f"peak RSS: --jobs 1 {max(r[2] for r in runs['j1']):.0f} MiB, "
            f"--jobs 2 {max(r[2] for r in runs['j2']):.0f} MiB per process (aim < 150)"
        )
        print(f"worker pool start-up (2 processes, one round trip): {pool_start_ms():.0f} ms")
        same = {r[3] for r in runs["j1"] + runs["j2"]}
        print(f"output of --jobs 1 and --jobs 2: {'identical' if len(same) == 1 else 'DIFFERENT'}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
