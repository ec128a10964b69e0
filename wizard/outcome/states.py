"""The fix lifecycle's states (the vocabulary; the transitions live in
wizard.investigation.lifecycle): a pure enum the Outcome and the report both read."""

from __future__ import annotations

from enum import StrEnum


class FixState(StrEnum):
    PROPOSED = "proposed"
    DECLINED = "declined"
    APPLIED = "applied"
    VERIFIED = "verified"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"


# States in which the user's account was changed by the wizard (and may be rolled back).
CHANGED = frozenset({FixState.APPLIED, FixState.VERIFIED, FixState.FAILED})
# States that count as "the incident is fixed" for the exit code.
FIXED = frozenset({FixState.APPLIED, FixState.VERIFIED})
