"""A resource policy combined with a Lambda authorizer, on the fidelity emulator (AUTH=true).

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html
("Lambda authorizer and resource policy": an explicit Deny in the resource policy refuses the
caller before the authorizer is called; otherwise the authorizer's policy and the resource
policy are evaluated together, "Policy evaluation outcome tables", Table A and Table B).
"""

from __future__ import annotations

import json

import pytest
from fidelity_helpers import apigw, policy, seed, seed_request

from wizard.sandbox.fidelity.authorizer_resource_policy import combine, function_account
from wizard.sandbox.replay import send_request

pytestmark = pytest.mark.emulator

# Table A (same account) and Table B (different accounts), as the page lists them:
# (resource policy, Lambda authorizer) -> outcome. "Neither" is an implicit deny.
TABLE_A = {
    ("Allow", "Allow"): "Allow",
    ("Allow", "Neither"): "Allow",
    ("Allow", "Deny"): "Explicit Deny",
    ("Neither", "Allow"): "Allow",
    ("Neither", "Neither"): "Implicit Deny",
    ("Neither", "Deny"): "Explicit Deny",
    ("Deny", "Allow"): "Explicit Deny",
    ("Deny", "Neither"): "Explicit Deny",
    ("Deny", "Deny"): "Explicit Deny",
}
TABLE_B = {
    **TABLE_A,
    ("Allow", "Neither"): "Implicit Deny",
    ("Neither", "Allow"): "Implicit Deny",
}
_RESOURCE = {"Allow": "Allow", "Neither": "ImplicitDeny", "Deny": "Deny"}
_AUTHORIZER = {"Allow": "Allow", "Neither": "NoMatch", "Deny": "Deny"}
_OUTCOME = {"Allow": "Allow", "Implicit Deny": "NoMatch", "Explicit Deny": "Deny"}


@pytest.mark.parametrize(("table", "cross"), [(TABLE_A, False), (TABLE_B, True)])
def test_the_outcome_tables(table, cross):
    for (resource, authorizer), outcome in table.items():
        got = combine(_AUTHORIZER[authorizer], _RESOURCE[resource], cross_account=cross)
        assert got == _OUTCOME[outcome], (resource, authorizer)


def test_the_authorizer_account_comes_from_its_function_arn():
    uri = (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:111111111111:function:auth/invocations"
    )
    assert function_account(uri) == "111111111111"
    assert function_account("not-a-uri") is None


@pytest.fixture
def seed_with_policy(aws_auth, ministack_auth):
    session, out = seed(ministack_auth)

    def attach(document):
        client = apigw(session)
        client.update_rest_api(
            restApiId=out.api_id,
            patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(document)}],
        )
        client.create_deployment(restApiId=out.api_id, stageName=out.stage)

    return out, attach


def test_an_explicit_deny_refuses_before_the_authorizer_runs(seed_with_policy):
    out, attach = seed_with_policy
    attach(policy("Deny"))
    bad_token = seed_request("open-dashboard").model_copy(update={"token": None})
    for request in (seed_request("open-dashboard"), bad_token):
        r = send_request(request, out)
        # Even without a token (the authorizer would answer 401) the Deny answers first.
        assert (r.status_code, r.error_type) == (403, "AccessDeniedException")
        assert r.error_message.endswith("with an explicit deny in a resource-based policy")


def test_a_resource_policy_allow_makes_up_for_a_silent_authorizer_policy(seed_with_policy):
    out, attach = seed_with_policy
    attach(policy("Allow"))
    assert send_request(seed_request("open-dashboard"), out).status_code == 200
    # The cached policy covers GET /dashboard only (Neither for the POST); Table A: Allow.
    assert send_request(seed_request("update-profile"), out).status_code == 200


def test_an_authorizer_allow_needs_no_resource_policy_statement(seed_with_policy):
    out, attach = seed_with_policy
    attach(policy("Allow", resource="execute-api:/*/GET/somewhere-else"))
    assert send_request(seed_request("open-dashboard"), out).status_code == 200
    r = send_request(seed_request("update-profile"), out)
    # Neither allows the POST: the authorizer's implicit deny.
    assert (r.status_code, r.error_message) == (
        403,
        "User is not authorized to access this resource",
    )
