"""What applying a plan did, step by step: the records apply.py returns and journal.py reads back
(a module of its own so the journal, apply and rollback can all import it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from wizard.analysis.redact import redact_obj
from wizard.aws.fixes.plan import Confirmation

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
    journal: str | None = None  # the change journal's path (a fix; not a restore)

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
            "journal": self.journal,
        }
