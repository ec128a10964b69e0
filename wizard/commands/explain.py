"""`apigw-wizard explain [TEXT | -]`: rank the likely causes of a pasted 403.

Exit codes: 0 when the best cause reaches CONFIDENT (a diagnosis), 4 (inconclusive) when it does
not, 2 on bad input. Nothing heavy is imported at module level (`--help` must stay fast).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

# The best cause must reach this confidence for `explain` to call it a diagnosis (exit 0).
CONFIDENT = 0.4
DEFAULT_TOP = 5


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    from wizard.commands._io import add_format_flag

    p = sub.add_parser(
        "explain",
        help="rank the likely causes of a 403 from a pasted response, logs and/or description",
        description=(
            "Paste what you have - the status line, headers, the JSON body, a few log lines, and "
            "in plain words what happens ('the first call works, later ones get 403') - and get "
            "the most likely causes with the evidence behind each and the next check to run. "
            f"Exit 0 when the best cause reaches confidence {CONFIDENT}, 4 when inconclusive."
        ),
    )
    p.add_argument(
        "text",
        nargs="?",
        metavar="TEXT | - | @FILE",
        help="the report itself, '-' to read standard input, or @FILE (default: standard input when piped)",
    )
    p.add_argument("--all", action="store_true", help="list every cause, not only the top 5")
    p.add_argument(
        "--top",
        type=int,
        default=DEFAULT_TOP,
        metavar="N",
        help="how many causes to list (default 5)",
    )
    p.add_argument(
        "--fact",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a known fact, e.g. authorizer_ttl=300, authorization_type=CUSTOM, endpoint_type=PRIVATE (repeatable)",
    )
    add_format_flag(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from wizard.commands._io import guarded

    return int(guarded(_explain)(args))


def _explain(args: argparse.Namespace) -> int:
    from wizard import exitcodes
    from wizard.analysis.classify import classify
    from wizard.commands._io import InputError, emit, read_text

    source = args.text
    if source is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "explain needs the error text: pass it as an argument, '-' for standard input, or @FILE"
            )
        source = "-"
    text = read_text(source, what="the report")
    if not text.strip():
        raise InputError("the report is empty: paste the response, some log lines or a description")
    if "\x00" in text[:4096]:
        raise InputError("the report looks like binary data, not text")
    if args.top < 1:
        raise InputError(f"--top must be at least 1, got {args.top}")
    facts = _parse_facts(args.fact)
    result = classify(text, facts=facts)
    limit = len(result.causes) if args.all else args.top
    shown = result.causes[:limit]
    data: dict[str, Any] = {
        "causes": [c.as_dict() for c in shown],
        "inconclusive": not shown or shown[0].confidence < CONFIDENT,
        "evidence": result.evidence.as_dict(),
        "symptoms": result.symptoms,
        # Added for issue 11: whether the paste shows an HTTP error at all, and what was read.
        "signal": result.signal,
        "observations": result.observations,
    }
    emit(data, args.format, _render_text)
    return exitcodes.INCONCLUSIVE if data["inconclusive"] else exitcodes.OK


def _parse_facts(items: list[str]) -> dict[str, Any]:
    from wizard.commands._io import InputError

    facts: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--fact {item!r}: expected KEY=VALUE, e.g. authorizer_ttl=300")
        value: Any = raw.strip()
        low = value.lower()
        if low in ("true", "false"):
            value = low == "true"
        elif value.lstrip("-").isdigit():
            value = int(value)
        facts[key] = value
    return facts


def _render_text(data: dict[str, Any]) -> str:
    from wizard.catalogue import load_catalogue

    causes = data["causes"]
    if not causes:
        return "No cause could be ranked from this text."
    catalogue = load_catalogue()
    top = causes[0]
    cause = catalogue.get(top["id"])
    wrap = textwrap.TextWrapper(width=96, initial_indent="  ", subsequent_indent="  ")
    bullet = textwrap.TextWrapper(width=96, initial_indent="  • ", subsequent_indent="    ")
    lines: list[str] = []
    if data["inconclusive"]:
        return _render_inconclusive(causes, catalogue, bullet, signal=data.get("signal", True))
    lines.append(f"Most likely: {top['title']}")
    lines.append(f"  cause id {top['id']} - confidence {top['confidence']:.2f}")
    lines += ["", "What API Gateway did", *wrap.wrap(cause.explanation)]
    if top["evidence"]:
        lines += ["", "Why we think so"]
        for ev in top["evidence"]:
            lines += bullet.wrap(ev)
    if top["next_checks"]:
        lines += ["", "Check next"]
        for check in top["next_checks"]:
            lines += bullet.wrap(check)
    if cause.fixes:
        fix = cause.fixes[0]
        lines += ["", "The fix, once confirmed", *wrap.wrap(f"{fix.title}. {fix.explanation}")]
        if fix.operations:
            ops = ", ".join(f"{op.service} {op.operation}" for op in fix.operations)
            lines += wrap.wrap(f"(applied by the wizard as: {ops})")
    others = causes[1:]
    if others:
        lines += ["", "Other possibilities"]
        for i, c in enumerate(others, 2):
            lines.append(f"  {i}. {c['id']} ({c['confidence']:.2f}) - {c['title']}")
    return "\n".join(lines)


def _render_inconclusive(
    causes: list[dict[str, Any]], catalogue: Any, bullet: Any, *, signal: bool = True
) -> str:
    """No single cause stands out: show the candidates side by side and the check that splits them."""
    opening = (
        "Not sure yet: this text fits several causes about equally. The likeliest are:"
        if signal
        else "Not sure yet: this text shows no HTTP error (no status, message, header or log line),"
        " so no cause is likely yet. Only as a starting point:"
    )
    lines = [opening, ""]
    for i, c in enumerate(causes[:3], 1):
        lines.append(f"  {i}. {c['title']} ({c['id']}, confidence {c['confidence']:.2f})")
        lines += textwrap.wrap(
            catalogue.get(c["id"]).summary,
            width=96,
            initial_indent="     ",
            subsequent_indent="     ",
        )
    checks = causes[0]["next_checks"]
    if checks:
        lines += ["", "The check that tells them apart" if signal else "First"]
        lines += bullet.wrap(checks[0])
    lines.append("")
    lines += textwrap.wrap(
        "Adding the response headers and body, one execution-log line, or what you observe "
        '("only from the VPC", "the first call works") narrows it down.',
        width=96,
    )
    others = causes[3:]
    if others:
        lines += ["", "Also possible: " + ", ".join(c["id"] for c in others)]
    return "\n".join(lines)
