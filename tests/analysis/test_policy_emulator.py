"""The policy evaluator agrees with the emulated gateway's resource-policy enforcement.

MiniStack with AUTH on enforces a REST API's resource policy for methods without authorization.
(Not compared: a Deny with NotPrincipal for an anonymous caller — MiniStack lets it through, while
IAM applies such a Deny to every principal not listed, anonymous callers included.)
Each policy is attached to a real (emulated) API, an unsigned GET is sent over HTTP from
127.0.0.1, and the response must match what evaluate_policy decides for the same request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator import mock_get

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.request import RequestContext
from wizard.aws.reproduce import send
from wizard.sandbox.provision import data_plane_url

pytestmark = pytest.mark.emulator

ALLOW_ALL = {
    "Effect": "Allow",
    "Principal": "*",
    "Action": "execute-api:Invoke",
    "Resource": "execute-api:/*",
}


def _deny(condition: dict[str, Any]) -> dict[str, Any]:
    return {**ALLOW_ALL, "Effect": "Deny", "Condition": condition}


CASES: list[tuple[str, list[dict[str, Any]]]] = [
    ("allow-all", [ALLOW_ALL]),
    ("allow-post-only", [{**ALLOW_ALL, "Resource": "execute-api:/*/POST/*"}]),
    ("deny-outside-10/8", [ALLOW_ALL, _deny({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})]),
    (
        "deny-outside-loopback",
        [ALLOW_ALL, _deny({"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}})],
    ),
    (
        "allow-loopback-only",
        [{**ALLOW_ALL, "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}}],
    ),
    ("deny-without-vpce", [ALLOW_ALL, _deny({"StringNotEquals": {"aws:SourceVpce": "vpce-0abc"}})]),
    ("allow-account-principal", [{**ALLOW_ALL, "Principal": {"AWS": "000000000000"}}]),
    ("allow-aws-star-principal", [{**ALLOW_ALL, "Principal": {"AWS": "*"}}]),
    (
        "allow-ifexists-absent-vpce",
        [{**ALLOW_ALL, "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}}],
    ),
    ("deny-null-vpce", [ALLOW_ALL, _deny({"Null": {"aws:SourceVpce": "true"}})]),
    (
        "allow-ipv6-only",
        [{**ALLOW_ALL, "Condition": {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}}],
    ),
    ("allow-wrong-stage-case", [{**ALLOW_ALL, "Resource": "execute-api:/Prod/*"}]),
    (
        "allow-notresource-delete",
        [
            {k: v for k, v in ALLOW_ALL.items() if k != "Resource"}
            | {"NotResource": "execute-api:/*/DELETE/*"}
        ],
    ),
    (
        "deny-get-explicit",
        [ALLOW_ALL, {**ALLOW_ALL, "Effect": "Deny", "Resource": "execute-api:/prod/GET/pets"}],
    ),
]


def _make_api(apigw: Any) -> tuple[str, str]:
    api_id = apigw.create_rest_api(name="policy-crosscheck")["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")["id"]
    mock_get(apigw, api_id, res)
    return api_id, res


def test_evaluator_matches_emulated_resource_policies(aws_auth: Any, ministack_auth: Any) -> None:
    apigw = aws_auth.client("apigateway", endpoint_url=ministack_auth.endpoint_url)
    account = aws_auth.client(
        "sts", endpoint_url=ministack_auth.endpoint_url
    ).get_caller_identity()["Account"]
    api_id, _ = _make_api(apigw)
    arn = f"arn:aws:execute-api:us-east-1:{account}:{api_id}/prod/GET/pets"
    url = data_plane_url(ministack_auth.endpoint_url, api_id, "prod", "/pets")
    disagreements = []
    seen: list[tuple[str, str]] = []
    for name, statements in CASES:
        policy = {"Version": "2012-10-17", "Statement": statements}
        apigw.update_rest_api(
            restApiId=api_id,
            patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(policy)}],
        )
        apigw.create_deployment(restApiId=api_id, stageName="prod")
        got = send("GET", url)
        ours = evaluate_policy(policy, RequestContext(method_arn=arn, source_ip="127.0.0.1"))
        if got.status_code == 200:
            theirs = "allow"
        elif "explicit deny" in (got.error_message or ""):
            theirs = "explicit_deny"
        else:
            theirs = "implicit_deny"
        seen.append((name, theirs))
        if theirs != ours.decision:
            disagreements.append((name, theirs, ours.decision, got.status_code, got.error_message))
    assert not disagreements
    # The emulator really enforced the policies: every kind of outcome was seen.
    assert {d for _, d in seen} == {"allow", "explicit_deny", "implicit_deny"}
