"""TestInvokeAuthorizer and TestInvokeMethod on the fidelity emulator.

Reproduce https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeAuthorizer.html
(clientStatus "0 if the authorizer succeeded", the returned policy and principal, the execution
log) and https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeMethod.html (the
method as configured now, no deployment, no authorization).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from fidelity_helpers import add_put_method, apigw, seed, status

pytestmark = pytest.mark.emulator


def _invoke_authorizer(session, out, headers):
    return apigw(session).test_invoke_authorizer(
        restApiId=out.api_id, authorizerId=out.authorizer_ids["jwt-authorizer"], headers=headers
    )


def test_the_authorizer_answers_with_its_policy_for_the_test_stage(aws, ministack):
    session, out = seed(ministack)
    r = _invoke_authorizer(session, out, {"Authorization": out.tokens["alice"]})
    assert r["clientStatus"] == 0
    assert r["principalId"] == "alice"
    assert r["authorization"] == {"sub": ["alice"]}
    (statement,) = json.loads(r["policy"])["Statement"]
    # The seed authorizer returns event.methodArn: the synthetic test stage shows in it.
    assert statement["Resource"] == (
        f"arn:aws:execute-api:us-east-1:000000000000:{out.api_id}/ESTestInvoke-stage/GET/"
    )
    assert r["log"].startswith("Execution log for request ")
    assert "Successfully completed authorizer execution" in r["log"]
    assert out.tokens["alice"][-40:-4] not in r["log"].split("Incoming identity: ")[1][:200]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not.a.jwt"}])
def test_a_refused_or_missing_token_is_a_401(aws, ministack, headers):
    session, out = seed(ministack)
    r = _invoke_authorizer(session, out, headers)
    assert r["clientStatus"] == 401
    assert "policy" not in r
    assert "Unauthorized request" in r["log"]


def test_test_invoke_leaves_the_stage_cache_alone(aws, ministack):
    session, out = seed(ministack)
    _invoke_authorizer(session, out, {"Authorization": out.tokens["alice"]})
    # Nothing was cached for prod: the POST invokes the authorizer and is allowed.
    assert status(out, "update-profile") == 200


def test_an_unknown_authorizer_is_not_found(aws, ministack):
    session, out = seed(ministack)
    with pytest.raises(ClientError) as err:
        apigw(session).test_invoke_authorizer(restApiId=out.api_id, authorizerId="nope")
    assert err.value.response["Error"]["Code"] == "NotFoundException"


def test_the_method_runs_its_integration_without_authorization(aws, ministack):
    session, out = seed(ministack)
    r = apigw(session).test_invoke_method(
        restApiId=out.api_id, resourceId=out.resource_ids["/dashboard"], httpMethod="GET"
    )
    assert (r["status"], json.loads(r["body"])) == (200, {"dashboard": "ok"})
    assert "HTTP Method: GET, Resource Path: /dashboard" in r["log"]
    assert "Method completed with status: 200" in r["log"]


def test_the_method_is_tested_as_configured_before_any_deployment(aws, ministack):
    session, out = seed(ministack)
    rid = add_put_method(session, out)
    client = apigw(session)
    r = client.test_invoke_method(restApiId=out.api_id, resourceId=rid, httpMethod="PUT")
    assert r["status"] == 200
    with pytest.raises(ClientError) as err:
        client.test_invoke_method(restApiId=out.api_id, resourceId=rid, httpMethod="DELETE")
    assert err.value.response["Error"]["Code"] == "NotFoundException"


def test_an_http_integration_off_this_machine_is_never_called(aws, ministack):
    session, out = seed(ministack)
    rid = add_put_method(
        session, out, type="HTTP_PROXY", integrationHttpMethod="PUT", uri="http://192.0.2.1/never"
    )
    r = apigw(session).test_invoke_method(restApiId=out.api_id, resourceId=rid, httpMethod="PUT")
    assert r["status"] == 502
    assert "loopback backends only" in r["body"]
