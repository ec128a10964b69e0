"""The TUI fix card of a client-side fix shows the Outcome's corrected request with a Copy
button, what it changes, and why the wizard applies nothing (no Apply button)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, Static
from tui_helpers import run_async

from wizard.ui.tui.screens.findings import FixCard
from wizard.ui.tui.view import FixView

COMMAND = (
    'curl -i -X GET --aws-sigv4 aws:amz:eu-west-1:execute-api --user "$AWS_ACCESS_KEY_ID:'
    '$AWS_SECRET_ACCESS_KEY" https://abc.execute-api.eu-west-1.amazonaws.com/prod/[orders]'
)
WHY = "the fix is in the client, not in the API: --apply changes nothing in your account"


class _Card(App[None]):
    def compose(self) -> ComposeResult:
        yield FixCard(
            FixView(
                cause_id="sigv4-signature-mismatch",
                fix_id="fix-sign-final-request",
                title="Sign exactly the request that is sent",
                explanation="The signature only matches when the request is byte-identical.",
                why_not=WHY,
                corrected=COMMAND,
                corrected_changes=("signed for execute-api in eu-west-1, the API's region",),
            ),
            0,
            live=True,
        )


@run_async
async def _card() -> None:
    app = _Card()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        commands = [str(s.render()) for s in app.query(".command").results(Static)]
        assert commands == [COMMAND]  # markup-escaped: the [orders] survives as text
        assert app.query_one("#copy-0-c", Button)
        shown = " ".join(str(s.render()) for s in app.query(Static))
        assert "eu-west-1, the API's region" in shown
        assert "changes nothing" in shown
        assert not app.query("#apply-0")


def test_a_client_side_fix_card_shows_the_corrected_request_and_no_apply() -> None:
    _card()
