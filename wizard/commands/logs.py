"""`apigw-wizard logs` (being built; see the open issues)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("logs", help="(not built yet)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    sys.stderr.write("apigw-wizard: 'logs' is not built yet\n")
    return 2
