"""`apigw-wizard mcp`: serve the wizard's tools to an AI assistant over MCP (stdio). Registered by
wizard.cli like the commands in wizard/commands, but kept here: the server runs those commands.

The SDK is imported only when the command runs (`--help` must stay fast).
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "mcp",
        help="serve the diagnosis to an AI assistant (Model Context Protocol, stdio)",
        description=(
            "Run an MCP server on standard input/output for an AI assistant: explain, diagnose "
            "(read-only), policy_eval, inspect_jwt, simulate_cache, scan_logs, propose_fix, and "
            "apply_fix, which changes nothing unless you confirm it in the assistant's client. "
            "Tokens and API keys are passed as a file path or an environment variable name."
        ),
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    # lazy: the MCP SDK costs ~1.2 s at import (-X importtime); `--help` and every other command
    # build this parser without it.
    # lazy: the MCP SDK, wizard.mcp.server 2770 ms (-X importtime); only `mcp` serves it
    from wizard.mcp.server import serve

    serve()
    return 0
