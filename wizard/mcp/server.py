"""`apigw-wizard mcp`: the MCP tools and resources over stdio.

Each tool is the CLI command of the same job (see `calls.run_command`), so an assistant gets the
answer a person running the command gets: the same JSON, the same exit code, the same one-line
refusal of bad input. Secrets go by reference (a file, or an environment variable of this server),
never as tool arguments, so they stay out of the conversation. Nothing changes in an AWS account
unless the human confirms through the client (`apply_fix`, see `wizard.mcp.confirm`).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from pydantic import Field

from wizard import __version__
from wizard.catalogue import load_catalogue
from wizard.mcp import live
from wizard.mcp.calls import CallError, content_files, flag, repeated, run_command, secret_file

INSTRUCTIONS = (
    "Deterministic diagnosis of Amazon API Gateway 403 Forbidden responses. Start with `explain` "
    "on what the user pasted (response, headers, logs, a description); with AWS access use "
    "`diagnose` on the failing invoke URL (read-only). `apply_fix` changes the account only after "
    "the human confirms the exact commands in the client. Tokens and API keys are passed as a "
    "file path or an environment variable name, never as text."
)

KeyValues = Annotated[list[str], Field(description="KEY=VALUE items")]


def _result(code: int, data: Any) -> dict[str, Any]:
    """Every tool answers with the command's JSON and its documented exit code."""
    return {"exit_code": code, "result": data}


def _run(argv: list[str]) -> dict[str, Any]:
    try:
        return _result(*run_command(argv))
    except CallError as exc:
        raise ToolError(str(exc)) from None


def build_server() -> MCPServer:
    server = MCPServer(
        "apigw-wizard", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    _offline_tools(server)
    live.register(server)
    _catalogue_resources(server)
    return server


def _offline_tools(server: MCPServer) -> None:
    @server.tool(description="Rank the likely causes of a 403 from pasted text (offline).")
    def explain(
        text: Annotated[str, Field(description="response, headers, log lines and/or prose")],
        facts: KeyValues | None = None,
        all_causes: bool = False,
    ) -> dict[str, Any]:
        with content_files() as files:
            argv = ["explain", "@" + files.write(text)]
            repeated(argv, "--fact", facts)
            flag(argv, "--all", all_causes)
            return _run(argv)

    @server.tool(
        description="Decode and explain a JWT (offline): claims, expiry against the cache TTL, "
        "scopes, audience, issuer, optionally its signature. The token is read from a file or an "
        "environment variable of the server; it is never echoed."
    )
    def inspect_jwt(
        token_file: str | None = None,
        token_env: str | None = None,
        ttl: int | None = None,
        at: str | None = None,
        scopes: list[str] | None = None,
        audiences: list[str] | None = None,
        issuer: str | None = None,
        jwks_file: str | None = None,
        pem_file: str | None = None,
    ) -> dict[str, Any]:
        with content_files() as files:
            token = _secret(token_file, token_env, "token", files, required=True)
            argv = ["jwt", str(token)]
            flag(argv, "--ttl", ttl)
            flag(argv, "--at", at)
            repeated(argv, "--scope", scopes)
            repeated(argv, "--audience", audiences)
            flag(argv, "--issuer", issuer)
            flag(argv, "--jwks", jwks_file)
            flag(argv, "--pem", pem_file)
            return _run(argv)

    @server.tool(
        description="Evaluate a resource policy or Lambda-authorizer policy for one request, "
        "statement by statement, as IAM would (offline)."
    )
    def policy_eval(
        arn: Annotated[str, Field(description="the method ARN of the request")],
        policy: Annotated[
            str | dict[str, Any] | None, Field(description="the policy JSON itself")
        ] = None,
        policy_file: str | None = None,
        principal: str | None = None,
        source_ip: str | None = None,
        vpce: str | None = None,
        vpc: str | None = None,
        action: str | None = None,
        context: KeyValues | None = None,
    ) -> dict[str, Any]:
        with content_files() as files:
            argv = ["policy", "eval", "--policy", _document(policy, policy_file, "policy", files)]
            argv += ["--arn", arn]
            flag(argv, "--principal", principal)
            flag(argv, "--source-ip", source_ip)
            flag(argv, "--vpce", vpce)
            flag(argv, "--vpc", vpc)
            flag(argv, "--action", action)
            repeated(argv, "--context", context)
            return _run(argv)

    @server.tool(
        description="Replay an authorizer-cache scenario (YAML or JSON) request by request: "
        "cache hit or miss, Lambda run or not, the decision and the response (offline)."
    )
    def simulate_cache(
        scenario: Annotated[
            str | dict[str, Any] | None, Field(description="the scenario YAML/JSON")
        ] = None,
        scenario_file: str | None = None,
    ) -> dict[str, Any]:
        with content_files() as files:
            doc = _document(scenario, scenario_file, "scenario", files)
            return _run(["cache", "simulate", "--scenario", doc.removeprefix("@")])

    @server.tool(
        description="Summarise API Gateway execution/access logs or authorizer logs per request "
        "(offline): status, whether the authorizer ran, its policy, the lines that matter."
    )
    def scan_logs(
        path: Annotated[str | None, Field(description="a log file on this machine")] = None,
        text: Annotated[str | None, Field(description="log lines pasted")] = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        with content_files() as files:
            source = _document(text, path, "logs", files).removeprefix("@")
            argv = ["logs", "scan", source]
            flag(argv, "--request-id", request_id)
            return _run(argv)


def _document(text: str | dict[str, Any] | None, path: str | None, what: str, files: Any) -> str:
    """Content given inline or as a file, as `@FILE` for the command. (A client may send a JSON
    document as an object rather than as its text: it is written back as JSON.)"""
    if (text is None) == (path is None):
        raise ToolError(f"give the {what} either inline or as a file path (exactly one)")
    if path is not None:
        return "@" + path
    content = text if isinstance(text, str) else json.dumps(text)
    return "@" + files.write(content)


def _secret(
    file: str | None, env: str | None, what: str, files: Any, *, required: bool
) -> str | None:
    try:
        ref = secret_file(file=file, env=env, what=what, files=files)
    except CallError as exc:
        raise ToolError(str(exc)) from None
    if ref is None and required:
        raise ToolError(f"give the {what} as {what}_file (a path) or {what}_env (a variable name)")
    return ref


def _catalogue_resources(server: MCPServer) -> None:
    @server.resource(
        "apigw-wizard://causes",
        name="causes",
        description="Every known cause of an API Gateway 403: id, title, one-line summary.",
        mime_type="application/json",
    )
    def causes() -> str:
        index = [
            {"id": c.id, "title": c.title, "summary": c.summary, "category": c.category}
            for c in load_catalogue().causes
        ]
        return json.dumps(index, indent=2)

    @server.resource(
        "apigw-wizard://causes/{cause_id}",
        name="cause",
        description="One cause in full: messages, log lines, how to detect it, fixes, sources.",
        mime_type="application/json",
    )
    def cause(cause_id: str) -> str:
        catalogue = load_catalogue()
        if cause_id not in catalogue.ids():
            raise ResourceNotFoundError(f"no cause with id {cause_id!r}")
        return catalogue.get(cause_id).model_dump_json(indent=2)


def serve() -> None:
    """Serve over stdio until the client closes the connection."""
    build_server().run("stdio")
