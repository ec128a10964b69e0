"""Shared fixtures for the engine tests: a fixed probe registry and a tiny catalogue, so these
tests never depend on the shipped probes or causes.yaml."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from wizard.catalogue.model import Catalogue, Cause, Fix
from wizard.engine.probes import ProbeRegistry, ProbeSpec

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
PLAYBOOKS = HERE / "playbooks"


class Clock:
    """A clock that ticks one second per reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def registry(**fns: object) -> ProbeRegistry:
    """A registry with `classify_error` and `inspect_jwt` (returning {}) plus the given probes."""
    reg = ProbeRegistry()
    for name in ("classify_error", "inspect_jwt"):
        reg.register(ProbeSpec(name, lambda ctx, params: {}, name))
    for name, fn in fns.items():
        reg.register(ProbeSpec(name, fn, name))  # type: ignore[arg-type]
    return reg


def catalogue() -> Catalogue:
    fixes = [
        Fix(id="fix-cache-wildcard-resource", title="Wildcard resource", explanation="Covers all."),
        Fix(id="fix-cache-ttl-zero", title="TTL 0", explanation="No caching."),
    ]
    return Catalogue(
        causes=[
            Cause(
                id="authz-cache-scoped-policy",
                title="Cached policy scoped to the first method",
                summary="s",
                explanation="e",
                category="authorizer",
                fixes=fixes,
            ),
            Cause(
                id="rp-explicit-deny",
                title="Resource policy deny",
                summary="s",
                explanation="e",
                category="resource-policy",
            ),
        ]
    )
