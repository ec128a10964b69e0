"""Live probes on the seed incident, against MiniStack on 127.0.0.1. Prints figures; asserts nothing.

1. A probe node's probes run together vs its slowest probe alone (aim: ratio <= 1.3).
2. The wizard gathering the seed evidence (one fresh process: resolve the target, then three
   concurrent steps) vs the same evidence gathered the way the troubleshooting guides do it by
   hand: a sequence of `aws` CLI commands plus a curl, each a fresh process (aim: ratio <= 0.2).
   When the `aws` CLI is not installed, each step is the equivalent boto3 call in a fresh Python
   process instead, and the output says so.

    .venv/bin/python benchmarks/bench_probes.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.aws.gather import gather  # noqa: E402
from wizard.aws.probes import register_all  # noqa: E402
from wizard.aws.session import sandbox_session  # noqa: E402
from wizard.sandbox import emulator  # noqa: E402
from wizard.sandbox.provision import Provisioned, provision  # noqa: E402
from wizard.sandbox.replay import replay  # noqa: E402
from wizard.sandbox.scenario import load_scenario  # noqa: E402

FAILING = "/dashboard/update-profile"


def seed_facts(out: Provisioned) -> dict[str, Any]:
    return {
        "api_id": out.api_id,
        "stage": out.stage,
        "region": out.region,
        "account_id": out.account_id,
        "method": "POST",
        "path": FAILING,
        "resource_id": out.resource_ids[FAILING],
        "authorizer_id": out.authorizer_ids["jwt-authorizer"],
        "authorizer_function_arn": out.function_arns["dashboard-jwt-authorizer"],
        "method_arn": out.method_arn("POST", FAILING),
        "token": out.tokens["alice"],
        "url": out.url(FAILING),
    }


NODE = [
    ("get_method", {}),
    ("get_rest_api", {}),
    ("get_stage", {}),
    ("get_deployments", {}),
    ("get_authorizer", {}),
    ("lambda_configuration", {}),
    ("authorizer_logs", {"since": "15m"}),
    ("reproduce", {}),
]


def add_latency(session: Any, seconds: float) -> None:
    """Simulate a real AWS round trip: every API call waits `seconds` before it is sent, the
    way a call to a regional endpoint spends its time on the network, not on our CPU."""

    def wait(**_: Any) -> None:
        time.sleep(seconds)

    session.boto3_session.events.register("before-send", wait)


def bench_node(session: Any, facts: dict[str, Any], runs: int, label: str) -> None:
    print(f"1. one node's probes together vs its slowest probe alone ({label})")
    singles: dict[str, float] = {}
    for name, params in NODE:
        times = []
        for _ in range(runs):
            session.read_cache.clear()  # each run reads AWS, as the first of an investigation
            g = gather([(name, params)], aws=session, facts=facts)
            assert not g.errors(), g.errors()
            times.append(g.seconds)
        singles[name] = statistics.median(times)
    together = []
    for _ in range(runs):
        session.read_cache.clear()
        g = gather(NODE, aws=session, facts=facts)
        assert not g.errors(), g.errors()
        together.append(g.seconds)
    slowest = max(singles, key=lambda n: singles[n])
    t = statistics.median(together)
    for name, secs in sorted(singles.items(), key=lambda kv: -kv[1]):
        print(f"   {name:22s} {secs * 1000:8.1f} ms alone (median of {runs})")
    print(f"   sum of singles         {sum(singles.values()) * 1000:8.1f} ms")
    print(f"   all {len(NODE)} together         {t * 1000:8.1f} ms (median of {runs})")
    print(f"   ratio together / slowest ({slowest}) = {t / singles[slowest]:.2f}  (aim <= 1.3)")


def gather_once(endpoint: str, facts_json: str) -> None:
    """The wizard's way, in this (fresh) process: target, then three concurrent steps."""
    started = time.perf_counter()
    register_all()
    session = sandbox_session(endpoint)
    given = json.loads(facts_json)
    facts: dict[str, Any] = {"token": given["token"], "url": given["url"]}
    steps = [
        [("resolve_target", {"url": given["url"], "method": "POST"})],
        [("get_method", {}), ("get_rest_api", {}), ("get_stage", {}), ("reproduce", {})],
        [("get_authorizer", {})],
        [
            ("authorizer_logs", {"since": "15m"}),
            ("authorizer_policy", {}),
            ("lambda_configuration", {}),
        ],
    ]
    for step in steps:
        g = gather(step, aws=session, facts=facts)
        if g.errors():
            raise SystemExit(f"probe failed: {g.errors()}")
        facts.update(g.facts())
    print(json.dumps({"seconds": time.perf_counter() - started, "facts": len(facts)}))


def _cli_steps(endpoint: str, f: dict[str, Any], workdir: str) -> tuple[str, list[list[str]]]:
    aws = shutil.which("aws")
    ep = ["--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"]
    event = json.dumps(
        {"type": "TOKEN", "authorizationToken": f["token"], "methodArn": f["method_arn"]}
    )
    start_ms = str(int(time.time() * 1000) - 900_000)
    curl = [
        "curl",
        "-s",
        "-o",
        os.devnull,
        "-w",
        "%{http_code}",
        "-X",
        "POST",
        "-H",
        f"Authorization: {f['token']}",
        f["url"],
    ]
    if aws:
        a = [aws]
        steps = [
            [*a, "apigateway", "get-rest-apis", *ep],
            [*a, "apigateway", "get-resources", "--rest-api-id", f["api_id"], *ep],
            [
                *a,
                "apigateway",
                "get-method",
                "--rest-api-id",
                f["api_id"],
                "--resource-id",
                f["resource_id"],
                "--http-method",
                "POST",
                *ep,
            ],
            [*a, "apigateway", "get-authorizers", "--rest-api-id", f["api_id"], *ep],
            [
                *a,
                "apigateway",
                "get-stage",
                "--rest-api-id",
                f["api_id"],
                "--stage-name",
                "prod",
                *ep,
            ],
            [*a, "apigateway", "get-rest-api", "--rest-api-id", f["api_id"], *ep],
            [
                *a,
                "logs",
                "filter-log-events",
                "--log-group-name",
                "/aws/lambda/dashboard-jwt-authorizer",
                "--start-time",
                start_ms,
                *ep,
            ],
            [
                *a,
                "lambda",
                "get-function-configuration",
                "--function-name",
                "dashboard-jwt-authorizer",
                *ep,
            ],
            [
                *a,
                "lambda",
                "invoke",
                "--function-name",
                "dashboard-jwt-authorizer",
                "--payload",
                event,
                os.path.join(workdir, "out.json"),
                *ep,
            ],
            curl,
        ]
        return "the aws CLI", steps
    py = [sys.executable, "-c"]
    pre = (
        f"import boto3;c=lambda n: boto3.client(n,endpoint_url={endpoint!r},region_name='us-east-1',"
        "aws_access_key_id='test',aws_secret_access_key='test');"
    )
    calls = [
        "c('apigateway').get_rest_apis()",
        f"c('apigateway').get_resources(restApiId={f['api_id']!r})",
        f"c('apigateway').get_method(restApiId={f['api_id']!r},resourceId={f['resource_id']!r},httpMethod='POST')",
        f"c('apigateway').get_authorizers(restApiId={f['api_id']!r})",
        f"c('apigateway').get_stage(restApiId={f['api_id']!r},stageName='prod')",
        f"c('apigateway').get_rest_api(restApiId={f['api_id']!r})",
        f"c('logs').filter_log_events(logGroupName='/aws/lambda/dashboard-jwt-authorizer',startTime={start_ms})",
        "c('lambda').get_function_configuration(FunctionName='dashboard-jwt-authorizer')",
        f"c('lambda').invoke(FunctionName='dashboard-jwt-authorizer',Payload={event!r})",
    ]
    return "boto3 in a fresh process per call (aws CLI not installed)", [
        [*py, pre + call] for call in calls
    ] + [curl]


def bench_vs_cli(endpoint: str, facts: dict[str, Any], runs: int) -> None:
    print("2. the wizard gathering the seed evidence vs the same evidence by hand")
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_PAGER="",
    )
    env.pop("AWS_PROFILE", None)
    # Both sides run with bytecode caches, as installed tools have them (the aws CLI's are there;
    # with PYTHONDONTWRITEBYTECODE the wizard's would be compiled from source on every run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    wizard_times, inner = [], []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(
            [sys.executable, __file__, "--gather-once", endpoint, json.dumps(facts)],
            capture_output=True,
            text=True,
            env=env,
        )
        if r.returncode != 0:
            raise SystemExit(f"the wizard's gathering failed: {r.stderr.strip()[-800:]}")
        wizard_times.append(time.perf_counter() - t)
        inner.append(json.loads(r.stdout.strip().splitlines()[-1])["seconds"])
    with tempfile.TemporaryDirectory() as workdir:
        how, steps = _cli_steps(endpoint, facts, workdir)
        cli_times = []
        for _ in range(runs):
            t = time.perf_counter()
            for argv in steps:
                subprocess.run(argv, capture_output=True, env=env, check=True)
            cli_times.append(time.perf_counter() - t)
    w, c = statistics.median(wizard_times), statistics.median(cli_times)
    print(
        f"   wizard, one fresh process      {w * 1000:8.1f} ms (probes alone {statistics.median(inner) * 1000:.1f} ms)"
    )
    print(f"   by hand: {len(steps)} commands via {how}")
    print(f"                                  {c * 1000:8.1f} ms")
    print(
        f"   ratio wizard / by hand = {w / c:.2f}  (aim <= 0.2; excludes the human reading between commands)"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--gather-once":
        gather_once(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rtt-ms", type=float, default=40.0, help="simulated AWS round trip")
    args = ap.parse_args()
    register_all()
    with emulator.running() as emu:
        session = sandbox_session(emu.endpoint_url)
        scenario = load_scenario("authz-cache-scoped-policy")
        out = provision(scenario, session.client, endpoint_url=emu.endpoint_url)
        replay(scenario, out)
        facts = seed_facts(out)
        print(f"MiniStack on {emu.endpoint_url}, seed API {out.api_id}, {os.cpu_count()} CPUs")
        bench_node(session, facts, args.runs, "loopback, no network latency")
        slow = sandbox_session(emu.endpoint_url)
        add_latency(slow, args.rtt_ms / 1000)
        bench_node(
            slow, facts, args.runs, f"{args.rtt_ms:.0f} ms simulated AWS round trip per call"
        )
        bench_vs_cli(emu.endpoint_url, facts, args.runs)


if __name__ == "__main__":
    main()
