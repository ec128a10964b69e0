"""Principal and NotPrincipal: does a statement name (or exclude) the caller?"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wizard.analysis.policy.parse import Statement
from wizard.analysis.policy.request import Caller, RequestContext

__all__ = ["principal_applies"]


def principal_applies(st: Statement, request: RequestContext) -> tuple[bool, str]:
    if st.principal is None and st.not_principal is None:
        return True, ""  # identity/authorizer policy: applies to the caller itself
    caller = Caller.of(request.principal)
    if caller.account is None and request.account and caller.kind != "anonymous":
        caller = Caller(caller.raw, caller.kind, request.account, caller.name, caller.principal_arn)
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


def _not_principal_excludes(spec: Any, caller: Caller) -> tuple[bool, str]:
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


def _principal_hit(spec: Any, caller: Caller) -> str | None:
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


def _aws_principal_matches(ident: str, caller: Caller) -> bool:
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
