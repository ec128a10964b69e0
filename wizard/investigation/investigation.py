"""One investigation of one failing request: the walk, its fixes and its Outcome, for every
front end (TUI, prompt mode, headless, the MCP server).

    inv = open_investigation(FailingRequest(url=..., method="GET"), aws=aws)   # or offline
    inv.drive(ScriptedAnswers(answers))            # or a questionary / TUI answer source
    inv.apply_first(confirm)                       # live: the diagnosed cause's fixes, in order
    outcome = inv.outcome(); exit_code(outcome)    # the one model every view renders

Front ends never load a playbook, register probes, run a loop, decide an exit code or name a
fix state themselves: they render questions, ask for confirmation and render the Outcome.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from wizard.analysis.redact import forget_redactions
from wizard.aws.fixes.driver import Confirm, replay_with_probe, rollback_fix, run_fix
from wizard.aws.fixes.journal import Announce
from wizard.aws.fixes.render import CliTarget
from wizard.engine import events as ev
from wizard.engine.models import Playbook, QuestionNode
from wizard.engine.probes import ProbeError, ProbeRegistry
from wizard.engine.session import AnswerError, Session, SessionError, utc_now
from wizard.engine.views import Current
from wizard.investigation.answers import BACK, QUIT, WAIT, AnswerSource
from wizard.investigation.errors import InvestigationError
from wizard.investigation.fixes import FixSlot, plan_fix
from wizard.investigation.lifecycle import FixState, state_of_run
from wizard.investigation.outcome_build import build_outcome
from wizard.investigation.playbook import load_checked, playbook_path
from wizard.investigation.probes import registry_for
from wizard.investigation.request import FailingRequest, region_of_url
from wizard.outcome.model import Outcome
from wizard.sandbox.provisioned import data_plane_url

Clock = Callable[[], Any]
OnEvent = Callable[[ev.Event], None]
DriveEnd = Literal["ended", "quit", "waiting", "cancelled"]
FIRST_QUESTION = "This is the first question: there is nothing to go back to."


class Investigation:
    """The walk of one failing request. Not thread-safe: drive it from one thread at a time."""

    def __init__(
        self,
        session: Session,
        *,
        request: FailingRequest,
        aws: Any = None,
        profile: str | None = None,
        prefill: dict[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.request = request
        self.aws = aws
        self.profile = profile
        self._prefill = dict(prefill or {})
        self.prefilled: list[str] = []  # facts answered from the start evidence, in order
        # Told (one line) where the change journal of a fix is, before its first call: the way
        # back if the process dies half-way. Front ends set it (stderr, a TUI notification).
        self.announce: Announce | None = None
        self._slots: dict[str, FixSlot] = {}

    @classmethod
    def from_session(cls, session: Session, *, profile: str | None = None) -> Investigation:
        """An investigation over a session built elsewhere (tests with their own playbook and
        probes); its request is read back from the session's inputs."""
        return cls(
            session,
            request=FailingRequest.from_inputs(session.inputs),
            aws=session.aws,
            profile=profile,
        )

    # ------------------------------------------------------------------ state

    @property
    def live(self) -> bool:
        return self.aws is not None

    @property
    def ended(self) -> bool:
        return self.session.ended

    @property
    def playbook(self) -> Playbook:
        return self.session.playbook

    def current(self) -> Current | None:
        return self.session.current()

    def known_facts(self) -> dict[str, Any]:
        return self.session.known_facts()

    def target(self) -> CliTarget:
        """The global options of every command shown: always `--region`, and `--endpoint-url`
        when an endpoint is in use (copying a demo command must never reach real AWS)."""
        region = (
            getattr(self.aws, "region", None)
            or self.request.region
            or region_of_url(self.request.url)
            or self.known_facts().get("region")
            or "<region>"
        )
        endpoint = getattr(self.aws, "endpoint_url", None)
        return CliTarget(region=str(region), profile=self.profile, endpoint_url=endpoint)

    def drop_prefill(self, keys: set[str]) -> None:
        """Answers given explicitly win over the start evidence (question ids or fact names)."""
        facts = set(keys)
        for node_id, node in self.playbook.nodes.items():
            if isinstance(node, QuestionNode) and node_id in keys:
                facts.add(node.sets)
        for fact in facts:
            self._prefill.pop(fact, None)

    # ------------------------------------------------------------------ the drive loop

    def advance(
        self,
        cancel: threading.Event | None = None,
        on_event: OnEvent | None = None,
        *,
        answered: bool = False,
        replay_remembered: bool = True,
        before_probes: Callable[[Current], None] | None = None,
    ) -> list[ev.Event]:
        """Run probe nodes and answer what the start evidence already answers, until the walk
        needs the user (a question) or ends, or `cancel` is set. `answered`: the user just
        answered, so questions answered before going back are replayed with those answers;
        otherwise the question in front of the user stays theirs. `replay_remembered=False`:
        never (prompt mode offers them as defaults instead)."""
        session = self.session
        cancel = cancel or threading.Event()
        mark = len(session.timeline)
        moved = answered
        while not session.ended:
            current = session.current()
            if current is None:
                break
            if current.kind == "probe":
                if before_probes is not None:
                    before_probes(current)
                session.run_probes(cancel, on_event)
                moved = True
                if cancel.is_set():
                    break
                continue
            node = current.node
            if not isinstance(node, QuestionNode):
                break
            if current.remembered and moved and replay_remembered:
                session.answer(current.default)
            elif node.sets in self._prefill:
                try:
                    session.answer(self._prefill.pop(node.sets))
                except AnswerError:
                    break  # the evidence does not fit the question: ask it
                self.prefilled.append(node.sets)
                moved = True
            else:
                break
        return session.timeline[mark:]

    def drive(
        self,
        source: AnswerSource,
        cancel: threading.Event | None = None,
        *,
        replay_remembered: bool = False,
    ) -> DriveEnd:
        """Walk until the end, asking `source` each question. Returns why it stopped: "ended",
        "quit" (the source said QUIT), "waiting" (WAIT: it answers later) or "cancelled"."""
        cancel = cancel or threading.Event()
        answered = False
        before = getattr(source, "probing", None)
        while True:
            events = self.advance(
                cancel,
                answered=answered,
                replay_remembered=replay_remembered,
                before_probes=before,
            )
            source.notice(events)
            if self.session.ended:
                return "ended"
            if cancel.is_set():
                return "cancelled"
            current = self.session.current()
            if current is None:
                return "ended"
            reply = source.ask(current)
            answered = False
            if reply is QUIT:
                return "quit"
            if reply is WAIT:
                return "waiting"
            if reply is BACK:
                if not self.back():
                    source.rejected(current, FIRST_QUESTION)
                continue
            try:
                source.notice(self.session.answer(reply))
            except AnswerError as exc:
                source.rejected(current, str(exc))
                continue
            answered = replay_remembered

    def answer(self, value: Any) -> list[ev.Event]:
        """Answer the current question (UNKNOWN for "I don't know"); AnswerError when it does not
        fit (the question stays current)."""
        return self.session.answer(value)

    def back(self) -> bool:
        """Back to the previous question actually asked (skipped ones do not count); False at
        the first one."""
        session = self.session
        current = session.current()
        here = current.node_id if current is not None and not session.ended else None
        for step in reversed(session.path):
            if step.kind == "question" and step.edge != "skip" and step.node != here:
                session.back(step.node)
                return True
        return False

    def can_go_back(self) -> bool:
        return any(s.kind == "question" and s.edge != "skip" for s in self.session.path)

    def rerun_probes(self) -> bool:
        """Go back to the last probe node of the path so `advance` runs it again, reading AWS
        afresh (the user may have changed something since)."""
        if self.aws is not None:
            self.aws.read_cache.clear()
        for step in reversed(self.session.path):
            if step.kind == "probe":
                self.session.back(step.node)
                return True
        return False

    # ------------------------------------------------------------------ the fix lifecycle

    def fix_slots(self) -> list[FixSlot]:
        """The proposed fixes, each rendered once for this investigation's target."""
        facts, target = self.known_facts(), self.target()
        out = []
        for proposal in self.session.fixes():
            key = f"{proposal.cause}/{proposal.fix_id}"
            slot = self._slots.get(key)
            if slot is None or (slot.proposal != proposal and slot.state is FixState.PROPOSED):
                slot = plan_fix(proposal, facts, target, live=self.live, request=self.request)
                self._slots[key] = slot
            out.append(slot)
        return out

    def slot(self, fix_id: str) -> FixSlot:
        for slot in self.fix_slots():
            if slot.fix_id == fix_id:
                return slot
        raise InvestigationError(f"no proposed fix '{fix_id}'")

    def replay(self) -> Any:
        """Replays the failing request the way the walk sent it (None: nothing to replay)."""
        if self.aws is None or not self.session.inputs.get("url"):
            return None
        return replay_with_probe(self.session.inputs, self.known_facts(), self.aws)

    def apply(self, fix_id: str, confirm: Confirm) -> FixSlot:
        """Snapshot, confirm (the front end's callback shows the commands and the change and is
        the only place a Confirmation is made), apply, verify, derive the rollback. Offline, or
        for a fix the wizard may not apply, nothing runs and the slot says why."""
        slot = self.slot(fix_id)
        if self.aws is None:
            slot.out.detail = "offline: nothing was applied"
            return slot
        if not slot.out.applicable or slot.plan is None:
            return slot
        run = run_fix(slot.plan, self.aws.client, confirm, self.replay(), announce=self.announce)
        self._record(slot, run, state_of_run(run))
        return slot

    def apply_first(self, confirm: Confirm) -> list[FixSlot]:
        """`diagnose --apply` and prompt mode: offer the diagnosed cause's applicable fixes in
        order, apply the first one confirmed, and stop once one is verified or cannot be checked
        (a cause's fixes are alternatives, not steps). Inconclusive: nothing is offered."""
        diagnosis = self.session.diagnosis()
        if self.aws is None or diagnosis is None or diagnosis.cause is None:
            return []
        tried: list[FixSlot] = []
        for slot in self.fix_slots():
            if slot.proposal.cause != diagnosis.cause or not slot.out.applicable:
                continue
            self.apply(slot.fix_id, confirm)
            tried.append(slot)
            if slot.state in (FixState.VERIFIED, FixState.APPLIED):
                break
        return tried

    def rollback(self, fix_id: str, confirm: Confirm) -> FixSlot:
        """Undo an applied fix from the state saved before it (confirmed again)."""
        slot = self.slot(fix_id)
        if self.aws is None or not slot.can_roll_back:
            slot.out.detail = "there is nothing to roll back"
            return slot
        back = rollback_fix(slot.run, self.aws.client, confirm)
        state = FixState.ROLLED_BACK if back.applied else slot.state
        self._record(slot, back, state, rollback_of=slot.run)
        if back.applied:
            self._replay_after_rollback(slot)
        return slot

    def _replay_after_rollback(self, slot: FixSlot) -> None:
        """After a rollback, send the failing request again: the user sees the refusal the
        fix had removed come back (its status on the slot, `status_after`)."""

        replay = self.replay()
        if replay is None:
            return
        try:
            result = replay()
        except ProbeError as exc:
            slot.out.detail = f"{slot.out.detail}; the request could not be replayed: {exc}"
            return
        data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
        status = data.get("status_code")
        slot.out.status_after = status if isinstance(status, int) else None
        if slot.out.status_after is not None:
            slot.out.detail = f"{slot.out.detail}; replayed, the request returns {status}"

    def _record(self, slot: FixSlot, run: Any, state: FixState, *, rollback_of: Any = None) -> None:
        """Put the run on the slot (the Outcome) and on the session (the timeline, the report)."""
        slot.runs.append(run)
        out = slot.out
        if rollback_of is None:
            out.state = state
            out.detail = run.detail
            out.verified = run.verified
            changed = run.result is not None and run.result.changed_anything
            out.applied = run.applied or changed
            out.confirmed_by = run.confirmation.confirmed_by if run.confirmation else None
            if out.applied:
                slot.run = run
                out.rollback = list(run.rollback.cli) if run.rollback else []
                out.rollback_available = slot.can_roll_back
                replayed = (run.verification.replay or {}) if run.verification else {}
                status = replayed.get("status_code")
                out.status_after = status if isinstance(status, int) else None
        elif run.applied:
            out.state, out.applied, out.rollback_available = state, False, False
            out.detail = "rolled back to the state saved before the fix"
            slot.run = None
        else:
            out.detail = f"the rollback did not complete: {run.detail}"
            state = state_of_run(run)  # declined, or failed: the fix stays as it was
        self.session.record_fix_applied(
            slot.fix_id,
            cause=slot.proposal.cause,
            outcome=state.value,
            detail=run.detail,
            commands=run.plan.cli,
            rollback=run.rollback.cli if run.rollback else (),
            by=run.confirmation.confirmed_by if run.confirmation else None,
            verified=run.verified,
            record=run.to_dict(),
        )

    # ------------------------------------------------------------------ the outcome

    def outcome(self, *, keep_secrets: bool = False) -> Outcome:
        """The one model every front end and the report render (redacted unless
        `keep_secrets`: the report's --no-redact)."""
        return build_outcome(self, keep_secrets=keep_secrets)

    def exit_code(self) -> int:
        return self.outcome().exit_code


def open_investigation(
    request: FailingRequest | None = None,
    *,
    aws: Any = None,
    profile: str | None = None,
    playbook: str | Path | Playbook | None = None,
    registry: ProbeRegistry | None = None,
    clock: Clock = utc_now,
    classifier: Callable[..., Any] | None = None,
    catalogue: Any = None,
    prefill: bool = True,
    playbook_file: str | None = None,
) -> Investigation:
    """Open an investigation of `request`: live when `aws` (a wizard.aws session) is given,
    offline otherwise (no network at all). The playbook is fully linted (one policy); the
    probe registry is the shipped one (its no-network subset offline); a test may pass its own
    `registry`, used as it is. `playbook` may be a Playbook already loaded with `load_checked`
    (then `playbook_file` is where it came from, saved with the session). Raises
    InvestigationError."""
    forget_redactions()  # the previous investigation's raw strings leave memory
    request = request or FailingRequest()
    live = aws is not None
    full = registry if registry is not None else registry_for(live=True)
    if isinstance(playbook, Playbook):  # loaded (and linted) by the caller: tests, resume
        book, path = playbook, playbook_file
    else:
        book, path = load_checked(playbook, full), playbook_path(playbook)
    inputs = request.inputs()
    if live and "url" not in inputs:
        url = _invoke_url(request, aws)
        if url:
            inputs["url"] = url
    kwargs: dict[str, Any] = {}
    if classifier is not None:
        kwargs["classifier"] = classifier
    if catalogue is not None:
        kwargs["catalogue"] = catalogue
    try:
        session = Session(
            book,
            inputs=inputs,
            registry=registry if registry is not None else registry_for(live=live),
            aws=aws,
            clock=clock,
            playbook_path=path,
            **kwargs,
        )
    except SessionError as exc:
        raise InvestigationError(str(exc)) from None
    return Investigation(
        session,
        request=request,
        aws=aws,
        profile=profile,
        prefill=request.prefill() if prefill else None,
    )


def resume_investigation(
    path: str | Path,
    *,
    aws: Any = None,
    profile: str | None = None,
    playbook: str | Path | None = None,
    clock: Clock = utc_now,
) -> Investigation:
    """Resume a saved session (the token was never saved: it stays redacted)."""
    forget_redactions()  # the previous investigation's raw strings leave memory
    book = load_checked(playbook) if playbook else None
    registry_for(live=True)  # the probes the rest of the walk runs
    try:
        session = Session.load(path, book, clock=clock, aws=aws)
    except SessionError as exc:
        raise InvestigationError(str(exc)) from None
    if aws is None:
        session.registry = registry_for(live=False)
    return Investigation.from_session(session, profile=profile)


def _invoke_url(request: FailingRequest, aws: Any) -> str | None:
    """--api-id/--stage/--path: the invoke URL, so the failing request can be sent again.
    The default execute-api URL on AWS; on an emulator endpoint, its data-plane URL."""
    if not (request.api_id and request.stage):
        return None
    path = "/" + str(request.path or "/").lstrip("/")
    if aws.endpoint_url:
        return str(data_plane_url(aws.endpoint_url, request.api_id, request.stage, path))
    if aws.region:
        return (
            f"https://{request.api_id}.execute-api.{aws.region}.amazonaws.com/{request.stage}{path}"
        )
    return None
