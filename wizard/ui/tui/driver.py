"""The one place the TUI talks to the engine (wizard.engine.session) and to the fix machinery
(wizard.aws.fixes). No Textual here: screens call these methods, and the blocking ones
(`advance`, `prepare_fix`, `apply_fix`, `export`) are called from thread workers.

What this adds to the engine is presentation only: the start screen's evidence fed to the walk
(inputs, and the questions it already answers), engine events turned into timeline lines, the
engine's views turned into the plain data of `wizard.ui.tui.view`.
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard import exitcodes
from wizard.engine import events as ev
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import QuestionNode
from wizard.engine.session import (
    AnswerError,
    Session,
    SessionError,
    display,
    utc_now,
)
from wizard.ui.tui.event_view import probe_event, question_view, timeline_entry
from wizard.ui.tui.evidence import StartEvidence
from wizard.ui.tui.evidence_view import build_evidence
from wizard.ui.tui.fix_flow import FixFlow
from wizard.ui.tui.view import (
    EvidenceView,
    FixOutcome,
    FixView,
    ProbeEvent,
    Question,
    RankedCause,
    TimelineEntry,
)

Clock = Callable[[], datetime]
Report = Callable[[ProbeEvent], None]

# Start-screen fields and the playbook questions (by the fact they set) they already answer.
PREFILL = {
    "response": ("error_text",),
    "logs": ("logs_text", "forbidden_logs_text"),
    "token": ("token_text",),
}
# Start-screen fields passed to the walk as inputs (the same names `diagnose` uses; live probes
# read `url`, `method` and `token` from them to replay the failing request).
INPUT_FIELDS = ("url", "api_id", "stage", "method", "path", "region", "token")


def walk_inputs(evidence: StartEvidence) -> dict[str, Any]:
    """The engine inputs for the start screen's evidence (the names `diagnose` uses)."""
    inputs = {k: v for k, v in evidence.as_inputs().items() if k in INPUT_FIELDS}
    inputs["since"] = "15m"  # the log window live probes read, as `diagnose` defaults
    if evidence.confirm_resend:
        inputs["confirm_resend"] = True  # asked on the start screen (ResendConsentScreen)
    return inputs


class StartError(Exception):
    """The walk cannot start (bad playbook, damaged session file): one line for the user."""


def default_session_path(now: datetime | None = None) -> Path:
    """Where a session is saved when the user did not choose: the sessions directory."""
    from wizard.paths import sessions_dir

    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return sessions_dir() / f"session-{stamp}.json"


def _load_playbook(path: str | None) -> tuple[Any, str | None]:
    from wizard.engine.loader import PlaybookError, load_playbook

    if path is None:
        from wizard.paths import main_playbook

        target = main_playbook()
    else:
        target = Path(path)
    try:
        return load_playbook(target), str(target)
    except PlaybookError as exc:
        raise StartError(str(exc).splitlines()[0]) from None
    except OSError as exc:
        raise StartError(f"cannot read playbook {target}: {exc.strerror or exc}") from None


@dataclass
class SessionDriver:
    session: Session | None = None
    playbook: Any = None
    playbook_path: str | None = None
    clock: Clock = utc_now
    registry: Any = None
    classifier: Callable[..., Any] | None = None  # the engine's default when None
    catalogue: Any = None  # the shipped catalogue when None
    aws: Any = None  # wizard.aws.session.AwsSession when live
    evidence_given: StartEvidence = field(default_factory=StartEvidence)
    _prefill: dict[str, str] = field(default_factory=dict)
    _flow: FixFlow = field(default_factory=lambda: FixFlow())
    _aws_factory: Callable[[StartEvidence], Any] | None = None
    _actor: str | None = None

    # ---- construction --------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        evidence: StartEvidence,
        *,
        playbook: str | None = None,
        clock: Clock = utc_now,
        registry: Any = None,
        aws: Any = None,
    ) -> SessionDriver:
        driver = cls.unstarted(playbook=playbook, clock=clock, registry=registry)
        driver.aws = aws
        driver.restart(evidence)
        return driver

    @classmethod
    def unstarted(
        cls, *, playbook: str | None = None, clock: Clock = utc_now, registry: Any = None
    ) -> SessionDriver:
        book, path = _load_playbook(playbook)
        return cls(playbook=book, playbook_path=path, clock=clock, registry=registry)

    @classmethod
    def resume(
        cls,
        path: Path,
        *,
        playbook: str | None = None,
        clock: Clock = utc_now,
        connection: StartEvidence | None = None,
    ) -> SessionDriver:
        """Resume a saved session. `connection` (profile/region/endpoint, offline or not) says
        how to reach AWS now: live probes of the rest of the walk need a session again."""
        book = _load_playbook(playbook)[0] if playbook else None
        _register_probes(live=False)
        driver = cls(clock=clock)
        given = connection or StartEvidence()
        aws = None if given.offline else driver._open_aws(given)
        try:
            session = Session.load(path, book, clock=clock, aws=aws)
        except SessionError as exc:
            raise StartError(str(exc)) from None
        inputs = session.inputs
        # What the walk was started with (the token stays redacted: it was never saved).
        given.url = str(inputs.get("url") or "")
        given.method = str(inputs.get("method") or "")
        driver.session, driver.playbook, driver.aws = session, session.playbook, aws
        driver.evidence_given = given
        return driver

    def restart(self, evidence: StartEvidence) -> None:
        """Start a new walk from the start screen's evidence."""
        self.evidence_given = evidence
        self._flow = FixFlow()
        self._actor = None
        if not evidence.offline and self.aws is None:
            self.aws = self._open_aws(evidence)
        if evidence.offline:
            self.aws = None
        _register_probes(live=self.aws is not None)
        inputs = walk_inputs(evidence)
        self._prefill = {}
        for field_name, facts in PREFILL.items():
            value = getattr(evidence, field_name).strip()
            for fact in facts if value else ():
                self._prefill[fact] = value
        request = " ".join(p for p in (evidence.method.strip().upper(), evidence.url.strip()) if p)
        if evidence.url.strip():
            self._prefill["request_text"] = request
        kwargs: dict[str, Any] = {"inputs": inputs, "clock": self.clock, "aws": self.aws}
        if self.registry is not None:
            kwargs["registry"] = self.registry
        if self.classifier is not None:
            kwargs["classifier"] = self.classifier
        if self.catalogue is not None:
            kwargs["catalogue"] = self.catalogue
        try:
            self.session = Session(self.playbook, playbook_path=self.playbook_path, **kwargs)
        except SessionError as exc:
            raise StartError(str(exc)) from None

    def _open_aws(self, evidence: StartEvidence) -> Any:
        if self._aws_factory is not None:
            return self._aws_factory(evidence)
        from wizard.aws.session import SessionError as AwsSessionError
        from wizard.aws.session import session_for
        from wizard.engine.probes import ProbeError

        try:
            return session_for(
                profile=evidence.profile or None,
                region=evidence.region or None,
                endpoint_url=evidence.endpoint_url or None,
            )
        except (AwsSessionError, ProbeError) as exc:
            raise StartError(str(exc)) from None

    # ---- state ---------------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.session is not None

    @property
    def finished(self) -> bool:
        return self.session is not None and self.session.ended

    @property
    def live(self) -> bool:
        return self.aws is not None

    @property
    def title(self) -> str:
        return str(self.playbook.title) if self.playbook is not None else ""

    def _s(self) -> Session:
        assert self.session is not None, "the walk has not started"
        return self.session

    def question(self) -> Question | None:
        current = self._s().current()
        if current is None or not isinstance(current.node, QuestionNode):
            return None
        return question_view(current)

    def known_facts(self) -> dict[str, Any]:
        return self._s().known_facts()

    # ---- driving the walk (worker thread) ----------------------------------------------------

    def answer(self, value: Any, *, unknown: bool = False) -> None:
        """Answer the current question; AnswerError (one line) when it does not fit."""
        self._s().answer(UNKNOWN if unknown else value)

    def advance(
        self, *, cancel: threading.Event, report: Report | None = None, answered: bool = False
    ) -> None:
        """Run probe nodes, replay remembered answers and use the start screen's evidence until
        the walk needs the user (a new question) or ends. Stops early when cancelled.
        `answered`: the user just answered, so questions answered before going back are
        replayed; otherwise the question in front of the user stays theirs."""
        session = self._s()

        def on_event(event: ev.Event) -> None:
            if report is not None:
                shown = probe_event(event)
                if shown is not None:
                    report(shown)

        moved = answered  # a question the user is looking at (went back to) is theirs to answer
        while not session.ended:
            current = session.current()
            if current is None:
                break
            if current.kind == "probe":
                session.run_probes(cancel, on_event)
                moved = True
                if cancel.is_set():
                    break
                continue
            node = current.node
            if not isinstance(node, QuestionNode):
                break
            if current.remembered and moved:
                # Reached again after a changed answer: keep the later answers given before.
                session.answer(current.default)
            elif node.sets in self._prefill:
                try:
                    session.answer(self._prefill.pop(node.sets))
                except AnswerError:
                    break
                moved = True
            else:
                break

    def back(self) -> bool:
        """Back to the previous question actually answered; False at the first one."""
        session = self._s()
        current = session.current()
        here = current.node_id if current is not None and not session.ended else None
        for step in reversed(session.path):
            if step.kind == "question" and step.edge != "skip" and step.node != here:
                session.back(step.node)
                return True
        return False

    def can_go_back(self) -> bool:
        session = self._s()
        return any(s.kind == "question" and s.edge != "skip" for s in session.path)

    def has_probes_to_rerun(self) -> bool:
        return any(s.kind == "probe" for s in self._s().path)

    def rerun_probes(self) -> bool:
        """Go back to the last probe node of the path so `advance` runs it again, reading AWS
        afresh (the user may have changed something since)."""
        session = self._s()
        if self.aws is not None:
            self.aws.read_cache.clear()
        for step in reversed(session.path):
            if step.kind == "probe":
                session.back(step.node)
                return True
        return False

    # ---- what the screens show ---------------------------------------------------------------

    def ranking(self) -> list[RankedCause]:
        session = self._s()
        out = [RankedCause(c.id, c.title, c.confidence, c.evidence, "") for c in session.ranking()]
        diagnosis = session.diagnosis()
        if diagnosis is not None and diagnosis.cause is not None:
            # The walk's conclusion leads, with the classifier's confidence when it has one.
            found = next((c for c in out if c.cause_id == diagnosis.cause), None)
            facts = tuple(f"{f.name} = {_short(f.value)}" for f in diagnosis.evidence if f.known)
            lead = RankedCause(
                diagnosis.cause,
                diagnosis.title or diagnosis.cause,
                found.confidence if found else None,
                facts + (found.evidence if found else ()),
                diagnosis.summary,
            )
            out = [lead, *(c for c in out if c.cause_id != diagnosis.cause)]
        return out

    def fix_rationale(self) -> str:
        """Why the proposed fixes apply here (the fix node's explanation, facts filled in)."""
        proposals = self._s().fixes()
        return proposals[0].explanation if proposals else ""

    def conclusion(self) -> str:
        session = self._s()
        diagnosis = session.diagnosis()
        if diagnosis is None:
            return "The walk is not finished: these are the causes that fit the evidence so far."
        if diagnosis.inconclusive:
            return "Inconclusive: " + diagnosis.summary
        return f"Diagnosis: {diagnosis.title or diagnosis.cause}. {diagnosis.summary}"

    def timeline(self) -> list[TimelineEntry]:
        out: list[TimelineEntry] = []
        nodes = self._s().playbook.nodes
        titles = {node_id: node.title for node_id, node in nodes.items() if node.title}
        for event in self._s().timeline:
            entry = timeline_entry(event, titles)
            if entry is not None:
                out.append(entry)
        return out

    def evidence(self) -> EvidenceView:
        facts: dict[str, Any] = {}
        given = self.evidence_given
        if given.token.strip():
            facts["token"] = given.token.strip()
        if given.logs.strip():
            facts["logs"] = given.logs
        facts.update(self._s().known_facts())
        return build_evidence(facts, now=self.clock())

    def actor(self) -> str:
        """Who confirms a fix: the local user and, live, the AWS caller (an STS call the first
        time: `prepare_fix` makes it in its worker, later calls read the cache)."""
        if self._actor is not None:
            return self._actor
        identity = None
        if self.aws is not None:
            try:
                identity = self.aws.caller_identity().get("caller_arn")
            except Exception:  # who applied is recorded best-effort
                identity = None
        try:
            user = getpass.getuser()
        except Exception:
            user = "unknown-user"
        self._actor = f"{user} ({identity})" if identity else user
        return self._actor

    # ---- fixes (the steps live in wizard.ui.tui.fix_flow) --------------------------------------

    def fixes(self) -> list[FixView]:
        facts, target = self.known_facts(), self._target()
        return [self._flow.view(p, facts, target, live=self.live) for p in self._s().fixes()]

    def _target(self) -> Any:
        from wizard.aws.fixes.render import CliTarget

        given = self.evidence_given
        region = self.known_facts().get("region") or given.region or None
        return CliTarget(
            region=region,
            profile=given.profile or None,
            endpoint_url=given.endpoint_url or None,
        )

    def apply_fix(self, fix: FixView, ask: Callable[[FixView], Any]) -> FixOutcome:
        """Snapshot, ask the user (`ask` shows the modal and waits), apply, verify (worker)."""
        self.actor()  # who confirms: resolved here, in the worker, not in the dialog
        return self._flow.apply(fix, self.aws, self._s(), ask, self._replay())

    def rollback_view(self, fix: FixView) -> FixView | None:
        return self._flow.rollback_view(fix)

    def rollback_fix(self, fix: FixView, ask: Callable[[FixView], Any]) -> FixOutcome:
        return self._flow.rollback(fix, self.aws, self._s(), ask)

    def _replay(self) -> Callable[[], Any] | None:
        """Replay the failing request the way `diagnose` does (the reproduce probe, with the
        walk's inputs: URL, method, token; a POST to a real API only if the user allowed it)."""
        if self.aws is None or not self._s().inputs.get("url"):
            return None
        from wizard.aws.fixes.driver import replay_with_probe

        return replay_with_probe(self._s().inputs, self.known_facts(), self.aws)

    # ---- save, export, exit code ---------------------------------------------------------------

    def save(self, path: Path) -> Path:
        return self._s().save(path)

    def report_formats(self) -> tuple[str, ...]:
        """json is the session itself (resumable); md and html are the incident report."""
        import importlib.util

        if importlib.util.find_spec("wizard.report.render") is None:
            return ("json",)
        return ("json", "md", "html")

    def default_export_stem(self) -> Path:
        stamp = self._s().started_at.strftime("%Y%m%d-%H%M%S")
        return Path.cwd() / f"apigw-403-{stamp}"

    def export(self, path: Path, fmt: str) -> Path:
        if fmt == "json":
            return self._s().save(path)
        from wizard.report.render import write_report

        return write_report(self._s(), path, fmt)

    def exit_code(self) -> int:
        session = self._s()
        if not session.ended:
            return exitcodes.INTERRUPTED  # quit mid-walk: the session is saved to resume
        diagnosis = session.diagnosis()
        if diagnosis is None or diagnosis.inconclusive:
            return exitcodes.INCONCLUSIVE
        fixed = any(a.outcome in ("applied", "verified") for a in session.applied)
        return exitcodes.OK if fixed or not session.fixes() else exitcodes.FIX_PENDING


# --------------------------------------------------------------------------- helpers


def _register_probes(*, live: bool) -> None:
    """Probes register on import. Live ones are registered offline too: the engine then skips
    them (their facts unknown) instead of reporting an unknown probe."""
    import importlib

    importlib.import_module("wizard.engine.offline_probes")
    importlib.import_module("wizard.aws.probes").register_all()


def _short(value: Any) -> str:
    """A fact for the evidence list: sentences whole, JSON documents cut to a glance."""
    text = display(value)
    limit = 160 if isinstance(value, dict | list) else 400
    return text if len(text) <= limit else text[: limit - 1] + "…"
