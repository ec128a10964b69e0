"""The walk told in order: the timeline of events and the path through the playbook (an indented
tree and a Mermaid flowchart)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wizard.report.common import as_list, as_map, show, text_or_none
from wizard.report.model import PathEntry, PathView, TimelineEntry

# FactSet, NodeEntered and ProbeStarted are the machinery of the walk, not its story: the facts
# appear in the evidence, nodes in the path.
_QUIET = {"FactSet", "NodeEntered", "ProbeStarted"}


def timeline(session: Mapping[str, Any]) -> list[TimelineEntry]:
    kinds = _node_kinds(session)
    out: list[TimelineEntry] = []
    for raw in as_list(session.get("timeline")):
        event = as_map(raw)
        name = str(event.get("event", ""))
        if name in _QUIET:
            continue
        entry = _entry(name, event, kinds)
        if entry is not None:
            out.extend(entry)
    return _fold_skips(out)


def _fold_skips(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Offline, every live probe of a node is skipped for the same reason: one line says it."""
    out: list[TimelineEntry] = []
    run: list[TimelineEntry] = []

    def flush() -> None:
        if len(run) > 1:
            labels = ", ".join(e.title.split(" skipped: ", 1)[0] for e in run)
            reason = run[0].title.split(" skipped: ", 1)[1]
            title = f"{len(run)} probes skipped ({labels}): {reason}"
            out.append(TimelineEntry(at=run[0].at, kind="probe", title=title, node=run[0].node))
        else:
            out.extend(run)
        run.clear()

    for entry in entries:
        skipped = entry.kind == "probe" and " skipped: " in entry.title
        same = (
            skipped
            and run
            and run[0].title.split(" skipped: ", 1)[1] == (entry.title.split(" skipped: ", 1)[1])
        )
        if run and not same:
            flush()
        if skipped:
            run.append(entry)
        else:
            out.append(entry)
    flush()
    return out


def _node_kinds(session: Mapping[str, Any]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for raw in as_list(session.get("timeline")):
        event = as_map(raw)
        if event.get("event") == "NodeEntered":
            kinds[str(event.get("node"))] = str(event.get("kind"))
    for raw in as_list(session.get("path")):
        step = as_map(raw)
        kinds.setdefault(str(step.get("node")), str(step.get("kind")))
    return kinds


def _entry(name: str, e: Mapping[str, Any], kinds: Mapping[str, str]) -> list[TimelineEntry] | None:
    at = str(e.get("at", ""))
    node = text_or_none(e.get("node"))
    if name == "QuestionAsked":
        return [TimelineEntry(at=at, kind="question", title=show(e.get("prompt"), 200), node=node)]
    if name == "AnswerRecorded":
        value = show(e.get("value"), 200) if e.get("known", True) else "I don't know"
        return [TimelineEntry(at=at, kind="answer", title=f"{e.get('fact')} = {value}", node=node)]
    if name == "ProbeFinished":
        ms = e.get("duration_ms")
        took = f" ({ms:.0f} ms)" if isinstance(ms, int | float) else ""
        return [TimelineEntry(at=at, kind="probe", title=f"{e.get('label')} done{took}", node=node)]
    if name == "ProbeFailed":
        detail = " ".join(
            x
            for x in (
                show(e.get("message"), 400),
                f"Missing permission: {e['missing_permission']}."
                if e.get("missing_permission")
                else "",
                f"By hand: {e['manual_hint']}" if e.get("manual_hint") else "",
            )
            if x
        )
        title = f"{e.get('label')} could not read its facts ({e.get('error_kind')})"
        return [TimelineEntry(at=at, kind="probe", title=title, detail=detail, node=node)]
    if name == "ProbeSkipped":
        title = f"{e.get('label')} skipped: {show(e.get('reason'), 200)}"
        return [TimelineEntry(at=at, kind="probe", title=title, node=node)]
    if name == "Transition":
        return _transition(at, e, kinds)
    if name == "Finding":
        title = f"Finding: {show(e.get('title'), 200)} ({e.get('cause')})"
        return [
            TimelineEntry(
                at=at,
                kind="finding",
                title=title,
                detail=show(e.get("explanation"), 1000),
                node=node,
            )
        ]
    if name == "FixProposed":
        title = f"Fix proposed: {show(e.get('title'), 200)} ({e.get('fix')})"
        return [TimelineEntry(at=at, kind="fix", title=title, node=node)]
    if name == "FixApplied":
        return _fix_applied(at, e)
    if name == "WentBack":
        title = f"Went back from {e.get('source')} to {e.get('target')}"
        return [TimelineEntry(at=at, kind="back", title=title)]
    if name == "SessionEnded":
        cause = e.get("diagnosis") or "inconclusive"
        return [
            TimelineEntry(
                at=at,
                kind="end",
                title=f"Walk ended at {e.get('node')}: {cause}",
                detail=show(e.get("summary"), 1000),
                node=node,
            )
        ]
    return None


def _transition(at: str, e: Mapping[str, Any], kinds: Mapping[str, str]) -> list[TimelineEntry]:
    source, edge = str(e.get("source")), str(e.get("edge"))
    if kinds.get(source) != "decision" and edge != "skip":
        return []  # "answered", "probes done": the answer and probe entries already say it
    title = f"{source} → {e.get('target')} ({edge})"
    return [TimelineEntry(at=at, kind="step", title=title, detail=show(e.get("reason"), 500))]


def _fix_applied(at: str, e: Mapping[str, Any]) -> list[TimelineEntry]:
    by = f" by {e['by']}" if e.get("by") else ""
    title = f"Fix {e.get('fix')}: {e.get('outcome')}{by}"
    commands = as_list(e.get("commands"))
    detail = (
        f"{len(commands)} command(s), shown under the changes made"
        if commands
        else show(e.get("detail"), 500) or None
    )
    out = [TimelineEntry(at=at, kind="fix", title=title, detail=detail)]
    verified = e.get("verified")
    if verified is not None:
        word = "verified" if verified else "NOT verified"
        out.append(
            TimelineEntry(
                at=at,
                kind="verification",
                title=f"Fix {e.get('fix')} {word}",
                detail=show(e.get("detail"), 1000) or None,
            )
        )
    return out


# --------------------------------------------------------------------------- the path

_MAX_DEPTH = 12


def path_view(session: Mapping[str, Any]) -> PathView:
    steps = [_path_entry(as_map(s)) for s in as_list(session.get("path"))]
    return PathView(steps=steps, tree=_tree(steps), mermaid=_mermaid(steps))


def _path_entry(step: Mapping[str, Any]) -> PathEntry:
    answer = step.get("answer")
    return PathEntry(
        node=str(step.get("node", "?")),
        kind=str(step.get("kind", "?")),
        title=text_or_none(step.get("title")),
        at=str(step.get("at", "")),
        edge=text_or_none(step.get("edge")),
        target=text_or_none(step.get("target")),
        reason=text_or_none(step.get("reason")),
        answer=None if answer is None else show(answer, 120),
    )


def _tree(steps: list[PathEntry]) -> str:
    """Each decision opens a branch: the steps after it are indented under the edge it took."""
    lines: list[str] = []
    depth = 0
    for step in steps:
        pad = "   " * min(depth, _MAX_DEPTH)
        head = f"{pad}{'└─ ' if depth else ''}{step.node} [{step.kind}]"
        if step.title:
            head += f" {step.title}"
        lines.append(head)
        note_pad = pad + ("   " if depth else "") + "   "
        if step.answer is not None:
            lines.append(f"{note_pad}answer: {step.answer}")
        if step.kind == "decision" and step.edge:
            lines.append(f"{note_pad}took {step.edge}: {show(step.reason or '', 160)}")
            depth += 1
    return "\n".join(lines)


_MERMAID_UNSAFE = re.compile(r"[\"<>`#&|{}\[\]()\\;]")


def _mermaid_text(text: str, limit: int = 60) -> str:
    """Mermaid label text: no quotes, brackets or markup characters (they end a label or are
    read as HTML by some renderers), one line, short."""
    cleaned = _MERMAID_UNSAFE.sub(" ", " ".join(text.split()))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _mermaid(steps: list[PathEntry]) -> str:
    lines = ["flowchart TD"]
    shapes = {"decision": ("{", "}"), "end": ("([", "])"), "question": ("[/", "/]")}
    for i, step in enumerate(steps):
        left, right = shapes.get(step.kind, ("[", "]"))
        label = _mermaid_text(f"{step.node}: {step.title or step.kind}")
        lines.append(f'    n{i}{left}"{label}"{right}')
    for i, step in enumerate(steps[:-1]):
        edge = _mermaid_text(step.edge or "next", 30)
        lines.append(f'    n{i} -->|"{edge}"| n{i + 1}')
    if steps and steps[-1].kind == "end":
        lines.append(f"    class n{len(steps) - 1} conclusion")
        lines.append("    classDef conclusion stroke-width:3px")
    return "\n".join(lines)
