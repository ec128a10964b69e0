"""Offline probes: the analyzers run on what the user pasted, registered on the probe registry.

A playbook probe node names these like any live probe. Each returns a *flat* JSON-able dict whose
keys use the shared fact names (COMMON.md) so a JMESPath `select` is just the key. A value that
the evidence does not show is `None` (a known "not shown"); evidence that is unusable raises
`ProbeError(INVALID_INPUT)` so the engine marks the facts unknown and asks instead.

The analyzers themselves live in `wizard.analysis` (pure functions) and are imported inside each
probe: importing this module stays cheap and never fails when an analyzer is missing.

Modules, one job each: `responses` (the error response, classify_error), `failing_request` (the
failing request), `policies` (eval_policy, combine, match_arn, simulate_cache), `log_scan`
(scan_logs), `tokens` (inspect_jwt, identity_token). Importing this package registers them all.
"""

from __future__ import annotations

from wizard.engine.offline_probes.failing_request import (
    parse_request,
    parse_target_url,
    request_from_arn,
)
from wizard.engine.offline_probes.log_scan import scan_logs
from wizard.engine.offline_probes.policies import (
    combine_probe,
    eval_policy,
    match_arn,
    simulate_cache,
)
from wizard.engine.offline_probes.responses import classify_error, message_family, pick_value
from wizard.engine.offline_probes.tokens import identity_token, inspect_jwt

__all__ = [
    "classify_error",
    "combine_probe",
    "eval_policy",
    "identity_token",
    "inspect_jwt",
    "match_arn",
    "message_family",
    "parse_request",
    "parse_target_url",
    "pick_value",
    "request_from_arn",
    "scan_logs",
    "simulate_cache",
]
