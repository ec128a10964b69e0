"""The MCP tools that read or change an AWS account: `diagnose`, `propose_fix`, `apply_fix`.

`diagnose` and `apply_fix` run `apigw-wizard diagnose` itself (same flags, same investigation,
same Outcome JSON as headless). `apply_fix` adds `--apply`, with this front end's confirmation:
each plan's exact commands and before/after are put to the human through MCP elicitation, and
only their explicit yes creates the `Confirmation` a change needs. Declining, cancelling, or a
client that cannot ask (no elicitation capability) changes nothing.
"""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import anyio.from_thread
from mcp import types
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from wizard.aws.fixes.changes import Change
from wizard.aws.fixes.driver import format_plan
from wizard.aws.fixes.plan import Confirmation, FixPlan
from wizard.aws.fixes.render import CliTarget
from wizard.catalogue import load_catalogue
from wizard.commands._io import InputError, read_text
from wizard.engine.views import ProposedFix
from wizard.investigation.fixes import plan_fix
from wizard.mcp.calls import CallError, content_files, flag, repeated, run_command, secret_file

NO_ELICITATION = (
    "this MCP client cannot ask the human to confirm (it has no elicitation support), so "
    "nothing was changed; run `apigw-wizard diagnose ... --apply` in a terminal instead"
)


class ApplyAnswer(BaseModel):
    """What the human answers for one fix plan (a form with one checkbox)."""

    apply: bool = Field(
        description="Run exactly these commands against the AWS account shown (nothing else)."
    )


class FailingCall(BaseModel):
    """The failing request and where to read it: the CLI's target flags, one set for every live
    tool. Secrets by reference only: a file path or the name of the server's environment
    variable."""

    url: str | None = Field(None, description="the invoke URL that answered 403")
    api_id: str | None = None
    stage: str | None = None
    method: str | None = None
    path: str | None = None
    headers: list[str] | None = Field(None, description="NAME:VALUE items")
    token_file: str | None = None
    token_env: str | None = None
    api_key_file: str | None = None
    api_key_env: str | None = None
    since: str | None = None
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None


def register(server: MCPServer) -> None:
    @server.tool(
        description="Diagnose a failing API Gateway request live (read-only AWS calls) or "
        "offline from answers. Returns the Outcome: ranked causes, evidence, exact fix commands."
    )
    def diagnose(
        request: FailingCall,
        offline: bool = False,
        answers: Annotated[
            dict[str, str] | None, Field(description="question id or fact → answer ('?' = unknown)")
        ] = None,
    ) -> dict[str, Any]:
        with content_files() as files:
            argv = _diagnose_argv(request, files)
            flag(argv, "--offline", offline)
            for question, value in (answers or {}).items():
                argv += ["--answer", f"{question}={value}"]
            return _run(argv)

    @server.tool(
        description="The fixes of one catalogue cause with their exact AWS CLI commands, filled "
        "in from the facts you know (offline: nothing is read or changed)."
    )
    def propose_fix(
        cause_id: str,
        facts: Annotated[dict[str, str] | None, Field(description="fact → value")] = None,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> dict[str, Any]:
        return {
            "cause": cause_id,
            "fixes": _proposals(cause_id, facts or {}, region, profile, endpoint_url),
        }

    @server.tool(
        description="Diagnose live, then apply the diagnosed cause's fix `fix_id` ONLY if the "
        "human confirms its exact commands in the client; verify it by replaying the request. "
        "Declining changes nothing. Returns the Outcome with the fix's state and its rollback."
    )
    async def apply_fix(ctx: Context, fix_id: str, request: FailingCall) -> dict[str, Any]:
        if not _can_elicit(ctx):
            raise ToolError(NO_ELICITATION)
        asked: list[str] = []
        confirm = _elicit_confirm(ctx, fix_id, asked)

        def run() -> dict[str, Any]:
            with content_files() as files:
                argv = [*_diagnose_argv(request, files), "--apply"]
                return _run(argv, confirm=confirm)

        result = await anyio.to_thread.run_sync(run)
        result["confirmation_asked_for"] = asked
        return result


def _run(argv: list[str], *, confirm: Any = None) -> dict[str, Any]:
    try:
        code, data = run_command(argv, confirm=confirm)
    except CallError as exc:
        raise ToolError(str(exc)) from None
    return {"exit_code": code, "result": data}


def _diagnose_argv(call: FailingCall, files: Any) -> list[str]:
    """`apigw-wizard diagnose` flags for the failing call (secrets by reference)."""
    argv = ["diagnose"]
    for name in ("url", "api_id", "stage", "method", "path", "since"):
        flag(argv, "--" + name.replace("_", "-"), getattr(call, name))
    repeated(argv, "--header", call.headers)
    try:
        token = secret_file(file=call.token_file, env=call.token_env, what="token", files=files)
        key = secret_file(file=call.api_key_file, env=call.api_key_env, what="API key", files=files)
    except CallError as exc:
        raise ToolError(str(exc)) from None
    flag(argv, "--token", token)
    if key is not None:
        argv += ["--api-key", _read_secret(key)]
    for name in ("profile", "region", "endpoint_url"):
        flag(argv, "--" + name.replace("_", "-"), getattr(call, name))
    return argv


def _read_secret(ref: str) -> str:
    """`--api-key` takes the value itself: read the referenced file (in this process only)."""
    try:
        return read_text(ref, what="API key").strip()
    except InputError as exc:
        raise ToolError(str(exc)) from None


def _can_elicit(ctx: Context) -> bool:
    wanted = types.ClientCapabilities(elicitation=types.ElicitationCapability())
    return bool(ctx.request_context.session.check_client_capability(wanted))


def _elicit_confirm(ctx: Context, fix_id: str, asked: list[str]) -> Any:
    """The driver's `Confirm` for this front end. Runs in the worker thread that applies the fix;
    each question goes to the client through the server's event loop. Only the plan the human
    named (`fix_id`) is put to them; any other plan is declined without asking."""

    def confirm(plan: FixPlan, changes: list[Change]) -> Confirmation | None:
        if plan.fix_id != fix_id:
            return None
        asked.append(plan.fix_id)
        message = (
            "apigw-wizard wants to change your AWS account.\n\n"
            + format_plan(plan, changes)
            + "\nApply exactly these commands?"
        )
        answer = anyio.from_thread.run(ctx.elicit, message, ApplyAnswer)
        if answer.action != "accept" or not answer.data.apply:
            return None
        return Confirmation.for_plan(plan, by=_who(ctx), shown=plan.cli)

    return confirm


def _who(ctx: Context) -> str:
    params = ctx.request_context.session.client_params
    client = params.client_info.name if params is not None else "an MCP client"
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "unknown user"
    return f"{user} (confirmed in {client} via MCP elicitation)"


def _proposals(
    cause_id: str,
    facts: dict[str, str],
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    if cause_id not in catalogue.ids():
        raise ToolError(f"no cause with id {cause_id!r} (see the apigw-wizard://causes resource)")
    cause = catalogue.get(cause_id)
    target = CliTarget(region=region or "<region>", profile=profile, endpoint_url=endpoint_url)
    out = []
    for fix in cause.fixes:
        proposal = ProposedFix(
            node="mcp",
            cause=cause_id,
            fix_id=fix.id,
            title=fix.title,
            explanation=fix.explanation,
            fix=fix,
        )
        out.append(plan_fix(proposal, facts, target, live=False).out.model_dump(mode="json"))
    return out
