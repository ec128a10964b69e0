"""No command: the interactive wizard (Textual), or plain prompts with --plain."""

from __future__ import annotations

import argparse
import sys


def run_interactive(args: argparse.Namespace) -> int:
    sys.stderr.write("apigw-wizard: the interactive wizard is not built yet\n")
    return 2
