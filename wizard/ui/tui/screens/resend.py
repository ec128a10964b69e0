"""Ask before the wizard re-sends a request that may change data (POST/PUT/PATCH/DELETE).

Live, the first probe sends the failing request again to see API Gateway's answer now; the
fix's verification replays it too. If the API now accepts it, a POST may really update
something, so a real API gets this question first (the local emulator does not).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.ui.tui.markup import escape


class ResendConsentScreen(ModalScreen[bool]):
    CSS_PATH = "confirm.tcss"
    HELP = __doc__ or ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "refuse",
            "Don't re-send",
            id="resend.refuse",
            tooltip="Read the configuration only; paste the response yourself",
        ),
    ]

    def __init__(self, method: str, url: str) -> None:
        super().__init__()
        self.method = method.upper()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="-short"):
            yield Static(f"Re-send {escape(self.method)} to your API?", id="confirm-title")
            yield Static(
                f"To see what API Gateway answers now, the wizard can send "
                f"{escape(self.method)} {escape(self.url)} again with your token (and replay it "
                "after a fix to verify it). If the API accepts it this time, it may change "
                "data, like your client's call would.",
            )
            yield Static(
                "Don't re-send: the wizard reads the configuration only and asks you to paste "
                "the response.",
                classes="muted",
            )
            with Horizontal(id="confirm-buttons"):
                yield Button("Don't re-send", id="resend-no", variant="primary")
                yield Button("Re-send it", id="resend-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#resend-no", Button).focus()

    @on(Button.Pressed, "#resend-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#resend-no")
    def action_refuse(self) -> None:
        self.dismiss(False)
