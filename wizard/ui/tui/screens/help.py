"""F1: context help for the screen underneath, as a modal."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

KEYS = """
### Keys

| key | does |
|---|---|
| F1 | this help |
| ctrl+p | command palette (`step: …`, `session: …`, `report: …`) |
| ctrl+s | save the session |
| ctrl+t | light / dark theme |
| escape | cancel a running probe, or close a dialog |
| q, ctrl+c | quit (the session is saved first) |
"""


class HelpScreen(ModalScreen[None]):
    """Markdown help for the screen that was active when F1 was pressed."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "dismiss", "Close", id="help.close", tooltip="Close the help"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            with VerticalScroll():
                yield Markdown(self._text + "\n" + KEYS, id="help-text")
            yield Button("Close", id="help-close", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
