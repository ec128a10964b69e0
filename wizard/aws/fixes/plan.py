"""A fix bound to this session: its operations with real parameters and the exact CLI lines.

A `FixPlan` is what the user is shown and what a `Confirmation` is for: its digest covers the
operations, the parameters and the target (region/profile/endpoint), so a confirmation given
for one plan is refused for any other.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from botocore import xform_name

from wizard.aws.fixes.allowlist import check_allowed
from wizard.aws.fixes.bind import bind_params
from wizard.aws.fixes.errors import ConfirmationError, NotAllowedError
from wizard.aws.fixes.guidance import guidance_text
from wizard.aws.fixes.render import CliTarget, render_argv

PlanKind = Literal["fix", "rollback"]


@dataclass(frozen=True)
class BoundOperation:
    service: str
    operation: str
    params: dict[str, Any]
    argv: tuple[str, ...]

    @property
    def cli(self) -> str:
        return shlex.join(self.argv)

    @property
    def method(self) -> str:
        """The boto3 client method, e.g. update_authorizer."""
        return str(xform_name(self.operation))

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "operation": self.operation,
            "params": self.params,
            "cli": self.cli,
        }


def bind_operation(
    service: str,
    operation: str,
    params: Mapping[str, Any],
    target: CliTarget,
    *,
    rollback: bool = False,
) -> BoundOperation:
    """Check one concrete operation against the allowlist and render its command."""
    check_allowed(service, operation, params, rollback=rollback)
    argv = render_argv(service, operation, params, target)
    return BoundOperation(service, operation, dict(params), tuple(argv))


@dataclass(frozen=True)
class FixPlan:
    fix_id: str
    title: str
    operations: tuple[BoundOperation, ...]
    target: CliTarget = field(default_factory=CliTarget)
    kind: PlanKind = "fix"
    notes: tuple[str, ...] = ()  # what the user must know or do by hand
    refused: str | None = None  # why the wizard will not run it (then it is shown only)

    @property
    def applicable(self) -> bool:
        """True when the wizard may run it (after confirmation); else the user runs the CLI."""
        return self.refused is None and bool(self.operations)

    @property
    def cli(self) -> tuple[str, ...]:
        return tuple(op.cli for op in self.operations)

    @property
    def digest(self) -> str:
        canonical = json.dumps(
            {
                "kind": self.kind,
                "fix_id": self.fix_id,
                "target": [self.target.region, self.target.profile, self.target.endpoint_url],
                "operations": [[o.service, o.operation, o.params] for o in self.operations],
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "fix_id": self.fix_id,
            "title": self.title,
            "kind": self.kind,
            "digest": self.digest,
            "cli": list(self.cli),
            "operations": [o.to_dict() for o in self.operations],
            "notes": list(self.notes),
            "applicable": self.applicable,
            "refused": self.refused,
        }


def build_plan(fix: Any, facts: Mapping[str, Any], target: CliTarget | None = None) -> FixPlan:
    """Bind a catalogue `Fix` (id, title, operations of service/operation/params) to facts.

    Raises BindError for a missing fact and RenderError for what botocore's model does not
    know — before anything is shown or run. An operation off the allowlist (an EC2 endpoint
    policy, an IAM policy) is still rendered so the user can run it, but the whole plan is then
    marked refused: the wizard runs all of a fix or none of it.
    """
    target = target or CliTarget()
    ops = []
    refused: str | None = None
    for i, op in enumerate(fix.operations):
        params = bind_params(op.params, facts, where=f"fix {fix.id} operation {i + 1}")
        try:
            ops.append(bind_operation(op.service, op.operation, params, target))
        except NotAllowedError as exc:
            refused = (
                refused
                or f"the wizard does not run this itself ({exc}); review and run it yourself"
            )
            argv = render_argv(op.service, op.operation, params, target)
            ops.append(BoundOperation(op.service, op.operation, dict(params), tuple(argv)))

    guidance = guidance_text(fix, facts, target)
    notes: tuple[str, ...] = (guidance,) if guidance else ()
    if any(_changes_policy(op) for op in ops) and isinstance(facts.get(POLICY_NOTE), str):
        # A resource policy is a security boundary: the words of what the new policy allows
        # are shown with the diff, before the question.
        notes += (str(facts[POLICY_NOTE]),)
    if any(op.service == "iam" for op in ops) and isinstance(facts.get(IAM_NOTE), str):
        notes += (str(facts[IAM_NOTE]),)  # what the IAM change allows, in words
    if any(op.service == "lambda" for op in ops) and isinstance(facts.get(CODE_NOTE), str):
        notes += (str(facts[CODE_NOTE]),)  # what the code patch changes, in words
    return FixPlan(fix.id, fix.title, tuple(ops), target, "fix", notes, refused)


POLICY_NOTE = "policy_fix_note"  # set by the propose_policy_fix probe (analysis.policy.fix)
IAM_NOTE = "iam_fix_note"  # set by the propose_iam_fix probe (aws.probes.iam_fix)
CODE_NOTE = (
    "authorizer_code_note"  # set by propose_authorizer_code_fix (aws.probes.authorizer_code)
)


def _changes_policy(op: BoundOperation) -> bool:
    patches = op.params.get("patchOperations") or []
    return op.operation == "UpdateRestApi" and any(
        isinstance(p, dict) and p.get("path") == "/policy" for p in patches
    )


@dataclass(frozen=True)
class Confirmation:
    """The user's explicit yes for one plan, created by a front end after showing its commands.

    It records who and when, and the exact command lines the user saw; apply refuses it for any
    plan whose digest or commands differ.
    """

    plan_digest: str
    confirmed_by: str
    confirmed_at: str
    commands_shown: tuple[str, ...]

    @classmethod
    def for_plan(cls, plan: FixPlan, *, by: str, shown: Sequence[str]) -> Confirmation:
        if not by.strip():
            raise ConfirmationError("a confirmation must say who confirmed")
        return cls(plan.digest, by, datetime.now(UTC).isoformat(timespec="seconds"), tuple(shown))

    def check(self, plan: FixPlan) -> None:
        if self.plan_digest != plan.digest:
            raise ConfirmationError(
                f"this confirmation is for another plan (digest {self.plan_digest[:12]}…, "
                f"plan {plan.fix_id} is {plan.digest[:12]}…): nothing was changed"
            )
        if tuple(self.commands_shown) != plan.cli:
            raise ConfirmationError(
                f"the commands confirmed are not the commands of plan {plan.fix_id}: "
                "show the exact commands again and ask again; nothing was changed"
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_digest": self.plan_digest,
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at,
            "commands_shown": list(self.commands_shown),
        }
