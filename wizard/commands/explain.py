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
    p.add_argument(
        "--har",
        metavar="FILE",
        help="a browser HAR file (network tab, 'Save all as HAR'): the failing request in it is "
        "explained (the first 4xx/5xx to an API, or the one --url names); secrets are redacted",
    )
    p.add_argument(
        "--url",
        metavar="TEXT",
        help="with --har: explain the request whose URL contains TEXT",
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
    from wizard.analysis.redact import redact_obj
    from wizard.commands._io import InputError, emit, read_text

    if args.top < 1:
        raise InputError(f"--top must be at least 1, got {args.top}")
    if args.url is not None and args.har is None:
        raise InputError("--url picks a request in a HAR file: use it with --har FILE")
    har_entry = _read_har(args.har, args.url) if args.har is not None else None
    source = args.text
    if source is None and har_entry is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "explain needs the error text: pass it as an argument, '-' for standard input, "
                "@FILE, or --har FILE"
            )
        source = "-"
    text = read_text(source, what="the report") if source is not None else ""
    if "\x00" in text[:4096]:
        raise InputError("the report looks like binary data, not text")
    if har_entry is not None:
        from wizard.analysis.diagnosis import har

        # The failing request as curl -v shows it; what you typed (if anything) after it.
        text = har.render(har_entry) + ("\n" + text if text.strip() else "")
    if not text.strip():
        raise InputError("the report is empty: paste the response, some log lines or a description")
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
        # The one question or check that best separates the candidates (None: nothing left
        # that could change the answer), and the HAR entry explained.
        "next_step": _next_step(result, facts),
    }
    if har_entry is not None:
        data["har"] = har_entry.summary()
    # The evidence quotes the paste (a presigned URL's X-Amz-Signature, an api_key=...): what
    # is printed is redacted, in JSON as in text.
    emit(redact_obj(data), args.format, _render_text)
    return exitcodes.INCONCLUSIVE if data["inconclusive"] else exitcodes.OK


def _read_har(path: str, url: str | None) -> Any:
    from wizard.analysis.bounded import BoundedParseError, load_json
    from wizard.analysis.diagnosis import har
    from wizard.commands._io import InputError, read_file_bytes

    data = read_file_bytes(path, what="the HAR file")
    try:
        doc = load_json(data.decode("utf-8-sig"), what=f"the HAR file {path}")
    except UnicodeDecodeError:
        raise InputError(f"the HAR file {path} is not UTF-8 text") from None
    except BoundedParseError as exc:
        raise InputError(str(exc)) from None
    except ValueError as exc:
        raise InputError(f"the HAR file {path} is not valid JSON: {exc}") from None
    try:
        return har.pick_failing_entry(doc, url)
    except har.HarError as exc:
        raise InputError(f"{path}: {exc}") from None


# Asked first when the paste shows no HTTP error: every other question presumes one.
_RESPONSE_FIRST_STEP = {
    "kind": "question",
    "id": "q_error",
    "answers": [],
}


def _next_step(result: Any, facts: dict[str, Any]) -> dict[str, Any] | None:
    """The separator with the highest expected information gain over the ranked causes (see
    wizard/analysis/diagnosis/next_question.py), its placeholders filled from the paste; the
    failing response first when the paste shows none; None when no step could change the
    leading cause."""
    from wizard.analysis.classify import RESPONSE_FIRST
    from wizard.analysis.diagnosis import next_question
    from wizard.analysis.next_checks import fill

    if not result.signal:
        return {**_RESPONSE_FIRST_STEP, "text": RESPONSE_FIRST}
    _settled, step = next_question.plan({c.id: c.confidence for c in result.causes})
    if step is None:
        return None
    out = step.as_dict()
    ev = result.evidence
    known = {
        "api_id": facts.get("api_id") or ev.api_id,
        "stage": facts.get("stage") or _stage_of(ev),
        "region": facts.get("region") or ev.region,
        "authorizer_id": facts.get("authorizer_id"),
    }
    out["text"] = fill(str(out["text"]), {k: str(v) if v else None for k, v in known.items()})
    return out


def _stage_of(ev: Any) -> str | None:
    if ev.host_kind != "execute-api" or not ev.url_path:
        return None
    first = ev.url_path.split("?")[0].strip("/").split("/")[0]
    return first or None


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
        return _render_inconclusive(
            causes, catalogue, bullet, signal=data.get("signal", True), step=data.get("next_step")
        )
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
    step = data.get("next_step")
    if step and step.get("kind") == "question":
        lines += ["", "The question that would settle it", *_render_step(step, bullet)]
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


def _render_step(step: dict[str, Any], bullet: Any) -> list[str]:
    """A question with its answers (and what each points to), or a check to run."""
    lines = list(bullet.wrap(step["text"]))
    if step.get("kind") == "question":
        for answer in step.get("answers", []):
            if answer.get("value") == "<none of these>":
                continue
            lines.append(f"      - {answer['label']} -> {answer['points_to']}")
    return lines


def _render_inconclusive(
    causes: list[dict[str, Any]],
    catalogue: Any,
    bullet: Any,
    *,
    signal: bool = True,
    step: dict[str, Any] | None = None,
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
    if step is not None:
        title = (
            "First"
            if not signal
            else (
                "The question that tells them apart"
                if step.get("kind") == "question"
                else "The check that tells them apart"
            )
        )
        lines += ["", title, *_render_step(step, bullet)]
    elif checks:
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
