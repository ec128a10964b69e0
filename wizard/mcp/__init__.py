"""The MCP server: a fourth front end, so an AI assistant can use the deterministic diagnosis.

`calls` runs a command exactly as the CLI would (same flags, same validation, same data) and
returns its data instead of printing it; `server` declares the tools and resources over it.
"""
