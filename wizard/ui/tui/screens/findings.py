"""Findings: ranked causes with confidence and evidence, then each fix — its exact CLI
command (copy), what changes, and Apply → confirm → progress → verification → rollback offer.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Collapsible, Footer, Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from wizard.ui.tui.findings_view import FindingsView
from wizard.ui.tui.markup import escape
from wizard.ui.tui.screens.confirm import ConfirmFixScreen
from wizard.ui.tui.screens.report import ReportScreen
from wizard.ui.tui.screens.rollback import RollbackScreen
from wizard.ui.tui.view import FixOutcome, FixView
from wizard.ui.tui.widgets.fact_panels import FactPanels
from wizard.ui.tui.widgets.sidebar import confidence_class, confidence_text
from wizard.ui.tui.widgets.stage_rail import StageRail

if TYPE_CHECKING:
    from wizard.ui.tui.driver import SessionDriver

HELP = """\
## Findings

The first line is the diagnosis and how sure the wizard is. **The evidence** lists the facts
behind it. Below that come the fixes, numbered: press **1**–**9** to jump to one. Each fix
shows the **exact AWS CLI commands**. Copy them with the Copy button to run them yourself.

**a** applies the recommended fix. This is the first fix the wizard can apply. A confirmation
opens first and shows the commands again. Nothing in your account changes unless you press
*Apply* there. After applying, the wizard replays the failing request to verify the fix, and it
offers a **rollback** to the saved state. **Esc** goes back to the last step. When nothing was
asked, it goes back to the start screen.
"""


class FixCard(Vertical):
    """One fix: explanation, commands with copy buttons, diff, apply/rollback and status."""

    can_focus = True  # `1`–`9` focus a card; Tab then reaches its buttons

    def __init__(self, fix: FixView, index: int, *, live: bool, recommended: bool = False) -> None:
        super().__init__(classes="fix-card", id=f"fix-{index}")
        self.fix = fix
        self.index = index
        self.live = live
        self.recommended = recommended

    def compose(self) -> ComposeResult:
        mark = "  (recommended: press a to apply)" if self.recommended and self.live else ""
        yield Static(f"{self.index + 1}. {escape(self.fix.title)}{mark}", classes="fix-title")
        yield Static(escape(self.fix.explanation), classes="fix-explanation")
        if self.fix.commands and not (self.fix.applicable and self.live):
            yield Static("Commands to copy and run yourself:", classes="muted")
        for n, command in enumerate(self.fix.commands):
            with Horizontal(classes="command-row"):
                yield Static(escape(command), classes="command")
                yield Button("Copy", id=f"copy-{self.index}-{n}", classes="copy", compact=True)
        if self.fix.corrected:
            yield Static("The corrected request to send yourself:", classes="muted")
            with Horizontal(classes="command-row"):
                yield Static(escape(self.fix.corrected), classes="command")
                yield Button("Copy", id=f"copy-{self.index}-c", classes="copy", compact=True)
            for change in self.fix.corrected_changes:
                yield Static(escape(f"• {change}"), classes="guidance")
        if self.fix.guidance:
            yield Static(escape(self.fix.guidance), classes="guidance")
        for kind, code in self.fix.code.items():
            with Collapsible(title=f"Example ({kind})", collapsed=True):
                yield Static(escape(code), classes="code")
        with Horizontal(classes="fix-actions"):
            if self.fix.applicable and self.live:
                yield Button("Apply…", id=f"apply-{self.index}", variant="warning")
                yield Button("Roll back", id=f"rollback-{self.index}", disabled=True)
            elif self.fix.why_not or self.fix.commands:
                why = self.fix.why_not or "run the command yourself"
                yield Static(escape(why[:1].upper() + why[1:]), classes="muted why-not")
        yield LoadingIndicator(classes="fix-progress")
        status = Static("", classes="fix-status")
        status.display = False
        yield status


class FindingsScreen(Screen[None]):
    CSS_PATH = "findings.tcss"
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,ctrl+b",
            "back",
            "Back",
            id="findings.back",
            tooltip="Back to the last step (or start over when there is none)",
        ),
        *(
            Binding(
                str(n),
                f"focus_fix({n - 1})",
                f"Fix {n}",
                show=False,
                id=f"findings.fix{n}",
                tooltip=f"Show fix {n} (its commands and its Apply button)",
            )
            for n in range(1, 10)
        ),
        Binding(
            "a",
            "apply_recommended",
            "Apply recommended",
            id="findings.apply",
            tooltip="Apply the recommended fix (it asks you to confirm first)",
        ),
        Binding(
            "ctrl+e",
            "report",
            "Report",
            id="findings.report",
            tooltip="Export the session as JSON, Markdown or HTML",
        ),
    ]

    class FixDone(Message):
        def __init__(self, index: int, outcome: FixOutcome, rollback: bool) -> None:
            super().__init__()
            self.index = index
            self.outcome = outcome
            self.rollback = rollback

    def __init__(self, driver: SessionDriver, *, in_progress: bool = False) -> None:
        super().__init__()
        self.driver = driver
        self.in_progress = in_progress  # opened mid-walk from a step: back pops
        self.fixes: list[FixView] = []
        self.view: FindingsView | None = None
        self._pending: list[Future[Any]] = []  # answers fix workers are waiting for

    def compose(self) -> ComposeResult:
        # Order for someone mid-incident: what it is and how sure, the evidence, what to do,
        # the evidence in detail, then how the walk got here and the other candidates.
        view = self.view = self.driver.findings()
        yield Header(show_clock=False)
        yield StageRail(id="rail")
        with VerticalScroll(id="findings"):
            yield Static(escape(view.sentence), id="conclusion")
            if view.summary:
                yield Static(escape(view.summary), id="summary")
            if view.near_miss:
                yield Static(f"Near miss: {escape(view.near_miss)}", id="near-miss")
            if view.next_step:
                yield Static(f"To settle it: {escape(view.next_step)}", id="next-step")
            if view.evidence:
                yield Static("The evidence", classes="heading")
                for row in view.evidence:
                    yield Static(
                        f"• [b]{escape(row.label)}[/b]: {escape(row.value)}",
                        classes="evidence-item",
                    )
            elif view.others and not self.driver.finished:
                top = view.others[0]
                yield Static(
                    f"Most likely so far ({confidence_text(top.confidence).strip()}): "
                    f"{escape(top.title)}",
                    classes=f"heading top-cause {confidence_class(top.confidence)}",
                )
                for item in top.evidence:
                    yield Static("• " + escape(item), classes="evidence-item")
            self.fixes = [] if self.in_progress else self.driver.fixes()
            if self.fixes:
                yield Static(_fixes_heading(len(self.fixes)), classes="heading")
                rationale = self.driver.fix_rationale()
                if rationale:
                    yield Static(escape(rationale), id="fix-rationale")
                for i, fix in enumerate(self.fixes):
                    yield FixCard(fix, i, live=self.driver.live, recommended=i == view.recommended)
            yield FactPanels(id="findings-evidence")
            if view.reasons:
                with Collapsible(
                    title=f"How the walk got here ({len(view.reasons)} steps)",
                    collapsed=True,
                    id="walk-reasons",
                ):
                    for n, reason in enumerate(view.reasons, 1):
                        yield Static(f"{n}. {escape(reason)}", classes="evidence-item")
            others = (
                view.others[1:] if not view.evidence and not self.driver.finished else view.others
            )
            if others:
                with Collapsible(
                    title=f"Other possible causes ({len(others)})",
                    collapsed=not self.in_progress,
                    id="other-causes",
                ):
                    for cause in others:
                        yield Static(
                            f"{confidence_text(cause.confidence)}  {escape(cause.title)}",
                            classes=f"cause {confidence_class(cause.confidence)}",
                        )
                        for item in cause.evidence:
                            yield Static("    • " + escape(item), classes="evidence-item")
            with Horizontal(id="findings-actions"):
                yield Button("Back", id="findings-back")
                yield Button("Export report…", id="findings-report", variant="primary")
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = "findings"
        self.query_one(StageRail).show(self.driver.rail())
        await self.query_one(FactPanels).show(self.driver.evidence())

    # ---- copy, apply, rollback ---------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        kind, _, rest = button_id.partition("-")
        if kind == "copy":
            index, _, n = rest.partition("-")
            fix = self.fixes[int(index)]
            command = fix.corrected if n == "c" else fix.commands[int(n)]
            self.app.copy_to_clipboard(command)
            self.notify("Command copied to the clipboard.")
        elif kind == "apply":
            self._busy(int(rest), "Reading the current state to show what will change…")
            self.run_fix(int(rest), rollback=False)
        elif kind == "rollback":
            self._busy(int(rest), "Reading the state to undo…")
            self.run_fix(int(rest), rollback=True)
        elif button_id == "findings-back":
            self.action_back()
        elif button_id == "findings-report":
            self.action_report()

    class AskConfirm(Message):
        """The fix worker waits for the user's answer: show the modal, fill `answer`."""

        def __init__(
            self, index: int, fix: FixView, answer: Future[Any], *, rollback: bool = False
        ) -> None:
            super().__init__()
            self.index = index
            self.fix = fix
            self.answer = answer
            self.rollback = rollback

    @work(thread=True, exclusive=True, exit_on_error=False, group="fix")
    def run_fix(self, index: int, rollback: bool) -> None:
        """Snapshot → ask → apply → verify (or the rollback), all in this worker thread; it
        blocks on the user's answer while the confirmation modal is shown."""

        def ask(fix: FixView) -> Any:
            answer: Future[Any] = Future()
            self._pending.append(answer)
            self.post_message(self.AskConfirm(index, fix, answer, rollback=rollback))
            try:
                return answer.result()
            finally:
                self._pending.remove(answer)

        fix = self.fixes[index]
        if rollback:
            outcome = self.driver.rollback_fix(fix, ask)
        else:
            outcome = self.driver.apply_fix(fix, ask)
        self.post_message(self.FixDone(index, outcome, rollback))

    def on_findings_screen_ask_confirm(self, message: AskConfirm) -> None:
        card = self.query_one(f"#fix-{message.index}", FixCard)
        _status(card, "Waiting for your confirmation…")

        def answered(confirmation: Any) -> None:
            if confirmation is not None:
                _status(
                    card,
                    "Rolling back, then replaying the request…"
                    if message.rollback
                    else "Applying, then replaying the request to verify…",
                )
            if not message.answer.done():
                message.answer.set_result(confirmation)

        modal: ModalScreen[Any]
        if message.rollback:  # its own dialog: the 403 returns, the request is replayed after
            modal = RollbackScreen(message.fix, actor=self.driver.actor())
        else:
            modal = ConfirmFixScreen(message.fix, actor=self.driver.actor())
        self.app.push_screen(modal, answered)

    def on_unmount(self) -> None:
        # A worker still waiting for an answer must not wait forever: no answer is a no.
        for answer in list(self._pending):
            if not answer.done():
                answer.set_result(None)

    def _busy(self, index: int, text: str) -> None:
        card = self.query_one(f"#fix-{index}", FixCard)
        card.add_class("-working")
        _status(card, text)
        for button in card.query(Button):
            if not button.has_class("copy"):
                button.disabled = True

    def _idle(self, index: int) -> None:
        card = self.query_one(f"#fix-{index}", FixCard)
        card.remove_class("-working")
        apply_button = card.query(f"#apply-{index}")
        if apply_button:
            apply_button.first(Button).disabled = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "fix" and event.state == WorkerState.ERROR:
            for card in self.query(".-working").results(FixCard):
                card.remove_class("-working")
                _status(card, f"Failed: {escape(str(event.worker.error))}", "error")
                self._idle(card.index)

    def on_findings_screen_fix_done(self, message: FixDone) -> None:
        card = self.query_one(f"#fix-{message.index}", FixCard)
        card.remove_class("-working")
        outcome = message.outcome
        if outcome.rolled_back or (outcome.applied and outcome.verified):
            severity = "success"
        elif outcome.applied:
            severity = "warning"
        else:
            severity = "error" if "declined" not in outcome.message else ""
        _status(card, escape(outcome.message), severity)
        # Announced, and the card's status line brought into view (at 80x24 it is below the
        # fold): the result of Apply, Verify and Roll back is never off screen.
        title = "Roll back" if message.rollback else "Apply"
        self.notify(
            escape(outcome.message), title=title, severity=_NOTIFY.get(severity, "information")
        )
        status_line = card.query_one(".fix-status", Static)
        scroller = self.query_one("#findings", VerticalScroll)

        def bring_into_view() -> None:
            scroller.scroll_to_center(status_line, animate=False, immediate=True)

        # After the layout that shows the line (it was hidden while empty).
        self.call_after_refresh(lambda: self.call_after_refresh(bring_into_view))
        apply_button = card.query(f"#apply-{message.index}")
        rollback_button = card.query(f"#rollback-{message.index}")
        applied_now = outcome.applied and not message.rollback
        if apply_button:
            apply_button.first(Button).disabled = applied_now
        if rollback_button:
            still_applied = applied_now or (message.rollback and not outcome.rolled_back)
            rollback_button.first(Button).disabled = not (
                still_applied and (outcome.rollback_available or message.rollback)
            )

    # ---- navigation ------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.in_progress:
            self.app.pop_screen()
            return
        if self.driver.back():
            self.app.call_later(self.app.show_current)  # type: ignore[attr-defined]
        else:  # nothing was asked (the probes answered it all): back is the start screen
            self.app.action_start_over()  # type: ignore[attr-defined]

    def action_focus_fix(self, index: int) -> None:
        cards = list(self.query(FixCard))
        if index >= len(cards):
            self.notify(f"There is no fix {index + 1}." if cards else "No fix is proposed.")
            return
        cards[index].focus()
        cards[index].scroll_visible(top=True)

    def action_apply_recommended(self) -> None:
        """One key to the recommended fix's confirmation (never straight to a change)."""
        index = self.view.recommended if self.view is not None else None
        if index is None or not self.driver.live:
            why = "offline: copy the commands instead" if not self.driver.live else "none applies"
            self.notify(f"No fix to apply here ({why}).")
            return
        button = self.query_one(f"#apply-{index}", Button)
        if button.disabled:
            self.notify("That fix is already being applied or was applied.")
            return
        self.action_focus_fix(index)
        button.press()

    def action_report(self) -> None:
        self.app.push_screen(ReportScreen(self.driver))

    def help_text(self) -> str:
        return HELP


_NOTIFY: dict[str, Any] = {"success": "information", "warning": "warning", "error": "error"}


def _fixes_heading(count: int) -> str:
    keys = "press 1" if count == 1 else f"press 1–{min(count, 9)} to focus one"
    return f"Fixes ({count}: {keys})"


def _status(card: FixCard, text: str, severity: str = "") -> None:
    """The card's status line: hidden while empty, coloured by the theme's severity."""
    status = card.query_one(".fix-status", Static)
    status.update(text)
    status.set_classes(f"fix-status -{severity}" if severity else "fix-status")
    status.display = bool(text)
