"""The one error a policy document raises when it cannot be read: its own module, because the
parser and the Condition reader both raise it and the parser imports the Condition reader."""

from __future__ import annotations


class PolicyError(ValueError):
    """The policy cannot be read; the message says where (one line)."""
