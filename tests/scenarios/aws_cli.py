"""Run a command the wizard printed with the real AWS CLI, as a user would paste it.

The command is split the way a POSIX shell splits it (it was rendered with shlex quoting), must
start with `aws` and target the emulator on loopback. It runs as a subprocess (`python -m
awscli`, the awscli of the test extra) with the emulator's dummy credentials and empty config
and credentials files, so nothing of the machine's own AWS set-up can leak in or be used.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from wizard.sandbox.demo import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY


class CliFailed(AssertionError):
    """The AWS CLI refused a printed command (exit status and its stderr)."""


def _endpoint(argv: list[str]) -> str:
    try:
        return argv[argv.index("--endpoint-url") + 1]
    except (ValueError, IndexError):
        raise AssertionError(f"no --endpoint-url in {argv!r}: it would reach AWS") from None


def run_printed(command: str, home: Path, timeout: float = 120) -> str:
    """Run one printed `aws ...` command; return its stdout, raise CliFailed on a non-zero exit."""
    argv = shlex.split(command)
    assert argv and argv[0] == "aws", f"not an AWS CLI command: {command!r}"
    host = urlsplit(_endpoint(argv)).hostname
    assert host in ("127.0.0.1", "localhost"), f"{command!r} targets {host}, not loopback"
    config = home / "aws-config"
    credentials = home / "aws-credentials"
    config.touch()
    credentials.touch()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_ACCESS_KEY_ID": SANDBOX_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SANDBOX_SECRET_KEY,
        "AWS_PAGER": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "awscli", *argv[1:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise CliFailed(f"{command!r} exited {done.returncode}: {done.stderr.strip()[-800:]}")
    return done.stdout


def run_all(commands: list[str], home: Path) -> None:
    for command in commands:
        run_printed(command, home)
