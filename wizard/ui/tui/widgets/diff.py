"""Before/after of a change as a unified diff, added and removed lines in theme colours."""

from __future__ import annotations

import difflib

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wizard.ui.tui.markup import escape


def diff_lines(before: str, after: str, unified: str = "") -> list[tuple[str, str]]:
    """(class, line) pairs of a unified diff; class is -add, -del, -hunk or -same. `unified` is
    a diff already made (a policy document's), shown after the field-by-field one."""
    out: list[tuple[str, str]] = []
    lines = list(
        difflib.unified_diff(
            before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2
        )
    )
    lines += unified.splitlines()
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            out.append(("-hunk", line))
        elif line.startswith("+"):
            out.append(("-add", line))
        elif line.startswith("-"):
            out.append(("-del", line))
        else:
            out.append(("-same", line))
    return out


class DiffView(Vertical):
    DEFAULT_CSS = """
    DiffView { height: auto; padding: 0 1; background: $boost; }
    DiffView .-add { color: $success; }
    DiffView .-del { color: $error; }
    DiffView .-hunk { color: $text-muted; }
    """

    def __init__(
        self, before: str, after: str, unified: str = "", *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.before = before
        self.after = after
        self.unified = unified

    def compose(self) -> ComposeResult:
        lines = diff_lines(self.before, self.after, self.unified)
        if not lines:
            yield Static("(no change in the recorded state)", classes="-hunk")
        for cls, line in lines:
            yield Static(escape(line), classes=cls)
