"""Errors of the fix machinery. Each names what is wrong and where, in one line."""

from __future__ import annotations


class FixError(Exception):
    """Base class: a fix that cannot be planned, rendered, confirmed or applied."""


class NotAllowedError(FixError):
    """The operation (or one of its parameters) is outside the wizard's allowlist."""


class BindError(FixError):
    """A `{placeholder}` in a fix names a fact the session does not know."""


class RenderError(FixError):
    """The operation or a parameter does not exist in botocore's service model."""


class ParseError(FixError):
    """An AWS CLI command line that does not map back to one operation."""


class ConfirmationError(FixError):
    """Apply was called without a confirmation for exactly this plan."""
