"""`apigw-wizard serve` without a browser: loopback unless --public, the served app's argv, and
an app started from that argv with no shell between (hostile flags arrive as one argument)."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.commands.serve import app_argv, is_loopback
from wizard.ui.serve import ExecAppService


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "my-laptop"])
def test_a_host_other_than_loopback_needs_public(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", host]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--public" in err and "AWS session" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


def test_the_served_app_gets_the_tui_flags_top_level_or_after_serve() -> None:
    from wizard.cli import build_parser

    args = build_parser().parse_args(
        ["--profile", "prod", "serve", "--region", "eu-west-1", "--url", "https://x", "--method",
         "POST", "--endpoint-url", "http://127.0.0.1:4566", "--config", "k.toml"]
    )  # fmt: skip
    assert app_argv(args)[3:] == [
        "--profile", "prod", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:4566",
        "--url", "https://x", "--method", "POST", "--config", "k.toml",
    ]  # fmt: skip
    assert app_argv(argparse.Namespace())[:3] == [sys.executable, "-m", "wizard.cli"]


def test_the_app_is_started_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    hostile = [f"x; touch {marker}", f"$(touch {marker})", "`id`", "a b"]
    argv = [sys.executable, "-c", "import sys; print(sys.argv[1:])", *hostile]

    async def start() -> bytes:
        async def nothing(*_: object) -> None:
            return None

        service = ExecAppService(
            shlex.join(argv),
            write_bytes=nothing,
            write_str=nothing,
            close=nothing,
            download_manager=None,  # type: ignore[arg-type]
        )
        process = await service._open_app_process()
        out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
        return out

    out = asyncio.run(start()).decode()
    assert out.strip() == repr(hostile)
    assert not marker.exists()
