"""Configuration changes reach callers only after a deployment, on the fidelity emulator.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html
("every time you update an API, you must redeploy the API to an existing stage or to a new
stage"): the stage serves its deployment's methods, integrations, authorizers and resource
policy until the next deployment.
"""

from __future__ import annotations

import json

import pytest
from fidelity_helpers import add_put_method, apigw, deployed_mock_api, policy, seed, status

from wizard.aws.reproduce import send

pytestmark = pytest.mark.emulator


def _open_dashboard_get(client, out):
    """GET /dashboard without authorization (edited, not deployed)."""
    client.update_method(
        restApiId=out.api_id,
        resourceId=out.resource_ids["/dashboard"],
        httpMethod="GET",
        patchOperations=[{"op": "replace", "path": "/authorizationType", "value": "NONE"}],
    )


def test_an_authorizer_change_waits_for_the_deployment(aws, ministack):
    session, out = seed(ministack)
    client = apigw(session)
    client.update_authorizer(
        restApiId=out.api_id,
        authorizerId=out.authorizer_ids["jwt-authorizer"],
        patchOperations=[{"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"}],
    )
    assert status(out, "open-dashboard") == 200
    assert status(out, "update-profile") == 403  # the deployed TTL (300 s) still caches
    client.create_deployment(restApiId=out.api_id, stageName="prod")
    assert status(out, "open-dashboard") == 200
    assert status(out, "update-profile") == 200  # TTL 0 deployed: the authorizer runs again


def test_a_new_method_is_served_once_deployed(aws, ministack):
    session, out = seed(ministack)
    add_put_method(session, out)
    r = send("PUT", out.url("/dashboard"))
    assert (r.status_code, r.error_message) == (403, "Missing Authentication Token")
    apigw(session).create_deployment(restApiId=out.api_id, stageName="prod")
    assert send("PUT", out.url("/dashboard")).status_code == 200


def test_a_method_authorization_change_waits_for_the_deployment(aws, ministack):
    session, out = seed(ministack)
    client = apigw(session)
    _open_dashboard_get(client, out)
    assert send("GET", out.url("/dashboard")).status_code == 401  # still CUSTOM: no token
    client.create_deployment(restApiId=out.api_id, stageName="prod")
    assert send("GET", out.url("/dashboard")).status_code == 200


def test_each_stage_serves_its_own_deployment(aws, ministack):
    session, out = seed(ministack)
    client = apigw(session)
    client.create_deployment(restApiId=out.api_id, stageName="beta")
    _open_dashboard_get(client, out)
    client.create_deployment(restApiId=out.api_id, stageName="prod")
    assert send("GET", out.url("/dashboard")).status_code == 200
    beta = ministack.data_plane_url(out.api_id, "beta", "/dashboard")
    assert send("GET", beta).status_code == 401
    # The control plane shows the configuration as edited, whatever is deployed.
    rid = out.resource_ids["/dashboard"]
    method = client.get_method(restApiId=out.api_id, resourceId=rid, httpMethod="GET")
    assert method["authorizationType"] == "NONE"


def test_a_resource_policy_waits_for_the_deployment(aws_auth, ministack_auth):
    client = aws_auth.client("apigateway", endpoint_url=ministack_auth.endpoint_url)
    api = deployed_mock_api(client, "plain", responses=False)
    client.update_rest_api(
        restApiId=api,
        patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(policy("Deny"))}],
    )
    url = ministack_auth.data_plane_url(api, "prod", "/")
    assert send("GET", url).status_code == 200
    client.create_deployment(restApiId=api, stageName="prod")
    r = send("GET", url)
    assert (r.status_code, r.error_type) == (403, "AccessDeniedException")
