"""The wizard in a browser: textual-serve's web server, starting the app without a shell.

Each browser tab that connects gets its own `apigw-wizard` process (the same TUI, on Textual's
web driver), fed through a websocket. textual-serve starts that process with
`asyncio.create_subprocess_shell(command)`; our rule is no shell anywhere — the command carries
the user's flags (a profile name, a URL) and a shell would read them as shell syntax. So the
command is `shlex.join` of an argv list, and `ExecAppService` splits it back with `shlex.split`
and starts it with `create_subprocess_exec`: every flag reaches the app as one argument.

The page asks for nothing but this server: textual-serve's page links a Google web font, which
would tell a third party who is looking at an incident (and fails on a closed network); the
index page is rewritten to load the same font from the copy textual-serve ships in its static
files.
"""

from __future__ import annotations

import asyncio
import re
import shlex
from asyncio.subprocess import PIPE, Process
from collections.abc import Sequence

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int


class ExecAppService(AppService):
    """AppService that starts the app from an argv list, never through a shell."""

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        argv = shlex.split(self.command)
        self._process = process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            env=self._build_environment(width=width, height=height),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process


# textual-serve's template: `<link rel="stylesheet" href="https://fonts.googleapis.com/css?...">`
_REMOTE_FONT = re.compile(r"<link\b[^>]*\bhref=\"https://fonts\.googleapis\.com/[^>]*>", re.S)
_STATIC_PREFIX = re.compile(r'href="(?P<static>[^"]*)css/xterm\.css"')
_LOCAL_FONT = """<style>
  @font-face {{
    font-family: "Roboto Mono";
    src: url("{static}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
  }}
</style>"""


def local_fonts(page: str) -> str:
    """The index page with its remote web font replaced by the bundled one."""
    static = _STATIC_PREFIX.search(page)
    local = _LOCAL_FONT.format(static=static.group("static")) if static else ""
    return _REMOTE_FONT.sub(lambda _: local, page)


class WizardServer(Server):
    """textual-serve's Server whose websocket handler runs each session in an ExecAppService."""

    def __init__(
        self, argv: Sequence[str], *, host: str, port: int, public_url: str | None = None
    ) -> None:
        super().__init__(
            shlex.join(argv), host=host, port=port, title="apigw-wizard", public_url=public_url
        )

    async def handle_index(self, request: web.Request) -> web.Response:
        page = await super().handle_index(request)
        assert isinstance(page, web.Response)  # aiohttp_jinja2's template() renders one
        return web.Response(
            text=local_fonts(page.text or ""),
            content_type=page.content_type,
            charset=page.charset,
            headers={k: v for k, v in page.headers.items() if k.lower() == "cache-control"},
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        # textual-serve builds its own AppService here, with no hook to pick the class: this
        # handler does the same job (open the socket, start the app at the browser's size,
        # relay messages, stop the app when the tab goes) with ExecAppService.
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        service = ExecAppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        finally:
            await service.stop()
        return websocket
