"""Evaluate an IAM-style policy for one execute-api request, the way IAM does.

Use ``evaluate_policy(policy, RequestContext(method_arn=...), kind=...)``. The policy is a
resource policy (statements name a Principal; one without applies to no one) or the policy a
Lambda authorizer returns (no Principal: it applies to the caller). Without ``kind`` the kind is
detected — a resource policy when any statement names a Principal or NotPrincipal — and the
decision's notes say which was assumed. The result says allow / explicit_deny / implicit_deny,
what every statement did and why, which statements decided, and one sentence a person can act
on; ``warnings`` are what IAM Access Analyzer would flag and the keys IAM always sets that the
request did not give.

IAM rules applied: a matching Deny always wins; otherwise a matching Allow allows; otherwise the
request is implicitly denied. A statement matches when its Action (or NotAction), Principal (or
NotPrincipal), Resource (or NotResource) and every Condition hold. Policy variables
(``${aws:username}``) are substituted when the policy's Version is 2012-10-17 (variables.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from wizard.analysis.arn import glob_matches, parse_method_arn
from wizard.analysis.policy.conditions import evaluate_condition
from wizard.analysis.policy.keys import lookup
from wizard.analysis.policy.parse import Policy, Statement, parse_policy
from wizard.analysis.policy.principals import PolicyKind, principal_applies
from wizard.analysis.policy.request import RequestContext
from wizard.analysis.policy.resources import resource_applies
from wizard.analysis.policy.variables import VARIABLES_VERSION

__all__ = ["Decision", "PolicyDecision", "PolicyKind", "StatementResult", "evaluate_policy"]

Decision = Literal["allow", "explicit_deny", "implicit_deny"]
Outcome = Literal["allow", "deny", "silent"]


@dataclass(frozen=True)
class StatementResult:
    index: int
    sid: str | None
    effect: str
    outcome: Outcome
    reason: str
    # The part of `reason` that decides (the conditions of an applying Deny, say), for sentences.
    gist: str = ""
    # The policy variables this statement's match rests on, in words ("${aws:username} → Bob").
    substitutions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "outcome": self.outcome,
            "reason": self.reason,
            "substitutions": list(self.substitutions),
        }

    def substitutions_beyond(self, said: str) -> str:
        """' (with ${aws:username} → Bob)' for a sentence that has not said them yet, or ''."""
        rest = [s for s in self.substitutions if s not in said]
        return f" (with {'; '.join(rest)})" if rest else ""


@dataclass(frozen=True)
class PolicyDecision:
    decision: Decision
    statements: list[StatementResult]
    deciding: list[StatementResult]
    explanation: str
    notes: list[str] = field(default_factory=list)
    # What would change the outcome, for a person mid-incident (None when allowed).
    suggestion: str | None = None
    kind: PolicyKind = "authorizer"
    # Misuses IAM Access Analyzer flags, and always-set keys the request did not give.
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "kind": self.kind,
            "statements": [s.to_dict() for s in self.statements],
            "deciding": [s.index for s in self.deciding],
            "explanation": self.explanation,
            "suggestion": self.suggestion,
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def evaluate_policy(
    policy: Policy | str | bytes | Mapping[str, Any],
    request: RequestContext,
    kind: PolicyKind | None = None,
) -> PolicyDecision:
    """Evaluate ``policy`` for ``request`` as a ``kind`` policy (None: detect it). Raises
    PolicyError on a malformed policy and ValueError (one line) when ``request.method_arn`` is
    not an execute-api method ARN."""
    parsed = policy if isinstance(policy, Policy) else parse_policy(policy)
    parse_method_arn(request.method_arn)  # ValueError with a reason when it is not one
    # Match the ARN as given: a WebSocket route ARN (api/stage/$connect) has no trailing slash,
    # a REST root resource (api/stage/GET/) has one.
    arn = request.method_arn.strip()
    keys = request.context_keys()
    used_kind, kind_note = _kind(parsed, kind)
    variables = parsed.version == VARIABLES_VERSION
    results = [
        _evaluate_statement(st, request, arn, keys, kind=used_kind, variables=variables)
        for st in parsed.statements
    ]
    denies = [r for r in results if r.outcome == "deny"]
    allows = [r for r in results if r.outcome == "allow"]
    who = "the anonymous caller" if request.is_anonymous else request.principal
    # An authorizer or identity policy names no principal: "for <caller>" would only confuse.
    for_who = f" for {who}" if used_kind == "resource" else ""
    target = f"{request.action} on {arn}"
    if denies:
        decision: Decision = "explicit_deny"
        deciding = denies
        first = denies[0]
        explanation = (
            f"Explicit deny: {_name(first)} denies {target}{for_who} because it applies "
            f"({first.gist or first.reason}){first.substitutions_beyond(first.gist or first.reason)}"
            "; a Deny always wins over any Allow."
        )
    elif allows:
        decision, deciding = "allow", allows
        explanation = (
            f"Allowed: {_name(allows[0])} allows {target}{for_who}"
            f"{allows[0].substitutions_beyond('')} and no Deny statement applies."
        )
    else:
        decision, deciding = "implicit_deny", []
        closest = _closest(results)
        tail = f" (closest: {_name(closest)} — {closest.reason})" if closest else ""
        explanation = (
            f"Implicit deny: no statement allows {target}{for_who}, and IAM denies "
            f"whatever is not explicitly allowed{tail}."
        )
    suggestion = _suggest(decision, results, parsed, request, used_kind)
    notes = [*parsed.notes, kind_note]
    return PolicyDecision(
        decision,
        results,
        deciding,
        explanation,
        notes,
        suggestion,
        used_kind,
        _warnings(parsed, request, keys),
    )


def _kind(policy: Policy, asked: PolicyKind | None) -> tuple[PolicyKind, str]:
    """The kind to evaluate the policy as, and a note that says so (and why)."""
    if asked == "resource":
        return asked, (
            "evaluated as a resource policy, as asked: a statement without Principal applies to "
            "no one"
        )
    if asked == "authorizer":
        return asked, (
            "evaluated as an authorizer (identity) policy, as asked: every statement applies to "
            "the caller"
        )
    if any(st.principal is not None or st.not_principal is not None for st in policy.statements):
        return "resource", (
            "read as a resource policy, since its statements name a Principal (a statement "
            "without one applies to no one); give the kind to evaluate it otherwise"
        )
    return "authorizer", (
        "read as an authorizer (identity) policy, since no statement names a Principal: each "
        "applies to the caller; if this is the API's resource policy, evaluate it as one (kind "
        "resource) and no statement applies"
    )


def _warnings(
    policy: Policy, request: RequestContext, keys: Mapping[str, Sequence[str]]
) -> list[str]:
    """The policy's own warnings, then the keys IAM always sets that this request lacks."""
    out = list(policy.warnings)
    gone = {k.lower() for k in request.absent}
    missing: dict[str, None] = {}
    for st in policy.statements:
        for cond in st.conditions:
            info = lookup(cond.key)
            name = cond.key.lower()
            if info and info.presence == "always" and name not in keys and name not in gone:
                missing[info.name] = None
    for name in missing:
        out.append(
            f"IAM sets {name} in every request, but this request does not give its value, so "
            "the conditions on it were evaluated as if it were absent: give it for an answer "
            "IAM would agree with"
        )
    return out


def _suggest(
    decision: Decision,
    results: list[StatementResult],
    policy: Policy,
    request: RequestContext,
    kind: PolicyKind,
) -> str | None:
    if decision == "allow":
        return None
    arn = parse_method_arn(request.method_arn)
    base = f"arn:{arn.partition}:execute-api:{arn.region}:{arn.account}:{arn.api_id}"
    is_resource_policy = kind == "resource"
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
    who = "an unsigned (anonymous) call" if request.is_anonymous else request.principal
    if reason.startswith("Principal is missing"):
        return (
            f"Give {_name(closest)} a Principal: the caller's role or account, or "
            'Principal "*" narrowed by conditions (then redeploy the API).'
        )
    if reason.startswith("NotPrincipal names"):
        return (
            f"The NotPrincipal of {_name(closest)} names {who}, and an Allow with NotPrincipal "
            "allows everyone except those it names: take the caller out of it (better: replace "
            "NotPrincipal with Principal and a condition on aws:PrincipalArn)."
        )
    if reason.startswith(("Principal", "NotPrincipal")):
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
    st: Statement,
    request: RequestContext,
    arn: str,
    keys: Mapping[str, Sequence[str]],
    *,
    kind: PolicyKind,
    variables: bool,
) -> StatementResult:
    def silent(reason: str) -> StatementResult:
        return StatementResult(st.index, st.sid, st.effect, "silent", reason)

    ok, why = _action_applies(st, request.action)
    if not ok:
        return silent(why)
    ok, why_principal = principal_applies(st, request, kind)
    if not ok:
        return silent(why_principal)
    ok, why, said = resource_applies(st, arn, keys, variables=variables)
    if not ok:
        return silent(why)
    substitutions = [said] if said else []
    held: list[str] = []
    for cond in st.conditions:
        holds, reason, said = evaluate_condition(cond, keys, variables=variables)
        reason += _condition_hint(cond.key, request, keys)
        if not holds:
            return silent(f"Condition does not hold: {reason}")
        held.append(reason)
        if said and said not in substitutions:
            substitutions.append(said)
    outcome: Outcome = "deny" if st.effect == "Deny" else "allow"
    parts = [why_principal] if why_principal else []
    parts.append(why)
    if held:
        parts.append("conditions hold: " + "; ".join(held))
    gist = "; ".join(held) if held else "; ".join(parts)
    return StatementResult(
        st.index, st.sid, st.effect, outcome, "; ".join(parts), gist, tuple(substitutions)
    )


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
    info = lookup(key)
    if info is None:
        return ""
    if name in {k.lower() for k in request.absent}:
        return " (marked absent for this request" + (
            "; IAM normally sets it in every request)" if info.presence == "always" else ")"
        )
    if info.when:
        return f" (IAM sets {info.name} only {info.when})"
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
