"""Shared fixtures. The MiniStack emulator fixtures live in tests/emulator.py."""

import os
import tempfile
from pathlib import Path

import pytest
from emulator import aws, aws_auth, aws_client, ministack, ministack_auth

__all__ = ["aws", "aws_auth", "aws_client", "ministack", "ministack_auth"]

# Validated playbooks and catalogues go to a directory of this run, not the user's cache (the
# subprocesses the CLI tests start inherit it).
os.environ.setdefault("APIGW_WIZARD_CACHE_DIR", tempfile.mkdtemp(prefix="apigw-wizard-cache-"))


@pytest.fixture(autouse=True)
def _own_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own platformdirs state directory (the change journals live there):
    no test writes under the real home directory or sees another test's journals."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state
