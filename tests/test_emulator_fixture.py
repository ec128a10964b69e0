"""The emulator fixture itself: loopback only, reset works, stop leaves nothing listening."""

from __future__ import annotations

import time

import pytest

from wizard.sandbox import emulator as emu_mod

pytestmark = pytest.mark.emulator


def test_fixture_is_on_loopback_and_answers_boto3(ministack, aws):
    assert ministack.endpoint_url.startswith("http://127.0.0.1:")
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = apigw.create_rest_api(name="fixture-check")
    assert [i["id"] for i in apigw.get_rest_apis()["items"]] == [api["id"]]


def test_reset_between_tests_wipes_state(ministack, aws):
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    assert apigw.get_rest_apis()["items"] == []


def test_data_plane_url_shape(ministack):
    url = ministack.data_plane_url("abc123", "prod", "/dashboard/update-profile")
    assert (
        url
        == f"{ministack.endpoint_url}/restapis/abc123/prod/_user_request_/dashboard/update-profile"
    )


def test_start_and_stop_leaves_no_listener(tmp_path):
    if not emu_mod.ministack_available():
        pytest.skip("ministack is not importable")
    emu = emu_mod.start(tmpdir=tmp_path)
    port, proc = emu.port, emu.process
    assert emu_mod.port_is_listening(port)
    emu.stop()
    assert proc.poll() is not None
    assert not emu_mod.port_is_listening(port)


def test_stop_reaps_the_lambda_workers(tmp_path):
    """MiniStack forks a worker per Lambda function; none may outlive stop()."""
    import os

    from wizard.aws.session import sandbox_session
    from wizard.sandbox.provision import provision
    from wizard.sandbox.replay import replay
    from wizard.sandbox.scenario import load_scenario

    if not emu_mod.ministack_available():
        pytest.skip("ministack is not importable")
    emu = emu_mod.start(tmpdir=tmp_path)
    try:
        scenario = load_scenario("authz-cache-scoped-policy")
        session = sandbox_session(emu.endpoint_url)
        replay(scenario, provision(scenario, session.client, endpoint_url=emu.endpoint_url))
        group = [
            int(p)
            for p in os.listdir("/proc")
            if p.isdigit() and _pgid(int(p)) == emu.pid and int(p) != emu.pid
        ]
        assert group, "the authorizer ran in a worker process"
    finally:
        emu.stop()
    emu.stop()  # idempotent
    deadline = time.monotonic() + 5
    while [p for p in group if _alive(p)] and time.monotonic() < deadline:
        time.sleep(0.05)  # SIGKILL is delivered asynchronously
    assert not [p for p in group if _alive(p)]


def _pgid(pid: int) -> int | None:
    try:
        return int(_stat(pid)[2])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        state = _stat(pid)[0]
    except OSError:
        return False
    return state != "Z"


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (state, ppid, pgrp, ...)."""
    from pathlib import Path

    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
