"""Live, on MiniStack over real HTTP: every demo scenario (wizard/sandbox/scenarios) is
provisioned and reproduced, the main playbook is walked live against it, and the report of that
session is rendered in every format: no raw token or API key value, no account id. The seed
incident also goes through `diagnose --apply --yes --report` in this process, and its change
record is checked in full: the exact command, its result, the verification (the POST now
succeeds) and the rollback command."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

import wizard.investigation.report
from wizard.cli import main
from wizard.investigation.report import render_report
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import RequestSpec, Scenario, list_scenarios, load_scenario

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

SCENARIOS = list_scenarios()


def _secrets(out: Provisioned) -> list[str]:
    # "Bearer <jwt>" -> the jwt; its first 64 characters: a value the report shortens for
    # display (a 900-character Cognito token) leaks as much as a whole one
    values = [t.split(" ", 1)[-1][:64] for t in out.tokens.values()]
    values += [k["value"] for k in out.api_keys.values() if k.get("value")]
    return [v for v in values if len(v) >= 16]


def _reproduce(scenario: Scenario, out: Provisioned) -> RequestSpec:
    """Send the scenario's requests up to its symptom (the 403 the incident is about)."""
    symptom = scenario.symptom_request()
    for request in scenario.requests:
        status = send_request(request, out).status_code
        if request is symptom:
            assert status == request.expect.status
            return symptom
    raise AssertionError("the symptom request was not sent")


def _inputs(request: RequestSpec, out: Provisioned) -> dict[str, Any]:
    inputs: dict[str, Any] = {"url": out.url(request.path), "method": request.method}
    if request.token is not None:
        inputs["token"] = out.tokens[request.token]
    if request.api_key is not None:
        inputs["api_key"] = out.api_keys[request.api_key]["value"]
    if request.headers:
        inputs["headers"] = dict(request.headers)
    return inputs


def _walk_live(scenario: Scenario, out: Provisioned, endpoint: str) -> dict[str, Any]:
    """The main playbook walked live against the emulator, every question answered the way an
    engineer who pastes nothing would: "I don't know" when allowed, else the default."""
    from tests.playbooks.walking import MAIN_PLAYBOOK, main_playbook
    from wizard.aws.session import sandbox_session
    from wizard.engine.facts import UNKNOWN
    from wizard.engine.session import Session

    session = Session(
        main_playbook(),
        inputs=_inputs(_reproduce(scenario, out), out),
        aws=sandbox_session(endpoint, out.region),
        playbook_path=str(MAIN_PLAYBOOK),
    )
    cancel = threading.Event()
    for _ in range(200):
        step = session.current()
        if session.ended or step is None:
            break
        if step.kind == "probe":
            session.run_probes(cancel)
            continue
        node: Any = step.node
        if node.allow_unknown:
            session.answer(UNKNOWN)
        elif step.default is not None:
            session.answer(step.default)
        elif node.choices:
            session.answer(node.choices[-1].value)
        else:
            session.answer("none")
    assert session.ended
    return session.to_dict()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_every_scenario_report_in_every_format_is_redacted(
    scenario: Scenario, request: pytest.FixtureRequest
) -> None:
    auth = scenario.emulator.auth
    emulator = request.getfixturevalue("ministack_auth" if auth else "ministack")
    aws = request.getfixturevalue("aws_auth" if auth else "aws")
    out = provision(
        scenario,
        lambda service: aws.client(service, endpoint_url=emulator.endpoint_url),
        endpoint_url=emulator.endpoint_url,
    )
    data = _walk_live(scenario, out, emulator.endpoint_url)
    secrets = _secrets(out)
    raw = render_report(data, "json", redact=False)
    if scenario.symptom_request().token is not None and '"name": "token"' in raw:
        # the walk carried the token: unredacted it shows, so the check below bites
        assert any(secret in raw for secret in secrets), scenario.name
    for fmt in ("md", "html", "json"):
        text = render_report(data, fmt)
        for secret in secrets:
            assert secret not in text, f"{scenario.name}: {fmt} leaks a token or key"
        assert out.account_id not in text, f"{scenario.name}: {fmt} shows the account id"
    doc = json.loads(render_report(data, "json"))
    assert doc["environment"]["region"] in (out.region, None)
    assert doc["timeline"] and doc["path"]["steps"]


def test_seed_apply_report_records_command_result_verification_rollback(
    aws_client: Any,
    ministack: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`diagnose --apply --yes --report` on the seed incident, in this process: the report it
    writes, and the same session in HTML and JSON."""
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    symptom = _reproduce(scenario, out)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": out.region,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    captured: list[Any] = []
    real = wizard.investigation.report.write_report

    def keep(inv: Any, path: Any, *a: Any, **kw: Any) -> Any:
        captured.append(inv)
        return real(inv, path, *a, **kw)

    monkeypatch.setattr(wizard.investigation.report, "write_report", keep)
    report_md = tmp_path / "report.md"
    args = ["diagnose", "--url", out.url(symptom.path), "--method", symptom.method]
    args += ["--token", out.tokens["alice"], "--endpoint-url", ministack.endpoint_url]
    code = main([*args, "--apply", "--yes", "--report", str(report_md)])
    streams = capsys.readouterr()
    assert code == 0, f"diagnose exit {code}: {streams.err[-1500:]}"
    (inv,) = captured
    data = inv.session.to_dict()
    texts = {
        "md (diagnose --report)": report_md.read_text(encoding="utf-8"),
        "html": render_report(data, "html"),
        "json": render_report(data, "json"),
    }
    for fmt, text in texts.items():
        for secret in _secrets(out):
            assert secret not in text, f"{fmt} leaks a token"
        assert out.account_id not in text, f"{fmt} shows the account id"
    doc = json.loads(texts["json"])
    assert doc["summary"]["cause_id"] == "authz-cache-scoped-policy"
    assert doc["prevention"]
    _check_seed_change(doc, out, texts["md (diagnose --report)"])
    # the live connection's caller is in the report diagnose wrote (masked like the account)
    masked = f"{out.account_id[:4]}****{out.account_id[-4:]}"
    assert f"AWS identity `arn:aws:iam::{masked}:" in texts["md (diagnose --report)"]


def _check_seed_change(doc: dict[str, Any], out: Provisioned, md: str) -> None:
    authorizer = out.authorizer_ids["jwt-authorizer"]
    (change,) = doc["changes"]
    assert change["fix_id"] == "fix-cache-ttl-zero"
    assert doc["summary"]["status"] == "resolved"
    assert change["by"].endswith("(--yes)")
    first = change["commands"][0]
    assert first.startswith(f"aws apigateway update-authorizer --rest-api-id {out.api_id}")
    assert f"--authorizer-id {authorizer}" in first and "value=0" in first
    assert change["results"][0]["status"] == "applied"
    assert len(change["results"]) == len(change["commands"])
    verification = change["verification"]
    assert verification["verified"] is True and verification["replay_status"] == 200
    assert any(c["ok"] for c in verification["checks"])
    assert any("authorizerResultTtlInSeconds,value=300" in c for c in change["rollback"])
    assert any("300" in d["text"] and "0" in d["text"] for d in change["changes"])
    # the Markdown shows the same commands and the rollback, as runnable lines
    assert first in md and change["rollback"][0] in md
    # the first page, in words
    brief = doc["brief"]
    assert brief["what_changed"][0].startswith(
        "Turn authorizer caching off (TTL 0): applied and verified"
    )
    assert (
        brief["verified"]
        == "Yes: after the fix the failing request was sent again and returned 200."
    )
    assert "Resolved at " in brief["impact_window"] and brief["next_step"] is None
