"""`apigw-wizard demo` as a command: listing, bad input, a missing or blocked emulator, the
text output of a fixed incident, and the interactive hand-over refused without a terminal."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from wizard.cli import main
from wizard.sandbox import emulator
from wizard.sandbox.scenario import list_scenarios


def test_list_names_every_scenario_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--list"]) == 0
    out = capsys.readouterr().out
    for s in list_scenarios():
        assert any(line.startswith(s.name) and s.description in line for line in out.splitlines())


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_name = {r["name"]: r for r in rows}
    assert by_name["rp-explicit-deny"]["auth"] is True
    assert by_name["authz-cache-scoped-policy"]["cause"] == "authz-cache-scoped-policy"


def test_unknown_scenario_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--scenario", "nope", "--headless"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no scenario 'nope'" in err and "authz-cache-scoped-policy" in err


def test_apply_and_json_need_headless(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--apply"]) == 2
    assert "--headless" in capsys.readouterr().err
    assert main(["demo", "--format", "json"]) == 2
    assert "--format json goes with --headless or --list" in capsys.readouterr().err


def test_missing_emulator_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(emulator, "ministack_available", lambda: False)
    assert main(["demo", "--headless"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "apigw-wizard: demo: MiniStack (the demo's AWS emulator) is not installed: "
        "run `make demo` or `pip install 'apigw-wizard[demo]'`"
    )


@pytest.mark.emulator
def test_port_in_use_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(emulator, "free_port", lambda host="127.0.0.1": port)
        assert main(["demo", "--headless"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        f"apigw-wizard: demo: the emulator did not start: port {port} on 127.0.0.1 is already in use"
    )


@pytest.mark.emulator
def test_headless_apply_text_shows_the_same_call_now_succeeding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["demo", "--headless", "--apply", "--yes"])
    captured = capsys.readouterr()
    assert code == 0, captured.err[-2000:]
    assert "Diagnosis: Authorizer cache serves a policy" in captured.out
    assert (
        "After the fix, the same call: update-profile: POST /dashboard/update-profile -> 200"
        in (captured.out)
    )
    assert "update-profile: POST /dashboard/update-profile -> 403 AccessDeniedException" in (
        captured.err
    )
    # The 200 after the fix is the point, not a failed reproduction.
    assert "NOT what the scenario expects" not in captured.out + captured.err


@pytest.mark.emulator
def test_interactive_without_a_terminal_says_use_headless() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wizard.cli", "demo", "--scenario", "mat-route-not-found"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "wrong-path: GET /order -> 403 MissingAuthenticationTokenException" in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert (
        "apigw-wizard: demo: the interactive wizard needs a terminal; "
        "use `apigw-wizard demo --headless` (add --apply to fix it)"
    ) in lines
    assert lines[-1] == "The emulator is stopped; nothing of the demo is left running."
