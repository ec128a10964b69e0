"""When sending the failing request again needs the engineer's consent.

Re-sending a POST/PUT/PATCH/DELETE to a real API may change data if it succeeds this time, so it
is asked first; a safe method, or any method sent to the local emulator, is not. The reproduce
probe enforces this rule and the front ends ask by it, so the two can never disagree.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from wizard.aws.loopback import is_loopback_host

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def needs_resend_consent(method: str, url: str) -> bool:
    """An unsafe method (empty means GET) sent anywhere but this machine."""
    url = url.strip()
    if not url:
        return False
    if (method.strip().upper() or "GET") in SAFE_METHODS:
        return False
    return not is_loopback_host(urlsplit(url).hostname or "")
