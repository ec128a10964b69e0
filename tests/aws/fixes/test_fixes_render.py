"""Rendered AWS CLI commands: exact spelling from botocore's model, inert quoting of hostile
values, and a parse back to the same operation and parameters for every allowlisted operation."""

from __future__ import annotations

import shlex
import subprocess
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.aws.fixes.allowlist import ALLOWLIST
from wizard.aws.fixes.cli_model import cli_params
from wizard.aws.fixes.errors import ParseError, RenderError
from wizard.aws.fixes.parse import parse_argv, parse_cli
from wizard.aws.fixes.render import CliTarget, render_argv, render_cli

HOSTILE = [
    "$(rm -rf ~)",
    "`id`",
    "a'b\"c",
    "line1\nline2",
    "x; rm -rf /",
    "--profile evil",
    "-x",
    "file:///etc/passwd",
    "https://evil.example/payload",
    "[1,2]",
    "{not json",
    "op=remove,path=/x",
    "  padded  ",
    "",
    "ünïcødé ☃",
]


def test_update_authorizer_ttl_is_the_command_the_docs_show() -> None:
    line = render_cli(
        "apigateway",
        "UpdateAuthorizer",
        {
            "restApiId": "a1b2c3",
            "authorizerId": "abc123",
            "patchOperations": [
                {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"}
            ],
        },
    )
    assert line == (
        "aws apigateway update-authorizer --rest-api-id a1b2c3 --authorizer-id abc123 "
        "--patch-operations op=replace,path=/authorizerResultTtlInSeconds,value=0"
    )


def test_stage_logging_uses_shorthand_and_quotes_the_wildcard_path() -> None:
    argv = render_argv(
        "apigateway",
        "UpdateStage",
        {
            "restApiId": "a1",
            "stageName": "prod",
            "patchOperations": [
                {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
                {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "true"},
            ],
        },
        CliTarget(region="eu-west-1", profile="ops", endpoint_url="http://127.0.0.1:4566"),
    )
    assert argv[:8] == [
        "aws",
        "apigateway",
        "update-stage",
        "--rest-api-id",
        "a1",
        "--stage-name",
        "prod",
        "--patch-operations",
    ]
    assert argv[8:10] == [
        "op=replace,path=/*/*/logging/loglevel,value=INFO",
        "op=replace,path=/*/*/logging/dataTrace,value=true",
    ]
    assert argv[10:] == [
        "--region",
        "eu-west-1",
        "--profile",
        "ops",
        "--endpoint-url",
        "http://127.0.0.1:4566",
    ]
    # The glob characters are quoted so a shell cannot expand them against the cwd.
    assert "'op=replace,path=/*/*/logging/loglevel,value=INFO'" in shlex.join(argv)


def test_policy_values_are_json_not_shorthand() -> None:
    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"execute-api:/*"}]}'
    argv = render_argv(
        "apigateway",
        "UpdateRestApi",
        {
            "restApiId": "a1",
            "patchOperations": [{"op": "replace", "path": "/policy", "value": policy}],
        },
    )
    assert argv[-2] == "--patch-operations"
    assert argv[-1].startswith("[{")
    assert parse_argv(argv).params["patchOperations"][0]["value"] == policy


def test_booleans_lists_and_integers_follow_the_cli_conventions() -> None:
    assert render_argv(
        "apigatewayv2", "UpdateApi", {"ApiId": "h1", "DisableExecuteApiEndpoint": True}
    )[3:] == ["--api-id", "h1", "--disable-execute-api-endpoint"]
    assert (
        render_argv(
            "apigatewayv2", "UpdateApi", {"ApiId": "h1", "DisableExecuteApiEndpoint": False}
        )[-1]
        == "--no-disable-execute-api-endpoint"
    )
    argv = render_argv(
        "apigatewayv2",
        "UpdateAuthorizer",
        {
            "ApiId": "h1",
            "AuthorizerId": "z9",
            "AuthorizerResultTtlInSeconds": 0,
            "IdentitySource": ["$request.header.Authorization", "$context.routeKey"],
        },
    )
    assert argv[3:] == [
        "--api-id",
        "h1",
        "--authorizer-id",
        "z9",
        "--authorizer-result-ttl-in-seconds",
        "0",
        "--identity-source",
        "$request.header.Authorization",
        "$context.routeKey",
    ]


def test_cli_renames_version_like_the_aws_cli() -> None:
    argv = render_argv("apigatewayv2", "UpdateApi", {"ApiId": "h1", "Version": "2"})
    assert "--api-version" in argv and "--version" not in argv
    assert parse_argv(argv).params == {"ApiId": "h1", "Version": "2"}


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_inert_in_a_real_shell(value: str, tmp_path: Any) -> None:
    marker = tmp_path / "pwned"
    payload = value.replace("~", str(tmp_path)) + f"$(touch {marker})"
    params = {
        "restApiId": payload,
        "stageName": value,
        "description": "`touch " + str(marker) + "`",
    }
    argv = render_argv("apigateway", "CreateDeployment", params)
    line = shlex.join(argv)
    # A POSIX shell hands the exact argv to the program and runs nothing embedded in it.
    out = subprocess.run(
        ["/bin/sh", "-c", "printf '%s\\0' " + line], capture_output=True, check=True, cwd=tmp_path
    ).stdout
    assert out.split(b"\0")[:-1] == [a.encode() for a in argv]
    assert not marker.exists()
    parsed = parse_argv(argv)
    assert parsed.params == params


def test_paramfile_values_switch_to_cli_input_json() -> None:
    argv = render_argv(
        "apigateway", "FlushStageAuthorizersCache", {"restApiId": "a", "stageName": "file://x"}
    )
    assert argv[3] == "--cli-input-json"
    assert not any(a.startswith("file://") for a in argv)


def test_unknown_operation_and_parameter_are_refused() -> None:
    with pytest.raises(RenderError, match="no operation 'UpdateEverything'"):
        render_cli("apigateway", "UpdateEverything", {})
    with pytest.raises(RenderError, match="no parameter 'bogus'"):
        render_cli("apigateway", "CreateDeployment", {"restApiId": "a", "bogus": 1})
    with pytest.raises(RenderError, match="must be an integer"):
        render_cli(
            "apigatewayv2",
            "UpdateAuthorizer",
            {"ApiId": "a", "AuthorizerId": "b", "AuthorizerResultTtlInSeconds": "0"},
        )


def test_parse_rejects_what_is_not_one_call() -> None:
    with pytest.raises(ParseError, match="must start with 'aws'"):
        parse_cli("rm -rf /")
    with pytest.raises(ParseError, match="unknown option --nope"):
        parse_cli("aws apigateway create-deployment --rest-api-id a --nope 1")
    with pytest.raises(ParseError, match="no command"):
        parse_cli("aws apigateway make-it-work")


# ---- property: every allowlisted operation round-trips with generated values ----

_text = st.text(min_size=0, max_size=20)


def _strategy(shape: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "string":
        return _text
    if kind in {"integer", "long"}:
        return st.integers(min_value=-(2**31), max_value=2**31 - 1)
    if kind == "boolean":
        return st.booleans()
    if kind in {"double", "float"}:
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "list":
        return st.lists(_strategy(shape.member, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(_text, _strategy(shape.value, depth + 1), max_size=3)
    if kind == "structure":
        if depth > 2:
            return st.just({})
        members = {name: _strategy(m, depth + 1) for name, m in shape.members.items()}
        return st.fixed_dictionaries({}, optional=members)
    return st.nothing()


def _patch_ops() -> st.SearchStrategy[list[dict[str, str]]]:
    plain = st.from_regex(r"[A-Za-z0-9_/*.:-]{1,12}", fullmatch=True)
    value = st.one_of(plain, _text)
    op = st.fixed_dictionaries(
        {"op": st.sampled_from(["replace", "add", "remove"]), "path": plain},
        optional={"value": value},
    )
    return st.lists(op, min_size=1, max_size=3)


def _params_strategy(service: str, operation: str) -> st.SearchStrategy[dict[str, Any]]:
    entry = ALLOWLIST[(service, operation)]
    members = {p.member: p.shape for p in cli_params(service, operation)}
    required = {name: _text for name in entry.identity}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name in entry.fields:
        optional[name] = _strategy(members[name])
    if entry.patch:
        optional["patchOperations"] = _patch_ops()
    return st.fixed_dictionaries(required, optional=optional)


@pytest.mark.parametrize("key", sorted(ALLOWLIST), ids=lambda k: f"{k[0]}.{k[1]}")
def test_every_allowlisted_operation_round_trips(key: tuple[str, str]) -> None:
    service, operation = key

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(params=_params_strategy(service, operation), region=st.one_of(st.none(), _text))
    def check(params: dict[str, Any], region: str | None) -> None:
        line = render_cli(service, operation, params, CliTarget(region=region))
        parsed = parse_cli(line)
        assert (parsed.service, parsed.operation) == (service, operation)
        assert parsed.params == params
        assert parsed.globals.get("region") == (region or None)

    check()
