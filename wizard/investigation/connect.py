"""From the connection flags to the AWS session of a live investigation, with its errors named:
a bad endpoint is a usage error (exit 2); credentials, a missing profile or an unreachable
endpoint are AWS faults (exit 3)."""

from __future__ import annotations

from wizard.aws.session import AwsSession, SessionError, session_for
from wizard.engine.probes import ProbeError
from wizard.investigation.errors import AwsUnavailable, InvestigationError


def connect(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    check_identity: bool = False,
) -> AwsSession:
    """The session for these flags (`session_for`'s rule). `check_identity`: also call STS now,
    so credentials are known to work before anything runs (the caller is then cached)."""
    try:
        aws = session_for(profile=profile, region=region, endpoint_url=endpoint_url)
        if check_identity:
            aws.caller_identity()
    except SessionError as exc:
        raise InvestigationError(str(exc)) from None
    except ProbeError as exc:
        hint = f" ({exc.manual_hint})" if exc.manual_hint else ""
        raise AwsUnavailable(f"AWS: {exc.message}{hint}") from None
    except Exception as exc:  # botocore config errors (unknown profile...) are AWS problems
        raise AwsUnavailable(f"AWS: {type(exc).__name__}: {exc}") from None
    return aws
