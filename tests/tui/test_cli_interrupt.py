"""The demo-signal flake (exit -2 after "interrupted"): once main() has handled Ctrl-C, a second
SIGINT during exit must not raise KeyboardInterrupt again (unhandled at the top, CPython then
kills itself with SIGINT: -2 instead of 130)."""

from __future__ import annotations

import argparse
import signal
from typing import Any, NoReturn

import pytest

from wizard import cli, exitcodes


def test_after_an_interrupt_a_second_sigint_is_ignored(monkeypatch: Any, capsys: Any) -> None:
    def interrupted(_args: argparse.Namespace) -> NoReturn:
        raise KeyboardInterrupt

    parser = argparse.ArgumentParser()
    parser.set_defaults(command="stub", func=interrupted)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    before = signal.getsignal(signal.SIGINT)
    try:
        assert cli.main([]) == exitcodes.INTERRUPTED
        assert "interrupted" in capsys.readouterr().err
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        signal.raise_signal(signal.SIGINT)  # the second Ctrl-C: nothing is raised
    except KeyboardInterrupt:
        pytest.fail("a second SIGINT after the handled interrupt raised KeyboardInterrupt")
    finally:
        signal.signal(signal.SIGINT, before)
