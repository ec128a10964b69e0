"""The errors an investigation reports to its front end, each with the exit code it means."""

from __future__ import annotations

from wizard import exitcodes


class InvestigationError(Exception):
    """The investigation cannot start or go on: bad input, invalid playbook, damaged session
    (one line for the user; exit code 2)."""

    exit_code = exitcodes.USAGE


class AwsUnavailable(InvestigationError):
    """Credentials, permissions or the endpoint are unusable for a live run (exit code 3)."""

    exit_code = exitcodes.AWS
