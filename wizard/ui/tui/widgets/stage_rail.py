"""The progress rail: the stages of the walk in order, with where the walk is now.

    ✓ Error › ⤷ Route and deployment › ▶ Logs › · Token › · Cache TTL › – Resource policy

✓ done, ▶ here (running or asking), · still to come, – not needed on this walk, ⊘ skipped (reached, but
nothing could be read: offline, no AWS), ⤷ the branch the
walk left the spine by; the stage whose page is shown is underlined. One line that wraps; it reads the same at 80 and at 120 columns.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import Static

from wizard.ui.tui.markup import escape
from wizard.ui.tui.view import RailStop

_MARK = {
    "done": "✓",
    "current": "▶",
    "running": "▶",
    "pending": "·",
    "not_needed": "–",
    "skipped": "⊘",
}


def rail_text(stops: Sequence[RailStop]) -> str:
    parts = []
    for stop in stops:
        mark = "⤷" if stop.branch and stop.status == "done" else _MARK.get(stop.status, "·")
        text = f"{mark} {escape(stop.label)}"
        if stop.status in ("current", "running"):
            text = f"[b reverse] {text} [/]"
        elif stop.status in ("not_needed", "skipped"):
            text = f"[dim]{text}[/]"
        if stop.viewing:
            text = f"[u]{text}[/u]"
        parts.append(text)
    return " › ".join(parts)


class StageRail(Static):
    DEFAULT_CSS = """
    StageRail { height: auto; padding: 0 1; color: $text; background: $boost; }
    StageRail.-empty { display: none; }
    """

    def show(self, stops: Sequence[RailStop]) -> None:
        self.stops = tuple(stops)
        self.set_class(not stops, "-empty")
        self.update(rail_text(stops))

    stops: tuple[RailStop, ...] = ()
