"""The Outcome model moved to wizard.outcome (below the report, which renders it); this name
stays for the front ends that import it from here."""

from wizard.outcome.model import (
    DiagnosisOut,
    FactOut,
    FixOut,
    Outcome,
    RankedCause,
    Target,
    UnknownFact,
)

__all__ = ["DiagnosisOut", "FactOut", "FixOut", "Outcome", "RankedCause", "Target", "UnknownFact"]
