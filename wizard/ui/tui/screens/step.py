"""Step screen: one question of the walk, the probes of the step, the evidence, the timeline.

The engine is advanced in a thread worker (probes may call AWS); the worker reports each probe's
progress with `post_message`, and Esc sets the engine's cancel event. Answers go to the engine as
they are; nothing here decides anything about the diagnosis.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Collapsible,
    Footer,
    Header,
    Input,
    Markdown,
    OptionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from wizard.engine.session import AnswerError
from wizard.ui.tui.markup import escape
from wizard.ui.tui.screens.findings import FindingsScreen
from wizard.ui.tui.view import ProbeEvent, Question
from wizard.ui.tui.widgets.fact_panels import FactPanels
from wizard.ui.tui.widgets.probes import ProbeErrorPanel, ProbeProgress
from wizard.ui.tui.widgets.sidebar import Sidebar
from wizard.ui.tui.widgets.stage_rail import StageRail

if TYPE_CHECKING:
    from wizard.ui.tui.driver import SessionDriver

UNKNOWN = object()  # the "I don't know" choice


class StepScreen(Screen[None]):
    CSS_PATH = "step.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n",
            "submit",
            "Continue",
            id="step.submit",
            tooltip="Send this answer and go to the next step",
        ),
        Binding(
            "ctrl+b",
            "back",
            "Back",
            show=False,  # the footer shows Esc for back; ctrl+b stays for those who use it
            id="step.back",
            tooltip="Go back one step and change that answer",
        ),
        Binding(
            "escape",
            "escape",
            "Back",
            id="step.cancel",
            tooltip="Stop the probes running now; when none run, go back one step "
            "(or start over when there is no earlier step)",
        ),
        Binding(
            "ctrl+f",
            "findings",
            "Findings",
            id="step.findings",
            tooltip="Show the ranked causes found so far",
        ),
    ]

    class Advanced(Message):
        """The worker moved the engine to its next question or to the end."""

    class Rejected(Message):
        """The engine refused the answer (it does not fit the question): ask again."""

        def __init__(self, reason: str, answer: Any) -> None:
            super().__init__()
            self.reason = reason
            self.answer = answer

    class Progress(Message):
        def __init__(self, event: ProbeEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self, driver: SessionDriver) -> None:
        super().__init__()
        self.driver = driver
        self.cancel_event = threading.Event()
        self.question: Question | None = None
        self.busy = False
        self._stages: list[Any] = []  # the rail's stages as computed last (when idle)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield StageRail(id="rail")
        with Horizontal(id="step-body"):
            with VerticalScroll(id="step-main"):
                yield Static("", id="step-prompt")
                with Collapsible(title="Why this matters", id="why", collapsed=True):
                    yield Markdown("", id="why-text")
                with Collapsible(title="Where to find this", id="where", collapsed=True):
                    yield Markdown("", id="where-text")
                yield ProbeErrorPanel(id="probe-errors")
                yield Vertical(id="answer-box")
                yield ProbeProgress(id="probe-progress")
                yield FactPanels(id="evidence")
            yield Sidebar(id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.driver.title
        self._stages = self.driver.stages()
        self.query_one(StageRail).show(self.driver.rail(self._stages))
        self.busy = True
        self.advance()

    # ---- driving the engine (worker) -----------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="engine")
    def advance(self, answer: Any = None, *, has_answer: bool = False) -> None:
        """Give the engine the answer (if any) and let it run until it needs the user again."""
        self.cancel_event.clear()

        def report(event: ProbeEvent) -> None:
            self.post_message(self.Progress(event))

        if has_answer:
            try:
                self.driver.answer(answer, unknown=answer is UNKNOWN)
            except AnswerError as exc:
                self.post_message(self.Rejected(str(exc), answer))
                return
        self.driver.advance(cancel=self.cancel_event, report=report, answered=has_answer)
        self.post_message(self.Advanced())

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "engine":
            return
        self.busy = event.state in (WorkerState.PENDING, WorkerState.RUNNING)
        self.set_class(self.busy, "-busy")
        if event.state == WorkerState.ERROR:
            # A bug, not a probe error (those come back as ProbeEvents): say it in one panel.
            error = event.worker.error
            self.query_one(ProbeErrorPanel).show_internal(f"{type(error).__name__}: {error}")
            await self.render_step()
        elif event.state == WorkerState.CANCELLED or (
            event.state == WorkerState.SUCCESS
            and self.question is None
            and not self.driver.finished
        ):
            await self.render_step()  # stopped at a probe node: say so, and how to go on

    def on_step_screen_progress(self, message: Progress) -> None:
        self.query_one(ProbeProgress).update_event(message.event)
        if message.event.state == "running":
            rail = self.driver.running_rail(self._stages, message.event)
            self.query_one(StageRail).show(rail)
        if message.event.state == "failed":
            self.query_one(ProbeErrorPanel).add(message.event)

    async def on_step_screen_rejected(self, message: Rejected) -> None:
        self.notify(f"That answer does not fit: {escape(message.reason)}", severity="warning")
        await self.render_step(retry=None if message.answer is UNKNOWN else message.answer)

    async def on_step_screen_advanced(self) -> None:
        if self.driver.finished or self.driver.next_stage_page() is not None:
            self.app.call_later(self.app.show_current)  # type: ignore[attr-defined]
            return
        await self.render_step()

    # ---- rendering -------------------------------------------------------------------------------

    async def render_step(self, retry: Any = None) -> None:
        if not self.busy:
            self._stages = self.driver.stages()
            self.query_one(StageRail).show(self.driver.rail(self._stages))
        question = self.driver.question()
        if question is not None and retry is not None:
            question = replace(question, previous_answer=retry)
        self.question = question
        prompt = self.query_one("#step-prompt", Static)
        if question is None:
            # Not running (cancelled, or a worker error): say how to go on, never a bare
            # "Working…" that nothing will replace.
            prompt.update(
                "Working…"
                if self.busy
                else "The probes of this step were stopped. Press Esc to go back, or "
                "ctrl+p → “step: re-run probes” to run them again."
            )
            return
        # With room to spare the explanation is open: it is what teaches.
        self.query_one("#why", Collapsible).collapsed = self.app.size.height < 36
        self.query_one("#why-text", Markdown).update(question.why)
        where = self.query_one("#where", Collapsible)
        where.display = bool(question.where)
        self.query_one("#where-text", Markdown).update(question.where or "")
        await self.query_one(Sidebar).refresh_from(self.driver)
        await self.query_one(FactPanels).show(self.driver.evidence())
        await self._mount_answer_widget(question)
        # The question is drawn only now, once its field has the focus: what a person types or
        # pastes as soon as they see the question lands in the field (drawn earlier, the keys
        # given while the field was still being mounted went nowhere).
        prompt.update(escape(question.prompt))

    async def _mount_answer_widget(self, question: Question) -> None:
        box = self.query_one("#answer-box", Vertical)
        await box.remove_children()
        previous = question.previous_answer
        widgets: list[Any] = []
        if question.kind == "choice":
            options = [
                Option(escape(c.label), id=f"choice-{i}") for i, c in enumerate(question.choices)
            ]
            if question.allow_unknown:
                options.append(Option("I don't know", id="choice-unknown"))
            olist = OptionList(*options, id="answer-choice")
            widgets.append(olist)
        elif question.kind == "confirm":
            row = Horizontal(
                Button("Yes", id="answer-yes", variant="primary"),
                Button("No", id="answer-no"),
                *([Button("I don't know", id="answer-unknown")] if question.allow_unknown else []),
                id="answer-confirm",
            )
            widgets.append(row)
        elif question.kind == "paste":
            text = previous if isinstance(previous, str) else ""
            widgets.append(TextArea(text, id="answer-paste", soft_wrap=True))
            widgets.append(self._submit_row(question))
        else:
            value = "" if previous is None else str(previous)
            if not value and question.default is not None:
                value = str(question.default)
            widgets.append(Input(value, id="answer-text", placeholder="your answer"))
            widgets.append(self._submit_row(question))
        await box.mount_all(widgets)
        self._focus_answer()  # now, not after a refresh: the refresh may draw the question first

    @staticmethod
    def _submit_row(question: Question) -> Horizontal:
        buttons = [Button("Continue", id="answer-submit", variant="primary", tooltip="ctrl+n")]
        if question.allow_unknown:
            buttons.append(Button("I don't know", id="answer-unknown"))
        return Horizontal(*buttons, classes="submit-row")

    def _focus_answer(self) -> None:
        for selector in ("#answer-choice", "#answer-paste", "#answer-text", "#answer-yes"):
            found = self.query(selector)
            if found:
                found.first().focus()
                return

    # ---- answers ---------------------------------------------------------------------------------

    def _send(self, value: Any) -> None:
        if self.busy or self.question is None:
            return
        self.query_one(ProbeErrorPanel).clear()
        self.query_one(ProbeProgress).clear()
        self.query_one("#step-prompt", Static).update("Working…")
        self.query_one("#answer-box", Vertical).remove_children()
        self.busy = True  # now, not when the worker reports: a second key press must wait
        self.question = None
        self.advance(value, has_answer=True)

    def action_submit(self) -> None:
        question = self.question
        if question is None:
            return
        if question.kind == "paste":
            text = self.query_one("#answer-paste", TextArea).text
            if not text.strip():
                self.notify("Paste something first, or choose I don't know.", severity="warning")
                return
            self._send(text)
        elif question.kind == "text":
            value = self.query_one("#answer-text", Input).value.strip()
            if not value:
                self.notify("Type an answer first.", severity="warning")
                return
            self._send(value)
        elif question.kind == "choice":
            olist = self.query_one("#answer-choice", OptionList)
            if olist.highlighted is not None:
                self._choose(olist.highlighted)

    def _choose(self, index: int) -> None:
        assert self.question is not None
        if index >= len(self.question.choices):
            self._send(UNKNOWN)
        else:
            self._send(self.question.choices[index].value)

    @on(OptionList.OptionSelected, "#answer-choice")
    def _choice_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    @on(Input.Submitted, "#answer-text")
    def _text_submitted(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#answer-submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#answer-yes")
    def _yes(self) -> None:
        self._send(True)

    @on(Button.Pressed, "#answer-no")
    def _no(self) -> None:
        self._send(False)

    @on(Button.Pressed, "#answer-unknown")
    def _unknown(self) -> None:
        self._send(UNKNOWN)

    # ---- navigation and probes ----------------------------------------------------------------

    async def action_back(self) -> None:
        if self.busy:
            self.notify("Wait for the probes, or press Esc to cancel them first.")
            return
        if not self.driver.back():
            self.notify("This is the first step.")
            return
        await self.render_step()

    async def action_escape(self) -> None:
        """Esc, in the order a person expects: stop what runs, else back, else start over."""
        if self.busy:
            self.action_cancel_probes()
            return
        previous = self.driver.unreview_last()
        stage = next((s for s in self.driver.stages() if s.id == previous), None)
        if stage is not None:  # the stage page shown just before this question
            self.app.show_page(self.driver.stage_page(stage))  # type: ignore[attr-defined]
        elif self.driver.can_go_back():
            await self.action_back()
        else:  # the first step: back is the start screen (the walk is saved first)
            self.app.action_start_over()  # type: ignore[attr-defined]

    def action_cancel_probes(self) -> None:
        if self.busy:
            self.cancel_event.set()
            self.notify("Cancelling the running probes…")

    def action_rerun_probes(self) -> None:
        if self.busy:
            return
        if not self.driver.rerun_probes():
            self.notify("This step has no probes to re-run.")
            return
        self.query_one(ProbeErrorPanel).clear()
        self.query_one(ProbeProgress).clear()
        self.busy = True
        self.advance()

    def action_findings(self) -> None:
        self.app.push_screen(FindingsScreen(self.driver, in_progress=True))

    def can_run(self, action: str) -> bool:
        if action == "cancel_probes":
            return self.busy
        if action == "back":
            return not self.busy and self.driver.can_go_back()
        if action == "rerun_probes":
            return not self.busy and self.driver.has_probes_to_rerun()
        return True

    def help_text(self) -> str:
        q = self.question
        if q is None:
            return "## A step of the walk\n\nThe wizard is running this step's probes."
        parts = [f"## {q.prompt}", "", "**Why this matters.** " + q.why]
        if q.where:
            parts += ["", "**Where to find it.** " + q.where]
        parts += [
            "",
            "Answer below and press **ctrl+n** (or Enter in a list). **ctrl+b** goes back to the "
            "previous step; **Esc** stops running probes. The sidebar shows what has been found "
            "so far and how the possible causes rank.",
        ]
        return "\n".join(parts)
