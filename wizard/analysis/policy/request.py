"""The request a policy is evaluated for, and the condition keys IAM would see for it.

``RequestContext`` says who calls (anonymous, an IAM ARN, an account), from where (address, VPC
endpoint, VPC) and what (the method ARN and action); ``context_keys()`` turns that into the
request context IAM matches Condition keys against. ``Caller`` takes a principal apart once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

__all__ = ["ANONYMOUS", "DEFAULT_ACTION", "Caller", "RequestContext", "caller_of"]

ANONYMOUS = "anonymous"
DEFAULT_ACTION = "execute-api:Invoke"


@dataclass(frozen=True)
class RequestContext:
    """What the request looks like to the policy.

    ``principal`` is "anonymous" (an unsigned call) or the caller's ARN (user, role,
    assumed-role session, account root) or a 12-digit account id. ``source_ip`` is the client
    address; when the call comes through a VPC endpoint (``vpce_id`` set) IAM has no
    ``aws:SourceIp`` and the address is ``aws:VpcSourceIp`` instead. ``extra`` adds or overrides
    context keys (several values for one key: a list; an empty list removes the key).
    ``absent`` names keys this request does not carry, even those IAM normally sets in every
    request (``aws:SecureTransport``, ``aws:CurrentTime``, ``aws:EpochTime``,
    ``aws:PrincipalType``): what-if questions, or a context the caller knows better.
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
    absent: Sequence[str] = ()

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
        region = _region_of(self.method_arn)
        if region:
            keys["aws:requestedregion"] = [region]  # the Region the call is made to
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
        for name in self.absent:
            keys.pop(name.strip().lower(), None)
        return keys

    def _principal_keys(self) -> dict[str, list[str]]:
        if self.is_anonymous:
            return {"aws:principaltype": ["Anonymous"]}
        out: dict[str, list[str]] = {}
        account = self.account
        if account:
            out["aws:principalaccount"] = [account]
        caller = Caller.of(self.principal)
        if caller.principal_arn:
            out["aws:principalarn"] = [caller.principal_arn]
        out["aws:principaltype"] = [caller.kind_label]
        if caller.kind == "user":
            out["aws:username"] = [caller.name]
        if caller.kind in ("root", "account") and account:
            out["aws:userid"] = [account]  # the root user's aws:userid is its account id
        return out


def _region_of(method_arn: str) -> str | None:
    parts = method_arn.strip().split(":", 4)
    return parts[3] if len(parts) == 5 and parts[3] else None


@dataclass(frozen=True)
class Caller:
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
    def of(cls, principal: str) -> Caller:
        return caller_of(principal)

    @classmethod
    def _build(cls, principal: str) -> Caller:
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
def caller_of(principal: str) -> Caller:
    return Caller._build(principal)
