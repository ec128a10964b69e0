"""The wizard's AWS session: credentials, region and endpoint chosen the standard way.

- Credentials: boto3's standard chain (env vars, `--profile` / AWS_PROFILE, SSO, config files,
  container/instance roles). We never read or store secrets ourselves.
- Region: `--region`, else the profile / AWS_REGION / AWS_DEFAULT_REGION, else the region of
  the invoke URL when the target gives one.
- Endpoint: `--endpoint-url`, else AWS_ENDPOINT_URL. In the sandbox only loopback endpoints
  are allowed; on a real run an endpoint must be loopback (an emulator) or an AWS host.
- Clients: botocore Config with connect/read timeouts and adaptive retries (throttling is
  retried before a probe reports it), created once per service and shared across threads.
- Data: every session parses botocore's data files through one cached loader per process
  (wizard.aws.botocore_data).
- Reads: every client carries the session's `ReadCache` (wizard.aws.read_cache), so one
  investigation reads each thing from AWS once; writes empty it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from wizard.aws.budget import RunBudget
from wizard.aws.errors import aws_errors
from wizard.aws.loopback import is_loopback_host
from wizard.aws.read_cache import ReadCache

USER_AGENT = "apigw-wizard"
AWS_HOST_SUFFIXES = (
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".api.aws",
    ".c2s.ic.gov",
    ".sc2s.sgov.gov",
)


EMULATOR_DEFAULT_REGION = "us-east-1"


class SessionError(ValueError):
    """Bad session settings (one line: what is wrong and where)."""


def check_endpoint_url(url: str, *, sandbox: bool) -> str:
    """Validate an endpoint URL: loopback only in the sandbox, loopback or AWS otherwise."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise SessionError(f"--endpoint-url {url!r}: expected http(s)://HOST[:PORT]")
    if is_loopback_host(host):
        return url.rstrip("/")
    if sandbox:
        raise SessionError(
            f"--endpoint-url {url!r}: the sandbox only talks to an emulator on 127.0.0.1"
        )
    if not host.endswith(AWS_HOST_SUFFIXES):
        raise SessionError(
            f"--endpoint-url {url!r}: not an AWS endpoint or a local emulator (127.0.0.1)"
        )
    if parts.scheme != "https":
        raise SessionError(f"--endpoint-url {url!r}: AWS endpoints need https")
    return url.rstrip("/")


@dataclass(frozen=True)
class AwsSettings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    sandbox: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 5


@dataclass
class AwsSession:
    """A boto3 session plus a thread-safe cache of clients built with our Config, and the
    read cache those clients share (one per investigation: a new session starts empty)."""

    settings: AwsSettings = field(default_factory=AwsSettings)
    boto3_session: Any = None
    read_cache: ReadCache = field(default_factory=ReadCache, repr=False)
    _clients: dict[tuple[str, str | None], Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _identity: dict[str, str] | None = field(default=None, repr=False)
    budget: RunBudget | None = None  # the run's deadline and dead-endpoint breaker

    def __post_init__(self) -> None:
        if self.settings.endpoint_url:
            check_endpoint_url(self.settings.endpoint_url, sandbox=self.settings.sandbox)
        if self.boto3_session is None:
            # lazy: boto3 650 ms (-X importtime); only the live AWS path needs it
            import boto3

            from wizard.aws.botocore_data import botocore_session  # lazy: with boto3

            with aws_errors(manual="aws configure list"):
                self.boto3_session = boto3.Session(
                    profile_name=self.settings.profile,
                    region_name=self.settings.region,
                    botocore_session=botocore_session(self.settings.profile),
                )

    @property
    def region(self) -> str | None:
        region = self.settings.region or self.boto3_session.region_name
        if region is None and self.settings.endpoint_url:
            # An emulator answers in any region; its URLs name none, so pick AWS's default.
            host = urlsplit(self.settings.endpoint_url).hostname or ""
            if is_loopback_host(host):
                return EMULATOR_DEFAULT_REGION
        return region

    @property
    def endpoint_url(self) -> str | None:
        return self.settings.endpoint_url

    def with_region(self, region: str) -> AwsSession:
        """The same credentials in another region (e.g. the region of an invoke URL): the
        same read cache, and the identity already read (who we are is not regional)."""
        if region == self.region:
            return self
        settings = AwsSettings(**{**self.settings.__dict__, "region": region})
        return AwsSession(
            settings=settings,
            boto3_session=self.boto3_session,
            read_cache=self.read_cache,
            budget=self.budget,
            _identity=self._identity,
        )

    def config(self) -> Any:
        # lazy: botocore 170-300 ms (-X importtime); only the live/signing path needs it
        from botocore.config import Config

        s = self.settings
        return Config(
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            retries={"mode": "adaptive", "max_attempts": s.max_attempts},
            user_agent_extra=USER_AGENT,
        )

    def client(self, service: str, region: str | None = None) -> Any:
        """A cached client; boto3 clients are thread-safe, session.client() is not."""
        key = (service, region or self.region)
        with self._lock:
            if key not in self._clients:
                with aws_errors(manual="aws configure list"):
                    made = self.boto3_session.client(
                        service,
                        region_name=key[1],
                        endpoint_url=self.settings.endpoint_url,
                        config=self.config(),
                    )
                # The run's budget counts what is sent; the read cache answers repeats unsent.
                budgeted = self.budget.install(made) if self.budget else made
                self._clients[key] = self.read_cache.install(budgeted)
            return self._clients[key]

    def build_clients_ahead(
        self, services: tuple[str, ...], *, once: threading.Event
    ) -> threading.Thread:
        """Build these clients (in this session's region) on a daemon thread once `once` is set
        (a request is on the wire): a client costs ~11 ms of CPU (its service model, endpoint
        rules), paid while that request waits on the network instead of in front of the next
        call; started earlier it would hold the GIL in front of the request itself. Nothing
        is sent; a client that cannot be built here is built (its error raised) when asked for."""

        def build() -> None:
            once.wait()
            for service in services:
                try:
                    self.client(service)
                except Exception:  # asked for again later, and raised there
                    return

        worker = threading.Thread(target=build, name="clients_ahead", daemon=True)
        worker.start()
        return worker

    def credentials(self) -> Any:
        """Frozen credentials for SigV4 signing (None when there are none)."""
        creds = self.boto3_session.get_credentials()
        return None if creds is None else creds.get_frozen_credentials()

    def caller_identity(self) -> dict[str, str]:
        """Who we are (shown before anything runs): account_id, caller_arn, user_id."""
        if self._identity is None:
            with aws_errors("sts:GetCallerIdentity", manual="aws sts get-caller-identity"):
                ident = self.client("sts").get_caller_identity()
            self._identity = {
                "account_id": str(ident["Account"]),
                "caller_arn": str(ident["Arn"]),
                "user_id": str(ident["UserId"]),
            }
        return dict(self._identity)

    def describe(self) -> dict[str, Any]:
        return {
            "profile": self.settings.profile,
            "region": self.region,
            "endpoint_url": self.endpoint_url,
        }


def open_session(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    sandbox: bool = False,
) -> AwsSession:
    """The session for `--profile`, `--region`, `--endpoint-url` (else $AWS_ENDPOINT_URL).

    Raises SessionError (bad endpoint: a usage error) or ProbeError(CREDENTIALS) when the
    profile does not exist; call `caller_identity()` next to show who runs the wizard.
    """
    endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    settings = AwsSettings(
        profile=profile,
        region=region,
        endpoint_url=check_endpoint_url(endpoint, sandbox=sandbox) if endpoint else None,
        sandbox=sandbox,
    )
    return AwsSession(settings=settings)


def session_for(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> AwsSession:
    """The one rule from the command-line flags to a session, for every front end.

    An endpoint on this machine (an emulator such as the demo's) with no `--profile` gets the
    emulator's dummy credentials: the demo needs none of yours, and your real access key id is
    never sent to a local process. Anything else is `open_session` (the standard chain).
    """
    endpoint = (endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or "").strip()
    if endpoint and not profile and is_loopback_host(urlsplit(endpoint).hostname or ""):
        return sandbox_session(endpoint, region or EMULATOR_DEFAULT_REGION)
    return open_session(profile=profile, region=region, endpoint_url=endpoint or None)


def sandbox_session(endpoint_url: str, region: str = "us-east-1") -> AwsSession:
    """A session for the emulator: MiniStack's dummy credentials, loopback only."""
    # lazy: boto3 650 ms (-X importtime); only the live AWS path needs it
    import boto3

    from wizard.aws.botocore_data import botocore_session  # lazy: with boto3

    check_endpoint_url(endpoint_url, sandbox=True)
    b3 = boto3.Session(
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name=region,
        botocore_session=botocore_session(),
    )
    return AwsSession(
        settings=AwsSettings(region=region, endpoint_url=endpoint_url, sandbox=True),
        boto3_session=b3,
    )
