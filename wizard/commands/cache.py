"""`apigw-wizard cache simulate --scenario FILE`: replay requests through an authorizer cache.

Exit code 0 when the scenario ran (whatever the responses); 2 for a bad scenario.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from wizard import exitcodes
from wizard.commands._io import (
    InputError,
    add_format_flag,
    emit,
    guarded,
    missing_action,
    read_text,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cache",
        help="simulate the Lambda authorizer cache: which calls hit it, and what they get",
        description="Simulate API Gateway's Lambda authorizer policy cache.",
    )
    actions = p.add_subparsers(dest="cache_action", metavar="ACTION")
    p.set_defaults(func=missing_action("cache needs an action: simulate"))
    sim = actions.add_parser(
        "simulate",
        help="replay a request sequence: cache hit/miss, Lambda invoked or not, the response",
        description=(
            "Replay a scenario (YAML or JSON: the authorizer's type, identity sources and TTL, "
            "the policy its Lambda returns, the requests with their times) and show, per "
            "request, whether the cache answered, whether the Lambda ran, the decision on the "
            "cached policy and the response API Gateway sends. Exit code 0 when the scenario "
            "ran; 2 for a bad scenario."
        ),
        epilog=textwrap.dedent(
            """\
            examples:
              apigw-wizard cache simulate --scenario examples/cache/first-call-works.yaml
              apigw-wizard cache simulate --scenario examples/cache/fix-ttl-zero.yaml --format json
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sim.add_argument(
        "--scenario", required=True, metavar="FILE", help="scenario file (YAML/JSON), '-' for stdin"
    )
    add_format_flag(sim)
    sim.set_defaults(func=run_simulate)


@guarded
def run_simulate(args: argparse.Namespace) -> int:
    from wizard.analysis.cache_sim import ScenarioError, load_scenario, simulate

    source = args.scenario
    text = read_text(source if source == "-" else "@" + source, what="--scenario")
    if "\x00" in text:
        raise InputError("--scenario: the file contains binary data, not YAML or JSON")
    try:
        result = simulate(load_scenario(text))
    except ScenarioError as exc:
        raise InputError(f"--scenario: {exc}") from None
    emit(result.to_dict(), args.format, _render)
    return exitcodes.OK


def _render(data: dict[str, Any]) -> str:
    a = data["authorizer"]
    lines = []
    if data.get("name"):
        lines.append(f"Scenario: {data['name']}")
    lines.append(
        f"Authorizer: {a['type']}, identity sources {', '.join(a['identity_sources'])}, "
        f"TTL {a['ttl']}s"
    )
    lines.append("")
    header = ("#", "t(s)", "identity", "method", "path", "cache", "lambda", "response")
    rows: list[tuple[str, ...]] = []
    for s in data["steps"]:
        resource = s["method_arn"].split(":", 5)[-1].split("/", 3)
        method = resource[2] if len(resource) > 2 else "?"
        path = "/" + (resource[3] if len(resource) > 3 else "")
        r = s["response"]
        if r["status"] == 200:
            response = "200 OK"
        else:
            response = f"{r['status']} {r['error_type'] or r['message'] or ''}".rstrip()
        rows.append(
            (
                str(s["index"]),
                f"{s['at']:g}",
                s["identity"],
                method,
                path,
                s["cache"],
                "invoked" if s["lambda_invoked"] else "-",
                response,
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append("")
    for s in data["steps"]:
        if s["response"]["status"] != 200:
            msg = s["response"]["message"]
            lines.append(f"#{s['index']}: {msg!r} — {s['note']}")
    summary = data["summary"]
    lines.append(
        f"{summary['requests']} requests, {summary['lambda_invocations']} Lambda invocations, "
        f"{summary['cache_hits']} cache hits, {summary['forbidden_403']} × 403, "
        f"{summary['unauthorized_401']} × 401"
    )
    for f in data["findings"]:
        lines.append(f"- {f}")
    lines.append("")
    lines.append(
        textwrap.fill(
            "Moral: " + data["moral"], width=100, break_on_hyphens=False, break_long_words=False
        )
    )
    return "\n".join(lines)
