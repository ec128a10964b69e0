"""Engine data turned into what the screens show (no Textual here): the current question,
probe progress events, and timeline lines."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from wizard.engine import events as ev
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import QuestionNode
from wizard.engine.session import Current
from wizard.ui.tui.view import Choice, ProbeEvent, ProbeState, Question, TimelineEntry


def question_view(current: Current) -> Question:
    node = current.node
    assert isinstance(node, QuestionNode)
    default = None if current.default is UNKNOWN else current.default
    return Question(
        node_id=current.node_id,
        kind=node.input,
        prompt=node.prompt,
        why=node.help.why,
        where=node.help.where,
        choices=tuple(Choice(c.value, c.label, c.help) for c in node.choices),
        default=node.default,
        allow_unknown=node.allow_unknown,
        fact=node.sets,
        previous_answer=default,
    )


def probe_event(event: ev.Event, words: str | None = None) -> ProbeEvent | None:
    """A probe's progress as shown: `words` is what it looks at, in words (the stages data);
    its registry name is only the line's key, never shown."""
    if not isinstance(event, ev.ProbeStarted | ev.ProbeFinished | ev.ProbeFailed):
        return None
    said = words or event.label.replace("_", " ")
    key, node = event.label, event.node
    if isinstance(event, ev.ProbeStarted):
        return ProbeEvent(key, "running", said, node=node)
    if isinstance(event, ev.ProbeFinished):
        return ProbeEvent(key, "done", said, seconds=event.duration_ms / 1000, node=node)
    if isinstance(event, ev.ProbeFailed):
        if event.error_kind == "missing_input":
            # Not a failure the user can act on: an earlier answer it needs is not known yet.
            return ProbeEvent(key, "skipped", said, message=event.message, node=node)
        state: ProbeState = "cancelled" if event.error_kind == "cancelled" else "failed"
        return ProbeEvent(
            key,
            state,
            said,
            node=node,
            error_kind=event.error_kind,
            message=event.message,
            missing_permission=event.missing_permission,
            manual_hint=event.manual_hint,
        )
    return None


def _clock(at: datetime) -> str:
    return at.strftime("%H:%M:%S")


def timeline_entry(
    event: ev.Event,
    titles: Mapping[str, str],
    words: Callable[[str], str] = lambda probe: probe.replace("_", " "),
    plain: Callable[[str], str] = lambda text: text,
) -> TimelineEntry | None:
    """One line of the sidebar's timeline: probes in `words`, reasons with fact names
    turned into labels by `plain`."""
    at = _clock(event.at)
    if isinstance(event, ev.QuestionAsked):
        return TimelineEntry(at, f"asked: {titles.get(event.node, event.fact)}", "info")
    if isinstance(event, ev.AnswerRecorded):
        what = titles.get(event.node, event.fact)
        return TimelineEntry(at, f"answered: {what}" + ("" if event.known else " (unknown)"))
    if isinstance(event, ev.ProbeFinished):
        return TimelineEntry(at, f"✓ {words(event.probe)}", "probe")
    if isinstance(event, ev.ProbeFailed) and event.error_kind != "missing_input":
        what = event.error_kind.replace("_", " ")
        return TimelineEntry(at, f"✗ {words(event.probe)}: {what}", "error")
    if isinstance(event, ev.Transition) and event.edge not in ("next", "return", "skip"):
        return TimelineEntry(at, plain(event.reason), "fact")
    if isinstance(event, ev.Finding):
        return TimelineEntry(at, f"found: {event.title}", "finding")
    if isinstance(event, ev.FixProposed):
        return TimelineEntry(at, f"fix: {event.title}", "fix")
    if isinstance(event, ev.FixApplied):
        return TimelineEntry(at, f"{event.outcome}: {event.fix}", "fix")
    if isinstance(event, ev.WentBack):
        return TimelineEntry(at, f"back to {event.target}", "info")
    if isinstance(event, ev.SessionEnded):
        return TimelineEntry(at, f"diagnosis: {event.diagnosis or 'inconclusive'}", "finding")
    return None
