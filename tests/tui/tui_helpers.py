"""Shared pieces of the TUI tests: a fixed clock, the seed incident's evidence, app factories."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from wizard.engine.probes import ProbeRegistry
from wizard.ui.tui.app import WizardApp
from wizard.ui.tui.driver import SessionDriver
from wizard.ui.tui.start_input import StartEvidence

HERE = Path(__file__).parent
PROBE_TROUBLE = str(HERE / "playbooks" / "probe-trouble.yaml")
FIXED = datetime(2026, 11, 21, 9, 30, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED


SEED_URL = "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/dashboard/update-profile"
SEED_RESPONSE = """HTTP/1.1 403 Forbidden
content-type: application/json
x-amzn-ErrorType: AccessDeniedException
x-amzn-RequestId: 7d1c2f3a-0000-4000-8000-000000000001

{"Message":"User is not authorized to access this resource"}

Opening the dashboard works and the first profile update worked, later updates get this 403.
The authorizer never logs the failing calls."""
SEED_POLICY = (
    '{"principalId": "alice", "policyDocument": {"Version": "2012-10-17", "Statement": '
    '[{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": '
    '"arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod/GET/dashboard"}]}}'
)


def seed_evidence() -> StartEvidence:
    return StartEvidence(response=SEED_RESPONSE, url=SEED_URL, method="POST")


def seed_app(
    evidence: StartEvidence | None = None, *, classifier: Any = None, **kwargs: Any
) -> WizardApp:
    driver = SessionDriver.unstarted(clock=fixed_clock)
    driver.classifier = classifier
    return WizardApp(evidence or seed_evidence(), driver=driver, probe_aws=False, **kwargs)


def pinned_ranking(text: str, facts: Any = None) -> list[dict[str, Any]]:
    """A fixed ranking for snapshots: the screens' layout is under test, not the classifier
    (which has its own tests and keeps improving)."""
    return [
        {
            "id": "authz-cache-scoped-policy",
            "title": "Authorizer cache serves a policy that only allows the first method called",
            "confidence": 0.9,
            "evidence": ["the authorizer never logs the failing calls"],
        },
        {
            "id": "authz-implicit-deny-arn-mismatch",
            "title": "The authorizer's Allow does not cover the method ARN that was called",
            "confidence": 0.06,
        },
        {
            "id": "authz-cache-stale-decision",
            "title": "A cached authorizer decision outlives the token it was made for",
            "confidence": 0.04,
        },
    ]


SNAPSHOT_DATA = HERE / "snapshot_data"


def snapshot_registry() -> ProbeRegistry:
    """The snapshot playbook's one probe: reads the invoke URL (test code, fixed account)."""
    from collections.abc import Mapping
    from urllib.parse import urlsplit

    from wizard.engine.probes import ProbeContext

    registry = ProbeRegistry()

    @registry.probe("tui_snap_request", "read the request")
    def read(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        url = urlsplit(str(params["url"]))
        api_id, _, region = (url.hostname or "").split(".")[:3]
        stage, _, path = url.path.lstrip("/").partition("/")
        arn = (
            f"arn:aws:execute-api:{region}:123456789012:{api_id}/{stage}/{params['method']}/{path}"
        )
        return {"api_id": api_id, "stage": stage, "region": region, "method_arn": arn}

    return registry


def snapshot_catalogue() -> Any:
    import yaml

    from wizard.catalogue.model import Catalogue

    data = yaml.safe_load((SNAPSHOT_DATA / "catalogue.yaml").read_text())
    return Catalogue.model_validate(data)


def snapshot_app() -> WizardApp:
    """The seed incident on the snapshot playbook, catalogue, probes and a pinned ranking."""
    driver = SessionDriver.unstarted(
        playbook=str(SNAPSHOT_DATA / "playbook.yaml"),
        clock=fixed_clock,
        registry=snapshot_registry(),
    )
    driver.classifier = pinned_ranking
    driver.catalogue = snapshot_catalogue()
    return WizardApp(seed_evidence(), driver=driver, probe_aws=False)


def trouble_app(registry: ProbeRegistry, **kwargs: Any) -> WizardApp:
    driver = SessionDriver.unstarted(playbook=PROBE_TROUBLE, clock=fixed_clock, registry=registry)
    return WizardApp(StartEvidence(api_id="a1b2c3"), driver=driver, probe_aws=False, **kwargs)


async def settle(pilot: Pilot[Any], *, through_stages: bool = True) -> None:
    """Let every worker finish and every message it posted be handled. `through_stages`: on a
    stage page (a stage the probes answered), press Enter to go on, as a reader would, until
    the walk needs an answer or shows the findings."""
    from wizard.ui.tui.screens.stage import StageScreen

    for _ in range(40):
        for _ in range(3):
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not (through_stages and isinstance(pilot.app.screen, StageScreen)):
            return
        await pilot.press("enter")
    raise AssertionError("still on a stage page after 40 presses of Enter")


async def steady_cursors(pilot: Pilot[Any]) -> None:
    """No blinking cursor in a snapshot: a blink caught half-way made pictures flaky under load."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


async def answer_text(pilot: Pilot[Any], text: str) -> None:
    from textual.widgets import Input, TextArea

    screen = pilot.app.screen
    found = screen.query("#answer-paste")
    if found:
        found.first(TextArea).text = text
    else:
        screen.query_one("#answer-text", Input).value = text
    await pilot.press("ctrl+n")
    await settle(pilot)


def run_async(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async pilot test with asyncio (no pytest async plugin is installed)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return wrapper


async def wait_for_screen(pilot: Pilot[Any], screen_type: type, timeout: float = 30.0) -> Any:
    """Wait until `screen_type` is on top (a fix worker blocks on the confirmation modal, so
    waiting for every worker to finish would wait for ever)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not isinstance(pilot.app.screen, screen_type):
        if loop.time() > deadline:
            raise AssertionError(f"{screen_type.__name__} did not appear; on {pilot.app.screen}")
        await pilot.pause(0.05)
    await pilot.pause()
    return pilot.app.screen


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 60.0
) -> None:
    """Wait until `condition()` holds, letting the app run meanwhile. A probe thread on a loaded
    2-core machine can take seconds to be scheduled, so tests wait on the condition itself; the
    timeout only turns a hang into a failure that names what never happened."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        await pilot.pause(0.02)


def live_seed_app(session: Any, out: Any) -> WizardApp:
    """The TUI on the provisioned seed incident (live, on the emulator), its failing POST and
    token filled in, probes not started until the test asks."""
    evidence = StartEvidence(
        url=out.url("/dashboard/update-profile"),
        method="POST",
        token=out.tokens["alice"],
        endpoint_url=out.endpoint_url,
        region=out.region,
        offline=False,
    )
    driver = SessionDriver.unstarted()
    driver.aws = session
    return WizardApp(evidence, driver=driver, probe_aws=False)
