"""From the connection flags to the AWS session of a live investigation, with its errors named:
a bad endpoint is a usage error (exit 2); credentials, a missing profile or an unreachable
endpoint are AWS faults (exit 3)."""

from __future__ import annotations

import threading

from wizard.aws.budget import RunBudget
from wizard.aws.session import AwsSession, SessionError, session_for
from wizard.engine.probes import ProbeError
from wizard.investigation.errors import AwsUnavailable, InvestigationError

# The service a live walk calls first (GetRestApi). Only that one: a client is ~11 ms of CPU,
# and more than one outlasts the STS round trip and delays its answer's handling; the others
# are built by the prefetch threads while the first reads are on the wire.
FIRST_CLIENTS = ("apigateway",)


def connect(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    check_identity: bool = False,
    budget: RunBudget | None = None,
) -> AwsSession:
    """The session for these flags (`session_for`'s rule). `check_identity`: also call STS now,
    so credentials are known to work before anything runs (the caller is then cached).
    `budget`: the run's deadline and breaker, on every client (STS's included)."""
    try:
        aws = session_for(profile=profile, region=region, endpoint_url=endpoint_url)
        aws.budget = budget
        if check_identity:
            # The walk's first client is built while GetCallerIdentity is on the wire (the
            # STS client first: the clients' lock would make it wait behind the other).
            on_the_wire = threading.Event()
            aws.client("sts").meta.events.register_first(
                "before-send.sts.GetCallerIdentity", lambda **_: on_the_wire.set()
            )
            aws.build_clients_ahead(FIRST_CLIENTS, once=on_the_wire)
            try:
                aws.caller_identity()
            finally:
                on_the_wire.set()  # not sent (no credentials): the thread must not wait forever
    except SessionError as exc:
        raise InvestigationError(str(exc)) from None
    except ProbeError as exc:
        hint = f" ({exc.manual_hint})" if exc.manual_hint else ""
        raise AwsUnavailable(f"AWS: {exc.message}{hint}") from None
    except Exception as exc:  # botocore config errors (unknown profile...) are AWS problems
        raise AwsUnavailable(f"AWS: {type(exc).__name__}: {exc}") from None
    return aws
