"""Shared fixtures. The MiniStack emulator fixtures live in tests/emulator.py."""

from emulator import aws, aws_auth, aws_client, ministack, ministack_auth

__all__ = ["aws", "aws_auth", "aws_client", "ministack", "ministack_auth"]
