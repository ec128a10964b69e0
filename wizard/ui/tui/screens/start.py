"""Start screen: "what do you have?" — any subset of evidence, plus where to look in AWS.

The AWS profile list and the caller identity are read in thread workers (botocore reads files,
STS is a network call): the screen paints at once and fills them in when they arrive.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Collapsible,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    Switch,
    TextArea,
)

from wizard.aws.resend_consent import needs_resend_consent
from wizard.ui.tui.aws_config import available_profiles, caller_identity
from wizard.ui.tui.markup import escape
from wizard.ui.tui.screens.resend import ResendConsentScreen
from wizard.ui.tui.start_input import StartEvidence

REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "sa-east-1",
)

HELP = """\
## Start: what do you have?

Give the wizard whatever you already have — **any subset** is fine:

- **Response**: the status line, headers and body of the 403 (from curl -i, Postman or the
  browser's network tab). The `x-amzn-ErrorType` header and the message say a lot.
- **Invoke URL** (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/{path}`), or the
  API id, stage, method and path.
- **Token**: the bearer token the client sent (it stays on this machine and is redacted in saved
  sessions and reports).
- **Logs**: lines from the stage's execution log, the access log or the authorizer's log.

Switch **offline** off to let the wizard read the API's configuration with your AWS profile
(read-only calls; nothing changes without your confirmation).
"""


class StartScreen(Screen[None]):
    """Collects the starting evidence and the AWS settings."""

    CSS_PATH = "start.tcss"
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "begin",
            "Diagnose",
            id="start.begin",
            tooltip="Start the diagnosis with the evidence given so far",
        ),
    ]

    class Begin(Message):
        """The user asked to start with this evidence."""

        def __init__(self, evidence: StartEvidence) -> None:
            super().__init__()
            self.evidence = evidence

    def __init__(self, initial: StartEvidence | None = None, *, probe_aws: bool = True) -> None:
        super().__init__()
        self._initial = initial or StartEvidence()
        self._probe_aws = probe_aws  # tests and snapshots keep the user's AWS config out

    def compose(self) -> ComposeResult:
        ev = self._initial
        yield Header(show_clock=False)
        with VerticalScroll(id="start-form"):
            yield Static(
                "Your API Gateway call returns [b]403 Forbidden[/b]. Paste what you have — "
                "any part is enough to begin. F1 explains each field.",
                id="start-intro",
            )
            yield Label("Response (status line, headers, body)", classes="field-label")
            yield TextArea(ev.response, id="response", soft_wrap=True, classes="paste")
            yield Label("Invoke URL", classes="field-label")
            yield Input(
                ev.url,
                placeholder="https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items",
                id="url",
            )
            # Lazy: mounted right after the first paint, so the screen shows up sooner.
            with Lazy(Collapsible(title="…or the API id, stage, method and path", id="coords")):
                with Horizontal(classes="row"):
                    yield Input(ev.api_id, placeholder="api id", id="api_id")
                    yield Input(ev.stage, placeholder="stage", id="stage")
                with Horizontal(classes="row"):
                    yield Input(ev.method, placeholder="method (GET)", id="method")
                    yield Input(ev.path, placeholder="path (/items/42)", id="path")
            yield Label("Token (Authorization header value)", classes="field-label")
            yield Input(ev.token, placeholder="eyJhbGciOi…", password=True, id="token")
            yield Label("Log excerpt (execution, access or authorizer log)", classes="field-label")
            yield TextArea(ev.logs, id="logs", soft_wrap=True, classes="paste")
            with Lazy(Vertical(id="aws-box")):
                with Horizontal(classes="row", id="offline-row"):
                    yield Switch(value=ev.offline, id="offline")
                    yield Label("offline: paste evidence only (no AWS calls)", id="offline-label")
                with Horizontal(classes="row"):
                    yield Select[str](
                        [],
                        prompt="AWS profile (default chain)",
                        id="profile",
                        disabled=ev.offline,
                    )
                    yield Select[str](
                        [(r, r) for r in REGIONS],
                        prompt="region",
                        id="region",
                        value=ev.region if ev.region in REGIONS else Select.NULL,
                        disabled=ev.offline,
                    )
                yield Input(
                    ev.endpoint_url,
                    placeholder="endpoint URL (an emulator on 127.0.0.1; empty for AWS)",
                    id="endpoint_url",
                    disabled=ev.offline,
                )
                yield Static(self._identity_text(None), id="identity")
            with Horizontal(id="start-actions"):
                yield Button("Diagnose", id="begin", variant="primary", tooltip="ctrl+r")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "apigw-wizard"
        self.sub_title = "why does API Gateway answer 403?"
        self.query_one("#response", TextArea).focus()
        if self._probe_aws:
            self.load_profiles()
            if not self._initial.offline:
                self.resolve_identity()

    # ---- reading the form -------------------------------------------------------------------

    def evidence(self) -> StartEvidence:
        # Lazy parts may not be mounted yet in the first milliseconds: fall back to the initial.
        def text(widget_id: str) -> str:
            found = self.query(f"#{widget_id}").results(Input)
            widget = next(iter(found), None)
            return widget.value if widget is not None else getattr(self._initial, widget_id)

        def select(widget_id: str) -> str:
            widget = next(iter(self.query(f"#{widget_id}").results(Select)), None)
            if widget is None:
                return str(getattr(self._initial, widget_id))
            value = widget.value
            return value if isinstance(value, str) else ""

        switch = next(iter(self.query("#offline").results(Switch)), None)

        return StartEvidence(
            response=self.query_one("#response", TextArea).text,
            url=text("url"),
            api_id=text("api_id"),
            stage=text("stage"),
            method=text("method"),
            path=text("path"),
            token=text("token"),
            logs=self.query_one("#logs", TextArea).text,
            profile=select("profile"),
            region=select("region"),
            endpoint_url=text("endpoint_url"),
            offline=switch.value if switch is not None else self._initial.offline,
        )

    def action_begin(self) -> None:
        evidence = self.evidence()
        if evidence.is_empty() and evidence.offline:
            self.notify(
                "Paste at least one piece of evidence, or switch offline off to read the API "
                "from AWS.",
                title="Nothing to go on yet",
                severity="warning",
            )
            return

        if not evidence.offline and needs_resend_consent(evidence.method, evidence.url):

            def answered(allowed: bool | None) -> None:
                evidence.confirm_resend = bool(allowed)
                self.post_message(self.Begin(evidence))

            self.app.push_screen(ResendConsentScreen(evidence.method, evidence.url), answered)
            return
        self.post_message(self.Begin(evidence))

    @on(Button.Pressed, "#begin")
    def _begin_pressed(self) -> None:
        self.action_begin()

    @on(Switch.Changed, "#offline")
    def _offline_changed(self, event: Switch.Changed) -> None:
        for widget_id in ("profile", "region", "endpoint_url"):
            self.query_one(f"#{widget_id}").disabled = event.value
        if not event.value and self._probe_aws:
            self.resolve_identity()

    @on(Select.Changed, "#profile")
    @on(Select.Changed, "#region")
    def _aws_choice_changed(self) -> None:
        if not self.evidence().offline and self._probe_aws:
            self.resolve_identity()

    # ---- AWS config, off the UI thread --------------------------------------------------------

    class ProfilesLoaded(Message):
        def __init__(self, profiles: list[str], region: str | None) -> None:
            super().__init__()
            self.profiles = profiles
            self.region = region

    class IdentityResolved(Message):
        def __init__(self, identity: dict[str, Any] | None, error: str | None) -> None:
            super().__init__()
            self.identity = identity
            self.error = error

    @work(thread=True, exclusive=True, exit_on_error=False, group="aws-config")
    def load_profiles(self) -> None:
        # botocore is imported by available_profiles, in the worker: first paint never waits.
        profiles, region = available_profiles()
        self.post_message(self.ProfilesLoaded(profiles, region))

    def on_start_screen_profiles_loaded(self, message: ProfilesLoaded) -> None:
        if not self.query("#profile"):  # not mounted yet (lazy): try again after a refresh
            self.call_after_refresh(self.post_message, message)
            return
        select = self.query_one("#profile", Select)
        select.set_options([(p, p) for p in message.profiles])
        if self._initial.profile in message.profiles:
            select.value = self._initial.profile
        region = self.query_one("#region", Select)
        if region.is_blank() and message.region in REGIONS:
            region.value = message.region

    @work(thread=True, exclusive=True, exit_on_error=False, group="aws-identity")
    def resolve_identity(self) -> None:
        ev = self.app.call_from_thread(self.evidence)
        identity, error = caller_identity(ev.profile, ev.region, ev.endpoint_url)
        self.post_message(self.IdentityResolved(identity, error))

    def on_start_screen_identity_resolved(self, message: IdentityResolved) -> None:
        widget = self.query_one("#identity", Static)
        widget.set_classes("error" if message.error else "ok")
        widget.update(self._identity_text(message.identity, message.error))

    @staticmethod
    def _identity_text(identity: dict[str, Any] | None, error: str | None = None) -> str:
        if error:
            return f"No AWS credentials in use: {escape(error)}. You can still go on offline."
        if identity is None:
            return "Offline, or credentials not checked yet."
        arn, account = str(identity.get("Arn", "?")), str(identity.get("Account", "?"))
        return f"Signed in as {escape(arn)} (account {escape(account)})"
