"""The fidelity layer serves on loopback only: the guard, the entry module and the launcher."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from wizard.sandbox import emulator
from wizard.sandbox.fidelity.loopback import NotLoopbackError, is_loopback, require_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]"])
def test_loopback_literals_pass(host):
    assert is_loopback(host)
    assert require_loopback(host) == host


@pytest.mark.parametrize("host", ["", "0.0.0.0", "::", "10.0.0.5", "localhost", "example.com"])
def test_everything_else_is_refused(host):
    assert not is_loopback(host)
    with pytest.raises(NotLoopbackError, match=r"only 127\.0\.0\.1 or ::1"):
        require_loopback(host)


@pytest.mark.parametrize("bind", [None, "0.0.0.0"])
def test_the_entry_module_refuses_before_importing_ministack(bind, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BIND_HOST"}
    if bind is not None:
        env["BIND_HOST"] = bind
    done = subprocess.run(
        [sys.executable, "-m", emulator.FIDELITY_MODULE],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "refusing to serve on" in done.stderr


def test_the_launcher_refuses_to_widen_the_bind(tmp_path):
    with pytest.raises(NotLoopbackError):
        emulator.start(tmpdir=tmp_path, extra_env={"BIND_HOST": "0.0.0.0"})
