"""Shared ways to call the CLI in the command tests: in-process through `main` (fast, for exit
codes and output) or as `python -m wizard` in a subprocess (the real entry point, real stdin)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wizard.cli import main


def call_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `apigw-wizard ARGV` run in this process."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_wizard(
    *argv: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m wizard ARGV` in a subprocess, its output decoded as UTF-8."""
    proc = subprocess.run(
        [sys.executable, "-m", "wizard", *argv],
        input=stdin,
        capture_output=True,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )
