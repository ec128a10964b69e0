"""Policies: evaluate one for the failing call, combine the two sides, replay the cache."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from wizard.analysis.arn import arn_matches, build_method_arn, first_mismatch
from wizard.analysis.cache_sim import ScenarioError, replay_same_token
from wizard.analysis.combine import combine
from wizard.analysis.policy.evaluate import PolicyDecision, evaluate_policy
from wizard.analysis.policy.fix import propose_policy_fix
from wizard.analysis.policy.parse import PolicyError, load_document, parse_policy
from wizard.analysis.policy.request import RequestContext
from wizard.analysis.policy.resources import resource_applies
from wizard.analysis.policy.variables import VARIABLES_VERSION
from wizard.engine.offline_probes._common import (
    _blank,
    _flag,
    _given,
    _text_param,
)
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind


def _parse_policy(value: Any) -> dict[str, Any] | None:
    """A policy given as a dict, JSON text (prose around it is ignored), get_rest_api's escaped
    JSON, or a whole authorizer response (`{"principalId":..., "policyDocument": {...}}`)."""
    if value is None or _blank(value):
        return None
    source: Any = value
    if isinstance(value, str):
        text = value.strip()
        start = text.find("{")
        if start < 0:
            raise ProbeError(ProbeErrorKind.INVALID_INPUT, "the policy is not JSON (no '{' found)")
        source = text[start : text.rfind("}") + 1]
    elif not isinstance(value, Mapping):
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, "the policy must be a JSON object")
    try:
        return load_document(source)
    except PolicyError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, f"the {exc}") from None


def _resources(policy: Mapping[str, Any], effect: str) -> list[str]:
    """Every Resource of the statements with this Effect (authorizer policies name ARNs)."""
    statements = policy.get("Statement") or policy.get("statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    out: list[str] = []
    for st in statements:
        if not isinstance(st, dict) or str(st.get("Effect", "")).lower() != effect:
            continue
        res = st.get("Resource", [])
        out.extend([res] if isinstance(res, str) else [r for r in res if isinstance(r, str)])
    return out


def _failing_arn(
    ctx: ProbeContext, params: Mapping[str, Any], policy: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The failing call's method ARN: given, or built from its parts.

    Parts the URL did not give (the account always, offline; region and API id behind a custom
    domain) are taken from the first method ARN the policy names: an authorizer's policy and a
    resource policy are written for their own API. Which parts were borrowed is returned, so
    the explanation can say so.
    """

    given = _given(params, "method_arn")
    if given and given.startswith("arn:"):
        return _unmasked(given, _given(params, "account_id", ctx))
    parts = {
        k: _given(params, k, ctx) for k in ("region", "account_id", "api_id", "stage", "method")
    }
    path = _given(params, "path", ctx) or "/"
    borrowed: list[str] = []
    if any(v is None for v in parts.values()) and policy is not None:
        for res in _resources(policy, "allow") + _resources(policy, "deny"):
            for key, value in _arn_parts(res).items():
                if parts[key] is None and value and "*" not in value and "?" not in value:
                    parts[key] = value
                    borrowed.append(key)
    if parts["account_id"] is None:
        # Any 12 digits do when the policy names no account: its ARNs then use a wildcard.
        parts["account_id"] = "000000000000"
    missing = [k for k, v in parts.items() if v is None]
    if missing:
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT,
            f"cannot build the failing call's method ARN: {', '.join(missing)} unknown",
            manual_hint="give the full invoke URL and the HTTP method of the failing call",
        )
    arn = build_method_arn(
        str(parts["region"]),
        str(parts["account_id"]),
        str(parts["api_id"]),
        str(parts["stage"]),
        str(parts["method"]).upper(),
        path,
    )
    return {"method_arn": arn, "borrowed": borrowed}


def _unmasked(arn: str, account_id: str | None) -> dict[str, Any]:
    """`arn` with a masked account (`********1234`, as API Gateway's refusals show the API's
    account) replaced by `account_id` (the API's, read live) when its last four digits agree;
    a masked ARN is left as it is otherwise (the evaluator then says it cannot judge it)."""
    sections = arn.split(":", 5)
    masked = len(sections) == 6 and re.fullmatch(r"\*+(\d{4})", sections[4])
    if not masked or not account_id or not re.fullmatch(r"\d{12}", account_id):
        return {"method_arn": arn, "borrowed": []}
    if account_id[-4:] != masked.group(1):
        return {"method_arn": arn, "borrowed": []}
    sections[4] = account_id
    return {"method_arn": ":".join(sections), "borrowed": []}


def _accounts_differ(principal: str | None, method_arn: str) -> bool | None:
    """Whether the caller's account (in its ARN) is not the API's (in the method ARN); None when
    either is not known (an anonymous caller, a masked account)."""
    caller = re.match(r"arn:aws[\w-]*:(?:iam|sts)::(\d{12}):", principal or "")
    api = _arn_parts(method_arn).get("account_id", "")
    if caller is None or not re.fullmatch(r"\d{12}", api):
        return None
    return caller.group(1) != api


def _arn_parts(resource: str) -> dict[str, str]:
    """region/account/API id/stage of an execute-api ARN, even a partial one (`API/*`)."""
    sections = resource.split(":", 5)
    if len(sections) != 6 or sections[2].lower() != "execute-api":
        return {}
    path = sections[5].split("/")
    return {
        "region": sections[3],
        "account_id": sections[4],
        "api_id": path[0],
        "stage": path[1] if len(path) > 1 else "",
    }


@REGISTRY.probe(
    "eval_policy",
    "Evaluate a policy (authorizer result or resource policy) for the failing call's method ARN",
)
def eval_policy(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:

    policy = _parse_policy(params.get("policy"))
    target = _failing_arn(ctx, params, policy)
    arn = target["method_arn"]
    out: dict[str, Any] = {
        "policy_present": policy is not None,
        "method_arn": arn,
        "arn_parts_from_policy": target["borrowed"],
        # the caller's account against the API's: Table B applies across accounts
        "cross_account": _accounts_differ(_given(params, "principal"), arn),
        "decision": None,
        "covers": None,
        "allow_resources": [],
        "allow_resource": None,
        "deny_resources": [],
        "deciding": [],
        "explanation": "no policy was given",
        "first_mismatch": None,
        "notes": [],
        # the evaluator's per-statement results, kept whole for the views (the report, the
        # findings): they render this, never the policy text again
        "evaluation": None,
    }
    if policy is None:
        return out
    out.update(_evaluate(policy, arn, params))
    allow = _resources(policy, "allow")
    covers = any(arn_matches(r, arn) for r in allow)
    out.update(
        covers=covers,
        allow_resources=allow,
        allow_resource=allow[0] if allow else None,
        deny_resources=_resources(policy, "deny"),
        first_mismatch=first_mismatch(allow[0], arn) if allow and not covers else None,
    )
    out["evaluation"]["first_mismatch"] = out["first_mismatch"]
    return out


def _evaluate(policy: dict[str, Any], arn: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Run the policy evaluator (wizard.analysis.policy.evaluate) and flatten its decision."""
    request = RequestContext(
        method_arn=arn,
        principal=_given(params, "principal") or "anonymous",
        caller_account=_given(params, "caller_account"),
        source_ip=_given(params, "source_ip"),
        vpce_id=_given(params, "vpce_id"),
    )
    try:
        result, evaluation = evaluate_record(policy, request)
    except PolicyError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, f"the policy is malformed: {exc}") from None
    except ValueError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, str(exc)) from None
    return {
        "decision": result.decision,
        "deciding": [d.sid or f"Statement[{d.index}]" for d in result.deciding],
        "explanation": result.explanation,
        "notes": list(result.notes),
        "evaluation": evaluation,
    }


POLICY_EVALUATION = "policy_evaluation"  # the `analysis` tag of the record below
MAX_RECORDED_STATEMENTS = 50
MAX_STATEMENT_JSON = 4000


def evaluate_record(
    policy: Mapping[str, Any], request: RequestContext, kind: Any = None
) -> tuple[PolicyDecision, dict[str, Any]]:
    """Evaluate `policy` for `request` (a RequestContext) and return the evaluator's decision
    with its record: the decision, the sentence, and what each statement did for this method
    ARN (its outcome and why, whether its Resource covers the ARN, whether it decided), with
    the statement's JSON. The offline `eval_policy` probe and the live `authorizer_policy`
    probe both store this record, so every view renders one evaluation. Raises PolicyError
    and ValueError as `evaluate_policy` does."""
    parsed = parse_policy(policy)
    result = evaluate_policy(parsed, request, kind)
    raw = policy.get("Statement")
    items = [raw] if isinstance(raw, Mapping) else list(raw) if isinstance(raw, list) else []
    deciding = {d.index for d in result.deciding}
    keys = request.context_keys()
    variables = parsed.version == VARIABLES_VERSION
    statements: list[dict[str, Any]] = []
    for st, res in zip(parsed.statements, result.statements, strict=True):
        if len(statements) >= MAX_RECORDED_STATEMENTS:
            break
        covers: bool | None
        try:
            covers = resource_applies(st, request.method_arn.strip(), keys, variables=variables)[0]
        except (AssertionError, ValueError):  # no Resource at all, an unreadable pattern
            covers = None
        negated = st.resources is None and st.not_resources is not None
        written = (st.not_resources if negated else st.resources) or ()
        actions = st.actions if st.actions is not None else st.not_actions or ()
        source = items[st.index] if st.index < len(items) else {}
        text = json.dumps(source, indent=2, sort_keys=True, default=str)
        if len(text) > MAX_STATEMENT_JSON:
            text = text[:MAX_STATEMENT_JSON] + "\n…"
        statements.append(
            {
                "index": st.index,
                "sid": st.sid,
                "label": st.sid or f"statement {st.index}",
                "effect": st.effect,
                "outcome": res.outcome,
                "reason": res.reason,
                "deciding": st.index in deciding,
                "covers_method_arn": covers,
                "resources": [f"NOT {r}" if negated else r for r in written],
                "actions": [f"NOT {a}" if st.actions is None else a for a in actions],
                "has_condition": bool(st.conditions),
                "json": text,
            }
        )
    record = {
        "analysis": POLICY_EVALUATION,
        "method_arn": request.method_arn,
        "principal": request.principal,
        "kind": result.kind,
        "decision": result.decision,
        "explanation": result.explanation,
        "suggestion": result.suggestion,
        "statements": statements,
        "statements_total": len(parsed.statements),
        "notes": list(result.notes),
        "warnings": list(result.warnings),
    }
    return result, record


_DECISIONS = ("allow", "explicit_deny", "implicit_deny")


@REGISTRY.probe(
    "combine",
    "Combine the resource policy's decision with the authorizer's or IAM's, as API Gateway does",
)
def combine_probe(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:

    rp = _given(params, "resource_policy")
    auth = _given(params, "auth") or "none"
    auth_decision = _given(params, "auth_decision")
    if rp is not None and rp not in _DECISIONS:
        rp = None  # "absent", "none": the API has no resource policy
    if auth not in ("none", "iam", "lambda", "cognito"):
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, f"unknown authorization kind {auth!r}")
    if auth != "none" and auth_decision not in _DECISIONS:
        raise ProbeError(ProbeErrorKind.MISSING_INPUT, f"the {auth} side's decision is unknown")
    result = combine(
        rp,  # type: ignore[arg-type]
        auth,  # type: ignore[arg-type]
        auth_decision,  # type: ignore[arg-type]
        cross_account=_flag(ctx, params, "cross_account"),
        private_api=_flag(ctx, params, "private_api")
        or ctx.facts.get("endpoint_type") == "PRIVATE"
        or ctx.facts.get("host_kind") in ("vpce_alias", "vpce_public_dns"),
        principal=_given(params, "principal") or "anonymous",
        method_arn=_given(params, "method_arn") or "<method-arn>",
    )
    return {
        "decision": result.decision,
        "decided_by": result.decided_by,
        "cause_hint": result.cause_hint,
        "explanation": result.explanation,
        "status": result.status,
        "message": result.message,
    }


@REGISTRY.probe(
    "match_arn",
    "Does an IAM Resource pattern cover a method ARN, and which part differs",
)
def match_arn(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:

    pattern = _text_param(params, "pattern")
    arn = _text_param(params, "arn")
    matches = arn_matches(pattern, arn)
    return {
        "matches": matches,
        "first_mismatch": None if matches else first_mismatch(pattern, arn),
    }


@REGISTRY.probe(
    "simulate_cache",
    "Replay the first call and the failing call with one token through the authorizer-cache model",
)
def simulate_cache(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:

    first, failing = _given(params, "first_arn"), _given(params, "failing_arn")
    ttl = params.get("ttl")
    if not first or not failing or not isinstance(ttl, int) or isinstance(ttl, bool):
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT, "the cache replay needs both method ARNs and the TTL"
        )
    # What the authorizer returns: a whole policy, or the Resource it names (the evidence:
    # the Resource of the cached policy), else the usual event.methodArn.
    policy = _parse_policy(params.get("policy"))
    returned: Any = policy if policy is not None else _given(params, "resource") or "{methodArn}"
    request = _given(params, "authorizer_type", ctx) == "REQUEST"
    try:
        result = replay_same_token(
            [first, failing],
            ttl=ttl,
            returned=returned,
            authorizer_type="REQUEST" if request else "TOKEN",
        )
    except ScenarioError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, f"cannot replay the calls: {exc}") from None
    one, two = result.steps[0], result.steps[-1]
    return {
        "first_status": one.status,
        "failing_status": two.status,
        "failing_cache": two.cache,
        "failing_lambda_invoked": two.lambda_invoked,
        "invocations": result.invocations,
        "moral": result.moral,
        "steps": [s.to_dict() for s in result.steps],
    }


@REGISTRY.probe(
    "propose_policy_fix",
    "Propose the smallest resource-policy change that lets this caller make this call "
    "(or say why none is safe), for the rp-explicit-deny / rp-implicit-deny fixes",
)
def propose_policy_fix_probe(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    """Reads the resource policy (`policy`, else the live `resource_policy` or the pasted
    `resource_policy_text` fact), the failing call's method ARN and who/where the caller is."""

    policy = None
    for source in (params.get("policy"), ctx.facts.get("resource_policy")):
        policy = _parse_policy(source) if source is not None else None
        if policy is not None:
            break
    if policy is None:
        text = ctx.facts.get("resource_policy_text")
        policy = _parse_policy(text) if isinstance(text, str) else None
    if policy is None:
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT,
            "no resource policy to correct",
            manual_hint="paste the API's resource policy (get-rest-api --query policy)",
        )
    arn = _given(params, "method_arn", ctx) or _failing_arn(ctx, params, policy)["method_arn"]
    principal = _given(params, "caller_arn", ctx) or "anonymous"
    request = RequestContext(
        method_arn=arn,
        principal=principal,
        source_ip=_given(params, "source_ip", ctx),
        vpce_id=_given(params, "vpce_id", ctx),
    )
    try:
        fix = propose_policy_fix(policy, request)
    except PolicyError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, f"the policy is malformed: {exc}") from None
    except ValueError as exc:
        raise ProbeError(ProbeErrorKind.INVALID_INPUT, str(exc)) from None
    change = fix.change + "".join(f" Warning: {w}" for w in fix.warnings)
    note = (
        f"The corrected policy the wizard can apply: {change}"
        if fix.proposed
        else f"The wizard will not write the policy change for you: {fix.reason}."
    )
    return {
        "proposed": fix.proposed,
        "policy_json": fix.policy_json(),
        "change": change if fix.proposed else None,
        "reason": fix.reason,
        "note": note,
    }
