"""The walk: a synchronous state machine over a playbook, shared by every front end.

    session = Session(playbook, inputs={"region": "eu-west-1"})
    while not session.ended:
        step = session.current()            # a question or a probe node (the rest runs itself)
        if step.kind == "question":
            session.answer(value)           # or UNKNOWN when the question allows it
        else:
            session.run_probes(cancel)      # concurrently; failures -> unknown facts
    session.diagnosis(); session.fixes(); session.ranking(); session.timeline

Every method returns the new events (plain frozen dataclasses, `wizard.engine.events`), and the
state is plain data (`to_dict()`); the engine never calls into a UI. Decisions, fix nodes and end
nodes run by themselves (`advance()`, called by `answer` and `run_probes`).

The state is a list of visits (a question and its answer, a probe node and its results, a
decision and the edge taken...). Facts are a fold over those visits, so `back(node_id)` just
truncates the list and folds again: later facts are recomputed, and the answers given after that
point are remembered as the defaults of the questions when the walk reaches them again.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.analysis.bounded import load_json, read_capped
from wizard.engine.conditions import Truth, evaluate, unknown_facts
from wizard.engine.events import (
    AnswerRecorded,
    Event,
    FactSet,
    Finding,
    FixApplied,
    FixProposed,
    NodeEntered,
    QuestionAsked,
    SessionEnded,
    Transition,
    WentBack,
    event_from_dict,
)
from wizard.engine.facts import UNKNOWN, Fact, FactSource, FactTypeError, coerce
from wizard.engine.fix_conditions import fix_fit
from wizard.engine.lint import shipped_catalogue
from wizard.engine.models import (
    DecisionNode,
    EndNode,
    FixNode,
    Playbook,
    ProbeCall,
    ProbeNode,
    QuestionNode,
)
from wizard.engine.persist import find_playbook, is_secret_name, redact, redact_secret_facts
from wizard.engine.probes import REGISTRY, ProbeRegistry
from wizard.engine.runner import ProbeRunner, facts_from_outcome
from wizard.engine.views import (
    UNKNOWN_TEXT,
    AppliedFix,
    Candidate,
    Current,
    Diagnosis,
    PathStep,
    ProposedFix,
    display,
    fill_known,
    render_template,
)
from wizard.engine.worker_threads import map_interruptibly, worker_pool
from wizard.private_file import write_private

SESSION_FORMAT = "apigw-wizard-session"
MAX_SESSION_BYTES = 50 * 1024 * 1024  # a long walk with many probe results is a few MB
SESSION_VERSION = 1
MAX_AUTO_STEPS = 10_000  # a linted playbook has no cycles; this guards an unlinted one

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class SessionError(Exception):
    """The session was asked something it cannot do (answer at a probe node, back to a node not
    on the path, a missing input, a saved session that does not match the playbook)."""


class AnswerError(SessionError):
    """An answer that does not fit the question (one line, for the user; ask again)."""


# --------------------------------------------------------------------------- internal state


@dataclass
class _Visit:
    """One step of the walk; facts are derived from `answer` (questions) and `results` (probes)."""

    node: str
    kind: str
    at: datetime
    edge: str | None = None
    target: str | None = None
    reason: str | None = None
    answer: Any = None
    answered: bool = False  # False for a skipped question (skip_if_known)
    unknown: bool = False  # the user said "I don't know"
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    asked_by: str | None = None  # question: the decision that asked it via on_unknown
    after_ask: bool = False  # decision: re-evaluated after its on_unknown question

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "edge": self.edge,
            "target": self.target,
            "reason": self.reason,
            "answer": self.answer,
            "answered": self.answered,
            "unknown": self.unknown,
            "results": self.results,
            "asked_by": self.asked_by,
            "after_ask": self.after_ask,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> _Visit:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["at"] = datetime.fromisoformat(str(data["at"]))
        return cls(**known)


# --------------------------------------------------------------------------- the session


class Session:
    """One walk of one playbook. Not thread-safe: drive it from one thread at a time (probes of a
    node run in worker threads inside `run_probes`, which returns only when they are done)."""

    def __init__(
        self,
        playbook: Playbook,
        *,
        inputs: Mapping[str, Any] | None = None,
        registry: ProbeRegistry | None = None,
        catalogue: Any = None,
        aws: Any = None,
        clock: Clock = utc_now,
        classifier: Callable[..., Any] | None = None,
        playbook_path: str | None = None,
        max_workers: int = 8,
        _restore: bool = False,
    ) -> None:
        """`inputs`: values of the playbook's declared inputs (and any extra ones the probes read
        from `ProbeContext.inputs`). `registry`: probes (default: the process-wide REGISTRY).
        `catalogue`: for fixes and titles (default: the shipped one, when it loads). `aws`: a
        wizard.aws session handle for live probes; None is an offline walk (live probes are
        skipped, their facts unknown). `clock`: injected for tests. `classifier`: the ranking
        function (default: wizard.analysis.classify.classify when it exists)."""
        self.playbook = playbook
        self.playbook_path = playbook_path
        self.inputs: dict[str, Any] = dict(inputs or {})
        self.registry = registry if registry is not None else REGISTRY
        self.aws = aws
        self.clock = clock
        self.max_workers = max_workers
        self._catalogue = catalogue
        self._classifier = classifier
        self.started_at = clock()
        self.timeline: list[Event] = []
        self.applied: list[AppliedFix] = []
        self._visits: list[_Visit] = []
        self._facts: dict[str, Fact] = {}
        self._remembered: dict[str, Any] = {}
        self._current: str | None = playbook.start
        self._asked_by: str | None = None  # the decision waiting for the current question
        self._after_ask = False  # the current decision was entered back from its question
        self._ended = False
        self._ranking_key: tuple[int, int] | None = None
        self._ranking: list[Candidate] = []
        if _restore:
            return
        self._input_facts()
        self._enter(playbook.start)
        self.advance()

    # ------------------------------------------------------------------ read the state

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def facts(self) -> dict[str, Fact]:
        """Every fact set so far (known or unknown), by name."""
        return dict(self._facts)

    def known_facts(self) -> dict[str, Any]:
        """Known fact values by name (what fix placeholders and probes can use)."""
        return {n: f.value for n, f in self._facts.items() if f.known}

    def fact_values(self) -> dict[str, Any]:
        """Every fact's value, UNKNOWN included (what conditions see)."""
        return {n: f.value for n, f in self._facts.items()}

    @property
    def path(self) -> list[PathStep]:
        """The nodes visited so far, in order, each with the edge taken and why (the end node
        last, once reached; the node currently waiting is not included)."""
        steps = [
            PathStep(
                node=v.node,
                kind=v.kind,
                title=self._title(v.node),
                at=v.at,
                edge=v.edge,
                target=v.target,
                reason=v.reason,
                answer=None if v.unknown else v.answer,
            )
            for v in self._visits
        ]
        if self._ended and self._current is not None:
            at = self._visits[-1].at if self._visits else self.started_at
            steps.append(PathStep(self._current, "end", self._title(self._current), at))
        return steps

    @property
    def question_count(self) -> int:
        """How many questions the user has answered on the current path (skips not counted)."""
        return sum(1 for v in self._visits if v.kind == "question" and v.answered)

    def current(self) -> Current | None:
        """The node waiting for the front end (question, probe, or the end node), or None."""
        if self._current is None:
            return None
        node = self.playbook.nodes[self._current]
        default: Any = None
        remembered = False
        if isinstance(node, QuestionNode):
            if self._current in self._remembered:
                default, remembered = self._remembered[self._current], True
            else:
                default = node.default
        return Current(self._current, node.kind, node, default, remembered, self._asked_by)

    def fixes(self) -> list[ProposedFix]:
        """The fixes proposed on the current path, in order."""
        out: list[ProposedFix] = []
        for v in self._visits:
            node = self.playbook.nodes[v.node]
            if isinstance(node, FixNode):
                out.extend(self._proposals(v.node, node))
        return out

    def diagnosis(self) -> Diagnosis | None:
        """The conclusion once the walk reached an end node, else None."""
        if not self._ended or self._current is None:
            return None
        node = self.playbook.nodes[self._current]
        assert isinstance(node, EndNode)
        title = None
        if node.diagnosis is not None:
            title = self._cause_title(node.diagnosis)
        evidence = tuple(self._facts[n] for n in node.evidence if n in self._facts)
        summary = render_template(node.summary, self.fact_values())
        return Diagnosis(self._current, node.diagnosis, title, summary, evidence)

    def ranking(self) -> list[Candidate]:
        """Candidate causes ranked by the classifier over everything typed or pasted so far plus
        the known facts; [] when the classifier is unavailable. Recomputed as evidence arrives."""
        key = (len(self._visits), len(self._facts))
        if key == self._ranking_key:
            return list(self._ranking)
        self._ranking_key = key
        self._ranking = self._rank()
        return list(self._ranking)

    def evidence_text(self) -> str:
        """What the user typed or pasted, and the labels of the choices picked, in order."""
        parts: list[str] = []
        for v in self._visits:
            node = self.playbook.nodes[v.node]
            if not isinstance(node, QuestionNode) or not v.answered or v.unknown:
                continue
            if node.input in ("text", "paste") and isinstance(v.answer, str):
                parts.append(v.answer)
            elif node.input == "choice":
                parts.extend(c.label for c in node.choices if c.value == v.answer)
        return "\n\n".join(p for p in parts if p.strip())

    # ------------------------------------------------------------------ drive the walk

    def answer(self, value: Any) -> list[Event]:
        """Answer the current question (UNKNOWN for "I don't know" when allowed), then advance.
        Raises AnswerError (one line) when the value does not fit; the question stays current."""
        node_id, node = self._expect(QuestionNode)
        mark = len(self.timeline)
        unknown = value is UNKNOWN
        if unknown and not node.allow_unknown:
            raise AnswerError("this question needs an answer")
        coerced = UNKNOWN if unknown else self._check_answer(node, value)
        at = self.clock()
        visit = _Visit(
            node=node_id,
            kind="question",
            at=at,
            answer=None if unknown else coerced,
            answered=True,
            unknown=unknown,
            asked_by=self._asked_by,
        )
        self._emit(
            AnswerRecorded(
                at=at,
                node=node_id,
                fact=node.sets,
                value=None if unknown else coerced,
                known=not unknown,
            )
        )
        for fact in self._facts_of(visit):
            self._set_fact(fact)
        if self._asked_by is not None:
            visit.edge, visit.target = "return", self._asked_by
            visit.reason = f"back to '{self._asked_by}' with the answer"
        else:
            visit.edge, visit.target, visit.reason = "next", node.next, "answered"
        self._remembered.pop(node_id, None)
        self._leave(visit)
        self.advance()
        return self.timeline[mark:]

    def run_probes(
        self,
        cancel: threading.Event | None = None,
        on_event: Callable[[Event], None] | None = None,
    ) -> list[Event]:
        """Run the current probe node's probes concurrently, turn their results into facts (a
        failure makes its facts unknown and emits ProbeFailed), then advance.

        `cancel` is passed to every probe (ProbeContext.cancel); probes that see it set raise
        ProbeError(CANCELLED) and their facts are unknown. `on_event`, when given, is called from
        the threads running the probes (worker threads; the calling thread for a node with one
        probe) with ProbeStarted/ProbeFinished/ProbeFailed/ProbeSkipped as they happen (for live
        progress; a Textual app would `post_message` from it). Returns the new events."""
        node_id, node = self._expect(ProbeNode)
        cancel = cancel or threading.Event()
        mark = len(self.timeline)
        values = self.known_facts()
        results: dict[str, dict[str, Any]] = {}
        lock = threading.Lock()

        def note(event: Event) -> None:
            with lock:
                self.timeline.append(event)
            if on_event is not None:
                # a front end's progress hook must not lose the probe's result
                with contextlib.suppress(Exception):
                    on_event(event)

        runner = ProbeRunner(self.registry, self.aws, self.inputs, self.clock)

        def run(call: ProbeCall) -> tuple[str, dict[str, Any]]:
            return call.label, runner.run(node_id, call, values, cancel, note)

        if len(node.probes) == 1:  # nothing to overlap: no thread to start
            label, outcome = run(node.probes[0])
            results[label] = outcome
            return self._probes_done(node_id, node, results, mark)
        workers = max(1, min(self.max_workers, len(node.probes)))
        pool = worker_pool(workers, "probe")
        try:
            for label, outcome in map_interruptibly(pool, run, node.probes):
                results[label] = outcome
        except BaseException:
            # Ctrl-C while probes run: tell them to stop at their next check, do not wait here
            cancel.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return self._probes_done(node_id, node, results, mark)

    def _probes_done(
        self, node_id: str, node: ProbeNode, results: dict[str, dict[str, Any]], mark: int
    ) -> list[Event]:
        visit = _Visit(node=node_id, kind="probe", at=self.clock(), results=results)
        for fact in self._facts_of(visit):
            self._set_fact(fact)
        visit.edge, visit.target, visit.reason = "next", node.next, "probes done"
        self._leave(visit)
        self.advance()
        return self.timeline[mark:]

    def advance(self) -> list[Event]:
        """Run decision, fix and end nodes (and skippable questions) until a question, a probe
        node or the end. Idempotent; `answer` and `run_probes` call it. Returns the new events."""
        mark = len(self.timeline)
        for _ in range(MAX_AUTO_STEPS):
            if self._ended or self._current is None:
                break
            node_id = self._current
            node = self.playbook.nodes[node_id]
            if isinstance(node, QuestionNode):
                if node.skip_if_known and self._is_known(node.sets) and self._asked_by is None:
                    self._skip(node_id, node)
                    continue
                if not self._asked_open():
                    self._emit(
                        QuestionAsked(
                            at=self.clock(), node=node_id, fact=node.sets, prompt=node.prompt
                        )
                    )
                break
            if isinstance(node, ProbeNode):
                break
            if isinstance(node, DecisionNode):
                self._decide(node_id, node)
            elif isinstance(node, FixNode):
                self._propose(node_id, node)
            elif isinstance(node, EndNode):
                self._end(node_id, node)
        else:
            raise SessionError(f"the walk did not stop after {MAX_AUTO_STEPS} automatic steps")
        return self.timeline[mark:]

    def back(self, node_id: str) -> list[Event]:
        """Go back to an earlier node of the path (its last visit) and make it current again.

        Later facts are recomputed from the visits kept; the answers given from that point on are
        remembered and offered as defaults (`Current.default`) when those questions come again."""
        if node_id == self._current and not self._ended:
            return []
        index = next(
            (i for i in range(len(self._visits) - 1, -1, -1) if self._visits[i].node == node_id),
            None,
        )
        if index is None:
            on_path = ", ".join(dict.fromkeys(v.node for v in self._visits)) or "none"
            raise SessionError(f"'{node_id}' is not on the path (visited: {on_path})")
        mark = len(self.timeline)
        for v in self._visits[index:]:
            if v.kind == "question" and v.answered:
                self._remembered[v.node] = UNKNOWN if v.unknown else v.answer
        redo = self._visits[index]
        source = self._current or node_id
        self._visits = self._visits[:index]
        self._refold()
        self._ended = False
        self._current = node_id
        self._asked_by = redo.asked_by
        self._after_ask = redo.after_ask
        at = self.clock()
        self._emit(WentBack(at=at, source=source, target=node_id))
        node = self.playbook.nodes[node_id]
        self._emit(NodeEntered(at=at, node=node_id, kind=node.kind, title=node.title))
        self.advance()
        return self.timeline[mark:]

    def change_answer(
        self, node_id: str, value: Any, cancel: threading.Event | None = None
    ) -> list[Event]:
        """Go back to question `node_id`, answer `value`, and replay the rest of the walk with the
        remembered answers (re-running probes) until a question that has none, or the end."""
        mark = len(self.timeline)
        self.back(node_id)
        self.answer(value)
        self.replay(cancel)
        return self.timeline[mark:]

    def replay(self, cancel: threading.Event | None = None) -> list[Event]:
        """Answer remembered questions and run probes until a new question or the end."""
        mark = len(self.timeline)
        while not self._ended:
            step = self.current()
            if step is None:
                break
            if step.kind == "probe":
                self.run_probes(cancel)
            elif step.kind == "question" and step.remembered:
                self.answer(step.default)
            else:
                break
        return self.timeline[mark:]

    def record_fix_applied(
        self,
        fix: str,
        *,
        cause: str | None = None,
        outcome: str = "applied",
        detail: str = "",
        commands: tuple[str, ...] | list[str] = (),
        rollback: tuple[str, ...] | list[str] = (),
        by: str | None = None,
        verified: bool | None = None,
        record: Mapping[str, Any] | None = None,
    ) -> FixApplied:
        """Record what a front end did with a fix (applied, failed, declined, rolled_back,
        verified), for the timeline and the report. The engine itself never changes anything.
        `record`: the fixes driver's full record of the run (`FixRun.to_dict()`), kept for the
        incident report (exact commands, step results, verification, rollback)."""
        at = self.clock()
        applied = AppliedFix(
            fix,
            cause,
            outcome,
            at,
            detail,
            tuple(commands),
            tuple(rollback),
            by,
            verified,
            dict(record) if record is not None else None,
        )
        self.applied.append(applied)
        event = FixApplied(
            at=at,
            fix=fix,
            cause=cause,
            outcome=outcome,
            detail=detail,
            commands=tuple(commands),
            rollback=tuple(rollback),
            by=by,
            verified=verified,
        )
        self._emit(event)
        return event

    # ------------------------------------------------------------------ save and resume

    def to_dict(self) -> dict[str, Any]:
        """The whole session as JSON-able data (not redacted: `save` redacts)."""
        diagnosis = self.diagnosis()
        return {
            "format": SESSION_FORMAT,
            "format_version": SESSION_VERSION,
            "playbook": {
                "id": self.playbook.id,
                "version": self.playbook.version,
                "title": self.playbook.title,
                "path": self.playbook_path,
            },
            "started_at": self.started_at.isoformat(),
            "inputs": self.inputs,
            "current": self._current,
            "ended": self._ended,
            "asked_by": self._asked_by,
            "after_ask": self._after_ask,
            "question_count": self.question_count,
            "visits": [v.to_dict() for v in self._visits],
            "remembered": {k: (None if v is UNKNOWN else v) for k, v in self._remembered.items()},
            "facts": {n: f.to_dict() for n, f in self._facts.items()},
            "path": [s.to_dict() for s in self.path],
            "diagnosis": diagnosis.to_dict() if diagnosis else None,
            "fixes": [f.to_dict() for f in self.fixes()],
            "ranking": [c.to_dict() for c in self.ranking()],
            "applied": [
                {
                    "fix": a.fix,
                    "cause": a.cause,
                    "outcome": a.outcome,
                    "at": a.at.isoformat(),
                    "detail": a.detail,
                    "commands": list(a.commands),
                    "rollback": list(a.rollback),
                    "by": a.by,
                    "verified": a.verified,
                    "record": a.record,
                }
                for a in self.applied
            ],
            "timeline": [e.to_dict() for e in self.timeline],
        }

    def save(self, path: str | Path) -> Path:
        """Write the session as JSON with tokens and secrets redacted (file mode 0600)."""
        data = redact(redact_secret_facts(self.to_dict(), self.playbook, list(self._facts)))
        return write_private(path, json.dumps(data, indent=2, default=str) + "\n")

    @classmethod
    def load(
        cls,
        path: str | Path,
        playbook: Playbook | None = None,
        **kwargs: Any,
    ) -> Session:
        """Resume a saved session. `playbook`: the one it walked (default: loaded from the path
        saved in the file, or the shipped playbook with the same id). The walk is restored as
        saved (facts refolded from the saved, redacted answers and probe results: a redacted
        token stays redacted). Other keyword arguments are those of `Session(...)`."""
        try:
            data = load_json(read_capped(path, what="session", limit=MAX_SESSION_BYTES))
        except FileNotFoundError:
            raise SessionError(f"no saved session at {path}") from None
        except (OSError, ValueError) as exc:  # JSON, UTF-8, size and depth errors
            raise SessionError(f"cannot read saved session {path}: {exc}") from None
        return cls.from_dict(data, playbook, **kwargs)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], playbook: Playbook | None = None, **kwargs: Any
    ) -> Session:
        if not isinstance(data, Mapping) or data.get("format") != SESSION_FORMAT:
            raise SessionError("not an apigw-wizard session file")
        meta = data.get("playbook") or {}
        if playbook is None:
            try:
                playbook = find_playbook(meta)
            except LookupError as exc:
                raise SessionError(str(exc)) from None
        if playbook.id != meta.get("id"):
            raise SessionError(
                f"the session walked playbook '{meta.get('id')}', not '{playbook.id}'"
            )
        kwargs.setdefault("playbook_path", meta.get("path"))
        session = cls(playbook, inputs=data.get("inputs") or {}, _restore=True, **kwargs)
        try:
            session.started_at = datetime.fromisoformat(str(data["started_at"]))
            session._visits = [_Visit.from_dict(v) for v in data.get("visits", [])]
            session._remembered = dict(data.get("remembered") or {})
            session.timeline = [event_from_dict(e) for e in data.get("timeline", [])]
            session.applied = [
                AppliedFix(
                    fix=a["fix"],
                    cause=a.get("cause"),
                    outcome=a["outcome"],
                    at=datetime.fromisoformat(a["at"]),
                    detail=a.get("detail", ""),
                    commands=tuple(a.get("commands", ())),
                    rollback=tuple(a.get("rollback", ())),
                    by=a.get("by"),
                    verified=a.get("verified"),
                    record=a.get("record"),
                )
                for a in data.get("applied", [])
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise SessionError(f"saved session is damaged: {exc}") from None
        for v in session._visits:
            if v.node not in playbook.nodes:
                raise SessionError(
                    f"saved session visits node '{v.node}', which playbook "
                    f"'{playbook.id}' {playbook.version} does not have"
                )
        current = data.get("current")
        if current is not None and current not in playbook.nodes:
            raise SessionError(f"saved session stopped at unknown node '{current}'")
        session._current = current
        session._ended = bool(data.get("ended"))
        session._asked_by = data.get("asked_by")
        session._after_ask = bool(data.get("after_ask"))
        session._refold()
        return session

    # ------------------------------------------------------------------ internals: moving

    def _expect(self, kind: type[Any]) -> tuple[str, Any]:
        if self._ended or self._current is None:
            raise SessionError("the walk has ended")
        node = self.playbook.nodes[self._current]
        if not isinstance(node, kind):
            raise SessionError(f"the current node '{self._current}' is a {node.kind} node")
        return self._current, node

    def _emit(self, event: Event) -> None:
        self.timeline.append(event)

    def _enter(self, node_id: str) -> None:
        node = self.playbook.nodes[node_id]
        self._current = node_id
        self._emit(NodeEntered(at=self.clock(), node=node_id, kind=node.kind, title=node.title))

    def _leave(self, visit: _Visit) -> None:
        """Record a finished visit, emit its transition, and enter the target."""
        assert visit.target is not None and visit.edge is not None
        self._visits.append(visit)
        self._emit(
            Transition(
                at=self.clock(),
                source=visit.node,
                target=visit.target,
                edge=visit.edge,
                reason=visit.reason or "",
            )
        )
        asked = visit.edge == "on_unknown" and isinstance(
            self.playbook.nodes[visit.target], QuestionNode
        )
        node = self.playbook.nodes[visit.node]
        asking = asked and isinstance(node, DecisionNode) and node.on_unknown is not None
        self._asked_by = visit.node if asking and node.on_unknown.ask else None  # type: ignore[union-attr]
        self._after_ask = visit.edge == "return"
        self._enter(visit.target)

    def _asked_open(self) -> bool:
        """Was QuestionAsked already emitted for the current question visit?"""
        for event in reversed(self.timeline):
            if isinstance(event, QuestionAsked):
                return event.node == self._current
            if isinstance(event, NodeEntered):
                return False
        return False

    def _skip(self, node_id: str, node: QuestionNode) -> None:
        fact = self._facts[node.sets]
        visit = _Visit(
            node=node_id,
            kind="question",
            at=self.clock(),
            edge="skip",
            target=node.next,
            reason=f"'{node.sets}' is already known ({display(fact.value)}, from {fact.source})",
        )
        self._leave(visit)

    def _decide(self, node_id: str, node: DecisionNode) -> None:
        values = self.fact_values()
        after_ask = self._after_ask
        skipped: list[str] = []
        edge, target, reason = "default", node.default.goto, node.default.reason
        for i, branch in enumerate(node.choices):
            truth = evaluate(branch.when, values)
            if truth is Truth.TRUE:
                edge, target, reason = f"choices.{i}", branch.goto, branch.reason
                break
            if truth is Truth.UNKNOWN:
                missing = unknown_facts(branch.when, values)
                if node.on_unknown is not None and not after_ask:
                    edge, target = "on_unknown", node.on_unknown.target
                    reason = f"{node.on_unknown.reason} (unknown: {', '.join(missing)})"
                    break
                skipped.extend(m for m in missing if m not in skipped)
        if skipped and edge != "on_unknown":
            reason = f"{reason} (could not check: {', '.join(skipped)} unknown)"
        self._leave(
            _Visit(
                node=node_id,
                kind="decision",
                at=self.clock(),
                edge=edge,
                target=target,
                reason=reason,
                after_ask=after_ask,
            )
        )

    def _propose(self, node_id: str, node: FixNode) -> None:
        at = self.clock()
        explanation = render_template(node.explanation, self.fact_values())
        self._emit(
            Finding(
                at=at,
                node=node_id,
                cause=node.cause,
                title=self._cause_title(node.cause) or node.cause,
                explanation=explanation,
            )
        )
        for proposal in self._proposals(node_id, node):
            self._emit(
                FixProposed(
                    at=at, node=node_id, cause=node.cause, fix=proposal.fix_id, title=proposal.title
                )
            )
        visit = _Visit(node=node_id, kind="fix", at=at, edge="next", target=node.next)
        visit.reason = "fixes proposed"
        self._leave(visit)

    def _end(self, node_id: str, node: EndNode) -> None:
        at = self.clock()
        summary = render_template(node.summary, self.fact_values())
        if node.diagnosis is not None and not any(
            isinstance(e, Finding) and e.cause == node.diagnosis for e in self._since_start()
        ):
            title = self._cause_title(node.diagnosis) or node.diagnosis
            self._emit(
                Finding(at=at, node=node_id, cause=node.diagnosis, title=title, explanation=summary)
            )
        self._ended = True
        self._emit(SessionEnded(at=at, node=node_id, diagnosis=node.diagnosis, summary=summary))

    def _since_start(self) -> Iterator[Event]:
        """Events of the current path: those after the last WentBack (or all)."""
        start = 0
        for i, event in enumerate(self.timeline):
            if isinstance(event, WentBack):
                start = i
        return iter(self.timeline[start:])

    # ------------------------------------------------------------------ internals: facts

    def _input_facts(self) -> None:
        at = self.clock()
        for name, decl in self.playbook.inputs.items():
            raw = self.inputs.get(name, decl.default)
            if raw is None:
                if decl.required:
                    raise SessionError(
                        f"input '{name}' is required ({decl.description or decl.type})"
                    )
                continue
            try:
                value = coerce(raw, decl.type)
            except FactTypeError as exc:
                raise SessionError(f"input '{name}': {exc}") from None
            self._set_fact(Fact(name, value, decl.type, "input", "inputs", at))

    def _set_fact(self, fact: Fact) -> None:
        if not self._replaces(fact):
            return
        self._facts[fact.name] = fact
        self._emit(
            FactSet(
                at=fact.at,
                fact=fact.name,
                value=fact.value if fact.known else None,
                known=fact.known,
                source=fact.source,
                origin=fact.origin,
                note=fact.note,
            )
        )

    def _replaces(self, fact: Fact) -> bool:
        """Does new evidence replace what is known? "Could not read" (UNKNOWN) never erases a
        known value, and a probe finding nothing (null) does not erase what the user gave."""
        old = self._facts.get(fact.name)
        if old is None or not old.known:
            return True
        if not fact.known:
            return False
        user_given = old.source in ("input", "answer", "pasted")
        probed = fact.source in ("analyzer", "probe")
        return not (fact.value is None and old.value is not None and user_given and probed)

    def _refold(self) -> None:
        """Recompute every fact from the inputs and the visits (after back() or load())."""
        timeline, self.timeline = self.timeline, []
        self._facts = {}
        self._input_facts()
        for visit in self._visits:
            for fact in self._facts_of(visit):
                self._set_fact(fact)
        self.timeline = timeline  # refolding is not news: keep the timeline as it was
        self._ranking_key = None

    def _facts_of(self, visit: _Visit) -> list[Fact]:
        node = self.playbook.nodes[visit.node]
        if isinstance(node, QuestionNode) and visit.answered:
            source: FactSource = "pasted" if node.input == "paste" else "answer"
            if visit.unknown:
                return [
                    Fact(
                        node.sets,
                        UNKNOWN,
                        node.fact_type,
                        source,
                        visit.node,
                        visit.at,
                        "not known by the user",
                    )
                ]
            return [Fact(node.sets, visit.answer, node.fact_type, source, visit.node, visit.at)]
        if isinstance(node, ProbeNode):
            out: list[Fact] = []
            for call in node.probes:
                outcome = visit.results.get(call.label, {})
                out.extend(facts_from_outcome(visit.node, call, outcome, visit.at))
            return out
        return []

    def _is_known(self, name: str) -> bool:
        fact = self._facts.get(name)
        return fact is not None and fact.known

    def _check_answer(self, node: QuestionNode, value: Any) -> Any:
        if isinstance(value, str) and not value.strip() and node.input != "confirm":
            raise AnswerError("the answer is empty")
        try:
            coerced = coerce(value, node.fact_type)
        except FactTypeError as exc:
            raise AnswerError(str(exc)) from None
        if node.input == "choice":
            for choice in node.choices:
                if choice.value == coerced and type(choice.value) is type(coerced):
                    return choice.value
            for choice in node.choices:  # be kind to typed answers: case and labels
                if isinstance(value, str) and value.strip().lower() in (
                    str(choice.value).lower(),
                    choice.label.lower(),
                ):
                    return choice.value
            allowed = ", ".join(str(c.value) for c in node.choices)
            raise AnswerError(f"{value!r} is not one of the choices: {allowed}")
        return coerced

    # ------------------------------------------------------------------ internals: catalogue

    def catalogue(self) -> Any:
        """The catalogue in use (None when it is missing or does not load)."""
        if self._catalogue is None:
            self._catalogue = shipped_catalogue() or False
        return self._catalogue or None

    def _cause_title(self, cause_id: str) -> str | None:
        catalogue = self.catalogue()
        if catalogue is None:
            return None
        try:
            return str(catalogue.get(cause_id).title)
        except KeyError:
            return None

    def _proposals(self, node_id: str, node: FixNode) -> list[ProposedFix]:
        explanation = render_template(node.explanation, self.fact_values())
        catalogue = self.catalogue()
        if catalogue is None:
            ids = node.fixes if isinstance(node.fixes, list) else []
            return [ProposedFix(node_id, node.cause, f, f, explanation) for f in ids]
        try:
            cause = catalogue.get(node.cause)
        except KeyError:
            return []
        wanted = None if node.fixes == "all" else set(node.fixes)
        facts = self.known_facts()
        out: list[ProposedFix] = []
        for fix in cause.fixes:
            if wanted is not None and fix.id not in wanted:
                continue
            fit = fix_fit(getattr(fix, "applies_when", None), facts)
            if not fit.proposed:  # a fix for another situation (an OPTIONS fix for a GET)
                continue
            out.append(
                ProposedFix(
                    node_id,
                    node.cause,
                    fix.id,
                    fix.title,
                    explanation,
                    fix,
                    applies=fit.truth.value,
                    applies_note=fit.reason if fit.truth is Truth.UNKNOWN else "",
                )
            )
        return out

    def _rank(self) -> list[Candidate]:
        classify = self._classifier
        if classify is None:
            try:  # helper C's classifier; the walk works without it (no ranking)
                module = importlib.import_module("wizard.analysis.classify")
            except ImportError:
                return []
            classify = module.classify
        try:
            result = classify(self.evidence_text(), facts=self.known_facts())
        except Exception:  # ranking is a help, never a reason to stop the walk
            return []
        causes = getattr(result, "causes", result)
        out: list[Candidate] = []
        for c in causes or []:
            get = c.get if isinstance(c, dict) else lambda k, d=None, c=c: getattr(c, k, d)
            out.append(
                Candidate(
                    id=str(get("id")),
                    title=str(get("title", "") or ""),
                    confidence=float(get("confidence", 0.0) or 0.0),
                    evidence=tuple(str(e) for e in get("evidence", ()) or ()),
                    next_checks=tuple(str(e) for e in get("next_checks", ()) or ()),
                )
            )
        return out

    def _title(self, node_id: str) -> str | None:
        node = self.playbook.nodes.get(node_id)
        return node.title if node is not None else None


# --------------------------------------------------------------------------- helpers


__all__ = [
    "UNKNOWN_TEXT",
    "AnswerError",
    "AppliedFix",
    "Candidate",
    "Current",
    "Diagnosis",
    "PathStep",
    "ProposedFix",
    "Session",
    "SessionError",
    "display",
    "fill_known",
    "is_secret_name",
    "redact",
    "render_template",
    "utc_now",
]
