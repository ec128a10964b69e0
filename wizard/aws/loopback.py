"""Whether a host is this machine: the one test behind every "local emulator" exemption.

Kept apart from `session` (which pulls in botocore) so a front end can ask it before its first
paint. `localhost` counts here because the engineer typed it; the sandbox's own bind guard
(wizard.sandbox.fidelity.loopback) is stricter and trusts only address literals.
"""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
