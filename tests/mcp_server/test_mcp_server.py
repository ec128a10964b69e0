"""`apigw-wizard mcp` through the SDK's own client: `ClientSession` over stdio against the real
command in a subprocess.

Offline tools must answer what the CLI prints with `--format json` (the same command runs behind
both); `diagnose` on the seed (MiniStack) must name the cause with no question; `apply_fix` must
change nothing when the human declines or the client cannot ask, and fix the request when they
accept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import types

from tests.cli.helpers import run_wizard
from tests.mcp_server.mcp_client import Elicit, connected, tool_json
from wizard.sandbox.config_dump import dump_rest_api
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SEED_LOG = ROOT / "tests" / "analysis" / "logs_data" / "seed_execution.log"
SEED_TEXT = (
    "HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: AccessDeniedException\n\n"
    '{"Message":"User is not authorized to access this resource"}\n'
    "The first call works, the next one to another route fails. Authorizer TTL is 300."
)


def session_call(
    calls: list[tuple[str, dict[str, Any]]],
    *,
    env: dict[str, str] | None = None,
    elicit: Elicit | None = None,
) -> list[types.CallToolResult]:
    """Run the tool calls in order on one server; the results, in order."""

    async def main() -> list[types.CallToolResult]:
        async with connected(env, elicit) as session:
            return [await session.call_tool(name, args) for name, args in calls]

    return anyio.run(main)


def _error(result: types.CallToolResult) -> str:
    assert result.is_error
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    return text.text


def _cli_json(*argv: str) -> tuple[int, Any]:
    proc = run_wizard(*argv, "--format", "json")
    return proc.returncode, json.loads(proc.stdout)


def test_tools_and_catalogue_resources_are_listed() -> None:
    async def main() -> tuple[list[str], list[str], list[str], str, bool]:
        async with connected() as session:
            tools = [t.name for t in (await session.list_tools()).tools]
            resources = [str(r.uri) for r in (await session.list_resources()).resources]
            templates = [
                t.uri_template for t in (await session.list_resource_templates()).resource_templates
            ]
            one = await session.read_resource("apigw-wizard://causes/authz-cache-scoped-policy")
            index = await session.read_resource("apigw-wizard://causes")
            content, listed = one.contents[0], index.contents[0]
            assert isinstance(content, types.TextResourceContents)
            assert isinstance(listed, types.TextResourceContents)
            ids = {c["id"] for c in json.loads(listed.text)}
            return tools, resources, templates, content.text, len(ids) == 39

    tools, resources, templates, cause, all_causes = anyio.run(main)
    assert sorted(tools) == sorted(
        [
            "explain",
            "diagnose",
            "policy_eval",
            "inspect_jwt",
            "simulate_cache",
            "scan_logs",
            "propose_fix",
            "apply_fix",
        ]
    )
    assert resources == ["apigw-wizard://causes"]
    assert templates == ["apigw-wizard://causes/{cause_id}"]
    assert json.loads(cause)["id"] == "authz-cache-scoped-policy"
    assert all_causes


def test_offline_tools_answer_what_the_cli_prints(tmp_path: Path) -> None:
    policy = ROOT / "examples" / "policies" / "ip-allow-list.json"
    arn = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets"
    scenario = ROOT / "examples" / "cache" / "first-call-works.yaml"
    (tmp_path / "report.txt").write_text(SEED_TEXT)
    results = session_call(
        [
            ("explain", {"text": SEED_TEXT}),
            ("policy_eval", {"policy": policy.read_text(), "arn": arn, "source_ip": "203.0.113.7"}),
            ("simulate_cache", {"scenario_file": str(scenario)}),
            ("scan_logs", {"path": str(SEED_LOG)}),
        ]
    )
    expected = [
        _cli_json("explain", "@" + str(tmp_path / "report.txt")),
        _cli_json(
            "policy", "eval", "--policy", str(policy), "--arn", arn, "--source-ip", "203.0.113.7"
        ),
        _cli_json("cache", "simulate", "--scenario", str(scenario)),
        _cli_json("logs", "scan", str(SEED_LOG)),
    ]
    for result, (code, data) in zip(results, expected, strict=True):
        got = tool_json(result)
        assert got["exit_code"] == code
        assert got["result"] == data


def test_jwt_is_read_by_reference_and_never_echoed(tmp_path: Path) -> None:
    import jwt

    token = jwt.encode(
        {"sub": "alice", "exp": 4102444800, "scope": "read"},
        "s3cret-key-long-enough-for-hs256",
        algorithm="HS256",
    )
    (tmp_path / "token.txt").write_text(token)
    by_env, by_file, neither = session_call(
        [
            ("inspect_jwt", {"token_env": "SEED_TOKEN", "ttl": 300}),
            ("inspect_jwt", {"token_file": str(tmp_path / "token.txt"), "ttl": 300}),
            ("inspect_jwt", {}),
        ],
        env={"SEED_TOKEN": token},
    )
    assert tool_json(by_env) == tool_json(by_file)
    assert tool_json(by_env)["result"]["claims"]["sub"] == "alice"
    assert token not in json.dumps(tool_json(by_env))
    assert token.split(".")[2] not in json.dumps(tool_json(by_env))  # the signature neither
    assert "token_file" in _error(neither)


def test_bad_input_is_a_one_line_tool_error() -> None:
    (explain_empty, bad_arn, unknown_cause, both) = session_call(
        [
            ("explain", {"text": "   "}),
            ("policy_eval", {"policy": '{"Statement": []}', "arn": "not-an-arn"}),
            ("propose_fix", {"cause_id": "no-such-cause"}),
            ("simulate_cache", {"scenario": "a: 1", "scenario_file": "/x"}),
        ]
    )
    for result in (explain_empty, bad_arn, unknown_cause, both):
        message = _error(result)
        assert "\n" not in message.strip() and "Traceback" not in message
    assert "empty" in _error(explain_empty)
    assert "--arn" in _error(bad_arn)


def test_propose_fix_renders_the_catalogue_fix_with_known_facts() -> None:
    (result,) = session_call(
        [
            (
                "propose_fix",
                {
                    "cause_id": "authz-cache-scoped-policy",
                    "facts": {"api_id": "a1b2c3d4e5", "authorizer_id": "abc123", "stage": "prod"},
                    "region": "eu-west-1",
                    "endpoint_url": "http://127.0.0.1:4566",
                },
            )
        ]
    )
    fixes = tool_json(result)["fixes"]
    ttl = next(f for f in fixes if f["fix"] == "fix-cache-ttl-zero")
    command = ttl["cli"][0]
    assert "--rest-api-id a1b2c3d4e5" in command and "--authorizer-id abc123" in command
    assert "--region eu-west-1" in command and "--endpoint-url http://127.0.0.1:4566" in command
    assert ttl["applicable"] is False  # proposed offline: never applied from here


# ---------------------------------------------------------------------------- live, on MiniStack


def _seed(aws_client: Any, ministack: Any) -> tuple[Any, Provisioned]:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    get, _ = scenario.requests
    assert send_request(get, out).status_code == 200  # caches a GET-only Allow
    return scenario, out


def _live_args(out: Provisioned, endpoint: str) -> dict[str, Any]:
    """The failing call of the seed, as the live tools take it (`request`)."""
    return {
        "request": {
            "url": out.url("/dashboard/update-profile"),
            "method": "POST",
            "token_env": "SEED_TOKEN",
            "endpoint_url": endpoint,
        }
    }


def _answer(action: str, apply: bool = True) -> tuple[Elicit, list[str]]:
    seen: list[str] = []

    async def elicit(ctx: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        seen.append(params.message)
        content = {"apply": apply} if action == "accept" else None
        return types.ElicitResult(action=action, content=content)  # type: ignore[arg-type]

    return elicit, seen


@pytest.mark.emulator
def test_diagnose_on_the_seed_is_the_headless_outcome(aws_client: Any, ministack: Any) -> None:
    _, out = _seed(aws_client, ministack)
    args = _live_args(out, ministack.endpoint_url)
    (result,) = session_call([("diagnose", args)], env={"SEED_TOKEN": out.tokens["alice"]})
    got = tool_json(result)
    assert got["exit_code"] == 1  # diagnosed, a fix pending
    outcome = got["result"]
    assert outcome["diagnosis"]["cause"] == "authz-cache-scoped-policy"
    assert outcome["questions"] == 0
    assert out.tokens["alice"] not in json.dumps(got)


@pytest.mark.emulator
@pytest.mark.parametrize("action", ["decline", "cancel", "accept-unchecked"])
def test_apply_fix_not_confirmed_changes_nothing(
    aws_client: Any, ministack: Any, action: str
) -> None:
    scenario, out = _seed(aws_client, ministack)
    before = dump_rest_api(aws_client, out.api_id)
    elicit, seen = (
        _answer("accept", apply=False) if action == "accept-unchecked" else _answer(action)
    )
    (result,) = session_call(
        [
            (
                "apply_fix",
                {"fix_id": "fix-cache-ttl-zero", **_live_args(out, ministack.endpoint_url)},
            )
        ],
        env={"SEED_TOKEN": out.tokens["alice"]},
        elicit=elicit,
    )
    got = tool_json(result)
    assert len(seen) == 1 and "update-authorizer" in seen[0]  # the exact command was shown
    assert not any(f["applied"] for f in got["result"]["fixes"])
    assert dump_rest_api(aws_client, out.api_id) == before
    _, post = scenario.requests
    assert send_request(post, out).status_code == 403


@pytest.mark.emulator
def test_apply_fix_without_elicitation_changes_nothing(aws_client: Any, ministack: Any) -> None:
    _scenario, out = _seed(aws_client, ministack)
    before = dump_rest_api(aws_client, out.api_id)
    (result,) = session_call(
        [
            (
                "apply_fix",
                {"fix_id": "fix-cache-ttl-zero", **_live_args(out, ministack.endpoint_url)},
            )
        ],
        env={"SEED_TOKEN": out.tokens["alice"]},
    )
    assert "nothing was changed" in _error(result)
    assert dump_rest_api(aws_client, out.api_id) == before


@pytest.mark.emulator
def test_apply_fix_confirmed_fixes_the_request(aws_client: Any, ministack: Any) -> None:
    scenario, out = _seed(aws_client, ministack)
    elicit, _seen = _answer("accept")
    (result,) = session_call(
        [
            (
                "apply_fix",
                {"fix_id": "fix-cache-ttl-zero", **_live_args(out, ministack.endpoint_url)},
            )
        ],
        env={"SEED_TOKEN": out.tokens["alice"]},
        elicit=elicit,
    )
    got = tool_json(result)
    assert got["confirmation_asked_for"] == ["fix-cache-ttl-zero"]
    applied = [f for f in got["result"]["fixes"] if f["applied"]]
    assert [f["fix"] for f in applied] == ["fix-cache-ttl-zero"]
    assert applied[0]["verified"] is True and applied[0]["rollback"]
    _, post = scenario.requests
    assert send_request(post, out).status_code == 200
