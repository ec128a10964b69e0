"""pytest fixtures over wizard.sandbox.emulator: MiniStack on 127.0.0.1 over real HTTP.

- `ministack` (session): one emulator for the whole run, AUTH off.
- `ministack_auth` (session): a second emulator with AUTH=true (SigV4 and resource policies enforced).
- `aws` / `aws_auth` (function): reset the emulator, then a boto3 Session (test/test, us-east-1).
  Point clients at `ministack.endpoint_url`, or use `aws_client(name)`.
- `mock_get(apigw, api_id, resource_id)`: a GET method answered by a MOCK 200 integration, for
  tests that build their own small API.
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


def mock_get(
    apigw: Any,
    api_id: str,
    resource_id: str,
    *,
    authorization: str = "NONE",
    api_key_required: bool = False,
    responses: bool = True,
) -> None:
    """A GET method on `resource_id` whose MOCK integration answers 200 (with `responses`, the
    method and integration responses that give it the body {"ok": true})."""
    apigw.put_method(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod="GET",
        authorizationType=authorization,
        apiKeyRequired=api_key_required,
    )
    apigw.put_integration(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod="GET",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    if not responses:
        return
    apigw.put_method_response(
        restApiId=api_id, resourceId=resource_id, httpMethod="GET", statusCode="200"
    )
    apigw.put_integration_response(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod="GET",
        statusCode="200",
        responseTemplates={"application/json": '{"ok": true}'},
    )
