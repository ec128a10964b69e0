"""The condition keys IAM knows, as data, and the warnings a policy earns by misusing them.

Each entry says what IAM documents for the key (AWS "global condition context keys" reference,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): its
value type, whether it is single- or multivalued, and whether IAM sets it in every request
("always") or only in some ("sometimes", with when). Entries ending in "/" are families
(``aws:PrincipalTag/team``). The evaluator uses the catalogue to

- refuse a multivalued key as a policy variable (IAM substitutes only single-valued keys);
- warn, as IAM Access Analyzer does, when a single-valued operator meets a multivalued key (does
  one value have to match, or all?) or a set operator meets a single-valued key;
- say when a condition read a key IAM always sets but the request did not give, so an answer that
  rests on it is not mistaken for IAM's;
- tell people, when a condition fails on an absent key, when IAM would have set it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from wizard.analysis.policy.conditions import Condition

__all__ = ["CATALOGUE", "ContextKey", "condition_warnings", "lookup"]

KeyType = Literal["String", "ARN", "IP", "Date", "Numeric", "Bool"]
Presence = Literal["always", "sometimes"]


@dataclass(frozen=True)
class ContextKey:
    name: str  # as AWS spells it; a trailing "/" names a family (aws:PrincipalTag/<tag-key>)
    type: KeyType
    multivalued: bool
    presence: Presence
    when: str = ""  # for "sometimes": when IAM sets it, as the end of "set only ..."


def _k(
    name: str, type_: KeyType, presence: Presence, when: str = "", *, multi: bool = False
) -> ContextKey:
    return ContextKey(name, type_, multi, presence, when)


_SIGNED = "for signed (SigV4) requests, never for anonymous ones"
_VPCE = "when the call comes through a VPC endpoint"
_ORG = "when the account is a member of an AWS Organizations organization"
_SERVICE = "when a service calls another with the principal's credentials"

CATALOGUE: tuple[ContextKey, ...] = (
    _k("aws:CalledVia", "String", "sometimes", _SERVICE, multi=True),
    _k("aws:CalledViaFirst", "String", "sometimes", _SERVICE),
    _k("aws:CalledViaLast", "String", "sometimes", _SERVICE),
    _k("aws:CurrentTime", "Date", "always"),
    _k("aws:Ec2InstanceSourcePrivateIPv4", "IP", "sometimes", "for EC2 instance-role credentials"),
    _k("aws:Ec2InstanceSourceVpc", "String", "sometimes", "for EC2 instance-role credentials"),
    _k("aws:EpochTime", "Date", "always"),
    _k("aws:FederatedProvider", "String", "sometimes", "for sessions from an identity provider"),
    _k("aws:MultiFactorAuthAge", "Numeric", "sometimes", "when the caller signed in with MFA"),
    _k("aws:MultiFactorAuthPresent", "Bool", "sometimes", "for temporary credentials"),
    _k("aws:PrincipalAccount", "String", "always"),
    _k("aws:PrincipalArn", "ARN", "sometimes", _SIGNED),
    _k("aws:PrincipalIsAWSService", "Bool", "sometimes", _SIGNED),
    _k("aws:PrincipalOrgID", "String", "sometimes", _ORG),
    _k("aws:PrincipalOrgPaths", "String", "sometimes", _ORG, multi=True),
    _k("aws:PrincipalServiceName", "String", "sometimes", "for calls by an AWS service principal"),
    _k(
        "aws:PrincipalServiceNamesList",
        "String",
        "sometimes",
        "for calls by an AWS service principal",
        multi=True,
    ),
    _k("aws:PrincipalTag/", "String", "sometimes", "when the calling user or role has that tag"),
    _k("aws:PrincipalType", "String", "always"),
    _k("aws:Referer", "String", "sometimes", "when a browser follows a link from a web page"),
    _k("aws:RequestedRegion", "String", "always"),
    _k("aws:RequestTag/", "String", "sometimes", "when the request passes that tag"),
    _k("aws:ResourceAccount", "String", "always"),
    _k("aws:ResourceOrgID", "String", "sometimes", _ORG),
    _k("aws:ResourceOrgPaths", "String", "sometimes", _ORG, multi=True),
    _k("aws:ResourceTag/", "String", "sometimes", "when the resource has that tag"),
    _k("aws:SecureTransport", "Bool", "always"),
    _k("aws:SourceAccount", "String", "sometimes", "when a service calls on a resource's behalf"),
    _k("aws:SourceArn", "ARN", "sometimes", "when a service calls on a resource's behalf"),
    _k("aws:SourceIdentity", "String", "sometimes", "once a role session sets a source identity"),
    _k("aws:SourceIp", "IP", "sometimes", "when the call does NOT come through a VPC endpoint"),
    _k("aws:SourceOrgID", "String", "sometimes", "when a service calls on a resource's behalf"),
    _k(
        "aws:SourceOrgPaths",
        "String",
        "sometimes",
        "when a service calls on a resource's behalf",
        multi=True,
    ),
    _k("aws:SourceVpc", "String", "sometimes", _VPCE),
    _k("aws:SourceVpcArn", "ARN", "sometimes", _VPCE),
    _k("aws:SourceVpce", "String", "sometimes", _VPCE),
    _k("aws:TagKeys", "String", "sometimes", "when the request passes tags", multi=True),
    _k("aws:TokenIssueTime", "Date", "sometimes", "for temporary credentials"),
    _k("aws:UserAgent", "String", "always"),
    _k("aws:userid", "String", "always"),
    _k("aws:username", "String", "sometimes", "for IAM users, not for roles, root or anonymous"),
    _k("aws:ViaAWSService", "Bool", "always"),
    _k("aws:VpceAccount", "String", "sometimes", _VPCE),
    _k("aws:VpceOrgID", "String", "sometimes", _VPCE),
    _k("aws:VpceOrgPaths", "String", "sometimes", _VPCE, multi=True),
    _k("aws:VpcSourceIp", "IP", "sometimes", _VPCE),
    _k(
        "execute-api:viaDomainArn",
        "ARN",
        "sometimes",
        "when the call comes through a private custom domain name",
    ),
)

_EXACT = {k.name.lower(): k for k in CATALOGUE if not k.name.endswith("/")}
_FAMILIES = tuple(k for k in CATALOGUE if k.name.endswith("/"))


@lru_cache(maxsize=1024)
def lookup(name: str) -> ContextKey | None:
    """The catalogue entry for a key (names are case-insensitive), or None when unknown."""
    lowered = name.strip().lower()
    found = _EXACT.get(lowered)
    if found is not None:
        return found
    return next((k for k in _FAMILIES if lowered.startswith(k.name.lower())), None)


# Operators whose values IAM substitutes policy variables into (the "policy variables" reference:
# "string operators or the ARN operators").
VARIABLE_OPERATORS = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
    }
)


def condition_warnings(conditions: Iterable[tuple[int, Condition]]) -> list[str]:
    """What IAM Access Analyzer would flag in these (statement index, condition) pairs."""
    out: list[str] = []
    for index, cond in conditions:
        where = f"statement {index}: {cond.operator} {cond.key}"
        info = lookup(cond.key)
        if info is None:
            if cond.key.lower().startswith("aws:"):
                out.append(
                    f"{where}: {cond.key} is not a global condition key IAM knows" + _near(cond.key)
                )
        elif info.multivalued and cond.qualifier is None and cond.base != "Null":
            out.append(
                f"{where}: {info.name} is multivalued, and an operator without ForAnyValue: or "
                "ForAllValues: does not say whether one value or every value must match "
                "(IAM Access Analyzer flags it); this evaluator reads it as 'any value'"
                + (" (for a negated operator: 'no value')" if cond.negated else "")
            )
        elif not info.multivalued and cond.qualifier is not None:
            vacuous = (
                " — and ForAllValues holds when the key is absent, so this can allow more than "
                "intended"
                if cond.qualifier == "ForAllValues"
                else ""
            )
            out.append(
                f"{where}: {info.name} is single-valued; IAM says not to use {cond.qualifier}: "
                f"with it{vacuous}"
            )
        if cond.base not in VARIABLE_OPERATORS and any("${" in v for v in cond.values):
            out.append(
                f"{where}: IAM substitutes policy variables only for String and ARN operators, "
                f"so {cond.base} compares the text ${{…}} literally"
            )
    return out


def _near(name: str) -> str:
    names = [k.name for k in CATALOGUE if not k.name.endswith("/")]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    if not close:
        lowered = {n.lower(): n for n in names}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), lowered, n=1)]
    return f" (did you mean {close[0]}?)" if close else ""
