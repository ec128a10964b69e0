"""Lifecycle of the embedded AWS emulator (MiniStack) used by the demo and the tests.

MiniStack listens on every interface by default and starts an IoT mTLS and an SFTP listener;
we always bind it to 127.0.0.1, disable both, give it its own TMPDIR (its PID file and Lambda
work dirs land there) and a free port, and stop it by the PID we started — never by name.
MiniStack runs through `python -m wizard.sandbox.fidelity`, which adds the API Gateway
behaviours it lacks (docs/emulator.md) in its own process before serving.
No pytest imports here: the demo reuses this module.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from wizard.sandbox.fidelity.loopback import require_loopback

LOOPBACK = "127.0.0.1"
DEFAULT_REGION = "us-east-1"
# MiniStack's default account (every dummy access key maps to it).
DEFAULT_ACCOUNT_ID = "000000000000"
# The emulator's entry module: MiniStack plus the fidelity layer. `fidelity=False` serves
# MiniStack alone (the start-up benchmark compares the two).
FIDELITY_MODULE = "wizard.sandbox.fidelity"


class EmulatorError(RuntimeError):
    """The emulator could not be started, or died, or is not installed."""


def ministack_available() -> bool:
    """Whether the optional `ministack` package (the `demo` extra) is importable."""

    return importlib.util.find_spec("ministack") is not None


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that was free on `host` a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_is_listening(port: int, host: str = LOOPBACK) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


@dataclass
class Emulator:
    """A running MiniStack subprocess on 127.0.0.1."""

    port: int
    process: subprocess.Popen[bytes]
    tmpdir: Path
    auth: bool = False
    log_path: Path | None = None
    region: str = DEFAULT_REGION
    _log_handle: object | None = field(default=None, repr=False)
    _stopped: bool = field(default=False, repr=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def data_plane_url(self, api_id: str, stage: str, path: str = "/") -> str:
        """MiniStack's execute-api URL for a REST API request (`path` after the stage)."""
        rel = path.lstrip("/")
        return (
            f"{self.endpoint_url}/restapis/{quote(api_id, safe='')}/{quote(stage, safe='')}"
            f"/_user_request_/{quote(rel, safe='/')}"
        )

    def ready(self, timeout: float = 2.0) -> bool:
        """True when `GET /_ministack/ready` answers 200."""
        try:
            with urllib.request.urlopen(
                f"{self.endpoint_url}/_ministack/ready", timeout=timeout
            ) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError, TimeoutError):
            return False

    def reset(self, timeout: float = 30.0) -> None:
        """Wipe every service's state (`POST /_ministack/reset`)."""
        req = urllib.request.Request(f"{self.endpoint_url}/_ministack/reset", method="POST")
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if resp.status != 200:
                raise EmulatorError(f"MiniStack reset answered HTTP {resp.status}")
            resp.read()

    def log_tail(self, max_chars: int = 4000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-max_chars:]

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the process we started (SIGTERM, wait, then SIGKILL), then anything left in
        the process group it leads (its Lambda workers), which only it could have created."""
        if self._stopped:
            return  # never signal a process group twice: its id may be reused afterwards
        self._stopped = True
        atexit.unregister(self.stop)
        proc = self.process
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        handle = self._log_handle
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.close()  # type: ignore[attr-defined]
            self._log_handle = None

    def boto3_session(self) -> object:
        """A boto3 Session with MiniStack's dummy credentials (imported lazily)."""
        # lazy: boto3 650 ms (-X importtime); only the live AWS path needs it
        import boto3

        return boto3.Session(
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name=self.region,
        )

    def describe(self) -> dict[str, object]:
        return {
            "endpoint_url": self.endpoint_url,
            "port": self.port,
            "pid": self.pid,
            "auth": self.auth,
            "tmpdir": str(self.tmpdir),
        }

    def __str__(self) -> str:
        return json.dumps(self.describe())


def emulator_env(port: int, tmpdir: Path, *, auth: bool = False) -> dict[str, str]:
    """The environment MiniStack runs with: loopback only, no extra listeners."""
    env = dict(os.environ)
    # Never let an outer AWS config leak into the emulator process.
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        env.pop(key, None)
    env.update(
        {
            "BIND_HOST": LOOPBACK,
            "IOT_MTLS_ENABLED": "0",
            "SFTP_ENABLED": "0",
            "GATEWAY_PORT": str(port),
            "TMPDIR": str(tmpdir),
            "AUTH": "true" if auth else "false",
            "PERSIST_STATE": "0",
            "LOG_LEVEL": env.get("MINISTACK_LOG_LEVEL", "WARNING"),
        }
    )
    return env


def start(
    *,
    tmpdir: Path | None = None,
    port: int | None = None,
    auth: bool = False,
    ready_timeout: float = 60.0,
    extra_env: Mapping[str, str] | None = None,
    fidelity: bool = True,
) -> Emulator:
    """Start MiniStack on 127.0.0.1 and wait until `/_ministack/ready` answers."""
    if not ministack_available():
        raise EmulatorError(
            "MiniStack is not installed: pip install 'apigw-wizard[demo]' (or `pip install ministack`)"
        )
    workdir = Path(tmpdir) if tmpdir is not None else Path(tempfile.mkdtemp(prefix="ministack-"))
    workdir.mkdir(parents=True, exist_ok=True)
    chosen = port if port is not None else free_port()
    if port_is_listening(chosen):
        raise EmulatorError(f"port {chosen} on {LOOPBACK} is already in use")
    env = emulator_env(chosen, workdir, auth=auth)
    if extra_env:
        env.update(extra_env)
    require_loopback(env["BIND_HOST"])  # extra_env may not widen the bind
    log_path = workdir / "ministack.log"
    log_handle = open(log_path, "wb")  # noqa: SIM115 - kept open for the child's lifetime
    process = subprocess.Popen(
        [sys.executable, "-m", FIDELITY_MODULE if fidelity else "ministack"],
        env=env,
        cwd=str(workdir),
        stdin=subprocess.DEVNULL,
        stdout=log_handle,
        stderr=subprocess.STDOUT,
        # Its own process group: Ctrl-C reaches us, not the emulator mid-request, and stop()
        # can reap the Lambda workers it forks. `running()` / atexit stop it on every path.
        start_new_session=True,
    )
    emu = Emulator(
        port=chosen,
        process=process,
        tmpdir=workdir,
        auth=auth,
        log_path=log_path,
        _log_handle=log_handle,
    )
    atexit.register(emu.stop)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            emu.stop()
            raise EmulatorError(
                f"MiniStack exited with code {process.returncode} before it was ready: "
                f"{emu.log_tail(600).strip()}"
            )
        if emu.ready(timeout=1.0):
            return emu
        time.sleep(0.1)
    emu.stop()
    raise EmulatorError(f"MiniStack did not become ready within {ready_timeout:.0f}s")


@contextlib.contextmanager
def running(*, tmpdir: Path | None = None, auth: bool = False) -> Iterator[Emulator]:
    """`with running() as emu:` — the emulator is stopped on every exit path."""
    emu = start(tmpdir=tmpdir, auth=auth)
    try:
        yield emu
    finally:
        emu.stop()
