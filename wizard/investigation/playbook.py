"""The playbook load with ONE lint policy for every front end: the schema, the full graph pass,
probe names against the registry and cause/fix ids against the shipped catalogue.

(Before: the TUI skipped the probe-name check, prompt mode and the demo skipped the graph lint.)
"""

from __future__ import annotations

from pathlib import Path

from wizard.engine.lint import shipped_catalogue
from wizard.engine.loader import PlaybookError, load_playbook
from wizard.engine.models import Playbook
from wizard.engine.probes import ProbeRegistry
from wizard.investigation.errors import InvestigationError
from wizard.investigation.probes import shipped_registry
from wizard.paths import main_playbook


def load_checked(path: str | Path | None, registry: ProbeRegistry | None = None) -> Playbook:
    """The playbook at `path` (the shipped 403 playbook when None), fully linted.
    Raises InvestigationError (one line naming the first problem, exit code 2)."""
    target = Path(path) if path else main_playbook()
    try:
        return load_playbook(
            target,
            registry=registry if registry is not None else shipped_registry(),
            catalogue=shipped_catalogue(),
        )
    except PlaybookError as exc:
        first = str(exc.errors[0]) if exc.errors else str(exc).splitlines()[0]
        raise InvestigationError(f"invalid playbook: {first}") from None
    except OSError as exc:
        raise InvestigationError(f"cannot read playbook {target}: {exc.strerror or exc}") from None


def playbook_path(path: str | Path | None) -> str:
    return str(Path(path) if path else main_playbook())
