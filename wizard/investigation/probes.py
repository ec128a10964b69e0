"""The probe registry of an investigation, built once for every front end.

Offline probes (the analyzers over pasted evidence) and live probes (boto3) are all registered,
so an offline walk knows the live ones need AWS and skips them (their facts unknown) instead of
reporting an unknown probe. Offline means no network at all: the probes that send the failing
request again are marked as needing AWS too.
"""

from __future__ import annotations

from dataclasses import replace

import wizard.engine.offline_probes  # noqa: F401  (importing registers the offline probes)
from wizard.aws.probes import register_all
from wizard.engine.probes import REGISTRY, ProbeRegistry

# Probes that send traffic without an AWS session (the failing request itself).
NETWORK_PROBES = frozenset({"reproduce"})


def shipped_registry() -> ProbeRegistry:
    """Every shipped probe, offline and live (registration is idempotent)."""
    register_all()
    return REGISTRY


def offline_registry(registry: ProbeRegistry) -> ProbeRegistry:
    """The probes of an offline walk: no AWS calls and no traffic to the API at all."""
    offline = ProbeRegistry()
    for spec in registry:
        if spec.name in NETWORK_PROBES:
            spec = replace(spec, needs_aws=True)
        offline.register(spec)
    return offline


def registry_for(*, live: bool, registry: ProbeRegistry | None = None) -> ProbeRegistry:
    """The registry a walk runs with: all probes live, the no-network subset offline."""
    base = registry if registry is not None else shipped_registry()
    return base if live else offline_registry(base)
