"""pytest fixtures over wizard.sandbox.emulator: MiniStack on 127.0.0.1 over real HTTP.

- `ministack` (session): one emulator for the whole run, AUTH off.
- `ministack_auth` (session): a second emulator with AUTH=true (SigV4 and resource policies enforced).
- `aws` / `aws_auth` (function): reset the emulator, then a boto3 Session (test/test, us-east-1).
  Point clients at `ministack.endpoint_url`, or use `aws_client(name)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wizard.sandbox import emulator as emu_mod


def _start(tmp_path_factory: pytest.TempPathFactory, *, auth: bool) -> Iterator[emu_mod.Emulator]:
    if not emu_mod.ministack_available():
        pytest.skip("ministack is not importable: install the `test` or `demo` extra")
    tmpdir = tmp_path_factory.mktemp("ministack-auth" if auth else "ministack")
    try:
        emu = emu_mod.start(tmpdir=tmpdir, auth=auth)
    except emu_mod.EmulatorError as exc:
        pytest.fail(f"MiniStack failed to start: {exc}")
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session")
def ministack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[emu_mod.Emulator]:
    yield from _start(tmp_path_factory, auth=False)


@pytest.fixture(scope="session")
def ministack_auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[emu_mod.Emulator]:
    yield from _start(tmp_path_factory, auth=True)


@pytest.fixture
def aws(ministack: emu_mod.Emulator) -> Any:
    """A fresh (reset) emulator and a boto3 Session for it."""
    ministack.reset()
    return ministack.boto3_session()


@pytest.fixture
def aws_auth(ministack_auth: emu_mod.Emulator) -> Any:
    ministack_auth.reset()
    return ministack_auth.boto3_session()


@pytest.fixture
def aws_client(aws: Any, ministack: emu_mod.Emulator) -> Callable[[str], Any]:
    """`aws_client("apigateway")` → a client bound to the reset emulator."""

    def make(service: str) -> Any:
        return aws.client(service, endpoint_url=ministack.endpoint_url)

    return make
