"""Principal and NotPrincipal: does a statement name (or exclude) the caller?

IAM "NotPrincipal" reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html):

- with Allow, NotPrincipal allows every principal *except* the ones it names — anonymous
  callers included. A caller is excluded when an entry names it the way a Principal entry would
  (its user or session ARN, its role for a role session, its account);
- with Deny, it denies every principal except the ones it names, and IAM may check each level of
  the caller's identity — the account, then the role or user, then the session — so a caller
  escapes the Deny only when its account is listed too (and, for a role session, its role).

In a resource policy a statement without Principal or NotPrincipal applies to no one; in an
authorizer (identity) policy every statement applies to the caller itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from wizard.analysis.policy.parse import Statement
from wizard.analysis.policy.request import Caller, RequestContext

__all__ = ["PolicyKind", "principal_applies"]

PolicyKind = Literal["resource", "authorizer"]


def principal_applies(
    st: Statement, request: RequestContext, kind: PolicyKind = "authorizer"
) -> tuple[bool, str]:
    if st.principal is None and st.not_principal is None:
        if kind == "authorizer":
            return True, ""  # identity/authorizer policy: applies to the caller itself
        return False, (
            "Principal is missing: in a resource policy a statement without Principal or "
            "NotPrincipal applies to no one"
        )
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
    shown = _show_principal(st.not_principal)
    if st.effect == "Allow":
        hit = _principal_hit(st.not_principal, caller)
        if hit is not None:
            return False, (
                f"NotPrincipal names {who} ({hit}): an Allow with NotPrincipal allows every "
                "principal except the ones it names"
            )
        return True, (
            f"{who} is not named in NotPrincipal {shown}, and an Allow with NotPrincipal allows "
            "every principal except the ones it names (anonymous callers included)"
        )
    excluded, why = _deny_excludes(st.not_principal, caller)
    if excluded:
        return False, (
            f"NotPrincipal excludes {who} ({why}): a Deny with NotPrincipal denies every "
            "principal except the ones it names"
        )
    return True, (
        f"{who} is not excluded by NotPrincipal {shown}: a Deny with NotPrincipal denies every "
        "principal except the ones it names" + (f" — {why}" if why else "")
    )


def _deny_excludes(spec: Any, caller: Caller) -> tuple[bool, str]:
    """Deny + NotPrincipal: IAM checks every level of the caller's identity — the account, then
    the role or user, then the session — so a caller is excluded only when each level is listed
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
        listed = caller.raw in aws or caller.raw in others
        return listed, "it is listed" if listed else ""
    account = caller.account or ""
    account_listed = any(
        i == account or (i.endswith(f":iam::{account}:root") and i.startswith("arn:")) for i in aws
    )
    if caller.kind in ("root", "account"):
        return account_listed, "its account is listed" if account_listed else ""
    if caller.kind == "user":
        level, level_listed = "user", caller.raw in aws
    else:  # role / assumed-role session: its role must be listed (any path), the session may be
        level = "role"
        level_listed = any(_aws_principal_matches(i, caller) and ":role/" in i for i in aws) or (
            caller.kind == "role" and caller.raw in aws
        )
    if level_listed and account_listed:
        return True, f"both its {level} and its account are listed"
    missing = [
        *([f"its {level} ({caller.principal_arn})"] if not level_listed else []),
        *([f"its account ({account})"] if not account_listed else []),
    ]
    if caller.kind == "assumed-role" and caller.raw in aws and not level_listed:
        lead = "the session is listed, but IAM checks the role and the account too, and "
    elif level_listed or caller.raw in aws:
        lead = "the principal is listed, but IAM checks the account too, and "
    else:
        return False, ""
    return False, f"{lead}{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not"


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
