"""The one place the TUI talks to the investigation (wizard.investigation). No Textual here:
screens call these methods, and the blocking ones (`advance`, `apply_fix`, `rollback_fix`,
`export`) are called from thread workers.

The walk, the probe registry, the playbook load, the prefill, the fix lifecycle and the exit code
are the investigation's; what this adds is presentation only: the start screen's evidence as the
failing request, engine events turned into timeline lines, the Outcome and the engine's views
turned into the plain data of `wizard.ui.tui.view`.
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.catalogue.fact_labels import plain
from wizard.engine import events as ev
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import Playbook, QuestionNode
from wizard.engine.session import Session, utc_now
from wizard.investigation import (
    FailingRequest,
    Investigation,
    InvestigationError,
    open_investigation,
    resume_investigation,
)
from wizard.investigation.connect import connect
from wizard.investigation.playbook import load_checked, playbook_path
from wizard.investigation.report import write_report
from wizard.investigation.stages import (
    StageBook,
    StageOut,
    load_stages,
    probe_words_fallback,
    walk_stages,
)
from wizard.paths import sessions_dir
from wizard.report.files import report_stem
from wizard.ui.tui.event_view import probe_event, question_view, timeline_entry
from wizard.ui.tui.fact_views import build_evidence
from wizard.ui.tui.findings_view import FindingsView, findings_view
from wizard.ui.tui.fix_flow import confirm_with, fix_view, outcome_view, rollback_view
from wizard.ui.tui.stage_view import rail, stage_page
from wizard.ui.tui.start_input import StartEvidence
from wizard.ui.tui.view import (
    EvidenceView,
    FixOutcome,
    FixView,
    ProbeEvent,
    Question,
    RailStop,
    RankedCause,
    StagePage,
    TimelineEntry,
)

Clock = Callable[[], datetime]
Report = Callable[[ProbeEvent], None]


def failing_request(evidence: StartEvidence) -> FailingRequest:
    """The start screen's evidence as the investigation's failing request."""

    def text(value: str) -> str | None:
        return value.strip() or None

    method = text(evidence.method)
    return FailingRequest(
        url=text(evidence.url),
        api_id=text(evidence.api_id),
        stage=text(evidence.stage),
        method=method.upper() if method else None,
        path=text(evidence.path),
        token=text(evidence.token),
        region=text(evidence.region),
        evidence={"response": evidence.response, "logs": evidence.logs},
        confirm_resend=evidence.confirm_resend,  # asked on the start screen
    )


class StartError(Exception):
    """The walk cannot start (bad playbook, damaged session file): one line for the user."""


def default_session_path(now: datetime | None = None) -> Path:
    """Where a session is saved when the user did not choose: the sessions directory."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return sessions_dir() / f"session-{stamp}.json"


def _load_playbook(path: str | None, registry: Any) -> tuple[Playbook, str]:
    try:
        return load_checked(path, registry), playbook_path(path)
    except InvestigationError as exc:
        raise StartError(str(exc)) from None


@dataclass
class SessionDriver:
    investigation: Investigation | None = None
    playbook: Any = None
    playbook_path: str | None = None
    clock: Clock = utc_now
    registry: Any = None  # the investigation's (shipped) registry when None
    classifier: Callable[..., Any] | None = None  # the engine's default when None
    catalogue: Any = None  # the shipped catalogue when None
    aws: Any = None  # wizard.aws.session.AwsSession when live
    evidence_given: StartEvidence = field(default_factory=StartEvidence)
    _aws_factory: Callable[[StartEvidence], Any] | None = None
    _actor: str | None = None
    # The guided walk (presentation only): the stage pages already shown, in order, and
    # whether the user chose to skip them ("skip to findings").
    reviewed: list[str] = field(default_factory=list)
    skip_stages: bool = False
    _answered_since_review: bool = False
    _stage_book: Any = None

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
        book, path = _load_playbook(playbook, registry)
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
        driver = cls(clock=clock)
        given = connection or StartEvidence()
        aws = None if given.offline else driver._open_aws(given)
        try:
            inv = resume_investigation(
                path, aws=aws, profile=given.profile or None, playbook=playbook, clock=clock
            )
        except InvestigationError as exc:
            raise StartError(str(exc)) from None
        # What the walk was started with (the token stays redacted: it was never saved).
        given.url = inv.request.url or ""
        given.method = inv.request.method or ""
        driver.investigation, driver.playbook, driver.aws = inv, inv.playbook, aws
        driver.evidence_given = given
        return driver

    def restart(self, evidence: StartEvidence) -> None:
        """Start a new walk from the start screen's evidence."""
        self.evidence_given = evidence
        self._actor = None
        self.reviewed, self.skip_stages, self._stage_book = [], False, None
        if not evidence.offline and self.aws is None:
            self.aws = self._open_aws(evidence)
        if evidence.offline:
            self.aws = None
        kwargs: dict[str, Any] = {"classifier": self.classifier, "catalogue": self.catalogue}
        try:
            self.investigation = open_investigation(
                failing_request(evidence),
                aws=self.aws,
                profile=evidence.profile or None,
                playbook=self.playbook,
                playbook_file=self.playbook_path,
                registry=self.registry,
                clock=self.clock,
                **kwargs,
            )
        except InvestigationError as exc:
            raise StartError(str(exc)) from None

    def _open_aws(self, evidence: StartEvidence) -> Any:
        if self._aws_factory is not None:
            return self._aws_factory(evidence)
        try:
            return connect(
                profile=evidence.profile or None,
                region=evidence.region or None,
                endpoint_url=evidence.endpoint_url or None,
            )
        except InvestigationError as exc:
            raise StartError(str(exc)) from None

    # ---- state ---------------------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        return self.investigation.session if self.investigation is not None else None

    @property
    def started(self) -> bool:
        return self.investigation is not None

    @property
    def finished(self) -> bool:
        return self.investigation is not None and self.investigation.ended

    @property
    def live(self) -> bool:
        return self.aws is not None

    @property
    def title(self) -> str:
        return str(self.playbook.title) if self.playbook is not None else ""

    def _inv(self) -> Investigation:
        assert self.investigation is not None, "the walk has not started"
        return self.investigation

    def _s(self) -> Session:
        return self._inv().session

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
        self._inv().answer(UNKNOWN if unknown else value)
        self._answered_since_review = True

    def advance(
        self, *, cancel: threading.Event, report: Report | None = None, answered: bool = False
    ) -> None:
        """Run probe nodes, replay remembered answers and use the start screen's evidence until
        the walk needs the user (a new question) or ends (the investigation's loop; the TUI is
        its answer source, answering later). Stops early when cancelled."""

        def on_event(event: ev.Event) -> None:
            if report is not None:
                probe = getattr(event, "probe", None)
                shown = probe_event(event, self.probe_words(probe) if probe else None)
                if shown is not None:
                    report(shown)

        self._inv().advance(cancel, on_event, answered=answered)

    def back(self) -> bool:
        """Back to the previous question actually answered; False at the first one. Stage
        pages of what that answer led to are shown again when the walk passes them."""
        moved = self._inv().back()
        if moved:
            done = {s.id for s in self.stages() if s.status == "done"}
            self.reviewed = [r for r in self.reviewed if r in done]
            self._answered_since_review = False
        return moved

    def can_go_back(self) -> bool:
        return self._inv().can_go_back()

    def has_probes_to_rerun(self) -> bool:
        return any(s.kind == "probe" for s in self._s().path)

    def rerun_probes(self) -> bool:
        """Go back to the last probe node of the path so `advance` runs it again."""
        return self._inv().rerun_probes()

    # ---- what the screens show ---------------------------------------------------------------

    def ranking(self) -> list[RankedCause]:
        """The causes ranked so far, read from the investigation's Outcome (its diagnosis
        first once the walk found one), so the sidebar and the findings never disagree."""
        return [
            RankedCause(c.id, c.title or c.id, c.confidence, tuple(c.evidence))
            for c in self._inv().outcome().causes
        ]

    # ---- the guided walk: stages (wizard.investigation.stages) --------------------------------

    def stage_book(self) -> StageBook | None:
        """The playbook's stages (data beside it; None when it has none)."""
        if self._stage_book is None and self.investigation is not None:
            session = self._s()
            descriptions = {spec.name: spec.description for spec in session.registry}
            try:
                book = load_stages(
                    session.playbook, session.playbook_path, descriptions=descriptions
                )
            except InvestigationError as exc:
                raise StartError(str(exc)) from None
            self._stage_book = book or False
        return self._stage_book or None

    def probe_words(self, probe: str) -> str:
        """A probe in words, as the progress lines show it (never its registry name)."""
        book = self.stage_book() if self.investigation is not None else None
        if book is not None:
            return book.probe_words(probe)
        registry = self._s().registry if self.investigation is not None else None
        spec = registry.get(probe) if registry is not None and probe in registry else None
        return probe_words_fallback(probe, spec.description if spec else None)

    def stages(self) -> list[StageOut]:
        """The rail: every stage of the playbook's spine (and the branch taken), with what
        each looked at, showed, means and rules out, read from the Outcome."""
        book = self.stage_book()
        if book is None:
            return []
        inv = self._inv()
        current = inv.current()
        return walk_stages(
            book,
            inv.outcome(),
            current_node=current.node_id if current is not None else None,
            prefilled=inv.prefilled,
            target=inv.target(),
        )

    def next_stage_page(self) -> StageOut | None:
        """The next stage the probes answered that the user has not been shown yet: the walk
        shows it as a step of its own (Enter moves on)."""
        if self.skip_stages or self.investigation is None:
            return None
        for stage in self.stages():
            if stage.status == "done" and not stage.asked and stage.id not in self.reviewed:
                return stage
        return None

    def mark_reviewed(self, stage_id: str) -> None:
        if stage_id not in self.reviewed:
            self.reviewed.append(stage_id)
        self._answered_since_review = False

    def unreview_last(self) -> str | None:
        """Esc from the step after a stage page: that page again (None: there is none to go
        back to since the last answer)."""
        if self._answered_since_review or not self.reviewed:
            return None
        return self.reviewed.pop()

    def stage_page(self, stage: StageOut) -> StagePage:
        """One stage as a page: what was looked at, what it showed, means and rules out."""
        return stage_page(
            stage, self.stages(), self._inv().outcome(), self.cause_titles(stage.rules_out)
        )

    def rail(
        self, stages: list[StageOut] | None = None, *, viewing: str | None = None
    ) -> tuple[RailStop, ...]:
        """The progress rail (`stages`: as computed last, while a worker drives the walk;
        `viewing`: the stage whose page is shown)."""
        return rail(self.stages() if stages is None else stages, viewing=viewing)

    def running_rail(self, stages: list[StageOut], event: ProbeEvent) -> tuple[RailStop, ...]:
        """The rail with the stage of a running probe marked. Safe from the UI thread while
        the worker drives the walk: it reads only the stages data, never the session."""
        book = self._stage_book or None
        stage = book.stage_of(event.node, event.probe) if book is not None else None
        return rail(stages, stage)

    def skip_to_findings(self) -> None:
        self.skip_stages = True

    def cause_titles(self, cause_ids: Any) -> list[str]:
        catalogue = self._s().catalogue()
        out = []
        for cause_id in cause_ids:
            try:
                out.append(str(catalogue.get(cause_id).title) if catalogue else cause_id)
            except KeyError:
                out.append(cause_id)
        return out

    def findings(self) -> FindingsView:
        """The findings screen's content, from the investigation's Outcome only."""
        return findings_view(self._inv().outcome())

    def fix_rationale(self) -> str:
        """Why the proposed fixes apply here (the fix node's explanation, facts filled in)."""
        proposals = self._s().fixes()
        return proposals[0].explanation if proposals else ""

    def timeline(self) -> list[TimelineEntry]:
        out: list[TimelineEntry] = []
        session = self._s()
        titles = {
            node_id: node.title for node_id, node in session.playbook.nodes.items() if node.title
        }
        names = set(session.facts)
        for event in session.timeline:
            entry = timeline_entry(event, titles, self.probe_words, lambda text: plain(text, names))
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

    # ---- fixes (the lifecycle is the investigation's; the views are wizard.ui.tui.fix_flow) --

    def fixes(self) -> list[FixView]:
        return [fix_view(slot) for slot in self._inv().fix_slots()]

    def apply_fix(self, fix: FixView, ask: Callable[[FixView], Any]) -> FixOutcome:
        """Snapshot, ask the user (`ask` shows the modal and waits), apply, verify (worker)."""
        self.actor()  # who confirms: resolved here, in the worker, not in the dialog
        if self.aws is None or fix.plan is None:
            return FixOutcome(False, None, "Offline: nothing was applied.")
        slot = self._inv().apply(fix.fix_id, confirm_with(fix, ask))
        return outcome_view(slot)

    def rollback_view(self, fix: FixView) -> FixView | None:
        return rollback_view(self._inv().slot(fix.fix_id), fix)

    def rollback_fix(self, fix: FixView, ask: Callable[[FixView], Any]) -> FixOutcome:
        view = self.rollback_view(fix)
        if view is None or self.aws is None:
            return FixOutcome(False, None, "There is nothing to roll back.")
        slot = self._inv().rollback(fix.fix_id, confirm_with(view, ask))
        return outcome_view(slot, rollback=True)

    # ---- save, export, exit code ---------------------------------------------------------------

    def save(self, path: Path) -> Path:
        return self._s().save(path)

    def report_formats(self) -> tuple[str, ...]:
        """json is the session itself (resumable); md and html are the incident report."""
        return ("json", "md", "html")

    def default_export_stem(self) -> Path:
        return Path.cwd() / report_stem(self._s().started_at)  # the one report name scheme

    def export(self, path: Path, fmt: str) -> Path:
        if fmt == "json":
            return self._s().save(path)
        return write_report(self._inv(), path, fmt)

    def exit_code(self) -> int:
        """The investigation's (130 when quit mid-walk: the session is saved to resume)."""
        return self._inv().exit_code()
