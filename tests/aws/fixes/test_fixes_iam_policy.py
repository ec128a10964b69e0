"""The IAM fixes never widen beyond the failing method ARN: the owned invoke policy allows that
ARN only, a Deny is lifted for that ARN only (and only where that can be said exactly), and the
allowlist and the apply-time check refuse anything else."""

from __future__ import annotations

import json

import pytest

from wizard.analysis.arn import arn_matches
from wizard.aws.fixes.allowlist import check_allowed
from wizard.aws.fixes.errors import NotAllowedError
from wizard.aws.fixes.iam_policy import (
    IamPolicyError,
    check_edit,
    connections_arn,
    denying_statements,
    dumps,
    except_from_deny,
    invoke_policy,
    invoke_policy_name,
    manage_policy,
    manage_policy_name,
    principal_of,
)

ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/reports"
GUARDRAIL = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"},
        {
            "Sid": "NoApis",
            "Effect": "Deny",
            "Action": "execute-api:Invoke",
            "Resource": "arn:aws:execute-api:*",
        },
    ],
}


@pytest.mark.parametrize(
    ("arn", "kind", "name"),
    [
        ("arn:aws:iam::123456789012:user/batch", "user", "batch"),
        ("arn:aws:iam::123456789012:user/team/a/batch", "user", "batch"),
        ("arn:aws:iam::123456789012:role/app", "role", "app"),
        ("arn:aws:sts::123456789012:assumed-role/app-role/i-0abc", "role", "app-role"),
    ],
)
def test_the_principal_whose_inline_policies_decide(arn: str, kind: str, name: str) -> None:
    found = principal_of(arn)
    assert found is not None and (found.kind, found.name) == (kind, name)


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:iam::123456789012:root", "anonymous", "", None, "arn:aws:sts::1:federated-user/x"],
)
def test_no_principal_for_root_anonymous_or_federated(arn: str | None) -> None:
    assert principal_of(arn) is None


def test_the_invoke_policy_allows_exactly_the_method_and_is_named_after_it() -> None:
    doc = invoke_policy(ARN)
    (stmt,) = doc["Statement"]
    assert (stmt["Effect"], stmt["Action"], stmt["Resource"]) == (
        "Allow",
        "execute-api:Invoke",
        ARN,
    )
    assert not arn_matches(stmt["Resource"], ARN.replace("/GET/", "/POST/"))
    assert invoke_policy_name(ARN) != invoke_policy_name(ARN + "x")
    with pytest.raises(IamPolicyError):
        invoke_policy("arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/*")


def test_a_universal_deny_is_lifted_for_the_one_method_only() -> None:
    edit = except_from_deny(GUARDRAIL, ARN)
    assert edit.document is not None, edit.reason
    assert edit.document["Statement"][0] == GUARDRAIL["Statement"][0]  # the Allow as it was
    assert denying_statements(edit.document, ARN) == []
    for other in (
        ARN.replace("/GET/", "/POST/"),
        ARN.replace("/prod/", "/dev/"),
        ARN.replace("a1b2c3", "zzz999"),
        ARN + "/sub",
    ):
        assert denying_statements(edit.document, other), other
    check_edit(GUARDRAIL, edit.document, {ARN})


def test_a_deny_that_cannot_be_narrowed_exactly_is_left_to_a_person() -> None:
    scoped = {
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "execute-api:Invoke",
                "Resource": "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*",
            }
        ]
    }
    assert except_from_deny(scoped, ARN).document is None
    # Action "*" on execute-api ARNs: NotResource would deny every other service too.
    every_action = {
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "arn:aws:execute-api:*"}]
    }
    assert except_from_deny(every_action, ARN).document is None
    # Action "*" on Resource "*": excepting the one ARN is exact.
    assert except_from_deny(
        {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, ARN
    ).document


def test_a_deny_with_other_resources_keeps_them() -> None:
    doc = {
        "Statement": [
            {
                "Sid": "D",
                "Effect": "Deny",
                "Action": "execute-api:Invoke",
                "Resource": ["*", "arn:aws:s3:::b"],
            }
        ]
    }
    edit = except_from_deny(doc, ARN)
    assert edit.document is not None
    kept, lifted = edit.document["Statement"]
    assert kept["Resource"] == "arn:aws:s3:::b"
    assert lifted["NotResource"] == [ARN] and lifted["Sid"] == "DExceptOneMethod"


@pytest.mark.parametrize(
    "after",
    [
        # an Allow widened
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                GUARDRAIL["Statement"][1],
            ],
        },
        # the Deny dropped altogether
        {"Version": "2012-10-17", "Statement": [GUARDRAIL["Statement"][0]]},
        # lifted for the whole stage
        {
            "Version": "2012-10-17",
            "Statement": [
                GUARDRAIL["Statement"][0],
                {
                    "Effect": "Deny",
                    "Action": "execute-api:Invoke",
                    "NotResource": ["arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/*"],
                },
            ],
        },
    ],
)
def test_an_edit_that_does_more_than_lift_one_method_is_refused(after: dict) -> None:
    with pytest.raises(IamPolicyError):
        check_edit(GUARDRAIL, after, {ARN})


def test_the_allowlist_takes_the_owned_policy_and_refuses_a_wider_one() -> None:
    params = {
        "UserName": "u",
        "PolicyName": invoke_policy_name(ARN),
        "PolicyDocument": dumps(invoke_policy(ARN)),
    }
    check_allowed("iam", "PutUserPolicy", params)
    wider = dict(
        params, PolicyDocument=json.dumps(invoke_policy(ARN)).replace("/GET/reports", "/*")
    )
    with pytest.raises(NotAllowedError):
        check_allowed("iam", "PutUserPolicy", wider)
    renamed = dict(params, PolicyName=invoke_policy_name(ARN + "x"))
    with pytest.raises(NotAllowedError, match="not named after"):
        check_allowed("iam", "PutUserPolicy", renamed)
    check_allowed("iam", "DeleteUserPolicy", {"UserName": "u", "PolicyName": "p"}, rollback=True)


CONNECTIONS = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/POST/@connections/*"


@pytest.mark.parametrize(
    ("denied", "expected"),
    [
        (
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/POST/@connections/L0SM9cOFvHcCIhw=",
            CONNECTIONS,
        ),
        (
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/DELETE/@connections/abc",
            CONNECTIONS.replace("/POST/", "/DELETE/"),
        ),
        ("arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/reports", None),
        ("arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/POST/@connections/abc", None),
        ("arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/PUT/@connections/abc", None),
        (None, None),
    ],
)
def test_the_connections_arn_keeps_api_stage_and_verb(
    denied: str | None, expected: str | None
) -> None:
    assert connections_arn(denied) == expected


def test_the_manage_policy_is_one_stage_one_verb_and_the_allowlist_holds_it_to_that() -> None:
    doc = manage_policy(CONNECTIONS)
    assert doc["Statement"] == [
        {
            "Sid": "ApigwWizardManageConnections",
            "Effect": "Allow",
            "Action": "execute-api:ManageConnections",
            "Resource": CONNECTIONS,
        }
    ]
    with pytest.raises(IamPolicyError):
        manage_policy(CONNECTIONS.replace("/prod/", "/*/"))
    params = {
        "UserName": "u",
        "PolicyName": manage_policy_name(CONNECTIONS),
        "PolicyDocument": dumps(doc),
    }
    check_allowed("iam", "PutUserPolicy", params)
    for wider in (
        CONNECTIONS.replace("/POST/@connections/*", "/*"),  # the whole stage
        CONNECTIONS.replace("a1b2c3", "*"),  # every API
    ):
        text = dumps(doc).replace(CONNECTIONS, wider)
        with pytest.raises(NotAllowedError):
            check_allowed("iam", "PutUserPolicy", dict(params, PolicyDocument=text))
    invoke = dumps(doc).replace("ManageConnections", "Invoke")
    with pytest.raises(NotAllowedError, match="may only allow"):
        check_allowed("iam", "PutUserPolicy", dict(params, PolicyDocument=invoke))
    renamed = dict(params, PolicyName=manage_policy_name(CONNECTIONS + "x"))
    with pytest.raises(NotAllowedError, match="not named after"):
        check_allowed("iam", "PutUserPolicy", renamed)
