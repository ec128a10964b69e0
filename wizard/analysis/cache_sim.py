"""Simulate a REST API Lambda authorizer's policy cache over a sequence of requests.

What API Gateway does, per request (catalogue authz-cache-scoped-policy / -stale-decision):
1. read the identity sources; one missing (TOKEN authorizers, or any authorizer with caching on)
   → 401 Unauthorized without invoking the Lambda;
2. with TTL > 0, look the identity values up in the cache (the key is the token for TOKEN
   authorizers, all identity-source values for REQUEST ones) — NOT the method or path;
3. on a miss, invoke the Lambda with this request's methodArn and cache the policy it returns
   for TTL seconds; on a hit, reuse the cached policy without invoking anything;
4. evaluate that policy against THIS request's method ARN: Allow → the call proceeds, a Deny →
   403 "... with an explicit deny", nothing covering it → 403 implicit deny.

So a policy scoped to the first call's methodArn, cached, denies every other route for the same
token until the TTL runs out — and the Lambda never logs those calls.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from wizard.analysis.arn import build_method_arn, parse_method_arn
from wizard.analysis.bounded import BoundedParseError, load_json, load_yaml
from wizard.analysis.combine import combine
from wizard.analysis.policy.evaluate import Decision, PolicyDecision, evaluate_policy
from wizard.analysis.policy.parse import PolicyError, parse_policy
from wizard.analysis.policy.request import RequestContext

__all__ = [
    "Scenario",
    "ScenarioError",
    "SimResult",
    "SimStep",
    "load_scenario",
    "replay_same_token",
    "simulate",
]

_DEFAULT_SOURCE = "method.request.header.Authorization"
# A token validation regex comes from the user's scenario: it runs on RE2 (linear time in the
# token, whatever the pattern), with these bounds on the pattern and RE2's compiled program.
_TOKEN_REGEX_MAX_CHARS = 2048
_TOKEN_REGEX_MAX_MEM = 1 << 20
# Distinct (policy, method ARN) pairs remembered: a long scenario calls few routes with few
# tokens, so most requests are answered from here instead of re-evaluating the same policy.
_DECISIONS_KEPT = 4096


class ScenarioError(ValueError):
    """The scenario cannot be used; the message says where (one line)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ApiDefaults(_Model):
    region: str = "us-east-1"
    account: str = "123456789012"
    api_id: str = "a1b2c3d4e5"
    stage: str = "prod"

    @field_validator("account")
    @classmethod
    def _account(cls, v: str) -> str:
        if not re.fullmatch(r"\d{12}", v):
            raise ValueError("must be a 12-digit account id (quote it in YAML)")
        return v


class Authorizer(_Model):
    api_type: Literal["REST", "HTTP"] = "REST"
    type: Literal["TOKEN", "REQUEST"] = "TOKEN"
    simple_responses: bool = False  # HTTP API: the Lambda returns {"isAuthorized": bool}
    identity_sources: list[str] = Field(default_factory=lambda: [_DEFAULT_SOURCE])
    ttl: int = Field(300, ge=0, le=3600, description="authorizerResultTtlInSeconds (0..3600)")
    token_validation: str | None = None

    @field_validator("type", "api_type", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) else v

    @field_validator("identity_sources", mode="before")
    @classmethod
    def _sources(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [s.strip() for s in v.split(",") if s.strip()]
        return v

    @field_validator("token_validation")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            token_matcher(v)  # refused here, with the reason, rather than mid-simulation
        return v

    @model_validator(mode="after")
    def _token_has_one_source(self) -> Authorizer:
        if not self.identity_sources:
            raise ValueError("identity_sources must name at least one source")
        if self.api_type == "HTTP" and self.type == "TOKEN":
            self.type = "REQUEST"  # HTTP API Lambda authorizers are all REQUEST authorizers
        if self.type == "TOKEN" and len(self.identity_sources) != 1:
            raise ValueError(
                "a TOKEN authorizer has exactly one identity source (its token header)"
            )
        if self.simple_responses and self.api_type != "HTTP":
            raise ValueError("simple_responses exist only for HTTP APIs (api_type: HTTP)")
        return self


class Returns(_Model):
    """What the authorizer Lambda returns when invoked."""

    policy: dict[str, Any] | str | None = None
    resource: str | list[str] | None = None
    effect: Literal["Allow", "Deny"] = "Allow"
    authorized: bool = True  # simple responses: the isAuthorized the Lambda returns
    expires: dict[str, float] = Field(default_factory=dict)
    on_expired: Literal["unauthorized", "deny"] = "unauthorized"
    deny: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_form(self) -> Returns:
        if self.policy is not None and self.resource is not None:
            raise ValueError("give either 'policy' or 'resource' (+ 'effect'), not both")
        if self.policy is None and self.resource is None:
            self.resource = "{methodArn}"
        return self


class Request(_Model):
    at: float = Field(ge=0)
    token: str | None = None
    identity: dict[str, str] = Field(default_factory=dict)
    arn: str | None = None
    method: str | None = None
    path: str | None = None
    route: str | None = None  # resource path template / route path, e.g. /items/{id}
    source_ip: str | None = None  # for the resource policy
    vpce: str | None = None  # the VPC endpoint the call came through, for the resource policy

    @model_validator(mode="after")
    def _target(self) -> Request:
        if self.arn is None and (self.method is None or self.path is None):
            raise ValueError("give 'arn', or 'method' and 'path'")
        if self.arn is not None:
            parse_method_arn(self.arn)
        return self


class Scenario(_Model):
    name: str | None = None
    description: str | None = None
    api: ApiDefaults = Field(default_factory=ApiDefaults)
    authorizer: Authorizer = Field(default_factory=Authorizer)
    returns: Returns = Field(default_factory=Returns)
    flushes: list[float] = Field(default_factory=list)
    resource_policy: dict[str, Any] | str | None = None
    requests: list[Request] = Field(min_length=1)

    @field_validator("resource_policy")
    @classmethod
    def _policy_parses(cls, v: dict[str, Any] | str | None) -> dict[str, Any] | str | None:
        if v is not None:
            try:
                parse_policy(v)
            except PolicyError as exc:
                raise ValueError(str(exc)) from None
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Scenario:
        if self.resource_policy is not None and self.authorizer.api_type == "HTTP":
            raise ValueError("resource_policy: HTTP APIs have no resource policies")
        if self.flushes and self.authorizer.api_type == "HTTP":
            raise ValueError(
                "flushes: HTTP APIs have no flush operation; change the TTL or identity sources"
            )
        last = 0.0
        for i, r in enumerate(self.requests):
            if r.at < last:
                raise ValueError(
                    f"requests[{i}].at ({r.at:g}) is earlier than the request before it"
                )
            last = r.at
        return self


@lru_cache(maxsize=32)
def token_matcher(pattern: str) -> Any:
    """The compiled RE2 program for a `token_validation` pattern; ValueError (one line) for a
    pattern RE2 refuses: backreferences, lookarounds, a program too large, a bad syntax."""
    if len(pattern) > _TOKEN_REGEX_MAX_CHARS:
        raise ValueError(f"longer than {_TOKEN_REGEX_MAX_CHARS} characters")
    # lazy: re2 24 ms (-X importtime); only scenarios with a token_validation need it
    import re2

    options = re2.Options()
    options.log_errors = False  # the reason goes into our one-line error, not onto stderr
    options.max_mem = _TOKEN_REGEX_MAX_MEM
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "refused"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(
            f"not a regular expression the simulator can run in linear time ({reason}); "
            "backreferences and lookarounds are not supported"
        ) from None


@lru_cache(maxsize=_DECISIONS_KEPT)
def _token_valid(pattern: str, token: str) -> bool:
    # Tokens repeat across a scenario; RE2's Python wrapper costs more per call than the match.
    return token_matcher(pattern).fullmatch(token) is not None


def _parse_text(source: str) -> Any:
    """JSON when the text is JSON (C speed: a scenario of 100k requests parses in a fraction of
    a second), else YAML; both bounded (depth, aliases, expanded size: wizard.analysis.bounded)."""

    if source.lstrip()[:1] in ("{", "["):
        try:
            return load_json(source, what="the scenario")
        except json.JSONDecodeError:
            pass  # YAML flow style, or broken JSON: YAML parses it or names the place
    return load_yaml(source, what="the scenario")


def load_scenario(source: str | Mapping[str, Any]) -> Scenario:
    """Read a scenario from YAML/JSON text or a mapping; ScenarioError with the place if bad."""
    data: Any = source
    if isinstance(source, str):
        # lazy: PyYAML 87 ms (-X importtime); only this file-reading path needs it
        import yaml

        try:
            data = _parse_text(source)
        except BoundedParseError as exc:
            raise ScenarioError(str(exc)) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise ScenarioError(f"scenario is not valid YAML/JSON: {where}{problem}") from None
    if not isinstance(data, Mapping):
        raise ScenarioError("scenario must be a mapping with 'authorizer', 'returns', 'requests'")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "scenario"
        msg = err["msg"].removeprefix("Value error, ")
        extra = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise ScenarioError(f"{where}: {msg}{extra}") from None


# --- simulation ----------------------------------------------------------------------------

CacheState = Literal["hit", "miss", "disabled", "skipped"]


@dataclass(frozen=True)
class SimStep:
    index: int
    at: float
    identity: str  # shown safely: short labels as-is, anything token-like as a fingerprint
    method_arn: str
    cache: CacheState
    lambda_invoked: bool
    decision: str  # allow | explicit_deny | implicit_deny | unauthorized
    status: int
    error_type: str | None
    message: str | None
    policy_resources: list[str]
    cached_at: float | None
    note: str
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "at": self.at,
            "identity": self.identity,
            "method_arn": self.method_arn,
            "cache": self.cache,
            "lambda_invoked": self.lambda_invoked,
            "cached_at": self.cached_at,
            "policy_resources": self.policy_resources,
            "decision": self.decision,
            "response": {
                "status": self.status,
                "error_type": self.error_type,
                "message": self.message,
            },
            "note": self.note,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class SimResult:
    scenario: Scenario
    steps: list[SimStep]
    moral: str
    findings: list[str] = field(default_factory=list)

    @property
    def invocations(self) -> int:
        return sum(s.lambda_invoked for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        a = self.scenario.authorizer
        return {
            "name": self.scenario.name,
            "authorizer": {"type": a.type, "identity_sources": a.identity_sources, "ttl": a.ttl},
            "steps": [s.to_dict() for s in self.steps],
            "summary": {
                "requests": len(self.steps),
                "lambda_invocations": self.invocations,
                "cache_hits": sum(s.cache == "hit" for s in self.steps),
                "forbidden_403": sum(s.status == 403 for s in self.steps),
                "unauthorized_401": sum(s.status == 401 for s in self.steps),
            },
            "findings": self.findings,
            "moral": self.moral,
        }


@dataclass
class _Entry:
    policy: dict[str, Any]
    cached_at: float
    invoked_for: str
    identity_expires: float | None
    # The policy as text and its Resources, worked out once per cache entry, not per hit.
    text: str = ""
    resources: list[str] = field(default_factory=list)


def simulate(scenario: Scenario) -> SimResult:
    """Run the request sequence through the cache model; pure and deterministic."""
    a = scenario.authorizer
    cache: dict[tuple[str, ...], _Entry] = {}
    flushes = sorted(scenario.flushes)
    steps: list[SimStep] = []
    findings: list[str] = []
    for i, req in enumerate(scenario.requests):
        while flushes and flushes[0] <= req.at:
            t = flushes.pop(0)
            cache.clear()
            findings.append(f"cache flushed at t={t:g}s (flush-stage-authorizers-cache)")
        arn = req.arn or build_method_arn(
            scenario.api.region,
            scenario.api.account,
            scenario.api.api_id,
            scenario.api.stage,
            req.method or "GET",
            req.path or "/",
        )
        values = _identity_values(a, req, arn)
        shown = _show_identity(values)
        # What the Lambda sees: the whole request, not only the identity sources.
        target = parse_method_arn(arn)
        seen = [
            *req.identity.values(),
            *([req.token] if req.token else []),
            target.method,
            target.request_path,
        ]
        rp = _resource_policy_decision(scenario, req, arn)
        if rp is not None and rp.decision == "explicit_deny":
            steps.append(_pre_auth_deny(i, req.at, arn, shown, rp))
            findings.append(
                "the resource policy's explicit Deny answered before the authorizer, so the "
                "Lambda never ran (rp-explicit-deny)"
            )
            continue
        step = _step(i, req.at, arn, values, seen, shown, scenario, cache, findings)
        if rp is not None and step.decision in ("allow", "explicit_deny", "implicit_deny"):
            step = _with_resource_policy(step, rp, findings)
        steps.append(step)
    return SimResult(scenario, steps, _moral(scenario, steps), _dedupe(findings))


def _resource_policy_decision(scenario: Scenario, req: Request, arn: str) -> PolicyDecision | None:
    if scenario.resource_policy is None:
        return None
    policy = scenario.resource_policy
    text = policy if isinstance(policy, str) else json.dumps(policy)
    return _resource_policy_text(text, arn, req.source_ip, req.vpce)


@lru_cache(maxsize=_DECISIONS_KEPT)
def _resource_policy_text(
    policy: str, arn: str, source_ip: str | None, vpce: str | None
) -> PolicyDecision:
    context = RequestContext(method_arn=arn, source_ip=source_ip, vpce_id=vpce)
    try:
        return evaluate_policy(policy, context)
    except (PolicyError, ValueError) as exc:
        raise ScenarioError(f"resource_policy: {exc}") from None


def _pre_auth_deny(i: int, at: float, arn: str, shown: str, rp: PolicyDecision) -> SimStep:
    return SimStep(
        i,
        at,
        shown,
        arn,
        "skipped",
        False,
        "explicit_deny",
        403,
        "AccessDeniedException",
        f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {arn} "
        "with an explicit deny",
        [],
        None,
        "the resource policy explicitly denies this call; API Gateway checks that before the "
        "authorizer, so neither the cache nor the Lambda is consulted",
        rp.explanation,
    )


def _with_resource_policy(step: SimStep, rp: PolicyDecision, findings: list[str]) -> SimStep:
    """Combine the authorizer's verdict with the resource policy (same account, Table A)."""
    verdict = cast(Decision, step.decision)
    both = combine(rp.decision, "lambda", verdict, method_arn=step.method_arn)
    if both.decision == step.decision and both.status == step.status:
        return step
    if both.decision == "allow":
        findings.append(
            "the resource policy's Allow let through a call the authorizer's policy did not "
            "cover (same account: either side allowing is enough)"
        )
    return replace(
        step,
        decision=both.decision,
        status=both.status,
        error_type=both.error_type,
        message=both.message,
        note=step.note + "; combined with the resource policy: " + both.explanation,
    )


def _step(
    i: int,
    at: float,
    arn: str,
    values: list[str | None],
    req_values: list[str],
    shown: str,
    scenario: Scenario,
    cache: dict[tuple[str, ...], _Entry],
    findings: list[str],
) -> SimStep:
    a, ret = scenario.authorizer, scenario.returns
    missing = [src for src, v in zip(a.identity_sources, values, strict=True) if not v]
    if missing and (a.type == "TOKEN" or a.ttl > 0 or a.api_type == "HTTP"):
        return _unauthorized(
            i,
            at,
            arn,
            shown,
            f"identity source {missing[0]} is missing, so API Gateway "
            "answers 401 without invoking the authorizer",
        )
    if (
        a.type == "TOKEN"
        and a.token_validation
        and not _token_valid(a.token_validation, values[0] or "")
    ):
        return _unauthorized(
            i,
            at,
            arn,
            shown,
            "the token does not match the authorizer's token validation regex: "
            "401 without invoking the Lambda",
        )
    key = tuple(v or "" for v in values)
    entry = cache.get(key) if a.ttl > 0 else None
    if entry is not None and at >= entry.cached_at + a.ttl:
        del cache[key]
        entry = None
    if entry is not None:
        state: CacheState = "hit"
        invoked = False
        policy = entry.policy
        policy_text, policy_resources = entry.text, entry.resources
        note = (
            f"cache hit: the {'response' if a.simple_responses else 'policy'} cached at t={entry.cached_at:g}s for {entry.invoked_for} is "
            f"reused until t={entry.cached_at + a.ttl:g}s; the Lambda is not invoked"
        )
        if entry.identity_expires is not None and at >= entry.identity_expires:
            note += (
                f"; the token expired at t={entry.identity_expires:g}s but the cached decision "
                "is still served"
            )
            findings.append(
                f"token {shown} expired at t={entry.identity_expires:g}s, yet the decision cached "
                f"at t={entry.cached_at:g}s was served until t={entry.cached_at + a.ttl:g}s "
                "(cache outlives the token: keep the TTL no longer than the token lifetime)"
            )
        cached_at: float | None = entry.cached_at
    else:
        state = "miss" if a.ttl > 0 else "disabled"
        invoked = True
        first = values[0] or ""
        # The Lambda sees the whole request, not only the identity sources.
        seen = [v for v in (*req_values, *values) if v]
        expires = next((ret.expires[v] for v in seen if v in ret.expires), None)
        if (
            expires is not None
            and at >= expires
            and ret.on_expired == "unauthorized"
            and not a.simple_responses
        ):
            return _unauthorized(
                i,
                at,
                arn,
                shown,
                f"the Lambda was invoked and rejected the expired token (expired at t={expires:g}s) "
                "with 'Unauthorized'",
                invoked=True,
                cache_state=state,
            )
        denied = any(v in ret.deny for v in seen) or (expires is not None and at >= expires)
        if a.simple_responses:
            policy = {"isAuthorized": ret.authorized and not denied}
        else:
            policy = _returned_policy(ret, arn, first, deny=denied)
        what = "response" if a.simple_responses else "policy"
        note = "Lambda invoked" + (
            f"; its {what} is cached for {a.ttl}s under this identity"
            if a.ttl > 0
            else " (TTL 0: nothing is cached)"
        )
        policy_text = "" if a.simple_responses else json.dumps(policy)
        policy_resources = [] if a.simple_responses else _resources(policy)
        if a.ttl > 0:
            cache[key] = _Entry(policy, at, arn, expires, policy_text, policy_resources)
        cached_at = at if a.ttl > 0 else None
    if a.simple_responses:
        verdict, explanation = _simple_verdict(policy)
        resources: list[str] = []
    else:
        decision = _evaluate_text(policy_text, arn)
        verdict, explanation = decision.decision, decision.explanation
        resources = list(policy_resources)
    if verdict == "allow":
        status, etype, msg = 200, None, None
    else:
        status = 403
        if a.api_type == "HTTP":
            etype, msg = None, "Forbidden"
        else:
            etype = "AccessDeniedException"
            msg = "User is not authorized to access this resource"
            if verdict == "explicit_deny":
                msg += " with an explicit deny"
        if state == "hit" and a.simple_responses:
            findings.append(
                "a cached isAuthorized:false was served without invoking the Lambda; HTTP API "
                "caches it for every route sharing these identity values "
                "(httpapi-lambda-authorizer-deny)"
            )
        elif state == "hit" and verdict == "explicit_deny":
            findings.append(
                "a Deny cached for an earlier request was served to a request with the same "
                "cache key (authz-cache-stale-decision)"
            )
        elif state == "hit" and verdict == "implicit_deny":
            findings.append(
                "a cached policy scoped to the first call's methodArn denied a different route "
                "(authz-cache-scoped-policy)"
            )
    return SimStep(
        i,
        at,
        shown,
        arn,
        state,
        invoked,
        verdict,
        status,
        etype,
        msg,
        resources,
        cached_at,
        note,
        explanation,
    )


def _simple_verdict(response: Mapping[str, Any]) -> tuple[str, str]:
    if response.get("isAuthorized") is True:
        return "allow", "The authorizer returned isAuthorized: true."
    return (
        "explicit_deny",
        "The authorizer returned isAuthorized: false, so API Gateway answers 403.",
    )


def _unauthorized(
    i: int,
    at: float,
    arn: str,
    shown: str,
    note: str,
    *,
    invoked: bool = False,
    cache_state: CacheState = "skipped",
) -> SimStep:
    return SimStep(
        i,
        at,
        shown,
        arn,
        cache_state,
        invoked,
        "unauthorized",
        401,
        "UnauthorizedException",
        "Unauthorized",
        [],
        None,
        note,
    )


def _identity_values(a: Authorizer, req: Request, arn: str) -> list[str | None]:
    key = (tuple(a.identity_sources), tuple(req.identity.items()), req.token, req.route, arn)
    return list(_identity_values_of(*key))


@lru_cache(maxsize=_DECISIONS_KEPT)
def _identity_values_of(
    sources: tuple[str, ...],
    identity: tuple[tuple[str, str], ...],
    token: str | None,
    route_given: str | None,
    arn: str,
) -> tuple[str | None, ...]:
    # Pure in its arguments and called per request with few distinct ones: memoised.
    lowered = {k.lower(): v for k, v in identity}
    parsed = parse_method_arn(arn)
    route = route_given or parsed.request_path
    # Sources API Gateway fills from the request itself: adding them to the identity sources is
    # how a cache is made per route.
    derived = {
        "context.httpmethod": parsed.method,
        "context.resourcepath": route,
        "context.stage": parsed.stage,
        "context.routekey": f"{parsed.method} {route}",
        "context.path": parsed.request_path,
    }
    out: list[str | None] = []
    for n, src in enumerate(sources):
        name = src.strip().lstrip("$").lower()
        short = name.rsplit(".", 1)[-1]
        value = lowered.get(src.lower(), lowered.get(name, lowered.get(short)))
        if value is None and name in derived:
            value = derived[name]
        if value is None and n == 0 and token is not None:
            value = token
        out.append(value)
    return tuple(out)


def _show_identity(values: list[str | None]) -> str:
    parts = []
    for v in values:
        if v is None:
            parts.append("(missing)")
        elif len(v) <= 24 and not v.startswith("eyJ"):
            parts.append(v)
        else:
            parts.append("sha256:" + hashlib.sha256(v.encode()).hexdigest()[:10])
    return ", ".join(parts)


def _returned_policy(ret: Returns, arn: str, identity: str, *, deny: bool) -> dict[str, Any]:
    if ret.policy is not None and not deny:
        text = ret.policy if isinstance(ret.policy, str) else json.dumps(ret.policy)
        return _substitute(text, arn, identity)
    resources = ret.resource if isinstance(ret.resource, list) else [ret.resource or "{methodArn}"]
    effect = "Deny" if deny else ret.effect
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": effect, "Action": "execute-api:Invoke", "Resource": resources}],
    }
    return _substitute(json.dumps(doc), arn, identity)


def _substitute(text: str, arn: str, identity: str) -> dict[str, Any]:
    parsed = parse_method_arn(arn)
    api_arn = f"arn:{parsed.partition}:execute-api:{parsed.region}:{parsed.account}:{parsed.api_id}"
    for name, value in (
        ("{methodArn}", arn),
        ("{apiArn}", api_arn),
        ("{stage}", parsed.stage),
        ("{identity}", identity),
    ):
        text = text.replace(name, json.dumps(value)[1:-1])
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"returns.policy is not valid JSON after substitution: {exc.msg}"
        ) from None
    if isinstance(doc, str):
        doc = json.loads(doc)
    return doc if isinstance(doc, dict) else {}


@lru_cache(maxsize=_DECISIONS_KEPT)
def _evaluate_text(policy: str, arn: str) -> PolicyDecision:
    """The decision on a policy given as text (the parsed policy is reused across the requests
    that share it). Pure in its arguments, so a repeated (policy, route) pair costs a dict lookup: what keeps
    a long scenario linear with a small constant. PolicyDecision is frozen, safe to share."""
    try:
        return evaluate_policy(policy, RequestContext(method_arn=arn))
    except PolicyError as exc:
        raise ScenarioError(f"returns.policy: {exc}") from None


def _resources(policy: dict[str, Any]) -> list[str]:
    doc = policy.get("policyDocument", policy)
    stmts = doc.get("Statement", []) if isinstance(doc, dict) else []
    stmts = [stmts] if isinstance(stmts, dict) else stmts
    out: list[str] = []
    for st in stmts if isinstance(stmts, list) else []:
        if isinstance(st, dict):
            res = st.get("Resource", [])
            out.extend([res] if isinstance(res, str) else [r for r in res if isinstance(r, str)])
    return out


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _after_fix(a: Authorizer) -> str:
    if a.api_type == "HTTP":
        return (
            "or add $context.routeKey to the identity sources to cache per route "
            "(HTTP APIs have no cache flush: the old entries live until their TTL ends)."
        )
    return "then flush the authorizer cache (aws apigateway flush-stage-authorizers-cache)."


def _moral(scenario: Scenario, steps: list[SimStep]) -> str:
    a = scenario.authorizer
    hit_denied = [s for s in steps if s.cache == "hit" and s.decision == "implicit_deny"]
    hit_deny = [s for s in steps if s.cache == "hit" and s.decision == "explicit_deny"]
    stale = [s for s in steps if s.cache == "hit" and "expired" in s.note and s.status == 200]
    if hit_denied:
        s = hit_denied[0]
        return (
            f"Request {s.index} got 403 from the cache without invoking the Lambda: the policy "
            f"cached at t={s.cached_at:g}s only covers {', '.join(s.policy_resources) or 'nothing'}, "
            f"not {s.method_arn}. Return a Resource that covers every method "
            f"(e.g. arn:aws:execute-api:{scenario.api.region}:{scenario.api.account}:"
            f"{scenario.api.api_id}/{scenario.api.stage}/*/*) or set the TTL to 0, " + _after_fix(a)
        )
    if hit_deny and a.simple_responses:
        s = hit_deny[0]
        return (
            f"Request {s.index} got 403 Forbidden from the cache without invoking the Lambda: the "
            f"isAuthorized:false cached at t={s.cached_at:g}s applies to every route called with "
            f"the same identity values ({', '.join(a.identity_sources)}) until "
            f"t={(s.cached_at or 0) + a.ttl:g}s. Fix the authorizer's logic (a boolean true, not a "
            "string), lower the TTL, " + _after_fix(a)
        )
    if hit_deny:
        s = hit_deny[0]
        sources = ", ".join(a.identity_sources)
        return (
            f"Request {s.index} got a 403 explicit deny from the cache without invoking the "
            f"Lambda: the Deny cached at t={s.cached_at:g}s for an earlier call is reused for every "
            f"request with the same identity-source values ({sources}) until "
            f"t={(s.cached_at or 0) + a.ttl:g}s. Make the cache key the token itself "
            "(identity source method.request.header.Authorization), throw 'Unauthorized' (401) for "
            "bad tokens instead of returning Deny, " + _after_fix(a)
        )
    if stale:
        return (
            f"Request {stale[0].index} was allowed from the cache after its token expired: the "
            f"TTL ({a.ttl}s) outlives the token. Keep the TTL at or below the token lifetime, "
            "or flush the cache when tokens are revoked."
        )
    denied = [s for s in steps if s.status in (401, 403)]
    if denied:
        s = denied[0]
        return f"Request {s.index} was refused ({s.status}): {s.note}; {s.explanation}".rstrip("; ")
    return (
        f"All {len(steps)} requests were allowed with "
        f"{sum(st.lambda_invoked for st in steps)} Lambda invocation(s)."
    )


def replay_same_token(
    method_arns: list[str],
    *,
    ttl: int,
    returned: str | list[str] | Mapping[str, Any] = "{methodArn}",
    authorizer_type: Literal["TOKEN", "REQUEST"] = "TOKEN",
    identity_sources: list[str] | None = None,
    interval: float = 1.0,
) -> SimResult:
    """Replay calls with one token, ``interval`` seconds apart: the question playbooks ask
    ("does the policy cached by the first call cover the next ones?").

    ``returned`` is the Resource the authorizer returns (placeholders {methodArn}, {apiArn},
    {stage}) or a whole policy / authorizer response. Raises ScenarioError on bad input.
    """
    if not method_arns:
        raise ScenarioError("replay needs at least one method ARN")
    returns: dict[str, Any] = (
        {"policy": dict(returned)} if isinstance(returned, Mapping) else {"resource": returned}
    )
    authorizer: dict[str, Any] = {"type": authorizer_type, "ttl": ttl}
    if identity_sources:
        authorizer["identity_sources"] = identity_sources
    data: dict[str, Any] = {
        "authorizer": authorizer,
        "returns": returns,
        "requests": [
            {"at": i * interval, "token": "token", "identity": {}, "arn": arn}
            for i, arn in enumerate(method_arns)
        ],
    }
    try:  # the example ARNs in the explanation name the user's own API, not a placeholder
        first = parse_method_arn(method_arns[0])
        if re.fullmatch(r"\d{12}", first.account):
            data["api"] = {
                "region": first.region,
                "account": first.account,
                "api_id": first.api_id,
                "stage": first.stage,
            }
    except ValueError:
        pass  # not a method ARN: load_scenario reports it
    return simulate(load_scenario(data))
