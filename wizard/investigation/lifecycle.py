"""The fix lifecycle, one vocabulary for every front end and the report:

    proposed → declined
             | applied → verified | failed → rolled_back
             | failed (the apply itself failed part-way) → rolled_back

`proposed` also covers a fix the wizard may not apply (a manual step, refused, state unreadable):
its `detail` says why. `applied` means the change is in place and could not be checked (no
replay); `failed` means it did not take, or the replay still fails.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


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


def state_of_run(run: Any) -> FixState:
    """The lifecycle state after one run of the fixes driver (`wizard.aws.fixes.driver.FixRun`)."""
    if run.status == "declined":
        return FixState.DECLINED
    if run.status in ("refused", "unreadable"):
        return FixState.PROPOSED  # nothing was changed; the run's detail says why
    if run.status == "failed":
        return FixState.FAILED
    if run.verified is True:
        return FixState.VERIFIED
    if run.verified is False:
        return FixState.FAILED
    return FixState.APPLIED
