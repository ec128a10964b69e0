"""Make untrusted text inert on a terminal: control characters shown escaped, never sent.

Names from AWS (a stage called ESC ] 52 ; c ; ...), AWS error messages, token claims, log lines
and pastes can carry escape sequences: an OSC 52 clipboard write, ESC [ 2 J clearing the screen,
a carriage return that overwrites what the user just read, a bidi override that reorders a
command. `inert` shows each such character as a visible escape (backslash-u001b, -u202e) so the
text reads the same and does nothing; that form is also a valid escape inside a JSON string, so
JSON made inert still parses to the same value. It is applied once, where text leaves the
program (the command writer, the reports, the TUI's text widgets), not at each call site.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline are layout, kept), DEL, C1 controls (8-bit CSI/OSC), the bidi
# embeddings/overrides/isolates and marks, line/paragraph separators, the BOM and a few
# zero-width characters that can hide text in a command.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
_UNSAFE_WITH_NEWLINE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    # `\u001b`, not `\x1b`: the same form is a valid escape inside a JSON string, so JSON
    # output made inert still parses (to the same value).
    return f"\\u{ord(match.group(0)):04x}"


def inert(text: str, *, newlines: bool = True) -> str:
    """`text` with every control character written as a visible escape. `newlines=False`
    escapes `\\n` too (one-line fields: a table cell, a title, a command)."""
    pattern = _UNSAFE if newlines else _UNSAFE_WITH_NEWLINE
    if not pattern.search(text):
        return text
    return pattern.sub(_escape, text)


def has_control(text: str) -> bool:
    """True when `text` holds a character `inert` would escape (besides tab and newline)."""
    return _UNSAFE.search(text) is not None
