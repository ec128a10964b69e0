"""The fix lifecycle, one vocabulary for every front end and the report:

    proposed → declined
             | applied → verified | failed → rolled_back
             | failed (the apply itself failed part-way) → rolled_back

`proposed` also covers a fix the wizard may not apply (a manual step, refused, state unreadable):
its `detail` says why. `applied` means the change is in place and could not be checked (no
replay); `failed` means it did not take, or the replay still fails.
"""

from __future__ import annotations

from typing import Any

# The states live with the Outcome (wizard.outcome) so the report can read them; re-exported here
# for the investigation's modules.
from wizard.outcome.states import CHANGED, FIXED, FixState

__all__ = ["CHANGED", "FIXED", "FixState", "state_of_run"]


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
