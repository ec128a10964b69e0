"""The fix confirmation modal: the exact command and what changes, then an explicit choice.

This is the only place the TUI creates the `Confirmation` that wizard.aws.fixes requires before
it changes anything in the account. Declining (or Esc) returns None and nothing happens.
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


class ConfirmFixScreen(ModalScreen[Any]):
    """Dismisses with a Confirmation object when the user applies, None when they decline."""

    CSS_PATH = "confirm.tcss"
    HELP = """\
## Confirm the change

These are the exact AWS CLI commands the wizard will run, in order — the same commands you
could copy and run yourself. *What changes* shows the current value beside the new one.

- **Don't apply** (or Esc) closes this and changes nothing. It has the focus, so Enter alone
  never changes your account.
- **Apply** runs the commands, then replays the failing request to verify the fix. The state
  before is saved so you can roll back from the findings screen (that also asks first).
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "decline",
            "Don't apply",
            id="confirm.decline",
            tooltip="Close without changing anything",
        ),
    ]

    def __init__(self, fix: FixView, *, actor: str = "") -> None:
        super().__init__()
        self.fix = fix
        self.actor = actor

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(f"Apply: {escape(self.fix.title)}?", id="confirm-title")
            with VerticalScroll(id="confirm-body"):
                yield Static(
                    "These exact commands will run against your account, in this order:",
                    classes="muted",
                )
                for command in self.fix.commands:
                    yield Static(escape(command), classes="command")
                if self.fix.before or self.fix.after or self.fix.diff:
                    yield Static("What changes:", classes="muted")
                    yield DiffView(self.fix.before, self.fix.after, self.fix.diff)
                else:
                    yield Static(
                        "The current state could not be read, so the change cannot be shown "
                        "as a diff; the commands above are exactly what runs.",
                        classes="muted",
                    )
                notes = []
                if self.fix.needs_redeploy:
                    notes.append("the stage is redeployed so the change takes effect")
                if self.fix.needs_cache_flush:
                    notes.append("the authorizer cache is flushed")
                if notes:
                    yield Static("Also: " + "; ".join(notes) + ".", classes="muted")
                if self.fix.guidance:
                    yield Static(escape(self.fix.guidance), classes="muted")
                if not self.fix.fix_id.endswith(".rollback"):
                    yield Static(
                        "The current state is saved first, so you can roll back afterwards.",
                        classes="muted",
                    )
            with Horizontal(id="confirm-buttons"):
                yield Button("Don't apply", id="confirm-no", variant="default")
                yield Button("Apply", id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        # The safe choice has the focus: Enter alone never changes the account.
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _apply(self) -> None:
        self.dismiss(make_confirmation(self.fix, self.actor))

    @on(Button.Pressed, "#confirm-no")
    def _decline(self) -> None:
        self.dismiss(None)

    def action_decline(self) -> None:
        self.dismiss(None)
