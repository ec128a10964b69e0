"""`apigw-wizard permissions [--apply]`: the IAM policy the wizard needs, built from the probes."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands._io import add_format_flag, emit, guarded


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "permissions",
        help="print the minimal IAM policy the wizard's read-only probes need",
        description=(
            "Print the IAM policy document the live probes need (read-only, plus "
            "test-invoke-authorizer and a fallback Lambda invoke of the authorizer). "
            "With --apply, print what applying fixes needs on top of it."
        ),
    )
    p.add_argument(
        "--apply",
        action="store_true",
        help="print the extra permissions `diagnose --apply` needs (mutating, allowlisted)",
    )
    p.add_argument(
        "--by-probe", action="store_true", help="also list each probe and the actions it uses"
    )
    add_format_flag(p)
    p.set_defaults(func=_run)


def _text(data: dict[str, Any]) -> str:
    import json

    lines = []
    why = data["why"]
    title = (
        "Extra IAM permissions for --apply (attach with the read-only policy):"
        if data["mode"] == "apply"
        else "Minimal IAM policy for apigw-wizard's live probes (read-only):"
    )
    lines.append(title)
    for st in data["policy"]["Statement"]:
        lines.append(f"  - {st['Sid']}: {why.get(st['Sid'], '')}")
    lines.append("")
    lines.append(json.dumps(data["policy"], indent=2))
    if data.get("probes"):
        lines.append("")
        lines.append("Actions by probe:")
        for name, actions in sorted(data["probes"].items()):
            lines.append(f"  {name}: {', '.join(actions) or '(none: plain HTTP)'}")
    if data["mode"] == "read":
        lines.append("")
        lines.append(
            "Without a permission, its probe reports what is missing and you paste the evidence."
        )
    return "\n".join(lines)


@guarded
def _run(args: argparse.Namespace) -> int:
    from wizard.aws import permissions

    if args.apply:
        data: dict[str, Any] = {"mode": "apply", "policy": permissions.apply_policy()}
    else:
        data = {"mode": "read", "policy": permissions.read_only_policy()}
    data["why"] = permissions.explanations()
    if args.by_probe:
        data["probes"] = permissions.probe_actions()
    emit(data, args.format, _text)
    return 0
