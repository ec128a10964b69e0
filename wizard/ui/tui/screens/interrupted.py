"""Start-up: an earlier fix stopped half-way (its change journal is unfinished). This dialog
says what was interrupted and what a rollback would do, before anything else happens.

"Leave it" (or Esc) has the focus and changes nothing (the journal stays, `apigw-wizard
rollback` can still restore it). "Roll back…" reads the current state and shows the exact
restore commands in the rollback dialog, which asks again (wizard.investigation.restore).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.ui.tui.markup import escape

_STEP = {
    "planned": "not sent",
    "started": "sent, answer never recorded (it may have changed the account)",
    "applied": "applied",
    "failed": "failed",
    "skipped": "skipped",
}


class InterruptedFixScreen(ModalScreen[bool]):
    """Dismisses with True when the user wants the rollback (it is confirmed again)."""

    CSS_PATH = "confirm.tcss"
    HELP = """\
## An earlier fix was interrupted

The wizard writes a change journal before it changes anything. This one never finished: the
process stopped while the fix was being applied (or rolled back).

- **Leave it** (or Esc) changes nothing. `apigw-wizard rollback` can restore it later.
- **Roll back…** reads the current state, then shows the exact commands that undo what is
  still changed, and asks you to confirm them.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave",
            "Leave it",
            id="interrupted.leave",
            tooltip="Close without rolling back: nothing changes",
        ),
    ]

    def __init__(self, found: Any, *, more: int = 0) -> None:
        super().__init__()
        self.found = found
        self.more = more

    def compose(self) -> ComposeResult:
        found = self.found
        with Vertical(id="confirm-box", classes="-rollback"):
            yield Static("An earlier fix was interrupted", id="confirm-title")
            with VerticalScroll(id="confirm-body"):
                yield Static(
                    f"[b]{escape(found.title)}[/b] was being "
                    f"{'rolled back' if found.state == 'rolling-back' else 'applied'} when the "
                    f"wizard stopped (started {escape(found.started_at)}).",
                    id="interrupted-what",
                )
                yield Static("Its calls:", classes="muted")
                for command, status in found.calls:
                    yield Static(escape(command), classes="command")
                    yield Static(f"  {escape(_STEP.get(status, status))}", classes="muted")
                yield Static(
                    "A rollback reads the current state and undoes only what is still changed"
                    + (", with these commands at most:" if found.undo else "."),
                    classes="muted",
                )
                for command in found.undo:
                    yield Static(escape(command), classes="command")
                yield Static(
                    "You confirm the exact commands before anything runs. Leaving it changes "
                    "nothing; `apigw-wizard rollback` can restore it later.",
                    classes="muted",
                )
                if self.more:
                    yield Static(
                        f"{self.more} more interrupted fix(es): `apigw-wizard rollback --list`.",
                        classes="muted",
                    )
            with Horizontal(id="confirm-buttons"):
                yield Button("Leave it", id="interrupted-no", variant="default")
                yield Button("Roll back…", id="interrupted-yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#interrupted-no", Button).focus()

    @on(Button.Pressed, "#interrupted-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#interrupted-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_leave(self) -> None:
        self.dismiss(False)
