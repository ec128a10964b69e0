"""Shared fixtures. The MiniStack emulator fixtures live in tests/emulator.py."""

import os
import tempfile

from emulator import aws, aws_auth, aws_client, ministack, ministack_auth

__all__ = ["aws", "aws_auth", "aws_client", "ministack", "ministack_auth"]

# Validated playbooks and catalogues go to a directory of this run, not the user's cache (the
# subprocesses the CLI tests start inherit it).
os.environ.setdefault("APIGW_WIZARD_CACHE_DIR", tempfile.mkdtemp(prefix="apigw-wizard-cache-"))
