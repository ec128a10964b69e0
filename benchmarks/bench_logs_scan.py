"""Log scan throughput and peak memory on a generated 200 MB REST execution log.

Aim: at least 50 MB/s and a peak RSS under 150 MB for `apigw-wizard logs scan`.
The scan runs in a child process (the real CLI, JSON output to /dev/null) so its peak RSS is
measured on its own via getrusage(RUSAGE_CHILDREN). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_logs_scan.py [--mb 200]
"""

from __future__ import annotations

import argparse
import os
import resource
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the generated log (MB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as tmp:
        log = Path(tmp) / "execution.log"
        t0 = time.perf_counter()
        size = generate(log, args.mb)
        print(
            f"generated {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB) in {time.perf_counter() - t0:.1f} s"
        )
        cmd = [sys.executable, "-m", "wizard", "logs", "scan", str(log), "--format", "json"]
        t0 = time.perf_counter()
        with open(os.devnull, "wb") as sink:
            proc = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            print(f"scan failed (exit {proc.returncode}): {proc.stderr.decode()[:300]}")
            return 1
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kb = usage.ru_maxrss
        cpu = usage.ru_utime + usage.ru_stime
        mb = size / 1e6
        print(f"scan: {elapsed:.2f} s wall: {mb / elapsed:.1f} MB/s (aim >= 50)")
        print(
            f"      {cpu:.2f} s CPU: {mb / cpu:.1f} MB/s per CPU second "
            "(the wall figure drops when other processes share the cores)"
        )
        print(f"peak RSS of the scanning process: {peak_kb / 1024:.1f} MiB (aim < 150)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
