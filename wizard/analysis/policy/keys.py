"""The condition keys IAM knows, as data, and the warnings a policy earns by misusing them.

Each entry says what IAM documents for the key (AWS "global condition context keys" reference,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): its
value type, whether it is single- or multivalued, and whether IAM sets it in every request
("always") or only in some ("sometimes", with when). Entries ending in "/" are families
(``aws:PrincipalTag/team``). The evaluator uses the catalogue to

- refuse a multivalued key as a policy variable (IAM substitutes only single-valued keys);
- warn, as IAM Access Analyzer does, when a single-valued operator meets a multivalued key (does
  one value have to match, or all?) or a set operator meets a single-valued key (lint.py);
- say when a condition read a key IAM always sets but the request did not give, so an answer that
  rests on it is not mistaken for IAM's;
- tell people, when a condition fails on an absent key, when IAM would have set it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = ["CATALOGUE", "ContextKey", "lookup"]

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
