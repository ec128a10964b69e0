"""Pasted or live-read logs: did the authorizer run for the failing call, what did it cache?"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from typing import Any

from wizard.engine.offline_probes._common import (
    _blank,
    _given,
    _text_param,
)
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind


@REGISTRY.probe(
    "scan_logs",
    "Scan pasted execution, access or authorizer logs: did the authorizer run for the failing call?",
)
def scan_logs(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    text = _text_param(params, "text", required=False)
    names = params.get("from_facts") or []
    if isinstance(names, list):
        # Logs read by live probes: join the texts that could be read (a failed read is skipped).
        texts = [ctx.facts.get(str(n)) for n in names]
        text = "\n".join([text, *(t for t in texts if isinstance(t, str) and t.strip())])
    if _blank(text.strip()):
        return dict(_NO_LOGS)
    try:
        logs = importlib.import_module("wizard.analysis.logs.scan")
    except ImportError:
        raise ProbeError(
            ProbeErrorKind.UNSUPPORTED, "the log parser is not available in this build"
        ) from None
    return _scan_with(ctx, logs, text, params)


_NO_LOGS: dict[str, Any] = {
    "has_logs": False,
    "requests": 0,
    "failing_request_id": None,
    "authorizer_invoked": None,
    "cached_policy": None,
    "cached_method_arn": None,
    "failing_policy": None,
    "response_type": None,
    "waf_blocked": None,
    "usage_plan_missing": None,
    "mtls_denied": None,
    "integration_status": None,
    "findings": None,
}

LOG_FINDINGS = "log_findings"  # the `analysis` tag of the record below
MAX_SHOWN_REQUESTS = 6
MAX_SHOWN_LINES = 15
MAX_LINE_CHARS = 2000


def _scan_with(
    ctx: ProbeContext, logs: Any, text: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    """Flatten helper B's per-request scan into the facts the tree branches on.

    The failing request is the one named by `request_id`, else the last denied one. When only
    the authorizer Lambda's own log is pasted, "did it run for the failing call" is read from its
    invocations: none of them received the failing call's method and path.
    """
    result = logs.scan_lines(text.splitlines())
    requests = list(result.requests)
    out = dict(_NO_LOGS)
    out["has_logs"] = bool(requests or result.lambda_invocations)
    out["requests"] = len(requests)
    wanted = _given(params, "request_id")
    failing = next((r for r in requests if wanted and r.request_id == wanted), None)
    if failing is None:
        denied = [r for r in requests if r.denied]
        failing = denied[-1] if denied else None
    kinds: set[str] = set().union(*(r.kinds for r in requests)) if requests else set()
    signals = {sig.code for r in requests for sig in r.signals}
    out["waf_blocked"] = "waf-blocked" in kinds
    out["mtls_denied"] = "mtls-denied" in kinds
    out["usage_plan_missing"] = "apikey-not-in-usage-plan" in signals
    if failing is not None:
        out["failing_request_id"] = failing.request_id
        out["authorizer_invoked"] = failing.authorizer_invoked
        out["response_type"] = failing.response_type
        out["integration_status"] = failing.integration_status
        if failing.authorizer_invoked:
            out["failing_policy"] = _policy_of(
                failing.policy, failing.policy_effects, failing.policy_resources
            )
        elif failing.prior_authorizer_run is not None:
            prior = failing.prior_authorizer_run
            earlier = next((r for r in requests if r.request_id == prior.request_id), None)
            out["cached_policy"] = _policy_of(
                earlier.policy if earlier else None, list(prior.effects), list(prior.resources)
            )
            out["cached_method_arn"] = earlier.method_arn if earlier else None
    else:
        out["response_type"] = next((r.response_type for r in requests if r.response_type), None)
    if out["authorizer_invoked"] is None:
        _from_lambda_log(ctx, out, list(result.lambda_invocations), params, text)
        out["has_logs"] = out["has_logs"] or out["authorizer_invoked"] is not None
    out["findings"] = _findings(requests, failing, signals)
    return out


def _findings(requests: list[Any], failing: Any, signals: set[str]) -> dict[str, Any]:
    """What the scan found, kept whole for the views (the report renders this, never the log
    text again): the requests that matter — the failing one, the earlier one whose authorizer
    answer a cache hit reused, the last denied ones — each with its notable lines; how many
    requests were refused and when (the impact window the logs show)."""
    by_id = {r.request_id: r for r in requests}
    roles: dict[str, str] = {}
    if failing is not None:
        roles[failing.request_id] = "failing"
    for r in [r for r in requests if r.denied][-2:]:
        roles.setdefault(r.request_id, "denied")
    for rid in list(roles):
        prior = by_id[rid].prior_authorizer_run
        if prior is not None and prior.request_id in by_id:
            roles.setdefault(prior.request_id, "cached_from")
    shown = [r for r in requests if r.request_id in roles][-MAX_SHOWN_REQUESTS:]
    denied = [r for r in requests if r.denied]
    times = sorted(t for r in denied for t in (r.first_time, r.last_time) if t)
    return {
        "analysis": LOG_FINDINGS,
        "requests_total": len(requests),
        "denied_total": len(denied),
        "denied_first_at": times[0] if times else None,
        "denied_last_at": times[-1] if times else None,
        "failing_request_id": failing.request_id if failing is not None else None,
        "signals": sorted(signals),
        "requests": [_shown(r, roles[r.request_id]) for r in shown],
    }


def _shown(req: Any, role: str) -> dict[str, Any]:
    lines = [n.to_dict() for n in req.notable]
    for line in lines:
        if len(line["text"]) > MAX_LINE_CHARS:
            line["text"] = line["text"][: MAX_LINE_CHARS - 1] + "…"
    return {
        "request_id": req.request_id,
        "role": role,
        "status": req.status,
        "method": req.method,
        "resource_path": req.resource_path,
        "authorizer_invoked": req.authorizer_invoked,
        "first_at": req.first_time,
        "lines": lines[:MAX_SHOWN_LINES],
        "more_lines": max(0, len(lines) - MAX_SHOWN_LINES) + int(req.notable_dropped or 0),
    }


def _policy_of(policy: Any, effects: list[str], resources: list[str]) -> dict[str, Any] | None:
    """The policy as the log printed it, or rebuilt from the effects/resources read from it."""
    if isinstance(policy, dict):
        inner = policy.get("policyDocument")
        return inner if isinstance(inner, dict) else policy
    if not resources:
        return None
    effect = "Deny" if "Deny" in effects and "Allow" not in effects else "Allow"
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": effect, "Action": "execute-api:Invoke", "Resource": resources}],
    }


_METHOD_ARN_FIELD = re.compile(r"methodArn\"?\s*[:=]\s*\"?(arn:aws[\w-]*:execute-api:[^\"\s,}]+)")


def _from_lambda_log(
    ctx: ProbeContext, out: dict[str, Any], runs: list[Any], params: Mapping[str, Any], text: str
) -> None:
    """Authorizer-Lambda logs only: was any invocation for the failing method and path?

    Each invocation's method ARN comes from the parsed invocation, or — when the function
    prints its event without the Lambda log prefix — from the `methodArn` fields in the text.
    """
    seen: list[tuple[str, Any]] = [(a, r) for r in runs for a in r.method_arns]
    if not seen:
        seen = [(m.group(1), None) for m in _METHOD_ARN_FIELD.finditer(text)]
    if not seen:
        return
    method = (_given(params, "method", ctx) or "").upper()
    path = _given(params, "path", ctx)
    arn, run = seen[-1]
    if method and path:
        suffix = f"/{method}/{path.lstrip('/')}"
        hits = [(a, r) for a, r in seen if a.endswith(suffix)]
        out["authorizer_invoked"] = bool(hits)
        arn, run = hits[-1] if hits else seen[-1]
    policy = None
    if run is not None:
        policy = _policy_of(None, list(run.returned_effects), list(run.returned_resources))
    out["failing_policy" if out["authorizer_invoked"] else "cached_policy"] = policy
    if not out["authorizer_invoked"]:
        out["cached_method_arn"] = arn
