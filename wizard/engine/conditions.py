"""Three-valued evaluation of playbook conditions: TRUE, FALSE or UNKNOWN.

The language and its evaluator live in wizard.catalogue.conditions (the catalogue's evidence rules
are written in it too); this module is the engine's name for them.
"""

from wizard.catalogue.conditions import Truth, describe, evaluate, unknown_facts

__all__ = ["Truth", "describe", "evaluate", "unknown_facts"]
