"""Side panel: the timeline of what has been found, and the current ranking of causes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from wizard.ui.tui.markup import escape

if TYPE_CHECKING:
    from wizard.ui.tui.driver import SessionDriver


def confidence_text(confidence: float | None) -> str:
    return "found" if confidence is None else f"{confidence:>4.0%}"


def confidence_class(confidence: float | None) -> str:
    if confidence is None or confidence >= 0.7:
        return "-high"
    if confidence >= 0.4:
        return "-medium"
    return "-low"


class Sidebar(VerticalScroll):
    DEFAULT_CSS = """
    Sidebar .heading { text-style: bold; color: $primary; margin-top: 1; }
    Sidebar .entry { color: $text; }
    Sidebar .entry.-error { color: $error; }
    Sidebar .entry.-finding { color: $warning; }
    Sidebar .cause.-high { color: $error; text-style: bold; }
    Sidebar .cause.-medium { color: $warning; }
    Sidebar .cause.-low { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Likely causes", classes="heading")
        yield VerticalScroll(id="ranking")
        yield Static("Timeline", classes="heading")
        yield VerticalScroll(id="timeline")

    async def refresh_from(self, driver: SessionDriver) -> None:
        ranking = self.query_one("#ranking")
        await ranking.remove_children()
        causes = driver.ranking()[:5]
        if not causes:
            await ranking.mount(Static("none yet", classes="entry"))
        await ranking.mount_all(
            Static(
                f"{confidence_text(c.confidence)} {escape(c.title or c.cause_id)}",
                classes=f"cause {confidence_class(c.confidence)}",
            )
            for c in causes
        )
        timeline = self.query_one("#timeline")
        await timeline.remove_children()
        await timeline.mount_all(
            Static(f"{e.clock} {escape(e.text)}", classes=f"entry -{e.kind}")
            for e in driver.timeline()[-8:]
        )
