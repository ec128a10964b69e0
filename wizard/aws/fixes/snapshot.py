"""The state a plan will change, read with read-only calls before anything is applied."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wizard.analysis.redact import redact_obj
from wizard.aws.errors import classify
from wizard.aws.fixes.code import PREFIX, CodeError, artifact_path, load_artifact
from wizard.aws.fixes.plan import BoundOperation, FixPlan
from wizard.aws.fixes.render import render_argv
from wizard.aws.fixes.state import READERS, jsonable
from wizard.engine.probes import ProbeErrorKind

ClientFactory = Callable[[str], Any]  # service name → boto3 client (e.g. AwsSession.client)


@dataclass(frozen=True)
class StateRead:
    call: str  # the read as an AWS CLI command, for the report
    state: dict[str, Any] | None  # the response, None when it could not be read
    absent: bool = False  # the resource does not exist yet (NotFound)
    error: str | None = None  # why it could not be read: the state is UNKNOWN, not empty

    def to_dict(self) -> dict[str, Any]:
        return {
            "call": self.call,
            "state": redact_obj(self.state),
            "absent": self.absent,
            "error": self.error,
        }


@dataclass(frozen=True)
class Snapshot:
    plan_digest: str
    taken_at: str
    reads: tuple[StateRead | None, ...]  # one per operation; None: nothing to read

    @property
    def complete(self) -> bool:
        return all(r is None or r.error is None for r in self.reads)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_digest": self.plan_digest,
            "taken_at": self.taken_at,
            "reads": [r.to_dict() if r else None for r in self.reads],
        }


def read_state(op: BoundOperation, clients: ClientFactory) -> StateRead | None:
    reader = READERS.get((op.service, op.operation))
    if reader is None:
        return None
    params = reader.call_params(op.params)
    call = shlex.join(render_argv(op.service, reader.operation, params))
    try:
        response = getattr(clients(op.service), reader.method)(**params)
    except Exception as exc:
        # API Gateway v1 and v2 share the apigateway:GET action; IAM and Lambda name theirs.
        action = (
            "apigateway:GET"
            if op.service.startswith("apigateway")
            else (f"{op.service}:{reader.operation}")
        )
        err = classify(exc, action=action, manual=call)
        if err.kind is ProbeErrorKind.NOT_FOUND:
            return StateRead(call, {}, absent=True)
        return StateRead(call, None, error=str(err))
    state = reader.state_of(jsonable(response))
    if state is None:  # a Describe* that lists nothing: the resource is not there
        return StateRead(call, {}, absent=True)
    if (op.service, op.operation) == ("lambda", "UpdateFunctionCode"):
        missing = _code_not_saved(state)
        if missing:
            return StateRead(call, None, error=missing)
    return StateRead(call, state)


def _code_not_saved(state: dict[str, Any]) -> str | None:
    """Why the function's current code could not be restored, or None when it is saved (an
    artifact with its CodeSha256): without it a code fix has no way back."""

    sha = state.get("CodeSha256")
    try:
        load_artifact(PREFIX + str(artifact_path(str(sha))))
    except CodeError:
        return f"the function's current code (CodeSha256 {sha}) is not saved, so it could not be restored"
    return None


def take_snapshot(plan: FixPlan, clients: ClientFactory) -> Snapshot:
    """Read every resource the plan touches. A failed read is recorded, never guessed."""
    reads = tuple(read_state(op, clients) for op in plan.operations)
    return Snapshot(plan.digest, datetime.now(UTC).isoformat(timespec="seconds"), reads)
