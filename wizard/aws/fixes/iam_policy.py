"""IAM fixes for a signed caller API Gateway refused (pure: no AWS call, no I/O).

Three changes, each scoped to what failed, never wider:

- `iam-no-invoke-permission`: an inline policy of the caller's own user or role that allows
  `execute-api:Invoke` on exactly that method ARN (`invoke_policy`), under a name the wizard
  owns (`apigw-wizard-invoke-<hash of the ARN>`), so the rollback deletes only what it added;
- `ws-mgmt-no-permission`: an inline policy of the backend's user or role that allows
  `execute-api:ManageConnections` on the failing stage's @connections ARN for the failing verb
  (`manage_policy`, named `apigw-wizard-connections-<hash>`). The ARN ends in `@connections/*`,
  not the refused connection id: ids are per connection, so a policy for one id would fail the
  next call; the wildcard stays inside one API, one stage and one verb;
- `iam-explicit-deny`: the denying inline policy edited so that its Deny no longer covers that
  one method ARN (`except_from_deny`) and still covers everything else it covered. That is
  exact only when the Deny's resources are wildcards over every resource its actions apply to
  (`"*"`, or `arn:aws:execute-api:*` with execute-api actions only): the Deny is then rewritten
  with `NotResource: [that ARN]`. Any other Deny is left for a person to change (`reason`).

`check_policy_put` is the allowlist's rule for PutUserPolicy/PutRolePolicy outside a rollback,
and `check_edit` the apply-time rule against the snapshot: an edit may change Deny statements
only, and only by excepting one wildcard-free method ARN.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.analysis.arn import arn_matches, glob_matches
from wizard.analysis.bounded import load_json

INVOKE = "execute-api:Invoke"
MANAGE = "execute-api:ManageConnections"
OWNED_PREFIX = "apigw-wizard-invoke-"
MANAGE_PREFIX = "apigw-wizard-connections-"
OWNED_PREFIXES = (OWNED_PREFIX, MANAGE_PREFIX)  # the policies the wizard creates (and deletes)
MAX_POLICY_BYTES = 10_240  # IAM's own limit for a user's inline policies (roles: 10,240 too)

# A method ARN the wizard may name: no wildcard anywhere, the API, stage, verb and path set.
_METHOD_ARN = re.compile(
    r"arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+/[^/*\s]+/[A-Z]+/[^*\s]*"
)
# The @connections ARN of one API, stage and management verb, any connection id.
_CONNECTIONS_ARN = re.compile(
    r"(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+/[^/*\s]+/(?:POST|GET|DELETE))"
    r"/@connections/"
)
_USER = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:user/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})")
_ROLE = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})")
_ASSUMED = re.compile(r"arn:aws[a-z-]*:sts::\d{12}:assumed-role/([\w+=,.@-]{1,64})/[^/\s]+")


class IamPolicyError(ValueError):
    """A policy document that is not one the wizard may write (one line)."""


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" or "role"
    name: str


def principal_of(caller_arn: str | None) -> Principal | None:
    """The IAM user or role whose inline policies decide for `caller_arn` (an assumed-role
    session is its role's); None for root, federated users and anything else."""
    text = (caller_arn or "").strip()
    for kind, rx in (("user", _USER), ("role", _ROLE), ("role", _ASSUMED)):
        found = rx.fullmatch(text)
        if found:
            return Principal(kind, found.group(1))
    return None


def is_method_arn(text: Any) -> bool:
    return isinstance(text, str) and _METHOD_ARN.fullmatch(text) is not None


def invoke_policy_name(method_arn: str) -> str:
    return OWNED_PREFIX + hashlib.sha256(method_arn.encode()).hexdigest()[:16]


def invoke_policy(method_arn: str) -> dict[str, Any]:
    """Allow execute-api:Invoke on exactly `method_arn` (least privilege: this method only)."""
    if not is_method_arn(method_arn):
        raise IamPolicyError(f"not a wildcard-free method ARN: {method_arn!r}")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ApigwWizardInvoke",
                "Effect": "Allow",
                "Action": INVOKE,
                "Resource": method_arn,
            }
        ],
    }


def connections_arn(denied_arn: Any) -> str | None:
    """The @connections ARN (this API, stage and verb; `/*` for the connection id) of a refused
    management call's ARN; None when `denied_arn` is not one."""
    if not isinstance(denied_arn, str):
        return None
    found = _CONNECTIONS_ARN.match(denied_arn)
    if found is None or "*" in denied_arn or any(c.isspace() for c in denied_arn):
        return None
    return found.group(1) + "/@connections/*"


def _is_connections_arn(text: Any) -> bool:
    """One stage's @connections ARN for one verb, `*` for the connection id and nowhere else."""
    if not isinstance(text, str) or not text.endswith("/@connections/*"):
        return False
    return connections_arn(text.removesuffix("*") + "x") == text


def manage_policy_name(connections: str) -> str:
    return MANAGE_PREFIX + hashlib.sha256(connections.encode()).hexdigest()[:16]


def manage_policy(connections: str) -> dict[str, Any]:
    """Allow execute-api:ManageConnections on exactly one stage's @connections ARN for one verb."""
    if not _is_connections_arn(connections):
        raise IamPolicyError(f"not one stage's @connections ARN: {connections!r}")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ApigwWizardManageConnections",
                "Effect": "Allow",
                "Action": MANAGE,
                "Resource": connections,
            }
        ],
    }


def dumps(document: Mapping[str, Any]) -> str:
    """The policy as the one-line JSON the wizard sends (stable: the plan digest covers it)."""
    return json.dumps(document, separators=(",", ":"))


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _covers_action(patterns: list[Any]) -> bool:
    return any(isinstance(p, str) and glob_matches(p, INVOKE, ignore_case=True) for p in patterns)


def _execute_api_only(actions: list[Any]) -> bool:
    return bool(actions) and all(
        isinstance(a, str) and a.lower().startswith("execute-api:") for a in actions
    )


def _universal(resource: str, actions: list[Any]) -> bool:
    """True when `resource` covers every resource `actions` can apply to."""
    if resource == "*":
        return True
    head = re.match(r"arn:(?:aws[a-z-]*|\*):execute-api:", resource)
    rest = resource[head.end() :] if head else None
    return (
        rest is not None
        and re.fullmatch(r"[*:/]*\*", rest) is not None
        and (_execute_api_only(actions))
    )


def _denies(stmt: Mapping[str, Any], method_arn: str) -> bool:
    """Whether the statement denies execute-api:Invoke on `method_arn` (its Condition, which
    cannot be evaluated here, is taken as met)."""
    if str(stmt.get("Effect")) != "Deny":
        return False
    if "NotAction" in stmt:
        if _covers_action(_list(stmt["NotAction"])):
            return False
    elif not _covers_action(_list(stmt.get("Action"))):
        return False
    if "NotResource" in stmt:
        return not any(
            isinstance(r, str) and arn_matches(r, method_arn) for r in _list(stmt["NotResource"])
        )
    return any(
        isinstance(r, str) and arn_matches(r, method_arn) for r in _list(stmt.get("Resource"))
    )


def denying_statements(document: Mapping[str, Any], method_arn: str) -> list[int]:
    """Indexes of the Deny statements that cover execute-api:Invoke on `method_arn`."""
    return [
        i
        for i, stmt in enumerate(_list(document.get("Statement")))
        if isinstance(stmt, Mapping) and _denies(stmt, method_arn)
    ]


@dataclass(frozen=True)
class DenyEdit:
    document: dict[str, Any] | None  # the edited policy; None when the wizard will not edit it
    reason: str  # what changed, or why nothing is proposed


def except_from_deny(document: Mapping[str, Any], method_arn: str) -> DenyEdit:
    """The policy with its Deny of `method_arn` lifted for that one ARN and nothing else."""
    if not is_method_arn(method_arn):
        return DenyEdit(None, f"the method ARN {method_arn!r} is not known exactly")
    statements = _list(document.get("Statement"))
    hits = denying_statements(document, method_arn)
    if not hits:
        return DenyEdit(None, "no Deny statement of this policy covers the method")
    out: list[Any] = []
    changed: list[str] = []
    for i, stmt in enumerate(statements):
        if i not in hits:
            out.append(stmt)
            continue
        label = f"statement {stmt.get('Sid') or i + 1}"
        actions = _list(stmt.get("Action"))
        if "NotAction" in stmt:
            return DenyEdit(None, f"{label} uses NotAction: change it by hand")
        if "NotResource" in stmt:
            out.append({**stmt, "NotResource": [*_list(stmt["NotResource"]), method_arn]})
            changed.append(f"{label} now excepts {method_arn}")
            continue
        resources = [r for r in _list(stmt.get("Resource")) if isinstance(r, str)]
        covering = [r for r in resources if arn_matches(r, method_arn)]
        narrow = [r for r in covering if not _universal(r, actions)]
        if narrow:
            return DenyEdit(
                None,
                f"{label} denies {narrow[0]}, which cannot be narrowed to leave out exactly "
                "this method; change it by hand",
            )
        rest = [r for r in resources if r not in covering]
        if rest:
            out.append({**stmt, "Resource": rest if len(rest) > 1 else rest[0]})
        lifted = {k: v for k, v in stmt.items() if k != "Resource"}
        if rest and "Sid" in lifted:
            lifted["Sid"] = f"{lifted['Sid']}ExceptOneMethod"
        lifted["NotResource"] = [method_arn]
        out.append(lifted)
        changed.append(
            f"{label} ({', '.join(covering)}) no longer denies {method_arn}, and still denies "
            "everything else it did"
        )
    edited = {**document, "Statement": out}
    return DenyEdit(edited, "; ".join(changed))


def parse_document(text: Any, *, where: str) -> dict[str, Any]:
    if isinstance(text, Mapping):
        return dict(text)
    if not isinstance(text, str):
        raise IamPolicyError(f"{where}: the policy document must be JSON text")
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise IamPolicyError(f"{where}: the policy document is larger than IAM allows")
    try:
        doc = load_json(text, what=where)
    except Exception as exc:  # BoundedParseError, JSONDecodeError: one line either way
        raise IamPolicyError(f"{where}: the policy document is not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise IamPolicyError(f"{where}: the policy document must be a JSON object")
    return doc


def check_policy_put(params: Mapping[str, Any]) -> None:
    """A policy the wizard writes: either its own invoke policy (one Allow of execute-api:Invoke
    on one wildcard-free method ARN, under its own name), or an edit whose statements lift a
    Deny for one such ARN (checked against what was there by `check_edit`)."""
    name = str(params.get("PolicyName", ""))
    doc = parse_document(params.get("PolicyDocument"), where=f"policy {name}")
    statements = _list(doc.get("Statement"))
    for prefix, action, is_arn, namer, what in (
        (
            OWNED_PREFIX,
            INVOKE,
            is_method_arn,
            invoke_policy_name,
            "one method ARN without wildcards",
        ),
        (MANAGE_PREFIX, MANAGE, _is_connections_arn, manage_policy_name, "one @connections ARN"),
    ):
        if not name.startswith(prefix):
            continue
        ok = len(statements) == 1 and isinstance(statements[0], Mapping)
        stmt = statements[0] if ok else {}
        if not (
            ok
            and stmt.get("Effect") == "Allow"
            and _list(stmt.get("Action")) == [action]
            and len(_list(stmt.get("Resource"))) == 1
            and is_arn(_list(stmt.get("Resource"))[0])
            and set(stmt) <= {"Sid", "Effect", "Action", "Resource"}
        ):
            raise IamPolicyError(f"policy {name} may only allow {action} on {what}")
        if namer(_list(stmt.get("Resource"))[0]) != name:
            raise IamPolicyError(f"policy {name} is not named after the ARN it allows")
        return
    lifted = [
        s
        for s in statements
        if isinstance(s, Mapping) and s.get("Effect") == "Deny" and "NotResource" in s
    ]
    if not lifted:
        raise IamPolicyError(
            f"policy {name}: the wizard writes only its own invoke policy or lifts a Deny "
            "for one method"
        )


def check_edit(
    before: Mapping[str, Any] | None, after: Mapping[str, Any], method_arns: set[str] | None = None
) -> None:
    """`after` may differ from `before` only in Deny statements, and every difference must
    except one wildcard-free method ARN from a Deny (nothing allowed, nothing else lifted)."""
    if before is None:
        return  # a new policy: check_policy_put already holds it to the invoke-only shape
    old = [s for s in _list(before.get("Statement")) if isinstance(s, Mapping)]
    new = [s for s in _list(after.get("Statement")) if isinstance(s, Mapping)]
    if {k: v for k, v in before.items() if k != "Statement"} != {
        k: v for k, v in after.items() if k != "Statement"
    }:
        raise IamPolicyError("the edit changes more than the policy's statements")
    if [s for s in old if s.get("Effect") != "Deny"] != [
        s for s in new if s.get("Effect") != "Deny"
    ]:
        raise IamPolicyError("the edit changes an Allow statement: the wizard never widens one")
    added = [s for s in new if s not in old]
    excepted = set()
    for stmt in added:
        for arn in _list(stmt.get("NotResource")):
            if not is_method_arn(arn):
                raise IamPolicyError(f"the edit excepts {arn!r}, which is not one method ARN")
            excepted.add(arn)
    if len(excepted) != 1 or (method_arns is not None and not excepted <= method_arns):
        raise IamPolicyError("the edit must except exactly the one failing method ARN")
    arn = next(iter(excepted))
    probes = _probe_arns(arn)
    for probe in probes:  # every other execute-api ARN is denied after exactly as before
        if _denied(old, probe) != _denied(new, probe):
            raise IamPolicyError(f"the edit changes what is denied for {probe}, not only {arn}")
    if _denied(new, arn):
        raise IamPolicyError(f"the edited policy still denies {arn}")


def _denied(statements: list[Mapping[str, Any]], arn: str) -> bool:
    return any(_denies(s, arn) for s in statements)


def _probe_arns(arn: str) -> list[str]:
    """ARNs next to `arn` (same API, other path/verb/stage; other API, region, account): the
    edit must leave every one of them as denied as before."""
    head, _, rest = arn.partition(":execute-api:")
    region, account, resource = rest.split(":", 2)
    api, stage, verb, path = [*resource.split("/", 3), "", "", ""][:4]
    other = "us-west-2" if region != "us-west-2" else "eu-west-1"
    return [
        f"{head}:execute-api:{region}:{account}:{api}/{stage}/{verb}/{path}x",
        f"{head}:execute-api:{region}:{account}:{api}/{stage}/{'POST' if verb != 'POST' else 'GET'}/{path}",
        f"{head}:execute-api:{region}:{account}:{api}/{stage}x/{verb}/{path}",
        f"{head}:execute-api:{region}:{account}:{api}x/{stage}/{verb}/{path}",
        f"{head}:execute-api:{other}:{account}:{api}/{stage}/{verb}/{path}",
    ]
