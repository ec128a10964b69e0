"""The one Outcome of an investigation as a pure pydantic model (no engine, no AWS): the
investigation builds it (wizard.investigation.outcome_build), every front end and the report
render it. It sits below the report in the layers so the report can read it."""

from wizard.outcome.analysis import (
    AuthorizerPolicyCheck,
    EvidenceAnalysis,
    LogLine,
    ResourceMatch,
    ResourcePolicyCheck,
    StatementCheck,
    TokenInspection,
)
from wizard.outcome.model import (
    OUTCOME_FORMAT,
    OUTCOME_VERSION,
    DiagnosisOut,
    FactOut,
    FixOut,
    Outcome,
    PathStepOut,
    PlaybookRef,
    ProbeFailure,
    RankedCause,
    Target,
    TimelineEvent,
    UnknownFact,
)
from wizard.outcome.states import CHANGED, FIXED, FixState

__all__ = [
    "CHANGED",
    "FIXED",
    "OUTCOME_FORMAT",
    "OUTCOME_VERSION",
    "AuthorizerPolicyCheck",
    "DiagnosisOut",
    "EvidenceAnalysis",
    "FactOut",
    "FixOut",
    "FixState",
    "LogLine",
    "Outcome",
    "PathStepOut",
    "PlaybookRef",
    "ProbeFailure",
    "RankedCause",
    "ResourceMatch",
    "ResourcePolicyCheck",
    "StatementCheck",
    "Target",
    "TimelineEvent",
    "TokenInspection",
    "UnknownFact",
]
