"""The smallest change to a resource policy that lets this one caller make this one call.

Pure: given the policy document, the request (wizard.analysis.policy.request.RequestContext) and the
evaluator's decision, propose the corrected document, or say why no safe change can be derived
(then the user edits the policy by hand, with guidance). Widening a resource policy is a
security decision, so every proposal says in words exactly what it newly allows, and warns
plainly when it opens the method to anyone.

- Explicit deny on an IP condition: the deciding Deny gets an exception for the caller's
  address (NotIpAddress/IpAddress) instead of being removed; a Deny on aws:SourceVpce gets the
  caller's endpoint. The rest of the Deny keeps working.
- Implicit deny: one Allow statement for this caller (its principal, else its IP /32; its VPC
  endpoint when it came through one) on this method's ARN only (not execute-api:/*).
- A Deny with no condition the caller can be exempted from (it names the caller, or denies
  everyone): no proposal — that Deny is most likely there on purpose.
"""

from __future__ import annotations

import copy
import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.analysis.policy.evaluate import PolicyDecision, evaluate_policy
from wizard.analysis.policy.request import RequestContext

NEW_SID = "AllowCallerApigwWizard"
_IP_KEY = "aws:sourceip"
_VPCE_KEY = "aws:sourcevpce"


@dataclass(frozen=True)
class PolicyFix:
    """`policy` is the corrected document (None when no safe change was found, see `reason`);
    `change` says in words what it allows that the old one did not; `warnings` are the things
    a reviewer must read before saying yes."""

    policy: dict[str, Any] | None
    change: str
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def proposed(self) -> bool:
        return self.policy is not None

    def policy_json(self) -> str | None:
        """The document as API Gateway stores it (compact JSON), for UpdateRestApi /policy."""
        return None if self.policy is None else json.dumps(self.policy, separators=(",", ":"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposed": self.proposed,
            "policy": self.policy,
            "change": self.change,
            "reason": self.reason,
            "warnings": list(self.warnings),
        }


def _refuse(reason: str) -> PolicyFix:
    return PolicyFix(None, "", reason)


def _statements(doc: Mapping[str, Any]) -> list[Any]:
    st = doc.get("Statement")
    if isinstance(st, dict):
        return [st]
    return list(st) if isinstance(st, list) else []


def _caller_cidr(request: RequestContext) -> str | None:
    if not request.source_ip:
        return None
    try:
        addr = ipaddress.ip_address(request.source_ip.strip())
    except ValueError:
        return None
    return f"{addr}/{addr.max_prefixlen}"


def _who(request: RequestContext) -> str:
    return "anonymous callers" if request.is_anonymous else request.principal


def propose_policy_fix(
    document: Mapping[str, Any],
    request: RequestContext,
    decision: PolicyDecision | None = None,
) -> PolicyFix:
    """The minimal corrected policy for `request`, or why none can be derived safely."""
    decision = decision or evaluate_policy(document, request, "resource")
    if decision.decision == "allow":
        return _refuse("the policy already allows this call: nothing to change in it")
    if decision.decision == "explicit_deny":
        fix = _exempt_from_denies(document, request, decision)
    else:
        fix = _add_allow(document, request)
    if fix.policy is None:
        return fix
    after = evaluate_policy(fix.policy, request, "resource")
    if after.decision != "allow":  # never propose a change that would not work
        return _refuse(
            "no small change derived from the evidence makes the policy allow this call "
            f"({after.explanation})"
        )
    return fix


# ----------------------------------------------------------------------- explicit deny


def _exempt_from_denies(
    document: Mapping[str, Any], request: RequestContext, decision: PolicyDecision
) -> PolicyFix:
    doc = copy.deepcopy(dict(document))
    statements = _statements(doc)
    changes: list[str] = []
    for deciding in decision.deciding:
        if not 0 <= deciding.index < len(statements):
            return _refuse("the deciding Deny could not be located in the policy document")
        st = statements[deciding.index]
        name = f"the Deny statement {deciding.sid or f'#{deciding.index + 1}'}"
        exemption = _exemption(st, request)
        if exemption is None:
            return _refuse(
                f"{name} does not depend on the caller's IP address or VPC endpoint (it denies "
                f"{_who(request)} outright): that Deny looks deliberate, so the wizard will "
                "not weaken it; change it by hand if it is wrong"
            )
        changes.append(f"{name} {exemption}")
    if isinstance(doc.get("Statement"), dict):
        doc["Statement"] = statements[0]
    change = (
        "; ".join(changes) + ". Everything else the Deny blocks stays blocked; no Allow is widened."
    )
    return PolicyFix(doc, change)


def _exemption(st: dict[str, Any], request: RequestContext) -> str | None:
    """Edit the Deny statement `st` in place so it no longer matches the caller; say how."""
    cond = st.get("Condition")
    if not isinstance(cond, dict):
        return None
    cidr = _caller_cidr(request)
    for op, block in cond.items():
        if not isinstance(block, dict):
            continue
        for key, values in block.items():
            lowered, op_l = key.lower(), op.lower()
            listed = [values] if isinstance(values, str) else list(values or [])
            if lowered == _IP_KEY and op_l == "notipaddress" and cidr:
                block[key] = [*listed, cidr]  # an allow-list written as Deny + NotIpAddress
                return f"now also lets {cidr} through (added to its NotIpAddress list)"
            if lowered == _IP_KEY and op_l == "ipaddress" and cidr:
                # A blocked range that contains the caller: except the caller's address only.
                exempt = cond.setdefault("NotIpAddress", {})
                if not isinstance(exempt, dict):
                    return None
                old = exempt.get(key)
                exempt[key] = [*([old] if isinstance(old, str) else list(old or [])), cidr]
                return (
                    f"keeps denying {', '.join(map(str, listed))} except the caller's address "
                    f"{cidr} (a NotIpAddress exception added to it). That Deny was written to "
                    f"block this range on purpose: say yes only if {cidr} really is a caller "
                    "you trust"
                )
            if lowered == _VPCE_KEY and op_l.startswith("stringnot") and request.vpce_id:
                block[key] = [*listed, request.vpce_id]
                return f"now also lets calls through VPC endpoint {request.vpce_id} in"
    return None


# ----------------------------------------------------------------------- implicit deny


def _add_allow(document: Mapping[str, Any], request: RequestContext) -> PolicyFix:
    doc = copy.deepcopy(dict(document))
    statements = _statements(doc)
    # A signed caller is scoped by its principal: the address seen is the one the request was
    # (re)sent from - the wizard's replay, not necessarily the caller's - so it is not added.
    cidr = _caller_cidr(request) if request.is_anonymous else None
    statement: dict[str, Any] = {
        "Sid": NEW_SID,
        "Effect": "Allow",
        "Principal": "*" if request.is_anonymous else {"AWS": request.principal},
        "Action": "execute-api:Invoke",
        # This method on this stage only: the narrowest resource the evidence names.
        "Resource": request.method_arn,
    }
    scope: list[str] = []
    if request.vpce_id:
        statement["Condition"] = {"StringEquals": {"aws:SourceVpce": request.vpce_id}}
        scope.append(f"through VPC endpoint {request.vpce_id}")
    elif cidr:
        statement["Condition"] = {"IpAddress": {"aws:SourceIp": cidr}}
        scope.append(f"from {cidr}")
    warnings: list[str] = []
    if request.is_anonymous and not scope:
        return _refuse(
            "the caller is anonymous and neither its IP address nor its VPC endpoint is known: "
            "the only Allow possible would let anyone on the internet call this method, so the "
            "wizard will not propose it; add a scoped Allow by hand"
        )
    if request.is_anonymous:
        warnings.append(
            'Principal is "*": any unsigned caller matching the condition '
            f"({' '.join(scope)}) may call this method; the condition is the only limit."
        )
    doc["Statement"] = [*statements, statement]
    change = (
        f"adds one Allow statement ({NEW_SID}): {_who(request)} "
        f"{' '.join(scope) + ' ' if scope else ''}may call execute-api:Invoke on "
        f"{request.method_arn} — this method on this stage only. Existing statements are "
        "unchanged, so every Deny still applies."
    )
    return PolicyFix(doc, change, warnings=warnings)
