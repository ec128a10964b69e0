"""The exit code of an investigation, decided once from its Outcome (an API: scripts and CI
branch on it; documented in docs/investigation.md and the README):

    0 diagnosed (and a fix applied, or none to apply)   1 a fix is pending (proposed, declined,
    rolled back, or applied but the request still fails)   2 usage or invalid playbook
    3 AWS credentials/connection   4 inconclusive   130 interrupted (the walk did not end)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wizard import exitcodes
from wizard.aws.errors import AWS_FAULT_KINDS
from wizard.investigation.lifecycle import FIXED
from wizard.outcome.model import DiagnosisOut, FixOut, Outcome


def has_aws_faults(probe_failures: Sequence[Any]) -> bool:
    """Whether a probe failed for an AWS fault (throttled, server error, reset, timeout,
    unreachable, credentials, access denied), as opposed to missing evidence."""
    kinds = {str(k.value) for k in AWS_FAULT_KINDS}
    return any(
        str(f.get("error_kind") if isinstance(f, Mapping) else f.error_kind) in kinds
        for f in probe_failures
    )


def decide(
    ended: bool,
    diagnosis: DiagnosisOut | None,
    fixes: Sequence[FixOut],
    *,
    aws_faults: bool = False,
) -> int:
    """The code. `aws_faults`: a probe failed for an AWS fault, so a walk that did not end or
    ended inconclusive is exit 3 (the diagnosis is incomplete because of AWS, not of the
    evidence); a walk that reached a diagnosis anyway keeps its own code."""
    incomplete = not ended or diagnosis is None or diagnosis.inconclusive
    if aws_faults and incomplete:
        return exitcodes.AWS
    if not ended:
        return exitcodes.INTERRUPTED
    if diagnosis is None or diagnosis.inconclusive:
        return exitcodes.INCONCLUSIVE
    if any(f.state in FIXED for f in fixes):
        return exitcodes.OK  # a fix is in place (verified, or applied and not checkable)
    return exitcodes.FIX_PENDING if fixes else exitcodes.OK


def exit_code(outcome: Outcome) -> int:
    """The process exit code for `outcome` (the same in every front end)."""
    return decide(
        outcome.ended,
        outcome.diagnosis,
        outcome.fixes,
        aws_faults=has_aws_faults(outcome.probe_failures),
    )
