"""Probe progress (one line per probe, live) and the probe error panel with the manual path."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wizard.ui.tui.markup import escape
from wizard.ui.tui.view import ProbeEvent

_ICONS = {"running": "…", "done": "✓", "failed": "✗", "cancelled": "–", "skipped": "·"}

# One line per kind of failure, written for someone who may not know IAM well.
_KIND_TEXT = {
    "access_denied": "your credentials are not allowed to read this",
    "credentials": "no valid AWS credentials (missing or expired)",
    "throttled": "AWS throttled the calls, even after retries",
    "unreachable": "the AWS endpoint could not be reached",
    "timeout": "the call timed out",
    "not_found": "AWS says it does not exist",
    "unsupported": "this endpoint does not implement the call",
    "cancelled": "cancelled",
    "missing_input": "a value it needs is not known yet",
    "invalid_input": "the evidence given cannot be read",
}


class ProbeProgress(Vertical):
    """Live status of the probes of the current step."""

    DEFAULT_CSS = """
    ProbeProgress { height: auto; }
    ProbeProgress > .probe-line { height: 1; }
    ProbeProgress > .-running { color: $warning; }
    ProbeProgress > .-done { color: $success; }
    ProbeProgress > .-failed { color: $error; }
    ProbeProgress > .-cancelled { color: $text-muted; }
    ProbeProgress > .-skipped { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: dict[str, Static] = {}

    def update_event(self, event: ProbeEvent) -> None:
        text = f"{_ICONS[event.state]} {escape(event.description or event.probe)}"
        if event.state == "skipped":
            text += f" (not run: {escape(event.message or 'needs an earlier answer')})"
        # Only durations worth knowing (a slow probe); milliseconds would just flicker.
        if event.seconds is not None and event.seconds >= 1 and event.state != "running":
            text += f"  ({event.seconds:.1f} s)"
        line = self._lines.get(event.probe)
        if line is None:
            line = Static(text, classes="probe-line")
            self._lines[event.probe] = line
            self.mount(line)
        else:
            line.update(text)
        line.set_classes(f"probe-line -{event.state}")

    def clear(self) -> None:
        self._lines.clear()
        self.remove_children()

    def states(self) -> dict[str, str]:
        """probe name -> state class, for tests."""
        return {
            name: next(c[1:] for c in line.classes if c.startswith("-"))
            for name, line in self._lines.items()
        }


class ProbeErrorPanel(Vertical):
    """Failed probes: what failed, why, and what the user can paste instead."""

    DEFAULT_CSS = """
    ProbeErrorPanel { height: auto; display: none; border: round $error; padding: 0 1; }
    ProbeErrorPanel.-visible { display: block; }
    ProbeErrorPanel > .title { color: $error; text-style: bold; }
    ProbeErrorPanel > .manual { color: $text; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Some evidence could not be read", classes="title")

    def add(self, event: ProbeEvent) -> None:
        reason = _KIND_TEXT.get(event.error_kind or "", "it failed")
        text = f"[b]{escape(event.description or event.probe)}[/b]: {escape(reason)}"
        if event.message:
            text += f" — {escape(event.message)}"
        if event.missing_permission:
            text += f"\nMissing permission: [b]{escape(event.missing_permission)}[/b]"
        self.mount(Static(text, classes="error-line"))
        manual = event.manual_hint or "Answer the next question with what you can see yourself."
        self.mount(Static(f"Instead: {escape(manual)}", classes="manual"))
        self.add_class("-visible")

    def show_internal(self, text: str) -> None:
        self.mount(
            Static(
                "[b]The wizard hit an internal error[/b] (not your fault): "
                f"{escape(text)}. Your answers are kept; save the session (ctrl+s).",
                classes="error-line",
            )
        )
        self.add_class("-visible")

    def clear(self) -> None:
        for child in list(self.query(".error-line, .manual")):
            child.remove()
        self.remove_class("-visible")
