"""Evaluate an IAM-style policy for one execute-api request, the way IAM does.

Use ``evaluate_policy(policy, RequestContext(method_arn=...))``. The policy can be a resource
policy (with Principal) or the policy a Lambda authorizer returns (no Principal: it applies to
the caller). The result says allow / explicit_deny / implicit_deny, what every statement did
and why, which statements decided, and one sentence a person can act on.

IAM rules applied: a matching Deny always wins; otherwise a matching Allow allows; otherwise the
request is implicitly denied. A statement matches when its Action (or NotAction), Principal (or
NotPrincipal), Resource (or NotResource) and every Condition hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from wizard.analysis.arn import (
    arn_matches,
    expand_resource,
    first_mismatch,
    glob_matches,
    parse_method_arn,
)
from wizard.analysis.policy_conditions import evaluate_condition
from wizard.analysis.policy_parse import Policy, PolicyError, Statement, parse_policy

__all__ = [
    "Decision",
    "PolicyDecision",
    "PolicyError",
    "RequestContext",
    "StatementResult",
    "evaluate_policy",
    "parse_policy",
]

Decision = Literal["allow", "explicit_deny", "implicit_deny"]
Outcome = Literal["allow", "deny", "silent"]

ANONYMOUS = "anonymous"
DEFAULT_ACTION = "execute-api:Invoke"


@dataclass(frozen=True)
class RequestContext:
    """What the request looks like to the policy.

    ``principal`` is "anonymous" (an unsigned call) or the caller's ARN (user, role,
    assumed-role session, account root) or a 12-digit account id. ``source_ip`` is the client
    address; when the call comes through a VPC endpoint (``vpce_id`` set) IAM has no
    ``aws:SourceIp`` and the address is ``aws:VpcSourceIp`` instead. ``extra`` adds or overrides
    context keys (several values for one key: a list).
    """

    method_arn: str
    action: str = DEFAULT_ACTION
    principal: str = ANONYMOUS
    caller_account: str | None = None
    source_ip: str | None = None
    vpce_id: str | None = None
    vpc_id: str | None = None
    extra: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    now: datetime | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.principal.strip().lower() in (ANONYMOUS, "", "*")

    @property
    def account(self) -> str | None:
        """The caller's account: given, or read from the principal ARN / id."""
        if self.caller_account:
            return self.caller_account
        p = self.principal.strip()
        if re.fullmatch(r"\d{12}", p):
            return p
        parts = p.split(":")
        if len(parts) >= 6 and parts[0] == "arn" and re.fullmatch(r"\d{12}", parts[4]):
            return parts[4]
        return None

    def context_keys(self) -> dict[str, list[str]]:
        """Condition keys (lower-cased names) with their values, as IAM would see them."""
        keys: dict[str, list[str]] = {}
        now = self.now or datetime.now(UTC)
        keys["aws:currenttime"] = [now.strftime("%Y-%m-%dT%H:%M:%SZ")]
        keys["aws:epochtime"] = [str(int(now.timestamp()))]
        keys["aws:securetransport"] = ["true"]  # execute-api only serves HTTPS
        if self.source_ip:
            key = "aws:vpcsourceip" if self.vpce_id else "aws:sourceip"
            keys[key] = [self.source_ip]
        if self.vpce_id:
            keys["aws:sourcevpce"] = [self.vpce_id]
        if self.vpc_id:
            keys["aws:sourcevpc"] = [self.vpc_id]
        keys.update(self._principal_keys())
        for name, value in self.extra.items():
            values = [value] if isinstance(value, str) else [str(v) for v in value]
            if values:
                keys[name.lower()] = values
            else:
                keys.pop(name.lower(), None)
        return keys

    def _principal_keys(self) -> dict[str, list[str]]:
        if self.is_anonymous:
            return {"aws:principaltype": ["Anonymous"]}
        out: dict[str, list[str]] = {}
        account = self.account
        if account:
            out["aws:principalaccount"] = [account]
        caller = _Caller.of(self.principal)
        if caller.principal_arn:
            out["aws:principalarn"] = [caller.principal_arn]
        out["aws:principaltype"] = [caller.kind_label]
        if caller.kind == "user":
            out["aws:username"] = [caller.name]
        return out


@dataclass(frozen=True)
class StatementResult:
    index: int
    sid: str | None
    effect: str
    outcome: Outcome
    reason: str
    # The part of `reason` that decides (the conditions of an applying Deny, say), for sentences.
    gist: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "outcome": self.outcome,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PolicyDecision:
    decision: Decision
    statements: list[StatementResult]
    deciding: list[StatementResult]
    explanation: str
    notes: list[str] = field(default_factory=list)
    # What would change the outcome, for a person mid-incident (None when allowed).
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "statements": [s.to_dict() for s in self.statements],
            "deciding": [s.index for s in self.deciding],
            "explanation": self.explanation,
            "suggestion": self.suggestion,
            "notes": list(self.notes),
        }


def evaluate_policy(
    policy: Policy | str | bytes | Mapping[str, Any], request: RequestContext
) -> PolicyDecision:
    """Evaluate ``policy`` for ``request``. Raises PolicyError on a malformed policy and
    ValueError (one line) when ``request.method_arn`` is not an execute-api method ARN."""
    parsed = policy if isinstance(policy, Policy) else parse_policy(policy)
    parse_method_arn(request.method_arn)  # ValueError with a reason when it is not one
    # Match the ARN as given: a WebSocket route ARN (api/stage/$connect) has no trailing slash,
    # a REST root resource (api/stage/GET/) has one.
    arn = request.method_arn.strip()
    keys = request.context_keys()
    results = [_evaluate_statement(st, request, arn, keys) for st in parsed.statements]
    denies = [r for r in results if r.outcome == "deny"]
    allows = [r for r in results if r.outcome == "allow"]
    who = "the anonymous caller" if request.is_anonymous else request.principal
    names_principals = any(
        st.principal is not None or st.not_principal is not None for st in parsed.statements
    )
    # An authorizer or identity policy names no principal: "for <caller>" would only confuse.
    for_who = f" for {who}" if names_principals else ""
    target = f"{request.action} on {arn}"
    if denies:
        decision: Decision = "explicit_deny"
        deciding = denies
        first = denies[0]
        explanation = (
            f"Explicit deny: {_name(first)} denies {target}{for_who} because it applies "
            f"({first.gist or first.reason}); a Deny always wins over any Allow."
        )
    elif allows:
        decision, deciding = "allow", allows
        explanation = (
            f"Allowed: {_name(allows[0])} allows {target}{for_who} and no Deny statement applies."
        )
    else:
        decision, deciding = "implicit_deny", []
        closest = _closest(results)
        tail = f" (closest: {_name(closest)} — {closest.reason})" if closest else ""
        explanation = (
            f"Implicit deny: no statement allows {target}{for_who}, and IAM denies "
            f"whatever is not explicitly allowed{tail}."
        )
    suggestion = _suggest(decision, results, parsed, request)
    return PolicyDecision(decision, results, deciding, explanation, list(parsed.notes), suggestion)


def _suggest(
    decision: Decision, results: list[StatementResult], policy: Policy, request: RequestContext
) -> str | None:
    if decision == "allow":
        return None
    arn = parse_method_arn(request.method_arn)
    base = f"arn:{arn.partition}:execute-api:{arn.region}:{arn.account}:{arn.api_id}"
    is_resource_policy = any(
        st.principal is not None or st.not_principal is not None for st in policy.statements
    )
    if decision == "explicit_deny":
        first = next(r for r in results if r.outcome == "deny")
        st = policy.statements[first.index]
        if not st.conditions:
            return (
                f"{_name(first).capitalize()} denies this call with no condition: narrow its "
                "Resource or Principal, or remove it."
            )
        keys = ", ".join(sorted({c.key for c in st.conditions}))
        return (
            f"{_name(first).capitalize()} denies whenever its condition on {keys} holds: call "
            "from where the policy expects (the listed VPC endpoint, VPC or address range), or "
            "change that condition — then redeploy the API, since a resource-policy change "
            "takes effect only with a new deployment."
            if is_resource_policy
            else f"{_name(first).capitalize()} denies whenever its condition on {keys} holds."
        )
    closest = _closest(results)
    if closest is None:
        return (
            f"The policy has no Allow statement that could apply to {request.action}: add one "
            f"(Resource {base}/{arn.stage}/*/* or narrower)."
        )
    reason = closest.reason
    if reason.startswith("Resource"):
        if is_resource_policy:
            return (
                f"Widen the Resource of {_name(closest)}: add execute-api:/{arn.stage}/"
                f"{arn.method}/{arn.path} for this method, or execute-api:/* for the whole API; "
                "then redeploy the API."
            )
        return (
            f"Return a Resource that covers this call, e.g. {base}/{arn.stage}/*/* (every method "
            f"of the stage) or {base}/* (the whole API), instead of one method ARN."
        )
    if reason.startswith("Condition"):
        return (
            f"{_name(closest).capitalize()} would allow the call but its condition fails "
            f"({reason.removeprefix('Condition does not hold: ')}): call from where it expects, "
            "or extend the condition (then redeploy the API)."
        )
    if reason.startswith(("Principal", "NotPrincipal")):
        who = "an unsigned (anonymous) call" if request.is_anonymous else request.principal
        return (
            f"{_name(closest).capitalize()} does not name {who}: add the caller's role or "
            'account to its Principal, or use Principal "*" narrowed by conditions.'
            + (
                ' An unsigned call only matches Principal "*"; sign the request (AWS_IAM) '
                "to be matched as an IAM principal."
                if request.is_anonymous
                else ""
            )
        )
    if reason.startswith("NotResource"):
        return f"The NotResource of {_name(closest)} excludes this method ARN: take it out of the list."
    if reason.startswith("NotAction"):
        return f"The NotAction of {_name(closest)} excludes {request.action}: take it out."
    return f"Add {request.action} to the Action of {_name(closest)}."


def _name(result: StatementResult) -> str:
    sid = f" (Sid {result.sid!r})" if result.sid else ""
    return f"statement {result.index}{sid}"


def _closest(results: list[StatementResult]) -> StatementResult | None:
    """The Allow statement that got furthest: condition failures beat resource failures, etc."""
    order = ("Condition", "Resource", "NotResource", "Principal", "NotPrincipal", "Action")
    allows = [r for r in results if r.effect == "Allow"]
    if not allows:
        return None

    def rank(r: StatementResult) -> int:
        for i, word in enumerate(order):
            if r.reason.startswith(word):
                return i
        return len(order)

    return min(allows, key=rank)


def _evaluate_statement(
    st: Statement, request: RequestContext, arn: str, keys: Mapping[str, Sequence[str]]
) -> StatementResult:
    def silent(reason: str) -> StatementResult:
        return StatementResult(st.index, st.sid, st.effect, "silent", reason)

    ok, why = _action_applies(st, request.action)
    if not ok:
        return silent(why)
    ok, why_principal = _principal_applies(st, request)
    if not ok:
        return silent(why_principal)
    ok, why = _resource_applies(st, arn)
    if not ok:
        return silent(why)
    held: list[str] = []
    for cond in st.conditions:
        holds, reason = evaluate_condition(cond, keys)
        reason += _condition_hint(cond.key, request, keys)
        if not holds:
            return silent(f"Condition does not hold: {reason}")
        held.append(reason)
    outcome: Outcome = "deny" if st.effect == "Deny" else "allow"
    parts = [why_principal] if why_principal else []
    parts.append(why)
    if held:
        parts.append("conditions hold: " + "; ".join(held))
    gist = "; ".join(held) if held else "; ".join(parts)
    return StatementResult(st.index, st.sid, st.effect, outcome, "; ".join(parts), gist)


def _condition_hint(key: str, request: RequestContext, keys: Mapping[str, Sequence[str]]) -> str:
    """A word on the keys people most often get wrong, when this request makes it relevant."""
    name = key.lower()
    if name in keys:
        return ""
    if name == "aws:sourceip" and request.vpce_id:
        return (
            " (a call through a VPC endpoint has no aws:SourceIp: IAM sees its private address "
            "as aws:VpcSourceIp; match the endpoint with aws:SourceVpce instead)"
        )
    if name == "aws:vpcsourceip" and not request.vpce_id:
        return " (aws:VpcSourceIp exists only for calls through a VPC endpoint)"
    if name == "aws:sourcevpc" and request.vpce_id:
        return (
            f" (a call through {request.vpce_id} does carry aws:SourceVpc, the endpoint's VPC: "
            "give it (--vpc) to evaluate this condition faithfully)"
        )
    if name in ("aws:sourcevpce", "aws:sourcevpc") and not request.vpce_id:
        return " (the call did not come through a VPC endpoint, so it carries no VPC keys)"
    if name.startswith("aws:principal") and request.is_anonymous:
        return " (an unsigned call has no IAM principal; only SigV4-signed calls carry these keys)"
    return ""


def _action_applies(st: Statement, action: str) -> tuple[bool, str]:
    if st.actions is not None:
        if any(glob_matches(p, action, ignore_case=True) for p in st.actions):
            return True, ""
        return False, f"Action {list(st.actions)} does not include {action}"
    assert st.not_actions is not None
    hit = next((p for p in st.not_actions if glob_matches(p, action, ignore_case=True)), None)
    if hit:
        return False, f"NotAction {hit!r} excludes {action}"
    return True, ""


def _resource_applies(st: Statement, arn: str) -> tuple[bool, str]:
    parsed = parse_method_arn(arn)
    patterns = st.resources if st.resources is not None else st.not_resources
    assert patterns is not None
    expanded = [
        expand_resource(
            p,
            region=parsed.region,
            account=parsed.account,
            api_id=parsed.api_id,
            partition=parsed.partition,
        )
        for p in patterns
    ]
    hit = next((p for p in expanded if arn_matches(p, arn)), None)
    if st.resources is not None:
        if hit:
            return True, f"Resource {hit!r} covers the method ARN"
        return False, "Resource does not cover the method ARN: " + _mismatch_story(expanded, arn)
    if hit:
        return False, f"NotResource {hit!r} excludes the method ARN"
    return True, "the method ARN is outside NotResource"


def _mismatch_story(patterns: list[str], arn: str) -> str:
    parsed = parse_method_arn(arn)
    values = {
        "partition": parsed.partition,
        "service": "execute-api",
        "region": parsed.region,
        "account": parsed.account,
        "api": parsed.api_id,
        "stage": parsed.stage,
        "method": parsed.method,
        "path": "/" + parsed.path,
    }
    stories = []
    for p in patterns[:3]:
        part = first_mismatch(p, arn) or "path"
        stories.append(f"{p!r} differs in the {part} (request has {values.get(part, '?')!r})")
    more = f" and {len(patterns) - 3} more" if len(patterns) > 3 else ""
    hint = ""
    api_arn = f"arn:{parsed.partition}:execute-api:{parsed.region}:{parsed.account}:{parsed.api_id}"
    if any(p.rstrip("/") == api_arn for p in patterns):
        hint = (
            " — a Resource naming only the API (its execution ARN, as Terraform's execution_arn "
            "gives it) covers no method: append /* (or /STAGE/METHOD/PATH)"
        )
    elif any("{" in p and "}" in p for p in patterns):
        hint = (
            " — a method ARN carries the real request path, never the resource template: "
            "write '*' where the policy has {param} or {proxy+}"
        )
    elif any("/null/" in p for p in patterns):
        hint = (
            " — 'null' is the stage the console's Test button puts in methodArn; "
            "real calls carry the stage name"
        )
    return "; ".join(stories) + more + hint


# --- principals --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Caller:
    """The caller's identity, taken apart once."""

    raw: str
    kind: str  # anonymous | account | root | user | role | assumed-role | other
    account: str | None
    name: str  # user name / role name / "" (path stripped)
    principal_arn: str | None  # the aws:PrincipalArn IAM would use

    @property
    def kind_label(self) -> str:
        return {
            "anonymous": "Anonymous",
            "account": "Account",
            "root": "Account",
            "user": "User",
            "role": "AssumedRole",
            "assumed-role": "AssumedRole",
        }.get(self.kind, "Unknown")

    @classmethod
    def of(cls, principal: str) -> _Caller:
        return _caller_of(principal)

    @classmethod
    def _build(cls, principal: str) -> _Caller:
        p = principal.strip()
        if p.lower() in (ANONYMOUS, "", "*"):
            return cls(p, "anonymous", None, "", None)
        if re.fullmatch(r"\d{12}", p):
            return cls(p, "account", p, "", f"arn:aws:iam::{p}:root")
        parts = p.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return cls(p, "other", None, "", p)
        _, partition, service, _, account, resource = parts
        if service == "iam" and resource == "root":
            return cls(p, "root", account, "", p)
        if service == "iam" and resource.startswith("user/"):
            return cls(p, "user", account, resource.rsplit("/", 1)[-1], p)
        if service == "iam" and resource.startswith("role/"):
            return cls(p, "role", account, resource.rsplit("/", 1)[-1], p)
        if service == "sts" and resource.startswith("assumed-role/"):
            bits = resource.split("/")
            name = bits[1] if len(bits) > 1 else ""
            return cls(
                p, "assumed-role", account, name, f"arn:{partition}:iam::{account}:role/{name}"
            )
        return cls(p, "other", account or None, "", p)


@lru_cache(maxsize=512)
def _caller_of(principal: str) -> _Caller:
    return _Caller._build(principal)


def _principal_applies(st: Statement, request: RequestContext) -> tuple[bool, str]:
    if st.principal is None and st.not_principal is None:
        return True, ""  # identity/authorizer policy: applies to the caller itself
    caller = _Caller.of(request.principal)
    if caller.account is None and request.account and caller.kind != "anonymous":
        caller = _Caller(
            caller.raw, caller.kind, request.account, caller.name, caller.principal_arn
        )
    who = "the anonymous caller" if caller.kind == "anonymous" else f"caller {caller.raw}"
    if st.principal is not None:
        hit = _principal_hit(st.principal, caller)
        if hit is not None:
            return True, f"Principal {hit} matches {who}"
        hint = ""
        if any("*" in i and i != "*" for ids in st.principal.values() for i in ids):
            hint = (
                ' (IAM does not expand wildcards inside a principal ARN: use Principal "*" '
                "with an ArnLike condition on aws:PrincipalArn)"
            )
        return False, f"Principal {_show_principal(st.principal)} does not match {who}{hint}"
    excluded, why = _not_principal_excludes(st.not_principal, caller)
    if excluded:
        return False, f"NotPrincipal excludes {who} ({why})"
    return True, f"{who} is not excluded by NotPrincipal {_show_principal(st.not_principal)}" + (
        f" ({why})" if why else ""
    )


def _not_principal_excludes(spec: Any, caller: _Caller) -> tuple[bool, str]:
    """NotPrincipal: IAM checks every level of the caller's identity — the account, then the
    role or user, then the session — so a caller is excluded only when each level is listed
    (AWS: "you must also specify the account ARN of the not-denied principal")."""
    if spec == "*":
        return True, '"*"'
    assert isinstance(spec, Mapping)
    aws = list(spec.get("AWS", ()))
    others = [i for k, ids in spec.items() if k != "AWS" for i in ids]
    if "*" in aws or "*" in others:
        return True, '"*" is listed'
    if caller.kind == "anonymous":
        return False, ""
    if caller.kind == "other":
        return (caller.raw in aws or caller.raw in others), ""
    account = caller.account or ""
    account_listed = any(
        i == account or (i.endswith(f":iam::{account}:root") and i.startswith("arn:")) for i in aws
    )
    if caller.kind in ("root", "account"):
        return account_listed, "its account is listed" if account_listed else ""
    if caller.kind == "user":
        level_listed = caller.raw in aws
    else:  # role / assumed-role: the role ARN (any path) or the exact session
        level_listed = caller.raw in aws or any(
            _aws_principal_matches(i, caller) and ":role/" in i for i in aws
        )
    if level_listed and account_listed:
        return True, "both the principal and its account are listed"
    if level_listed:
        return False, (
            f"the principal is listed but its account {account} is not, and IAM checks the "
            "account too, so the Deny still applies"
        )
    return False, ""


def _principal_hit(spec: Any, caller: _Caller) -> str | None:
    """The principal entry that matches the caller (as shown to people), or None."""
    if spec == "*":
        return '"*"'
    assert isinstance(spec, Mapping)
    for ptype, ids in spec.items():
        for ident in ids:
            if ptype == "AWS" and _aws_principal_matches(ident, caller):
                return f'{{"AWS": "{ident}"}}'
            if ptype != "AWS" and (ident == "*" or ident == caller.raw):
                return f'{{"{ptype}": "{ident}"}}'
    return None


def _aws_principal_matches(ident: str, caller: _Caller) -> bool:
    if ident == "*":
        return True  # {"AWS": "*"} is everyone, anonymous included
    if caller.kind == "anonymous":
        return False
    if re.fullmatch(r"\d{12}", ident):
        return caller.account == ident
    parts = ident.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return ident == caller.raw
    _, _, service, _, account, resource = parts
    if service == "iam" and resource == "root":
        return caller.account == account  # the account: every principal in it
    if caller.raw == ident:
        return True
    if service == "iam" and resource.startswith("role/"):
        role_name = resource.rsplit("/", 1)[-1]
        return (
            caller.kind in ("assumed-role", "role")
            and caller.account == account
            and caller.name == role_name
        )
    return False


def _show_principal(spec: Any) -> str:
    if spec == "*":
        return '"*"'
    assert isinstance(spec, Mapping)
    shown = {k: (list(v) if len(v) > 1 else v[0]) for k, v in spec.items()}
    text = str(shown).replace("'", '"')
    return text if len(text) < 160 else text[:157] + "…"
