"""What the wizard may send to wafv2 UpdateWebACL: the web ACL as it was read, with only rules
that Block switched to Count.

UpdateWebACL replaces the whole ACL with what it is sent (a rule left out is deleted, an
unsent default action is an error), so a fix sends every rule, the default action and the
visibility config, plus the lock token GetWebACL returned (WAF refuses a stale one:
WAFOptimisticLockException). Two checks hold it:

- `check_update` (the allowlist's constraint, without the account): the whole ACL is sent,
  for a regional (API Gateway) ACL, and at least one rule counts;
- `check_override` (at apply time, against the snapshot read just before): everything is as
  read - the default action, the visibility config, every rule and its order - except rule
  Actions that go from Block to Count. So the fix can never allow anything WAF blocked by
  default, add a rule, or turn a Block into an Allow.

A rollback sends the exact previous ACL back and is held only to `check_update`'s shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WHOLE_ACL = ("DefaultAction", "Rules", "VisibilityConfig", "LockToken")
COUNT: dict[str, Any] = {"Count": {}}


class WebAclEditError(Exception):
    """An UpdateWebACL the wizard will not send (the message says why)."""


def _rules(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        raise WebAclEditError("Rules must be the list of the web ACL's rules")
    return value


def check_update(params: Mapping[str, Any], *, rollback: bool = False) -> None:
    """The shape every UpdateWebACL of the wizard has (fix or rollback)."""
    missing = [name for name in WHOLE_ACL if params.get(name) in (None, "")]
    if missing:
        raise WebAclEditError(
            f"UpdateWebACL must send the whole web ACL and its lock token; {missing[0]} is missing"
        )
    if params.get("Scope") != "REGIONAL":
        raise WebAclEditError(
            f"UpdateWebACL only for a REGIONAL web ACL (an API Gateway stage's), "
            f"not {params.get('Scope')!r}"
        )
    rules = _rules(params.get("Rules"))
    if not rollback and not any(r.get("Action") == COUNT for r in rules):
        raise WebAclEditError("the fix's UpdateWebACL must switch a rule to Count")


def check_override(before: Mapping[str, Any] | None, params: Mapping[str, Any]) -> None:
    """`params` may differ from the web ACL `before` (GetWebACL's WebACL, as read) only in
    rule Actions going from Block to Count, and must change at least one."""
    if not before:
        raise WebAclEditError("the web ACL could not be read before the change")
    for name in ("DefaultAction", "VisibilityConfig"):
        if params.get(name) != before.get(name):
            raise WebAclEditError(f"the edit changes the web ACL's {name}")
    old, new = _rules(before.get("Rules") or []), _rules(params.get("Rules"))
    if [r.get("Name") for r in old] != [r.get("Name") for r in new]:
        raise WebAclEditError("the edit adds, removes or reorders rules")
    changed = 0
    for was, now in zip(old, new, strict=True):
        rest = {k: v for k, v in now.items() if k != "Action"}
        if rest != {k: v for k, v in was.items() if k != "Action"}:
            raise WebAclEditError(f"the edit changes rule {now.get('Name')!r} beyond its action")
        if now.get("Action") == was.get("Action"):
            continue
        if now.get("Action") != COUNT or "Block" not in (was.get("Action") or {}):
            raise WebAclEditError(
                f"rule {now.get('Name')!r}: the wizard only turns a Block into Count, "
                f"not {was.get('Action')!r} into {now.get('Action')!r}"
            )
        changed += 1
    if not changed:
        raise WebAclEditError("the edit switches no Block rule to Count")
