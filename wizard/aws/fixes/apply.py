"""Run a confirmed plan's boto3 calls (never a shell) and record what happened.

Apply stops at the first failure: later operations often depend on earlier ones (a deployment
after a TTL change), and a half-applied plan is easier to roll back when it stops early. An
operation the endpoint does not implement (MiniStack has no FlushStageAuthorizersCache) is
recorded as "unsupported by this endpoint" and apply continues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from wizard.analysis.redact import redact_obj
from wizard.aws.errors import classify
from wizard.aws.fixes.allowlist import check_allowed
from wizard.aws.fixes.errors import ConfirmationError, NotAllowedError
from wizard.aws.fixes.plan import Confirmation, FixPlan
from wizard.aws.fixes.snapshot import ClientFactory
from wizard.aws.fixes.state import jsonable
from wizard.engine.probes import ProbeErrorKind

StepStatus = Literal["applied", "unsupported", "failed", "skipped"]


@dataclass(frozen=True)
class StepResult:
    cli: str
    status: StepStatus
    message: str = ""
    response: dict[str, Any] | None = None
    missing_permission: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cli": self.cli,
            "status": self.status,
            "message": self.message,
            "response": redact_obj(self.response),
            "missing_permission": self.missing_permission,
        }


@dataclass(frozen=True)
class ApplyResult:
    plan_digest: str
    kind: str
    confirmation: Confirmation
    started_at: str
    steps: tuple[StepResult, ...]

    @property
    def applied(self) -> bool:
        """True when every operation ran (or the endpoint does not implement it)."""
        return all(s.status in ("applied", "unsupported") for s in self.steps)

    @property
    def changed_anything(self) -> bool:
        return any(s.status == "applied" for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_digest": self.plan_digest,
            "kind": self.kind,
            "confirmation": self.confirmation.to_dict(),
            "started_at": self.started_at,
            "applied": self.applied,
            "steps": [s.to_dict() for s in self.steps],
        }


def apply_plan(plan: FixPlan, confirmation: Confirmation, clients: ClientFactory) -> ApplyResult:
    """Apply `plan` with the user's `confirmation` for exactly this plan.

    Raises ConfirmationError (nothing changed) when the confirmation is missing, for another
    plan, or for other commands; NotAllowedError if an operation left the allowlist.
    """
    if not isinstance(confirmation, Confirmation):
        raise ConfirmationError(
            "apply needs a Confirmation created by a front end; nothing was changed"
        )
    confirmation.check(plan)
    if plan.refused:
        raise NotAllowedError(plan.refused)
    for op in plan.operations:  # re-checked here: a plan object is data and could be edited
        check_allowed(op.service, op.operation, op.params, rollback=plan.kind == "rollback")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    steps: list[StepResult] = []
    failed = False
    for op in plan.operations:
        if failed:
            steps.append(StepResult(op.cli, "skipped", "not run: an earlier step failed"))
            continue
        try:
            response = getattr(clients(op.service), op.method)(**op.params)
        except Exception as exc:
            err = classify(exc, action=_iam_action(op.service, op.operation), manual=op.cli)
            if err.kind is ProbeErrorKind.UNSUPPORTED:
                steps.append(
                    StepResult(op.cli, "unsupported", f"not supported by this endpoint: {err}")
                )
                continue
            failed = True
            steps.append(
                StepResult(op.cli, "failed", str(err), missing_permission=err.missing_permission)
            )
            continue
        steps.append(StepResult(op.cli, "applied", "ok", jsonable(response)))
    return ApplyResult(plan.digest, plan.kind, confirmation, started, tuple(steps))


def _iam_action(service: str, operation: str) -> str:
    verbs = {
        "Update": "PATCH",
        "Create": "POST",
        "Put": "PUT",
        "Delete": "DELETE",
        "Flush": "DELETE",
    }
    for prefix, verb in verbs.items():
        if operation.startswith(prefix):
            return f"apigateway:{verb}"
    return "apigateway:*"
