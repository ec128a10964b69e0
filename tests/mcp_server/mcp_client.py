"""A client for `apigw-wizard mcp` through the SDK's own `ClientSession` over stdio, against the
real command in a subprocess: what the MCP tests and the same-Outcome front-end driver share."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from mcp import types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[2]

Elicit = Callable[[Any, types.ElicitRequestParams], Any]


def server_parameters(env: dict[str, str] | None = None) -> StdioServerParameters:
    """`python -m wizard mcp` with dummy credentials (the emulator takes any) and no profile."""
    base = {k: v for k, v in os.environ.items() if k != "AWS_PROFILE"}
    base.update(
        AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1"
    )
    return StdioServerParameters(
        command=sys.executable, args=["-m", "wizard", "mcp"], env={**base, **(env or {})}, cwd=ROOT
    )


@contextlib.asynccontextmanager
async def connected(
    env: dict[str, str] | None = None, elicit: Elicit | None = None
) -> AsyncIterator[ClientSession]:
    """An initialised client session with a fresh `apigw-wizard mcp` (its stderr discarded)."""
    with open(os.devnull, "w") as quiet:
        async with contextlib.AsyncExitStack() as stack:
            read, write = await stack.enter_async_context(
                stdio_client(server_parameters(env), errlog=quiet)
            )
            session = await stack.enter_async_context(
                ClientSession(read, write, elicitation_callback=elicit)
            )
            await session.initialize()
            yield session


def tool_json(result: types.CallToolResult) -> dict[str, Any]:
    """A tool's result document (the tool must not have failed)."""
    assert not result.is_error, result.content
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    data: dict[str, Any] = json.loads(text.text)
    return data
