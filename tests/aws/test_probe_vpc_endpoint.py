"""vpc_endpoint_policy: the endpoint named in the {api}-{vpce} URL is read from EC2 and its
policy evaluated for the failing method (apigateway-vpc-endpoint-policies.html)."""

from __future__ import annotations

import json

import pytest
from aws_probe_helpers import run_probe, wizard_session

from wizard.sandbox.provision import provision
from wizard.sandbox.scenario import load_scenario


@pytest.fixture(scope="module")
def private_api(ministack):
    session = wizard_session(ministack)
    out = provision(
        load_scenario("vpce-endpoint-policy"), session.client, endpoint_url=ministack.endpoint_url
    )
    return session, out


@pytest.mark.emulator
def test_an_endpoint_policy_for_another_api_is_an_implicit_deny(private_api):
    session, out = private_api
    arn = out.method_arn("GET", "/entries")
    got = run_probe("vpc_endpoint_policy", session, {"vpce_id": out.vpce_id, "method_arn": arn})
    assert got["vpce_id"] == out.vpce_id and got["vpce_vpc_id"]
    assert got["vpce_policy_decision"] == "implicit_deny"
    assert got["vpce_policy_allows"] is False
    assert "payroll7x2" in json.loads(got["vpce_policy_document"])["Statement"][0]["Resource"]


@pytest.mark.emulator
def test_the_reset_full_access_policy_allows(private_api):
    session, out = private_api
    ec2 = session.client("ec2")
    old = ec2.describe_vpc_endpoints(VpcEndpointIds=[out.vpce_id])["VpcEndpoints"][0]
    ec2.modify_vpc_endpoint(VpcEndpointId=out.vpce_id, ResetPolicy=True)
    try:
        session.read_cache.clear()
        arn = out.method_arn("GET", "/entries")
        got = run_probe("vpc_endpoint_policy", session, {"vpce_id": out.vpce_id, "method_arn": arn})
        assert got["vpce_policy_allows"] is True
    finally:
        ec2.modify_vpc_endpoint(VpcEndpointId=out.vpce_id, PolicyDocument=old["PolicyDocument"])
