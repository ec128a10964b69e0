"""Report / export: the session as JSON (always), Markdown or HTML (when wizard.report renders them).

Writing a file is quick but still I/O: it runs in a thread worker like everything else that
touches the disk or the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from wizard.ui.tui.markup import escape

if TYPE_CHECKING:
    from wizard.ui.tui.driver import SessionDriver

FORMATS = ("json", "md", "html")


class ReportScreen(ModalScreen[None]):
    CSS_PATH = "report.tcss"
    HELP = """\
## Export

Writes the session to a file. **JSON** is the session itself (it can be resumed with
`apigw-wizard --resume FILE`); **Markdown** and **HTML** are the incident report: what happened,
what was found, what was changed and how to roll it back. Tokens and secrets are redacted.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="report.close", tooltip="Close without exporting"),
    ]

    class Exported(Message):
        def __init__(self, path: Path | None, error: str | None) -> None:
            super().__init__()
            self.path = path
            self.error = error

    def __init__(self, driver: SessionDriver) -> None:
        super().__init__()
        self.driver = driver

    def compose(self) -> ComposeResult:
        available = self.driver.report_formats()
        with Vertical(id="report-box"):
            yield Static("Export the session", id="report-title")
            yield Input(str(self.driver.default_export_stem()), id="report-path")
            with Horizontal(id="report-buttons"):
                for fmt in FORMATS:
                    yield Button(
                        {"json": "Session (JSON)", "md": "Markdown", "html": "HTML"}[fmt],
                        id=f"export-{fmt}",
                        disabled=fmt not in available,
                        variant="primary" if fmt == "json" else "default",
                    )
                yield Button("Close", id="report-close")
            note = (
                "" if "md" in available else "Markdown/HTML need the report module (not installed)."
            )
            yield Static(note, id="report-status")

    @on(Button.Pressed, "#report-close")
    def action_close(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("export-"):
            fmt = button_id.removeprefix("export-")
            typed = self.query_one("#report-path", Input).value.strip()
            stem = Path(typed) if typed else self.driver.default_export_stem()
            self.export(stem.with_suffix("." + fmt), fmt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, path: Path, fmt: str) -> None:
        try:
            written = self.driver.export(path, fmt)
        except (OSError, ValueError) as exc:
            self.post_message(self.Exported(None, str(exc)))
            return
        self.post_message(self.Exported(written, None))

    def on_report_screen_exported(self, message: Exported) -> None:
        status = self.query_one("#report-status", Static)
        if message.error:
            status.update(f"Could not write the file: {escape(message.error)}")
            status.set_classes("-error")
        else:
            status.update(f"Written: {escape(str(message.path))}")
            status.set_classes("-success")
