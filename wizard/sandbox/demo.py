"""The demo sandbox: a scenario's broken API on a local emulator, and its 403 reproduced.

`Sandbox(scenario)` starts MiniStack on 127.0.0.1 (a free port, its own TMPDIR, AUTH=true when
the scenario needs SigV4 or resource policies enforced), provisions the scenario through the
wizard's boto3 layer and sends its requests over real HTTP. It is a context manager, and the
emulator is stopped on every exit path: the `with` block's end, an exception, Ctrl-C, SIGTERM
or SIGHUP (turned into exceptions while the sandbox runs), and atexit as the last resort.

No UI toolkit here: `wizard.commands.demo` prints the progress and opens the wizard.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from wizard.aws.reproduce import ReproduceResult, send, sigv4_headers
from wizard.aws.session import sandbox_session
from wizard.sandbox import emulator
from wizard.sandbox.live_connection import LiveConnection
from wizard.sandbox.provision import Provisioned, provision, request_headers, request_url
from wizard.sandbox.replay import SECRET_HEADERS, check, curl_command
from wizard.sandbox.scenario import RequestSpec, Scenario
from wizard.sandbox.signing import signing_credentials, sigv4_headers_at

Progress = Callable[[str], None]

INSTALL_HINT = "run `make demo` or `pip install 'apigw-wizard[demo]'`"
SANDBOX_ACCESS_KEY = "test"  # MiniStack's root key: any value maps to its default account
SANDBOX_SECRET_KEY = "test"


class DemoError(RuntimeError):
    """The sandbox could not be set up (one line: what failed and what to do)."""


@dataclass
class SentRequest:
    """One request of the reproduction, exactly as it went over the wire."""

    request: RequestSpec
    url: str
    headers: dict[str, str]
    result: ReproduceResult
    mismatches: list[str]
    connect_to: str | None = None  # where a custom-domain request really went (the emulator)

    def curl(self, *, show_secrets: bool = False) -> str:
        """The equivalent curl command (see `replay.curl_command`)."""
        return curl_command(
            self.request,
            self.url,
            self.headers,
            show_secrets=show_secrets,
            connect_to=self.connect_to,
        )

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "name": self.request.name,
            "method": self.request.method,
            "url": self.url,
            "status_code": r.status_code,
            "error_type": r.error_type,
            "error_message": r.error_message,
            "request_id": r.request_id,
            "expected": self.request.expect.model_dump(),
            "as_expected": not self.mismatches,
            "mismatches": self.mismatches,
            "curl": self.curl(),
        }


@dataclass
class Reproduction:
    scenario: Scenario
    provisioned: Provisioned
    sent: list[SentRequest] = field(default_factory=list)

    @property
    def symptom(self) -> SentRequest:
        return next(s for s in self.sent if s.request.name == self.scenario.symptom)

    @property
    def reproduced(self) -> bool:
        """Every request answered as the scenario says (the 403 really happened)."""
        return bool(self.sent) and all(not s.mismatches for s in self.sent)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "api_id": self.provisioned.api_id,
            "stage": self.provisioned.stage,
            "reproduced": self.reproduced,
            "requests": [s.to_dict() for s in self.sent],
        }


def diagnose_target(sent: SentRequest, provisioned: Provisioned) -> dict[str, Any]:
    """What `diagnose` needs to send this request again: URL, method, token, API key and the
    other headers as sent (a SigV4 signature included: replayed within minutes it fails or
    passes exactly as it did)."""
    req = sent.request
    target: dict[str, Any] = {"url": sent.url, "method": req.method, "headers": {}}
    for name, value in sent.headers.items():
        low = name.lower()
        if req.token is not None and low == req.token_header.lower():
            target["token"] = value
        elif req.api_key is not None and low == "x-api-key":
            target["api_key"] = value
        elif low not in ("content-type", "content-length", "host"):
            target["headers"][name] = value
    if req.token is not None and req.token_header.lower() != "authorization":
        target["headers"][req.token_header] = target.pop("token")
    return target


def diagnose_argv(
    endpoint_url: str,
    sent: SentRequest,
    provisioned: Provisioned,
    *,
    fmt: str = "text",
    apply: bool = False,
    yes: bool = False,
) -> list[str]:
    """`apigw-wizard diagnose ...` arguments that send `sent` again through the emulator."""
    target = diagnose_target(sent, provisioned)
    argv = ["diagnose", "--endpoint-url", endpoint_url, "--region", provisioned.region]
    argv += ["--url", target["url"], "--method", target["method"], "--format", fmt]
    if "token" in target:
        argv += ["--token", target["token"]]
    if "api_key" in target:
        argv += ["--api-key", target["api_key"]]
    for name, value in target["headers"].items():
        argv += ["--header", f"{name}:{value}"]
    if apply:
        argv.append("--apply")
    if yes:
        argv.append("--yes")
    return argv


def shown_command(argv: list[str]) -> str:
    """`apigw-wizard <argv>` as a shell command to show a person: shell-quoted, with the token,
    the API key and secret headers (a signature, a session token) replaced by <redacted>."""
    shown: list[str] = []
    hide_next = False
    for i, word in enumerate(argv):
        previous = argv[i - 1] if i else ""
        if hide_next:
            shown.append("<redacted>")
            hide_next = False
            continue
        if previous == "--header":
            name, _, _ = word.partition(":")
            if name.strip().lower() in SECRET_HEADERS:
                word = f"{name}:<redacted>"
        shown.append(word)
        hide_next = word in ("--token", "--api-key")
    return shlex.join(["apigw-wizard", *shown])


def response_text(result: ReproduceResult) -> str:
    """The 403 as a person would paste it: status line, the telling headers, the body."""
    lines = [f"HTTP/1.1 {result.status_code}"]
    for name, value in result.headers.items():
        if name.lower().startswith(("x-amzn", "x-amz-apigw")):
            lines.append(f"{name}: {value}")
    lines += ["", result.body.strip()]
    return "\n".join(lines)


@contextlib.contextmanager
def sandbox_credentials() -> Iterator[None]:
    """The emulator's dummy credentials in the environment (for the wizard's own session,
    opened the standard way), with any outer AWS profile or token kept out; restored after."""
    names = (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_DEFAULT_REGION",
    )
    saved = {n: os.environ.get(n) for n in names}
    for n in names:
        os.environ.pop(n, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": SANDBOX_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SANDBOX_SECRET_KEY,
            "AWS_DEFAULT_REGION": emulator.DEFAULT_REGION,
        }
    )
    try:
        yield
    finally:
        for n, value in saved.items():
            if value is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = value


class Terminated(SystemExit):
    """SIGTERM/SIGHUP arrived while the sandbox ran: unwind so the emulator is stopped."""


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `Terminated` (exit 128+signal) instead of killing the process
    outright, so `finally` blocks run; SIGINT keeps raising KeyboardInterrupt. Only the main
    thread can install handlers: elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated(128 + signum)

    wanted = [signal.SIGTERM, getattr(signal, "SIGHUP", None)]
    previous: dict[int, Any] = {}
    for sig in wanted:
        if sig is not None:
            previous[sig] = signal.signal(sig, handler)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


class Sandbox:
    """A scenario on its own emulator. Use as a context manager."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        progress: Progress | None = None,
        tmpdir: Path | None = None,
        ready_timeout: float = 60.0,
    ) -> None:
        self.scenario = scenario
        self.progress: Progress = progress or (lambda _msg: None)
        self.tmpdir = tmpdir
        self.ready_timeout = ready_timeout
        self.emulator: emulator.Emulator | None = None
        self.provisioned: Provisioned | None = None
        self._aws: Any = None
        self._dump_aws: Any = None
        self._signers: dict[str, Any] = {}
        self._exit = contextlib.ExitStack()

    # ---- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        self._exit.enter_context(stop_on_signals())
        self._exit.callback(self.stop)
        try:
            self.start()
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._exit.close()

    def start(self) -> emulator.Emulator:
        if not emulator.ministack_available():
            raise DemoError(f"MiniStack (the demo's AWS emulator) is not installed: {INSTALL_HINT}")
        auth = (
            " with AUTH=true (SigV4 and resource policies enforced)"
            if self.scenario.emulator.auth
            else ""
        )
        self.progress(f"Starting the AWS emulator (MiniStack) on 127.0.0.1{auth} ...")
        started = time.monotonic()
        try:
            self.emulator = emulator.start(
                tmpdir=self.tmpdir,
                auth=self.scenario.emulator.auth,
                ready_timeout=self.ready_timeout,
            )
        except emulator.EmulatorError as exc:
            raise DemoError(f"the emulator did not start: {exc}") from None
        except OSError as exc:
            raise DemoError(f"the emulator could not be launched: {exc}") from None
        self.progress(
            f"Emulator ready on {self.emulator.endpoint_url} (pid {self.emulator.pid}) "
            f"in {time.monotonic() - started:.1f} s"
        )
        return self.emulator

    def stop(self) -> None:
        """Stop the emulator; a second Ctrl-C or SIGTERM cannot interrupt it half-way."""
        if self.emulator is None:
            return
        blocked = {signal.SIGINT, signal.SIGTERM} | (
            {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()
        )
        old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            self.emulator.stop()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    # ---- the wizard's AWS layer, pointed at the emulator ---------------------------------------

    @property
    def endpoint_url(self) -> str:
        if self.emulator is None:
            raise DemoError("the emulator is not running")
        return self.emulator.endpoint_url

    def aws(self) -> Any:
        """The wizard's AWS session (wizard.aws.session) bound to the emulator, loopback only."""
        if self._aws is None:
            self._aws = sandbox_session(self.endpoint_url)
        return self._aws

    def dump_clients(self, service: str) -> Any:
        """A client that reads the emulator afresh on every call, for configuration dumps: the
        session of `aws()` keeps a read cache that writes made elsewhere (a `diagnose` run, the
        AWS CLI running a printed rollback) do not clear, so a second dump through it would
        answer from the first and prove nothing."""
        if self._dump_aws is None:
            self._dump_aws = sandbox_session(self.endpoint_url)
            self._dump_aws.read_cache.enabled = False
        return self._dump_aws.client(service)

    # ---- provision and reproduce ---------------------------------------------------------------

    def provision(self) -> Provisioned:

        api = self.scenario.api
        if api.protocol == "REST":
            methods = sum(len(r.methods) for r in api.resources)
            parts = [f"REST API {api.name!r}", f"{methods} method(s)"]
        else:
            parts = [f"{api.protocol} API {api.name!r}", f"{len(api.routes)} route(s)"]
            if api.v2_authorizers:
                kinds = sorted({a.type for a in api.v2_authorizers})
                parts.append(f"{len(api.v2_authorizers)} {'/'.join(kinds)} authorizer(s)")
        if self.scenario.user_pools:
            parts.append(f"{len(self.scenario.user_pools)} Cognito user pool(s)")
        if api.authorizers:
            parts.append(f"{len(api.authorizers)} Lambda authorizer(s)")
        if api.resource_policy is not None:
            parts.append("a resource policy")
        if api.usage_plans:
            parts.append(f"{len(api.api_keys)} API key(s) in {len(api.usage_plans)} usage plan(s)")
        self.progress(f"Provisioning {self.scenario.name}: {', '.join(parts)} ...")
        aws = self.aws()
        try:
            self.provisioned = provision(
                self.scenario, aws.client, endpoint_url=self.endpoint_url, region=aws.region
            )
            self._signers = signing_credentials(self.scenario, aws.client, aws.credentials())
            if api.live_connection:  # held until the sandbox stops (its exit stack closes it)
                live = LiveConnection("ws" + self.provisioned.url("/").removeprefix("http"))
                self._exit.callback(live.close)
                self.provisioned.connection_id = live.connection_id
        except Exception as exc:  # the emulator refused a call: say which, never a traceback
            raise DemoError(
                f"provisioning {self.scenario.name} failed: {type(exc).__name__}: {exc}"
            ) from None
        self.progress(f"Provisioned API {self.provisioned.api_id}, stage {self.provisioned.stage}")
        return self.provisioned

    def send(self, req: RequestSpec) -> SentRequest:
        """Send one scenario request over HTTP (signed with the credentials it names)."""
        out = self._need_provisioned()
        url = request_url(req, out)
        headers = request_headers(req, out)
        body = req.body.encode() if req.body is not None else None
        if req.sigv4 and req.sigv4_signed_ago:
            signer = self._signers[req.sigv4_as]
            headers = sigv4_headers_at(
                req.method, url, headers, body, signer, out.region, req.sigv4_signed_ago
            )
        elif req.sigv4:
            headers = sigv4_headers(
                req.method, url, headers, body, self._signers[req.sigv4_as], out.region
            )
        # A ws:// URL (a WebSocket connection) is sent as the upgrade handshake.
        connect_to = out.endpoint_url if req.via_custom_domain else None  # no DNS has it
        result = send(
            req.method, url, headers=headers, body=body, region=out.region, connect_to=connect_to
        )
        return SentRequest(req, url, headers, result, check(req, result), connect_to)

    def reproduce(self, on_sent: Callable[[SentRequest], None] | None = None) -> Reproduction:
        """Send every request of the scenario in order (honouring delays)."""
        out = self._need_provisioned()
        repro = Reproduction(self.scenario, out)
        for req in self.scenario.requests:
            if req.delay_seconds:
                time.sleep(req.delay_seconds)
            sent = self.send(req)
            repro.sent.append(sent)
            if on_sent is not None:
                on_sent(sent)
        return repro

    def signer(self, kind: str) -> Any:
        """The frozen credentials a scenario request's `sigv4_as` names (for a test that sends a
        printed request with them, as the user's environment would)."""
        self._need_provisioned()
        return self._signers[kind]

    def resend_symptom(self) -> SentRequest:
        """The incident's request again (e.g. after a fix), freshly signed if it is signed."""
        return self.send(self.scenario.symptom_request())

    def _need_provisioned(self) -> Provisioned:
        if self.provisioned is None:
            raise DemoError("the scenario is not provisioned yet")
        return self.provisioned
