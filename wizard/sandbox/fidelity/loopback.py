"""The one guard that keeps the fidelity layer off the network: loopback binds only.

MiniStack binds 0.0.0.0 when BIND_HOST is unset; the layer emulates data-plane behaviour that
nobody outside this machine may reach, so an unset or non-loopback host is refused outright.
"""

from __future__ import annotations

from wizard.aws.loopback import is_loopback_host


class NotLoopbackError(ValueError):
    """A bind host or endpoint that is not a loopback address."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8 and ::1 literals (names, even `localhost`, are not trusted)."""
    return host != "localhost" and is_loopback_host(host)


def require_loopback(host: str) -> str:
    """`host` when it is a loopback literal, else NotLoopbackError naming it."""
    if not is_loopback(host):
        shown = host or "(unset: MiniStack would bind every interface)"
        raise NotLoopbackError(f"refusing to serve on {shown}: only 127.0.0.1 or ::1")
    return host
