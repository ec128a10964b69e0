"""The user's AWS configuration, read for the start screen's pickers.

Called from thread workers only: botocore reads ~/.aws files and STS is a network call. boto3 and
botocore are imported inside the functions so the first paint never waits for them.
"""

from __future__ import annotations

from typing import Any


def available_profiles() -> tuple[list[str], str | None]:
    """Profile names from the AWS config and credentials files, and the default region."""
    try:
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
    """(identity, None) once credentials resolve, else (None, a one-line reason)."""
    try:
        import boto3
        from botocore.config import Config

        session = boto3.Session(profile_name=profile or None, region_name=region or None)
        client = session.client(
            "sts",
            region_name=region or session.region_name or "us-east-1",
            endpoint_url=endpoint_url or None,
            config=Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 1}),
        )
        identity = client.get_caller_identity()
    except Exception as exc:
        return None, _one_line(exc)
    return {k: identity.get(k) for k in ("Arn", "Account", "UserId")}, None


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
