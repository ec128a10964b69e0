"""The facts of the session as panels (claims, policies, log lines), each kind in the widget that explains it best."""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Collapsible

from wizard.ui.tui.view import EvidenceView
from wizard.ui.tui.widgets.jwt_claims import JwtClaimsTable
from wizard.ui.tui.widgets.log_excerpt import LogExcerpt
from wizard.ui.tui.widgets.policy_view import AuthorizerPolicyPanel, ResourcePolicyPanel


class FactPanels(Vertical):
    DEFAULT_CSS = """
    FactPanels { height: auto; margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current: EvidenceView | None = None

    async def show(self, view: EvidenceView) -> None:
        if view == self.current:
            return
        self.current = view
        await self.remove_children()
        sections = []
        if view.authorizer_policy is not None:
            sections.append(
                Collapsible(
                    AuthorizerPolicyPanel(view.authorizer_policy),
                    title="Authorizer policy vs the method ARN",
                    collapsed=False,
                    id="ev-authorizer-policy",
                )
            )
        if view.jwt is not None:
            sections.append(
                Collapsible(
                    JwtClaimsTable(view.jwt),
                    title="Token claims",
                    collapsed=view.authorizer_policy is not None,
                    id="ev-jwt",
                )
            )
        if view.resource_policy is not None:
            sections.append(
                Collapsible(
                    ResourcePolicyPanel(view.resource_policy),
                    title="Resource policy, statement by statement",
                    collapsed=False,
                    id="ev-resource-policy",
                )
            )
        if view.logs:
            sections.append(
                Collapsible(
                    LogExcerpt(view.logs),
                    title="Log lines that matter",
                    collapsed=bool(sections),
                    id="ev-logs",
                )
            )
        if sections:
            await self.mount_all(sections)
