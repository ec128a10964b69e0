"""wafv2 UpdateWebACL: the allowlist lets the wizard send a web ACL back only as it was read
with Block rules switched to Count, and the rollback sends the exact previous ACL with the lock
token the fix's update returned.

AWS: UpdateWebACL replaces the whole ACL and needs the LockToken of the GetWebACL it was read
with (https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateWebACL.html).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from wizard.aws.fixes.allowlist import check_allowed
from wizard.aws.fixes.apply import hold_web_acl_edits
from wizard.aws.fixes.changes import describe_changes
from wizard.aws.fixes.errors import NotAllowedError
from wizard.aws.fixes.plan import Confirmation, FixPlan, bind_operation
from wizard.aws.fixes.render import CliTarget
from wizard.aws.fixes.results import ApplyResult, StepResult
from wizard.aws.fixes.rollback import derive_rollback
from wizard.aws.fixes.snapshot import Snapshot, StateRead
from wizard.aws.fixes.web_acl_edit import WebAclEditError, check_override

VIS = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "acl"}
IDENTITY = {"Name": "partner-edge", "Scope": "REGIONAL", "Id": "0123-abcd"}


def _rule(name: str, priority: int, action: str) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Statement": {"IPSetReferenceStatement": {"ARN": f"arn:aws:wafv2:::ipset/{name}/1"}},
        "Action": {action: {}},
        "VisibilityConfig": {**VIS, "MetricName": name},
    }


BEFORE = {
    **IDENTITY,
    "DefaultAction": {"Block": {}},
    "Rules": [_rule("allow-office", 0, "Allow"), _rule("block-ranges", 1, "Block")],
    "VisibilityConfig": VIS,
}


def _fix(**change: Any) -> dict[str, Any]:
    rules = copy.deepcopy(BEFORE["Rules"])
    rules[1]["Action"] = {"Count": {}}
    return {
        **IDENTITY,
        "DefaultAction": {"Block": {}},
        "Rules": rules,
        "VisibilityConfig": VIS,
        "LockToken": "token-read",
        **change,
    }


def test_the_count_override_is_allowed_and_held_to_the_acl_read() -> None:
    check_allowed("wafv2", "UpdateWebACL", _fix())
    check_override(BEFORE, _fix())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({k: v for k, v in _fix().items() if k != "LockToken"}, "LockToken is missing"),
        ({k: v for k, v in _fix().items() if k != "Rules"}, "Rules is missing"),
        (_fix(Scope="CLOUDFRONT"), "only for a REGIONAL web ACL"),
        (_fix(Rules=BEFORE["Rules"]), "must switch a rule to Count"),
        (_fix(Rules="[]"), "Rules must be the list"),
        (_fix(Description="x"), "parameter Description is not one the wizard may set"),
        ({k: v for k, v in _fix().items() if k != "Id"}, "missing required parameter Id"),
    ],
)
def test_the_allowlist_refuses_an_update_that_is_not_a_whole_count_override(
    params: dict[str, Any], message: str
) -> None:
    with pytest.raises(NotAllowedError, match=message):
        check_allowed("wafv2", "UpdateWebACL", params)


def test_a_rollback_may_send_back_rules_that_block() -> None:
    check_allowed("wafv2", "UpdateWebACL", _fix(Rules=BEFORE["Rules"]), rollback=True)
    with pytest.raises(NotAllowedError, match="LockToken is missing"):
        params = {k: v for k, v in _fix().items() if k != "LockToken"}
        check_allowed("wafv2", "UpdateWebACL", params, rollback=True)


def _allow_all() -> dict[str, Any]:
    return {**_rule("allow-all", 2, "Allow"), "Statement": {"NotStatement": {"Statement": {}}}}


def _with_action(index: int, action: dict[str, Any]) -> list[dict[str, Any]]:
    rules = copy.deepcopy(_fix()["Rules"])
    rules[index]["Action"] = action
    return rules


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (_fix(DefaultAction={"Allow": {}}), "changes the web ACL's DefaultAction"),
        (_fix(VisibilityConfig={**VIS, "SampledRequestsEnabled": False}), "VisibilityConfig"),
        (_fix(Rules=[*_fix()["Rules"], _allow_all()]), "adds, removes or reorders"),
        (_fix(Rules=_fix()["Rules"][1:]), "adds, removes or reorders"),
        (_fix(Rules=list(reversed(_fix()["Rules"]))), "adds, removes or reorders"),
        (_fix(Rules=_with_action(1, {"Allow": {}})), "only turns a Block into Count"),
        (_fix(Rules=_with_action(0, {"Count": {}})), "only turns a Block into Count"),
        (_fix(Rules=BEFORE["Rules"]), "switches no Block rule to Count"),
    ],
)
def test_the_edit_may_only_turn_blocks_into_counts(params: dict[str, Any], message: str) -> None:
    with pytest.raises(WebAclEditError, match=message):
        check_override(BEFORE, params)


def test_a_rule_changed_beyond_its_action_is_refused() -> None:
    rules = _fix()["Rules"]
    rules[1]["Statement"] = {"IPSetReferenceStatement": {"ARN": "arn:aws:wafv2:::ipset/other/2"}}
    with pytest.raises(WebAclEditError, match="beyond its action"):
        check_override(BEFORE, _fix(Rules=rules))


def _plan() -> FixPlan:
    target = CliTarget(region="us-east-1")
    op = bind_operation("wafv2", "UpdateWebACL", _fix(), target)
    return FixPlan("fix-waf-rule-override", "Count", (op,), target)


def _snapshot(plan: FixPlan, acl: dict[str, Any] | None) -> Snapshot:
    state = None if acl is None else {"WebACL": acl, "LockToken": "token-read"}
    read = StateRead("aws wafv2 get-web-acl", state, error=None if acl else "AccessDenied")
    return Snapshot(plan.digest, "2026-01-01T00:00:00+00:00", (read,))


def test_apply_holds_the_edit_to_the_snapshot() -> None:
    plan = _plan()
    hold_web_acl_edits(plan, _snapshot(plan, BEFORE))
    with pytest.raises(NotAllowedError, match="could not be read"):
        hold_web_acl_edits(plan, _snapshot(plan, None))
    # Someone changed the ACL since the probe read it: the rule now Allows, not Blocks.
    changed = {**BEFORE, "Rules": [BEFORE["Rules"][0], _rule("block-ranges", 1, "Allow")]}
    with pytest.raises(NotAllowedError, match="only turns a Block into Count"):
        hold_web_acl_edits(plan, _snapshot(plan, changed))


def test_the_rollback_restores_the_exact_acl_with_the_token_the_update_returned() -> None:
    plan = _plan()
    snapshot = _snapshot(plan, {**BEFORE, "Capacity": 2, "ARN": "arn"})
    confirmation = Confirmation.for_plan(plan, by="test", shown=plan.cli)
    step = StepResult(plan.cli[0], "applied", "ok", {"NextLockToken": "token-after-fix"})
    result = ApplyResult(plan.digest, "fix", confirmation, "now", (step,))
    back = derive_rollback(plan, snapshot, result)
    (op,) = back.operations
    assert (op.service, op.operation) == ("wafv2", "UpdateWebACL")
    assert op.params == {
        **IDENTITY,
        "DefaultAction": {"Block": {}},
        "Rules": BEFORE["Rules"],
        "VisibilityConfig": VIS,
        "LockToken": "token-after-fix",
    }
    assert "--lock-token token-after-fix" in op.cli and not back.notes


def test_a_rollback_without_the_updates_answer_names_where_the_current_token_is() -> None:
    plan = _plan()
    back = derive_rollback(plan, _snapshot(plan, BEFORE))  # the journal's undo, before apply
    assert back.operations[0].params["LockToken"] == "token-read"
    assert "WAFOptimisticLockException" in back.notes[0] and "get-web-acl" in back.notes[0]


def test_the_change_shown_before_confirming_is_the_rule_action_it_switches() -> None:
    plan = _plan()
    (change,) = describe_changes(plan, _snapshot(plan, BEFORE))
    assert change.text() == (
        'web ACL partner-edge rule block-ranges action: {"Block": {}} → {"Count": {}}'
    )
    unread = describe_changes(plan, _snapshot(plan, None))
    assert {c.before for c in unread} == {"(unknown: could not be read)"}
