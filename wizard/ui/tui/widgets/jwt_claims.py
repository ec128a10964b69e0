"""JWT claims as a table, with the token's expiry set against the authorizer's cache TTL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wizard.ui.tui.markup import escape
from wizard.ui.tui.view import JwtView

_TIME_CLAIMS = {"exp", "iat", "nbf", "auth_time"}


def _cell(name: str, value: Any) -> str:
    if name in _TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        stamp = datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{value} ({stamp})"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def expiry_verdict(view: JwtView) -> tuple[str, str]:
    """(severity class, sentence): the token's lifetime read against the authorizer cache TTL."""
    if view.expires_in is None:
        return "warning", "The token has no exp claim: it never expires by itself."
    if view.expires_in <= 0:
        text = f"The token expired {_duration(view.expires_in)} ago."
        if view.authorizer_ttl:
            text += (
                f" With a {view.authorizer_ttl} s authorizer cache, a decision made while it was "
                "valid can still be served for this token until the cache entry ends."
            )
        return "error", text
    text = f"The token is valid for {_duration(view.expires_in)} more."
    if view.authorizer_ttl and view.authorizer_ttl > view.expires_in:
        return "warning", text + (
            f" The authorizer caches its decision for {view.authorizer_ttl} s — longer than "
            "that, so a cached Allow can outlive the token."
        )
    if view.authorizer_ttl:
        text += f" The authorizer caches its decision for {view.authorizer_ttl} s."
    return "success", text


class JwtClaimsTable(Vertical):
    DEFAULT_CSS = """
    JwtClaimsTable { height: auto; }
    JwtClaimsTable DataTable { height: auto; max-height: 12; }
    JwtClaimsTable .verdict { padding: 0 1; }
    JwtClaimsTable .verdict.-error { color: $error; }
    JwtClaimsTable .verdict.-warning { color: $warning; }
    JwtClaimsTable .verdict.-success { color: $success; }
    JwtClaimsTable .note { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, view: JwtView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(show_cursor=False, zebra_stripes=True)
        table.add_columns("claim", "value")
        for name, value in self.view.claims.items():
            table.add_row(escape(str(name)), escape(_cell(str(name), value)))
        yield table
        severity, sentence = expiry_verdict(self.view)
        yield Static(escape(sentence), classes=f"verdict -{severity}")
        for note in self.view.notes:
            yield Static("• " + escape(note), classes="note")
