"""The TUI's one `escape` (every widget that shows outside text uses it) makes the text inert:
Textual would pass ESC straight to the terminal; rendered, no control character is left."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static
from tui_helpers import run_async

from wizard.analysis.inert import has_control
from wizard.ui.tui.markup import escape

HOSTILE = "stage\x1b]52;c;aGk=\x07\x1b[2J\u202e [$error] <script>"


class _One(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(escape(HOSTILE), id="shown")


@run_async
async def test_outside_text_renders_inert_and_whole() -> None:
    app = _One()
    async with app.run_test():
        widget = app.query_one("#shown", Static)
        line = "".join(s.text for s in widget.render_lines(widget.region.reset_offset)[0])
    assert not has_control(line)
    assert "\\u001b]52" in line and "[$error]" in line and "<script>" in line
