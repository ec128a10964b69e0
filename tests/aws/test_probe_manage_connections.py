"""`propose_iam_fix` in mode `manage` (ws-mgmt-no-permission): the policy names the refused
call's API, stage and verb, from the denied ARN when the message has it, else from the invoke
URL's parts (MiniStack's AccessDenied names no resource); nothing without them."""

from __future__ import annotations

import json
from typing import Any

import pytest

import wizard.aws.probes.iam_fix  # noqa: F401  (registers the probe)
from wizard.aws.fixes.iam_policy import manage_policy_name
from wizard.engine.probes import REGISTRY, ProbeContext

USER = "arn:aws:iam::000000000000:user/notifier"
PARTS = {"region": "us-east-1", "account_id": "000000000000", "api_id": "ws1", "stage": "prod"}
WANT = "arn:aws:execute-api:us-east-1:000000000000:ws1/prod/POST/@connections/*"


def _probe(**facts: Any) -> dict[str, Any]:
    ctx = ProbeContext(inputs={}, facts={"caller_arn": USER, **facts})
    return dict(REGISTRY.get("propose_iam_fix").fn(ctx, {"mode": "manage"}))


@pytest.mark.parametrize(
    "facts",
    [
        {"denied_resource_arn": WANT.replace("*", "L0SM9cOFvHcCIhw=")},
        {**PARTS, "method": "POST"},
        PARTS,  # PostToConnection is the call that posts; POST when the verb is not known
    ],
)
def test_the_policy_allows_manage_connections_on_this_stage_and_verb(facts: dict) -> None:
    out = _probe(**facts)
    assert (out["iam_principal_kind"], out["iam_principal_name"]) == ("user", "notifier")
    assert out["iam_policy_name"] == manage_policy_name(WANT)
    statement = json.loads(out["iam_policy_document"])["Statement"]
    assert [(s["Effect"], s["Action"], s["Resource"]) for s in statement] == [
        ("Allow", "execute-api:ManageConnections", WANT)
    ]


def test_the_verb_of_the_refused_call_is_kept() -> None:
    out = _probe(**PARTS, method="DELETE")
    assert json.loads(out["iam_policy_document"])["Statement"][0]["Resource"] == WANT.replace(
        "/POST/", "/DELETE/"
    )


def test_no_policy_without_the_stage() -> None:
    out = _probe(**{k: v for k, v in PARTS.items() if k != "stage"})
    assert out["iam_policy_document"] is None
    assert "not known" in out["iam_fix_note"]
