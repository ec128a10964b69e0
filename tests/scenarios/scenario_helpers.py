"""Helpers for the scenario suite: run `diagnose` in-process against a scenario's sandbox."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from wizard.cli import main
from wizard.sandbox.config_dump import dump_text
from wizard.sandbox.demo import (
    Reproduction,
    Sandbox,
    SentRequest,
    diagnose_argv,
    sandbox_credentials,
)


def run_diagnose(
    box: Sandbox,
    repro: Reproduction,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    sent: SentRequest | None = None,
    apply: bool = False,
    yes: bool = False,
    stdin: str = "",
) -> tuple[int, dict[str, Any]]:
    """`apigw-wizard diagnose --format json` for the failing request, as the demo runs it."""
    argv = diagnose_argv(
        box.endpoint_url,
        sent or repro.symptom,
        repro.provisioned,
        fmt="json",
        apply=apply,
        yes=yes,
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    with sandbox_credentials():
        code = main(argv)
    captured = capsys.readouterr()
    try:
        return code, json.loads(captured.out)
    except ValueError:
        pytest.fail(f"diagnose exit {code} printed no JSON; stderr: {captured.err[-1500:]}")


def fresh_dump(box: Sandbox, api_id: str) -> str:
    """The API's whole configuration (`config_dump.dump_text`) read from the emulator now. The
    sandbox session's read cache is emptied first: `diagnose` and the AWS CLI write through
    sessions of their own, so it would answer with what it read before they changed anything."""
    box.aws().read_cache.clear()
    return dump_text(box.aws().client, api_id)
