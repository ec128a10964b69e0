"""The message families a paste can show, and the evaluator of the catalogue's evidence data.

What a cause's evidence is - which families it produces, what supports it and how much, what
rules it out, which causes' messages it explains - is data: wizard/catalogue/evidence.yaml,
written in the playbook's condition language and linted when it loads. This module holds the
two generic parts around it:

1. FAMILIES - how a response's message is recognised (x-amzn-ErrorType values and a pattern
   searched in the whole paste). Each family's patterns are compiled on first use, once.
2. `apply_evidence` - evaluates every cause's rules over the facts of one paste (three-valued:
   a rule fires only when its condition is TRUE; a fact that could not be read is unknown, never
   false) and adds their weights to the cause's score, following the file's gates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from wizard.analysis.symptoms import Symptoms
from wizard.catalogue.conditions import UNKNOWN, Truth, evaluate
from wizard.catalogue.evidence import (
    EvidenceModel,
    Rule,
)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Family:
    name: str
    source: str | None  # searched in the whole paste (reports quote bodies inline)
    error_types: frozenset[str]
    reason: str

    @property
    def pattern(self) -> re.Pattern[str] | None:
        return _compiled(self.source) if self.source else None


def _f(name: str, pattern: str | None, error_types: tuple[str, ...], reason: str) -> Family:
    return Family(name, pattern, frozenset(error_types), reason)


FAMILIES: tuple[Family, ...] = (
    _f(
        "security-token-invalid",
        r"security token included in the request is invalid|UnrecognizedClientException|"
        r"The security token included in the request is expired|InvalidClientTokenId",
        ("UnrecognizedClientException",),
        'the message "The security token included in the request is invalid" means the access key or session token was not recognised',
    ),
    _f(
        "signature-expired",
        r"Signature expired|Signature not yet current|is now earlier than .{0,60}- 5 min",
        (),
        'the message "Signature expired" means the signing time is more than 5 minutes from AWS\'s clock',
    ),
    _f(
        "signature-mismatch",
        r"signature we calculated does not match|Credential should be scoped|"
        r"Canonical String for this request should have been|String-to-Sign should have been",
        (),
        'the message "The request signature we calculated does not match" means the signed request differs from the one received',
    ),
    _f(
        "incomplete-signature",
        r"Authorization header requires '?(?:Credential|Signature|SignedHeaders)|"
        r"not a valid key=value pair \(missing equal-sign\) in Authorization header|"
        r"Authorization header requires existence of either",
        ("IncompleteSignatureException",),
        "IncompleteSignatureException: API Gateway tried to read a non-SigV4 Authorization header as a signature - most often because no route matched",
    ),
    _f(
        "missing-authentication-token",
        r"Missing Authentication Token",
        ("MissingAuthenticationTokenException",),
        '"Missing Authentication Token" is what API Gateway answers when no route matches (or an AWS_IAM route is called unsigned)',
    ),
    _f(
        "manage-connections-denied",
        r"not authori[sz]ed to perform:?\s*execute-api:ManageConnections",
        (),
        "the caller is denied execute-api:ManageConnections, the permission for the @connections API",
    ),
    _f(
        "anonymous-denied",
        r"User:\s*an+on\w*m\w*s\s+is not authori[sz]ed to perform",
        (),
        '"User: anonymous is not authorized to perform: execute-api:Invoke" comes from a resource policy (or VPC endpoint policy) evaluation of an unsigned caller',
    ),
    _f(
        "identity-denied",
        r"User:\s*arn:aws[\w-]*:(?:iam|sts)::\S+\s+is not authori[sz]ed to perform",
        (),
        '"User: arn:... is not authorized to perform: execute-api:Invoke" means a signed (IAM) caller was denied by IAM or the resource policy',
    ),
    _f(
        "perform-denied",
        r"(?:assumed-role|role|user|caller|principal)\b[^.\n]{0,80}?\bnot authori[sz]ed to perform:?\s*execute-api:Invoke",
        (),
        "a signed caller (role/user) is denied execute-api:Invoke: IAM or the resource policy",
    ),
    _f(
        "explicit-deny",
        r"\bwith an explicit deny\b",
        (),
        '"with an explicit deny": a Deny statement (resource policy, IAM or the authorizer\'s policy) matched',
    ),
    _f(
        "authorizer-denied",
        r"User is not authori[sz]ed to access this resource",
        (),
        '"User is not authorized to access this resource" is the Lambda authorizer denial message (its policy did not allow this method)',
    ),
    _f(
        "invalid-api-key-text",
        r"Invalid API Key identifier specified",
        (),
        '"Invalid API Key identifier specified" is the (older) invalid API key answer',
    ),
    _f(
        "websocket-handshake-403",
        r"Unexpected server response:?\s*403|WebSocket connection to .{0,120} failed|handshake.{0,40}403|rejected WebSocket connection:?\s*HTTP 403",
        (),
        "the WebSocket upgrade ($connect) itself was answered with 403",
    ),
    _f(
        "no-method-found",
        r"No method found matching route",
        (),
        '"No method found matching route" shows the management call went to a URL with the wrong path (stage or @connections)',
    ),
    _f(
        "cloudfront-error-page",
        r"The request could not be satisfied|Generated by cloudfront",
        (),
        'the HTML page "403 ERROR The request could not be satisfied" is generated by CloudFront, not API Gateway',
    ),
    _f(
        "access-denied-generic",
        None,
        ("AccessDeniedException",),
        "x-amzn-ErrorType AccessDeniedException: an authorizer, IAM or resource-policy decision",
    ),
    _f(
        "forbidden",
        r"[\"']?message[\"']?\s*[:=]\s*[\"']Forbidden[\"']|ForbiddenException",
        ("ForbiddenException",),
        'a bare {"message":"Forbidden"} (ForbiddenException) is answered before any authorizer decision: API key, stage, WAF, network path, domain or HTTP API authorizer',
    ),
    _f(
        "invalid-signature-generic",
        None,
        ("InvalidSignatureException",),
        "x-amzn-ErrorType InvalidSignatureException: the SigV4 signature was rejected",
    ),
    _f(
        "unauthorized-401",
        r"[\"']?message[\"']?\s*[:=]\s*[\"']Unauthorized[\"']|UnauthorizedException",
        ("UnauthorizedException",),
        'an {"message":"Unauthorized"} answer is a 401 (token missing or rejected), not a 403',
    ),
    _f(
        "throttled-429",
        r"TooManyRequestsException|LimitExceededException|Too Many Requests|Rate exceeded|Limit Exceeded",
        ("TooManyRequestsException", "LimitExceededException"),
        "throttling answers 429 Too Many Requests, not 403",
    ),
    _f(
        "authorizer-configuration-error",
        r"AuthorizerConfigurationException|Execution failed due to configuration error|AUTHORIZER_CONFIGURATION_ERROR",
        ("AuthorizerConfigurationException",),
        "an authorizer configuration error is a 500, not a 403",
    ),
)

STAGE_NAMES = re.compile(
    r"(?i)^(?:prod|production|dev|develop|development|stage|staging|test|testing|qa|uat|beta|live|v\d+|default|\$default|sandbox)$"
)


class ScoreSink(Protocol):
    def add(self, cause: str, weight: float, reason: str) -> None: ...


@dataclass(frozen=True)
class RootLink:
    """`root` produces `visible`'s message, and its own evidence is present: it ranks above."""

    root: str
    visible: str
    reason: str


def derive(model: EvidenceModel, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts plus the file's derived facts (a named condition: true, false or unknown)."""
    env = dict(facts)
    for name, d in model.derived.items():
        truth = evaluate(d.when, env)
        env[name] = UNKNOWN if truth is Truth.UNKNOWN else truth is Truth.TRUE
    return env


_REF = re.compile(r"\{\{|\}\}|\{([a-z][a-z0-9_]*)\}")


def render(reason: str, env: Mapping[str, Any]) -> str:
    """A reason with its `{fact}` references filled in (each value bounded to 80 characters)."""

    def sub(m: re.Match[str]) -> str:
        if not m.group(1):
            return m.group(0)[0]
        value = env.get(m.group(1))
        return "" if value is None or value is UNKNOWN else str(value)[:80]

    return _REF.sub(sub, reason)


def _weight(rule: Rule, env: Mapping[str, Any], sym: Symptoms) -> tuple[float, str]:
    """The weight a rule adds for this paste (0 when it does not fire) and its reason."""
    if rule.symptom is not None:
        if rule.symptom not in sym:
            return 0.0, ""
        snippet = sym.snippet(rule.symptom)
        reason = f'{rule.reason} ("{snippet}")' if snippet and rule.reason else rule.reason
        return rule.weight * sym.weight(rule.symptom), reason
    assert rule.when is not None
    if evaluate(rule.when, env) is not Truth.TRUE:
        return 0.0, ""
    return rule.weight, render(rule.reason, env) if rule.reason else ""


def apply_evidence(
    model: EvidenceModel,
    causes: list[str],
    env: Mapping[str, Any],
    sym: Symptoms,
    family_reasons: Mapping[str, str],
    acc: ScoreSink,
) -> list[RootLink]:
    """Add every cause's evidence to `acc`; return the root-cause links whose condition holds."""
    families = [f for f in env.get("families", []) if f in family_reasons]
    gated = [f for f in families if f in model.gates]
    always = set(model.always_possible)
    links: list[RootLink] = []
    for fam in families:
        for cid in causes:
            weight = model.get(cid).produces.get(fam)
            if weight:
                acc.add(cid, weight, family_reasons[fam])
    for cid in causes:
        ce = model.get(cid)
        if gated and cid not in always and not any(f in ce.produces for f in gated):
            acc.add(cid, model.gate_penalty, "")
        for req in ce.requires:
            if evaluate(req.when, env) is Truth.FALSE:
                acc.add(cid, -req.weight, "")
        for rule in ce.supports:
            weight, reason = _weight(rule, env, sym)
            if weight:
                acc.add(cid, weight, reason)
        for rule in ce.rules_out:
            weight, _ = _weight(rule, env, sym)
            if weight:
                acc.add(cid, -weight, "")
        for link in ce.explains:
            if evaluate(link.when, env) is Truth.TRUE:
                links.append(RootLink(cid, link.cause, render(link.reason, env)))
    return links
