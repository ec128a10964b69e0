"""HTTP and WebSocket APIs diagnosed from every URL form the emulator serves for them.

MiniStack serves an apigatewayv2 API at `/_aws/execute-api/{api}/{stage}/...`, at the host
`{api}.execute-api.localhost:PORT/{stage}/...` (a name under .localhost is loopback, RFC 6761;
the wizard connects to 127.0.0.1 and keeps the name in the Host header), at the legacy
`/restapis/{api}/{stage}/_user_request_/...`, and, for an HTTP API on the `$default` stage,
with no stage segment at all. For each: the same 403 is reproduced, `diagnose` names the
scenario's cause first with 0 questions, and the fix it prints names the real ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from scenario_helpers import run_diagnose

from wizard.aws.reproduce import send
from wizard.sandbox.demo import Reproduction, Sandbox, SentRequest
from wizard.sandbox.scenario import load_scenario

pytestmark = [pytest.mark.emulator, pytest.mark.slow]


def _forms(endpoint: str, api_id: str, stage: str, path: str, scheme: str = "http") -> list[str]:
    port = urlsplit(endpoint).port
    base = f"{scheme}://127.0.0.1:{port}"
    stage_part = f"/{stage}" if stage else ""
    return [
        f"{base}/_aws/execute-api/{api_id}{stage_part}{path}",
        f"{scheme}://{api_id}.execute-api.localhost:{port}{stage_part}{path}",
        f"{base}/restapis/{api_id}/{stage or '$default'}/_user_request_{path}",
    ]


def _diagnose_at(
    box: Sandbox,
    repro: Reproduction,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, dict[str, Any]]:
    symptom = repro.symptom
    moved = SentRequest(symptom.request, url, symptom.headers, symptom.result, [])
    return run_diagnose(box, repro, monkeypatch, capsys, sent=moved)


@pytest.fixture(scope="module")
def http_api() -> Iterator[tuple[Sandbox, Reproduction]]:
    with Sandbox(load_scenario("httpapi-lambda-authorizer-deny")) as box:
        box.provision()
        yield box, box.reproduce()


@pytest.fixture(scope="module")
def default_stage() -> Iterator[tuple[Sandbox, Reproduction]]:
    scenario = load_scenario("httpapi-jwt-insufficient-scope")
    api = scenario.api.model_copy(update={"stage": "$default"})
    with Sandbox(scenario.model_copy(update={"api": api})) as box:
        box.provision()
        yield box, box.reproduce()


@pytest.fixture(scope="module")
def ws_api() -> Iterator[tuple[Sandbox, Reproduction]]:
    with Sandbox(load_scenario("ws-connect-denied")) as box:
        box.provision()
        yield box, box.reproduce()


@pytest.mark.parametrize("form", [0, 1, 2], ids=["aws-path", "localhost-host", "restapis-path"])
def test_http_api_every_url_form(
    form: int,
    http_api: tuple[Sandbox, Reproduction],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    box, repro = http_api
    out = repro.provisioned
    url = _forms(box.endpoint_url, out.api_id, out.stage, "/orders")[form]
    assert send("GET", url, headers=repro.symptom.headers).status_code == 403
    code, result = _diagnose_at(box, repro, url, monkeypatch, capsys)
    assert result["causes"][0]["id"] == "httpapi-lambda-authorizer-deny", (
        [p["node"] for p in result["path"]],
        result["probe_failures"],
    )
    assert result["questions"] == 0
    assert code == 1
    (ttl,) = [f for f in result["fixes"] if f["fix"] == "fix-httpapi-authorizer-ttl"]
    assert f"--authorizer-id {out.authorizer_ids['orders-authorizer']}" in ttl["cli"][0]


@pytest.mark.parametrize("form", [0, 1], ids=["aws-path", "localhost-host"])
def test_http_api_on_default_stage_without_a_stage_segment(
    form: int,
    default_stage: tuple[Sandbox, Reproduction],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    box, repro = default_stage
    out = repro.provisioned
    url = _forms(box.endpoint_url, out.api_id, "", "/orders")[form]
    assert send("GET", url, headers=repro.symptom.headers).status_code == 403
    _code, result = _diagnose_at(box, repro, url, monkeypatch, capsys)
    assert result["causes"][0]["id"] == "httpapi-jwt-insufficient-scope", (
        [p["node"] for p in result["path"]],
        result["probe_failures"],
    )
    assert result["questions"] == 0
    (scopes,) = [f for f in result["fixes"] if f["fix"] == "fix-route-scopes-from-token"]
    assert f"--route-id {out.route_ids['GET /orders']}" in scopes["cli"][0]


@pytest.mark.parametrize("form", [0, 1], ids=["aws-path", "localhost-host"])
def test_websocket_api_every_url_form(
    form: int,
    ws_api: tuple[Sandbox, Reproduction],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    box, repro = ws_api
    out = repro.provisioned
    url = _forms(box.endpoint_url, out.api_id, out.stage, "", scheme="ws")[form]
    assert send("GET", url, headers=repro.symptom.headers).status_code == 403
    code, result = _diagnose_at(box, repro, url, monkeypatch, capsys)
    assert result["causes"][0]["id"] == "ws-connect-denied", (
        [p["node"] for p in result["path"]],
        result["probe_failures"],
    )
    assert result["questions"] == 0
    assert code == 1
