"""A stage the probes answered, as a step of its own: what we looked at (in words, with the
exact AWS calls), what it showed, what it means and what it rules out. Enter moves on, `s`
skips to the findings, Esc goes back.

Everything shown is the driver's StagePage (wizard.ui.tui.stage_view), read from the Outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from wizard.ui.tui.markup import escape
from wizard.ui.tui.view import EvidenceView, StagePage
from wizard.ui.tui.widgets.fact_panels import FactPanels
from wizard.ui.tui.widgets.stage_rail import StageRail

if TYPE_CHECKING:
    from wizard.ui.tui.driver import SessionDriver

_ICON = {
    "read": "✓",
    "answered": "✓",
    "from_paste": "✓",
    "failed": "✗",
    "skipped": "·",
    "cancelled": "–",
}
_STATE = {
    "from_paste": "from what you pasted",
    "answered": "your answer",
    "skipped": "not read",
    "failed": "could not read it",
    "cancelled": "stopped",
}

UNREAD_LISTED = 6  # facts named per "not read" line (the facts table has them all)

HELP = """\
## A stage of the walk

The wizard answered this stage itself (from what you pasted, or by reading your API). The page
says what it looked at — with the exact AWS calls, which you can run yourself — what that
showed, what it means and which causes it rules out.

**Enter** goes on to the next stage (or the next question, or the findings). **s** skips the
remaining stages and goes straight to the findings. **Esc** goes back.
"""


class StageScreen(Screen[None]):
    CSS_PATH = "stage.tcss"
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "next",
            "Next",
            id="stage.next",
            tooltip="Go on to the next stage (or question, or the findings)",
        ),
        Binding(
            "s",
            "skip",
            "Skip to findings",
            id="stage.skip",
            tooltip="Skip the remaining stages and show the findings",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="stage.back",
            tooltip="Back to the previous stage or question (or the start screen)",
        ),
    ]

    def __init__(self, driver: SessionDriver, page: StagePage) -> None:
        super().__init__()
        self.driver = driver
        self.page = page

    def compose(self) -> ComposeResult:
        page = self.page
        yield Header(show_clock=False)
        yield StageRail(id="rail")
        with VerticalScroll(id="stage-main"):
            yield Static(escape(page.title), id="stage-title")
            yield Static("What we looked at", classes="heading")
            for line in page.looked:
                state = _STATE.get(line.state, "")
                said = f"{_ICON.get(line.state, '·')} {escape(line.what)}"
                if state:
                    said += f" [dim]({escape(state)})[/]"
                yield Static(said, classes=f"look -{line.state}")
                for command in line.commands:
                    yield Static(escape(command), classes="command")
                if line.note and line.state in ("failed", "cancelled"):
                    yield Static("  " + escape(line.note), classes="muted")
            yield Static("What it showed", classes="heading")
            if page.showed:
                for name, value in page.showed:
                    yield Static(f"• [b]{escape(name)}[/b]: {escape(value)}", classes="showed")
            elif not page.unread:
                yield Static("Nothing new: the walk went on from what it knew.", classes="muted")
            unread: dict[str, list[str]] = {}
            for name, why in page.unread:
                unread.setdefault(why, []).append(name)
            for why, names in unread.items():
                listed = ", ".join(names[:UNREAD_LISTED])
                if len(names) > UNREAD_LISTED:
                    listed += f" and {len(names) - UNREAD_LISTED} more"
                yield Static(f"• Not read ({escape(why)}): {escape(listed)}", classes="muted")
            yield FactPanels(id="stage-facts")
            if page.means:
                yield Static("What it means", classes="heading")
                for reason in page.means:
                    yield Static(f"• {escape(reason)}", classes="means")
            if page.rules_out:
                yield Static("What it rules out", classes="heading")
                for title in page.rules_out:
                    yield Static(f"• {escape(title)}", classes="rules-out")
                if page.more_ruled_out:
                    yield Static(f"  and {page.more_ruled_out} more", classes="muted")
            with Horizontal(id="stage-actions"):
                yield Button("Next (Enter)", id="stage-next", variant="primary")
                yield Button("Skip to findings (s)", id="stage-skip")
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = self.driver.title
        self.query_one(StageRail).show(self.driver.rail(viewing=self.page.stage_id))
        view = self.driver.evidence()
        wanted = {
            "log_lines": EvidenceView(logs=view.logs),
            "token_claims": EvidenceView(jwt=view.jwt),
            "authorizer_policy": EvidenceView(authorizer_policy=view.authorizer_policy),
            "resource_policy": EvidenceView(resource_policy=view.resource_policy),
        }.get(self.page.shows or "")
        if wanted is not None and not wanted.is_empty():
            await self.query_one(FactPanels).show(wanted)
        # Focus without scrolling: the page is read from its top.
        self.query_one("#stage-next", Button).focus(scroll_visible=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "stage-next":
            self.action_next()
        elif event.button.id == "stage-skip":
            self.action_skip()

    def action_next(self) -> None:
        self.driver.mark_reviewed(self.page.stage_id)
        self.app.show_current()  # type: ignore[attr-defined]

    def action_skip(self) -> None:
        self.driver.mark_reviewed(self.page.stage_id)
        self.driver.skip_to_findings()
        self.app.show_current()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        """The previous stage page; before the first, the previous question, else start over."""
        previous = self.driver.unreview_last()
        if previous is not None:
            stage = next((s for s in self.driver.stages() if s.id == previous), None)
            if stage is not None:
                self.app.show_page(self.driver.stage_page(stage))  # type: ignore[attr-defined]
                return
        if self.driver.back():
            self.app.show_current()  # type: ignore[attr-defined]
        else:
            self.app.action_start_over()  # type: ignore[attr-defined]

    def help_text(self) -> str:
        return HELP
