"""`apigw-wizard permissions`: the policy covers every probe's actions, and nothing mutating."""

from __future__ import annotations

import json

from wizard.analysis.arn import glob_matches
from wizard.aws import permissions
from wizard.cli import main

MUTATING_PREFIXES = (
    "apigateway:PATCH",
    "apigateway:PUT",
    "apigateway:DELETE",
    "lambda:Update",
    "iam:Put",
    "iam:Delete",
    "iam:Create",
    "iam:Attach",
    "iam:Update",
)


def _allowed(policy, action):
    return any(
        action in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
        for st in policy["Statement"]
    )


def test_read_only_policy_covers_every_probe(capsys):
    assert main(["permissions", "--format", "json", "--by-probe"]) == 0
    data = json.loads(capsys.readouterr().out)
    policy = data["policy"]
    assert data["probes"]["get_rest_api"] == ["apigateway:GET"]
    for probe, actions in data["probes"].items():
        for action in actions:
            assert _allowed(policy, action), (probe, action)
    every = [a for st in policy["Statement"] for a in st["Action"]]
    assert not [a for a in every if a.startswith(MUTATING_PREFIXES)]


def test_test_invoke_post_is_scoped_to_authorizers_only():
    policy = permissions.read_only_policy()
    post = next(st for st in policy["Statement"] if "apigateway:POST" in st["Action"])
    resource = post["Resource"]
    assert glob_matches(resource, "arn:aws:apigateway:us-east-1::/restapis/abc/authorizers/x1")
    # CreateAuthorizer / CreateDeployment are POSTs on other paths: not granted.
    assert not glob_matches(resource, "arn:aws:apigateway:us-east-1::/restapis/abc/authorizers")
    assert not glob_matches(resource, "arn:aws:apigateway:us-east-1::/restapis/abc/deployments")


def test_apply_policy_is_separate(capsys):
    assert main(["permissions", "--apply"]) == 0
    out = capsys.readouterr().out
    assert "--apply" in out
    assert "apigateway:PATCH" in out
    assert main(["permissions"]) == 0
    assert "apigateway:PATCH" not in capsys.readouterr().out


def test_apply_policy_names_each_service_on_its_own_resources(capsys):
    assert main(["permissions", "--apply", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_sid = {st["Sid"]: st for st in data["policy"]["Statement"]}
    assert set(data["why"]) >= set(by_sid)
    iam = by_sid["ApplyIamInvokeFixes"]
    assert {"iam:PutUserPolicy", "iam:PutRolePolicy", "iam:DeleteUserPolicy"} <= set(iam["Action"])
    assert {"iam:GetUserPolicy", "iam:GetRolePolicy"} <= set(iam["Action"])
    assert not [a for a in iam["Action"] if a.startswith(("iam:Attach", "iam:CreatePolicy"))]
    assert all(
        r.startswith(("arn:aws:iam::*:user/", "arn:aws:iam::*:role/")) for r in iam["Resource"]
    )
    code = by_sid["ApplyAuthorizerCodeFix"]
    assert "lambda:UpdateFunctionCode" in code["Action"]
    assert "lambda:UpdateFunctionConfiguration" not in code["Action"]
    waf = by_sid["ApplyWebAclCountOverride"]  # the Count override, read first by its snapshot
    assert set(waf["Action"]) == {"wafv2:UpdateWebACL", "wafv2:GetWebACL"}
    assert all(r.startswith("arn:aws:wafv2:*:*:regional/") for r in waf["Resource"])
    apigw = by_sid["ApplyAllowlistedFixes"]
    assert all(a.startswith("apigateway:") for a in apigw["Action"])
