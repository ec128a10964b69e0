"""`apigw-wizard serve`: the wizard in a browser (textual-serve), for pairing over a shared screen.

Bound to 127.0.0.1 unless `--public` says otherwise: whoever opens the page drives the wizard
with the server's AWS credentials, so reaching it from another machine is an explicit choice.
Each browser tab gets its own wizard process with the flags given here.

Nothing heavy is imported at module level (`--help` must stay fast): the work is in `_run`.
"""

from __future__ import annotations

import argparse
import sys

from wizard.commands._io import guarded

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Flags the served app gets, as the TUI takes them (destinations shared with the top level).
APP_FLAGS = ("profile", "region", "endpoint_url", "url", "method", "config")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="run the wizard in a browser (http://127.0.0.1:8000), for pairing on one screen",
        description=(
            "Serve the interactive wizard as a web page (textual-serve): each browser tab gets\n"
            "its own wizard, with the flags given here. Listens on 127.0.0.1 only unless you\n"
            "pass --public: whoever opens the page drives the wizard with YOUR AWS session."
        ),
        epilog=(
            "examples:\n"
            "  apigw-wizard serve                               offline, http://127.0.0.1:8000\n"
            "  apigw-wizard serve --profile prod --region eu-west-1 --port 8080\n"
            "  apigw-wizard serve --host 0.0.0.0 --public --public-url http://my-laptop:8000"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on ({DEFAULT_HOST})")
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on ({DEFAULT_PORT})"
    )
    p.add_argument(
        "--public",
        action="store_true",
        help="allow a --host other than loopback (anyone who can reach it drives your AWS session)",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, when it is not http://HOST:PORT (a name, a proxy)",
    )
    for flag, help_text in (
        ("--profile", "AWS profile for the served wizard"),
        ("--region", "AWS region of the API"),
        ("--endpoint-url", "AWS endpoint (an emulator on 127.0.0.1)"),
        ("--url", "the invoke URL that answered 403 (pre-fills the wizard)"),
        ("--method", "its HTTP method"),
        ("--config", "TUI config (keys, theme)"),
    ):
        # SUPPRESS keeps `apigw-wizard --profile X serve` working (the top-level flag).
        p.add_argument(flag, default=argparse.SUPPRESS, help=help_text)
    p.set_defaults(func=_run)


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_argv(args: argparse.Namespace) -> list[str]:
    """The served wizard's command line: this Python, the CLI module, the app flags given."""
    argv = [sys.executable, "-m", "wizard.cli"]
    for name in APP_FLAGS:
        value = getattr(args, name, None)
        if value:
            argv += ["--" + name.replace("_", "-"), str(value)]
    return argv


@guarded
def _run(args: argparse.Namespace) -> int:
    from wizard import exitcodes
    from wizard.commands._io import InputError

    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: a port is 1-65535")
    if not is_loopback(args.host) and not args.public:
        raise InputError(
            f"--host {args.host} is reachable from other machines: whoever opens the page drives "
            "the wizard with your AWS session; add --public if that is what you want"
        )
    try:
        from wizard.ui.serve import WizardServer
        from wizard.ui.tui.config import load_config
    except ImportError as exc:
        raise InputError(f"serve needs textual-serve ({exc.name} is missing)") from None
    _, config_error = load_config(getattr(args, "config", None))
    if config_error:  # the served app says it too; the console is where the host looks first
        sys.stderr.write(f"apigw-wizard: {config_error}\n")
    if not is_loopback(args.host):
        who = f"profile {args.profile}" if getattr(args, "profile", None) else "credentials"
        sys.stderr.write(
            f"apigw-wizard: WARNING: serving on {args.host}:{args.port}, not only this machine: "
            f"anyone who can reach it drives the wizard with your AWS session ({who}).\n"
        )
    server = WizardServer(
        app_argv(args), host=args.host, port=args.port, public_url=args.public_url
    )
    server.serve()
    return exitcodes.OK
