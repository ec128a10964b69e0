"""F1 or ?: context help for the screen underneath, as a modal, with every key that
screen answers to (read from its active bindings, so the list cannot go stale)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown


def keys_table(rows: list[tuple[str, str]]) -> str:
    """Every key of the screen underneath, as (key, what it does), for the overlay."""
    lines = ["### Keys on this screen", "", "| key | does |", "|---|---|"]
    lines += [f"| `{key}` | {does.replace('|', '/')} |" for key, does in rows]
    return "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """Markdown help for the screen that was active when F1 was pressed."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,f1,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"
        ),
    ]

    def __init__(self, text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self._text = text
        self._keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            with VerticalScroll():
                yield Markdown(self._text + "\n" + keys_table(self._keys), id="help-text")
            yield Button("Close", id="help-close", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
