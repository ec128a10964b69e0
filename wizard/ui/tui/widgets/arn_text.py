"""Split an execute-api ARN into its named parts, to highlight one of them (no Textual here)."""

from __future__ import annotations

from wizard.ui.tui.markup import escape

PARTS = ("partition", "service", "region", "account", "api", "stage", "method", "path")


def arn_parts(arn: str) -> list[tuple[str | None, str]]:
    """(part name or None for separators, text) pieces that join back to `arn`."""
    head = arn.split(":", 5)
    if len(head) != 6:
        return [(None, arn)]
    out: list[tuple[str | None, str]] = [(None, head[0] + ":")]
    for name, text in zip(PARTS[:4], head[1:5], strict=True):
        out += [(name, text), (None, ":")]
    for i, piece in enumerate(head[5].split("/", 3)):
        if i:
            out.append((None, "/"))
        out.append((PARTS[4 + i], piece))
    return out


def highlight_part(arn: str, part: str | None, style: str = "$error") -> str:
    """Content markup of `arn` with `part` emphasised in the theme's `style` variable."""
    pieces = []
    for name, text in arn_parts(arn):
        safe = escape(text)
        pieces.append(f"[b {style} underline]{safe}[/]" if part and name == part else safe)
    return "".join(pieces)
