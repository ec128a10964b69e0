"""A log excerpt with the lines that matter highlighted and annotated."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wizard.ui.tui.markup import escape
from wizard.ui.tui.view import LogLineView


class LogExcerpt(Vertical):
    DEFAULT_CSS = """
    LogExcerpt { height: auto; max-height: 14; overflow-y: auto; }
    LogExcerpt .line { color: $text-muted; }
    LogExcerpt .-error { color: $error; text-style: bold; }
    LogExcerpt .-warning { color: $warning; text-style: bold; }
    LogExcerpt .-success { color: $success; }
    LogExcerpt .note { color: $text; padding-left: 4; }
    """

    def __init__(self, lines: tuple[LogLineView, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines = lines

    def compose(self) -> ComposeResult:
        for line in self.lines:
            cls = f"line -{line.kind}" if line.kind else "line"
            yield Static(escape(line.text), classes=cls)
            if line.note:
                yield Static("↳ " + escape(line.note), classes="note")
