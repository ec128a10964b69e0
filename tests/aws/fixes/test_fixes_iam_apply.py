"""The IAM fixes applied for real on MiniStack, for users and roles: the catalogue fix bound to
the facts `propose_iam_fix` sets, shown as a policy diff, applied, verified, and rolled back to
the policy as it was (or to no policy); an edit that would widen an Allow is refused at apply
time with nothing changed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wizard.aws.fixes.apply import apply_plan
from wizard.aws.fixes.changes import describe_changes
from wizard.aws.fixes.errors import NotAllowedError
from wizard.aws.fixes.iam_policy import (
    dumps,
    except_from_deny,
    invoke_policy,
    invoke_policy_name,
)
from wizard.aws.fixes.plan import Confirmation, build_plan
from wizard.aws.fixes.rollback import derive_rollback
from wizard.aws.fixes.snapshot import take_snapshot
from wizard.aws.fixes.verify import verify
from wizard.catalogue.model import load_catalogue

pytestmark = pytest.mark.emulator

ARN = "arn:aws:execute-api:us-east-1:000000000000:a1b2c3/prod/GET/reports"
GUARDRAIL = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"},
        {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*"},
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _fix(cause: str, fix_id: str) -> Any:
    return next(f for f in load_catalogue().get(cause).fixes if f.id == fix_id)


def _principal(iam: Any, kind: str) -> str:
    if kind == "user":
        iam.create_user(UserName="batch")
    else:
        iam.create_role(RoleName="batch", AssumeRolePolicyDocument=json.dumps(TRUST))
    return "batch"


def _get(iam: Any, kind: str, name: str) -> Any:
    if kind == "user":
        return iam.get_user_policy(UserName="batch", PolicyName=name)["PolicyDocument"]
    return iam.get_role_policy(RoleName="batch", PolicyName=name)["PolicyDocument"]


def _put(iam: Any, kind: str, name: str, doc: dict[str, Any]) -> None:
    key = {"UserName": "batch"} if kind == "user" else {"RoleName": "batch"}
    method = iam.put_user_policy if kind == "user" else iam.put_role_policy
    method(**key, PolicyName=name, PolicyDocument=json.dumps(doc))


def _apply(plan: Any, clients: Any) -> Any:
    return apply_plan(plan, Confirmation.for_plan(plan, by="t", shown=plan.cli), clients)


@pytest.mark.parametrize("kind", ["user", "role"])
def test_the_deny_is_lifted_for_the_method_and_put_back(kind: str, aws_client: Any) -> None:
    iam = aws_client("iam")
    _principal(iam, kind)
    _put(iam, kind, "guardrail", GUARDRAIL)
    edit = except_from_deny(GUARDRAIL, ARN)
    assert edit.document is not None
    facts = {
        "iam_principal_kind": kind,
        "iam_principal_name": "batch",
        "iam_policy_name": "guardrail",
        "iam_policy_document": dumps(edit.document),
    }
    plan = build_plan(_fix("iam-explicit-deny", f"fix-iam-edit-deny-{kind}"), facts)
    assert plan.applicable, plan.refused
    before = take_snapshot(plan, aws_client)
    assert before.complete
    [change] = describe_changes(plan, before)
    assert change.diff is not None
    assert '-      "Resource": "arn:aws:execute-api:*"' in change.diff
    assert '+      "NotResource": [' in change.diff

    result = _apply(plan, aws_client)
    assert result.applied, result.to_dict()
    assert _get(iam, kind, "guardrail") == edit.document
    assert verify(plan, before, aws_client).verified

    back = derive_rollback(plan, before, result)
    assert [o.operation for o in back.operations] == [plan.operations[0].operation]
    assert _apply(back, aws_client).applied
    assert _get(iam, kind, "guardrail") == GUARDRAIL


@pytest.mark.parametrize("kind", ["user", "role"])
def test_the_invoke_policy_is_added_and_deleted(kind: str, aws_client: Any) -> None:
    iam = aws_client("iam")
    _principal(iam, kind)
    name = invoke_policy_name(ARN)
    facts = {
        "iam_principal_kind": kind,
        "iam_principal_name": "batch",
        "iam_policy_name": name,
        "iam_policy_document": dumps(invoke_policy(ARN)),
    }
    plan = build_plan(_fix("iam-no-invoke-permission", f"fix-iam-allow-invoke-{kind}"), facts)
    before = take_snapshot(plan, aws_client)
    assert before.complete and before.reads[0] is not None and before.reads[0].absent
    result = _apply(plan, aws_client)
    assert result.applied and _get(iam, kind, name) == invoke_policy(ARN)
    back = derive_rollback(plan, before, result)
    assert back.operations[0].operation in ("DeleteUserPolicy", "DeleteRolePolicy")
    assert _apply(back, aws_client).applied
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        _get(iam, kind, name)


def test_an_edit_that_widens_an_allow_is_refused_before_any_call(aws_client: Any) -> None:
    iam = aws_client("iam")
    _principal(iam, "user")
    narrow = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": ARN},
            GUARDRAIL["Statement"][1],
        ],
    }
    _put(iam, "user", "guardrail", narrow)
    edited = except_from_deny(narrow, ARN).document
    assert edited is not None
    edited["Statement"][0] = {"Effect": "Allow", "Action": "*", "Resource": "*"}  # smuggled in
    facts = {
        "iam_principal_kind": "user",
        "iam_principal_name": "batch",
        "iam_policy_name": "guardrail",
        "iam_policy_document": dumps(edited),
    }
    plan = build_plan(_fix("iam-explicit-deny", "fix-iam-edit-deny-user"), facts)
    assert plan.applicable  # the allowlist alone cannot tell: the snapshot can
    with pytest.raises(NotAllowedError, match="Allow"):
        _apply(plan, aws_client)
    assert _get(iam, "user", "guardrail") == narrow


def test_the_journal_restores_an_iam_fix_once(aws_client: Any) -> None:
    """`apigw-wizard rollback` works from the journal alone: the edited policy goes back, and a
    second restore finds nothing left to undo."""
    from wizard.aws.fixes.journal import Journal

    iam = aws_client("iam")
    _principal(iam, "user")
    _put(iam, "user", "guardrail", GUARDRAIL)
    edit = except_from_deny(GUARDRAIL, ARN)
    assert edit.document is not None
    facts = {
        "iam_principal_kind": "user",
        "iam_principal_name": "batch",
        "iam_policy_name": "guardrail",
        "iam_policy_document": dumps(edit.document),
    }
    plan = build_plan(_fix("iam-explicit-deny", "fix-iam-edit-deny-user"), facts)
    result = _apply(plan, aws_client)
    assert result.applied and result.journal
    journal = Journal.load(result.journal)
    restore = journal.restore_plan(aws_client)
    assert [o.operation for o in restore.operations] == ["PutUserPolicy"]
    done = apply_plan(
        restore,
        Confirmation.for_plan(restore, by="t", shown=restore.cli),
        aws_client,
        recorder=journal.restore_recorder(),
    )
    assert done.applied
    assert _get(iam, "user", "guardrail") == GUARDRAIL
    assert Journal.load(result.journal).restore_plan(aws_client).operations == ()
