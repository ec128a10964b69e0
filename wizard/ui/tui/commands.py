"""Command palette provider: namespaced commands (`step: …`, `session: …`, `report: …`).

Each command runs an action on the active screen or the app, so the palette, the bindings and
the buttons share one implementation. Commands a screen cannot run are not offered there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    action: str  # "screen.<name>" or "app.<name>"


COMMANDS = (
    PaletteCommand("step: re-run probes", "Run this step's probes again", "screen.rerun_probes"),
    PaletteCommand(
        "step: go back", "Return to the previous step and change the answer", "screen.back"
    ),
    PaletteCommand("step: cancel probes", "Stop the probes running now", "screen.cancel_probes"),
    PaletteCommand("step: show findings", "Jump to the ranked causes so far", "screen.findings"),
    PaletteCommand(
        "session: save", "Save the session to a JSON file (secrets redacted)", "app.save"
    ),
    PaletteCommand(
        "session: start over", "Back to the start screen with the same evidence", "app.start_over"
    ),
    PaletteCommand("report: export", "Export the session as JSON, Markdown or HTML", "app.report"),
    PaletteCommand(
        "report: export Markdown",
        "Write the incident report as Markdown in the current directory",
        "app.export_md",
    ),
    PaletteCommand(
        "report: export HTML",
        "Write the incident report as HTML in the current directory",
        "app.export_html",
    ),
    PaletteCommand("view: toggle theme", "Switch between light and dark", "app.toggle_theme"),
    PaletteCommand("help: this screen", "Explain this screen (F1)", "app.help"),
)


class WizardCommands(Provider):
    def _available(self) -> list[tuple[PaletteCommand, Callable[[], Any]]]:
        out: list[tuple[PaletteCommand, Callable[[], Any]]] = []
        for command in COMMANDS:
            target_name, action = command.action.split(".", 1)
            target: Any = self.screen if target_name == "screen" else self.app
            method = getattr(target, f"action_{action}", None)
            if method is None:
                continue
            can_run = getattr(target, "can_run", None)
            if callable(can_run) and not can_run(action):
                continue
            out.append((command, partial(self.app.run_action, action, target)))
        return out

    async def discover(self) -> Hits:
        for command, callback in self._available():
            yield DiscoveryHit(command.title, callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, callback in self._available():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), callback, help=command.help)
