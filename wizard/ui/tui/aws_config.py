"""The user's AWS configuration, read for the start screen's pickers.

Called from thread workers only: botocore reads ~/.aws files and STS is a network call. boto3 and
botocore are imported inside the functions so the first paint never waits for them.
"""

from __future__ import annotations

from typing import Any


def available_profiles() -> tuple[list[str], str | None]:
    """Profile names from the AWS config and credentials files, and the default region."""
    try:
        # lazy: botocore.session ~400 ms (46% of the TUI app's import); a worker calls this
        import botocore.session

        session = botocore.session.Session()
        profiles = sorted(session.available_profiles)
        region = session.get_config_variable("region")
    except Exception:  # a malformed config file must not break the start screen
        return [], None
    return profiles, region if isinstance(region, str) else None


def caller_identity(
    profile: str, region: str, endpoint_url: str
) -> tuple[dict[str, Any] | None, str | None]:
    """(identity, None) once credentials resolve, else (None, a one-line reason).

    Uses the same session as the probes (wizard.aws.session): an emulator on 127.0.0.1 gets its
    dummy credentials, anything else the standard chain with timeouts and retries.
    """
    try:
        # lazy: wizard.aws.session ~55 ms (6% of the TUI app's import); a worker calls this
        from wizard.aws.session import session_for

        session = session_for(
            profile=profile or None, region=region or None, endpoint_url=endpoint_url or None
        )
        identity = session.caller_identity()
    except Exception as exc:  # any failure is shown as one line; offline stays available
        return None, _one_line(exc)
    return {"Arn": identity.get("caller_arn"), "Account": identity.get("account_id")}, None


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
