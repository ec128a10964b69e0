"""The rollback confirmation: its own dialog, not the Apply one. It says plainly that undoing
the fix brings the refusal back, shows the exact commands that restore the saved state and what
they change, and that the failing request is sent again afterwards to show what it returns.

Like the Apply dialog, it is the only place the TUI makes the Confirmation the restore needs;
"Keep the fix" (or Esc) has the focus and changes nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.ui.tui.fix_flow import make_confirmation
from wizard.ui.tui.markup import escape
from wizard.ui.tui.view import FixView
from wizard.ui.tui.widgets.diff import DiffView


class RollbackScreen(ModalScreen[Any]):
    """Dismisses with a Confirmation when the user rolls back, None when they keep the fix."""

    CSS_PATH = "confirm.tcss"
    HELP = """\
## Roll back the fix

Rolling back restores what the fix changed to the state saved just before it was applied —
so the failing request will be **refused again** (the 403 returns). Use it when the fix had an
effect you did not want.

- **Keep the fix** (or Esc) closes this and changes nothing. It has the focus.
- **Roll back** runs the commands shown, then sends the failing request again and shows what
  it returns now.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "keep",
            "Keep the fix",
            id="rollback.keep",
            tooltip="Close without rolling back: the fix stays in place",
        ),
    ]

    def __init__(self, fix: FixView, *, actor: str = "", replays: bool = True) -> None:
        super().__init__()
        self.fix = fix
        self.actor = actor
        self.replays = replays

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="-rollback"):
            title = self.fix.title.removeprefix("Roll back: ")  # the rollback plan's own title
            yield Static(f"Roll back: {escape(title)}?", id="confirm-title")
            with VerticalScroll(id="confirm-body"):
                yield Static(
                    "The fix will be undone: what caused the 403 is put back, so the failing "
                    "request will be refused again — the 403 returns.",
                    id="rollback-warning",
                )
                yield Static(
                    "These exact commands restore the state saved before the fix, in order:",
                    classes="muted",
                )
                for command in self.fix.commands:
                    yield Static(escape(command), classes="command")
                if self.fix.before or self.fix.after or self.fix.diff:
                    yield Static("What changes back:", classes="muted")
                    yield DiffView(self.fix.before, self.fix.after, self.fix.diff)
                if self.fix.guidance:
                    yield Static(escape(self.fix.guidance), classes="muted")
                if self.replays:
                    yield Static(
                        "Afterwards the wizard sends the failing request again and shows what "
                        "it returns now.",
                        classes="muted",
                    )
            with Horizontal(id="confirm-buttons"):
                yield Button("Keep the fix", id="rollback-no", variant="default")
                yield Button("Roll back", id="rollback-yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#rollback-no", Button).focus()

    @on(Button.Pressed, "#rollback-yes")
    def _roll_back(self) -> None:
        self.dismiss(make_confirmation(self.fix, self.actor))

    @on(Button.Pressed, "#rollback-no")
    def _keep(self) -> None:
        self.dismiss(None)

    def action_keep(self) -> None:
        self.dismiss(None)
