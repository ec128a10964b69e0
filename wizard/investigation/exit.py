"""The exit code of an investigation, decided once from its Outcome (an API: scripts and CI
branch on it; documented in docs/investigation.md and the README):

    0 diagnosed (and a fix applied, or none to apply)   1 a fix is pending (proposed, declined,
    rolled back, or applied but the request still fails)   2 usage or invalid playbook
    3 AWS credentials/connection   4 inconclusive   130 interrupted (the walk did not end)
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard import exitcodes
from wizard.investigation.lifecycle import FIXED
from wizard.investigation.outcome import DiagnosisOut, FixOut, Outcome


def decide(ended: bool, diagnosis: DiagnosisOut | None, fixes: Sequence[FixOut]) -> int:
    if not ended:
        return exitcodes.INTERRUPTED
    if diagnosis is None or diagnosis.inconclusive:
        return exitcodes.INCONCLUSIVE
    if any(f.state in FIXED for f in fixes):
        return exitcodes.OK  # a fix is in place (verified, or applied and not checkable)
    return exitcodes.FIX_PENDING if fixes else exitcodes.OK


def exit_code(outcome: Outcome) -> int:
    """The process exit code for `outcome` (the same in every front end)."""
    return decide(outcome.ended, outcome.diagnosis, outcome.fixes)
