"""The authorizer's returned policy beside the method ARN, and resource-policy statements."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wizard.ui.tui.markup import escape
from wizard.ui.tui.view import AuthorizerPolicyView, ResourcePolicyView
from wizard.ui.tui.widgets.arn_text import highlight_part


class AuthorizerPolicyPanel(Vertical):
    """Each Resource of the policy over the method ARN, the part it fails to cover highlighted."""

    DEFAULT_CSS = """
    AuthorizerPolicyPanel { height: auto; }
    AuthorizerPolicyPanel .arn-label { color: $text-muted; }
    AuthorizerPolicyPanel .row { padding-left: 1; }
    AuthorizerPolicyPanel .-covers { color: $success; }
    AuthorizerPolicyPanel .-misses { color: $error; }
    AuthorizerPolicyPanel .verdict { text-style: bold; margin-top: 1; }
    """

    def __init__(self, view: AuthorizerPolicyView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def compose(self) -> ComposeResult:
        yield Static("Method ARN of the failing request:", classes="arn-label")
        first_miss = next((r.mismatch for r in self.view.rows if r.mismatch), None)
        yield Static(highlight_part(self.view.method_arn, first_miss), classes="row method-arn")
        yield Static("Resource in the returned policy:", classes="arn-label")
        for row in self.view.rows:
            if row.mismatch:
                status = f"misses the {row.mismatch}"
                cls = "-misses"
            else:
                status = "covers it"
                cls = "-covers"
            yield Static(
                f"{escape(row.effect)}  {highlight_part(row.resource, row.mismatch, '$warning')}",
                classes="row resource",
            )
            yield Static(f"  → {escape(status)}", classes=f"row {cls}")
        if self.view.verdict:
            yield Static(escape(self.view.verdict), classes="verdict")


class ResourcePolicyPanel(Vertical):
    """Each statement marked allow / deny / silent for this request."""

    DEFAULT_CSS = """
    ResourcePolicyPanel { height: auto; }
    ResourcePolicyPanel .-allow { color: $success; }
    ResourcePolicyPanel .-deny { color: $error; }
    ResourcePolicyPanel .-silent { color: $text-muted; }
    ResourcePolicyPanel .decision { text-style: bold; margin-top: 1; }
    """

    def __init__(self, view: ResourcePolicyView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def compose(self) -> ComposeResult:
        for st in self.view.statements:
            text = f"{st.verdict.upper():<6} {escape(st.label)} ({escape(st.effect)})"
            if st.reason:
                text += f" — {escape(st.reason)}"
            yield Static(text, classes=f"statement -{st.verdict}")
        if self.view.decision:
            yield Static(escape(self.view.decision), classes="decision")
