"""A private REST API through its VPC endpoint, on the fidelity emulator (AUTH=true).

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html
(a private API is called through an interface endpoint, e.g. with its Route 53 alias
`{rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com`, which needs the API associated
with the endpoint) and https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-endpoint-policies.html
(the endpoint policy must allow execute-api:Invoke on the API, as must the resource policy,
which can name the endpoint with aws:SourceVpce); and for the endpoint's own side
https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html (an endpoint
created without a policy gets the full-access default, which reset-policy restores).
"""

from __future__ import annotations

import json

import pytest
import urllib3
from emulator import mock_get

from wizard.sandbox.fidelity.vpc_endpoint_path import FULL_ACCESS, split_alias, through_endpoint

pytestmark = pytest.mark.emulator

SERVICE = "com.amazonaws.us-east-1.execute-api"


def _invoke_only(resource: str, effect: str = "Allow") -> str:
    return json.dumps(
        {
            "Statement": [
                {
                    "Effect": effect,
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": resource,
                }
            ]
        }
    )


def _source_vpce_policy(vpce: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                    "Condition": {"StringEquals": {"aws:SourceVpce": vpce}},
                }
            ],
        }
    )


@pytest.fixture
def private(aws_auth, ministack_auth):
    """A private API associated with endpoint A (resource policy: only through A), endpoint B
    not associated; both endpoints created without a policy."""
    ec2 = aws_auth.client("ec2", endpoint_url=ministack_auth.endpoint_url)
    apigw = aws_auth.client("apigateway", endpoint_url=ministack_auth.endpoint_url)
    a, b = (
        ec2.create_vpc_endpoint(VpcId="vpc-1", ServiceName=SERVICE, VpcEndpointType="Interface")[
            "VpcEndpoint"
        ]["VpcEndpointId"]
        for _ in range(2)
    )
    api = apigw.create_rest_api(
        name="private", endpointConfiguration={"types": ["PRIVATE"], "vpcEndpointIds": [a]}
    )["id"]
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[{"op": "replace", "path": "/policy", "value": _source_vpce_policy(a)}],
    )
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    mock_get(apigw, api, root)
    apigw.create_deployment(restApiId=api, stageName="prod")
    return ec2, apigw, api, a, b


def _get(ministack, api, vpce=None):
    name = f"{api}-{vpce}" if vpce else api
    return urllib3.request("GET", ministack.data_plane_url(name, "prod", "/"))


def test_the_alias_forms_name_the_api_and_the_endpoint():
    assert split_alias("abcd1234-vpce-0a1b2c") == ("abcd1234", "vpce-0a1b2c")
    assert split_alias("abcd1234") is None
    assert through_endpoint("abcd1234-vpce-0a1b.execute-api.localhost:4566", "/prod/x") == (
        "abcd1234.execute-api.localhost:4566",
        "/prod/x",
        "vpce-0a1b",
    )
    assert through_endpoint("127.0.0.1:4566", "/restapis/abcd1234-vpce-9/prod/_user_request_/") == (
        "127.0.0.1:4566",
        "/restapis/abcd1234/prod/_user_request_/",
        "vpce-9",
    )
    assert through_endpoint("127.0.0.1:4566", "/_aws/execute-api/abcd1234-vpce-9/prod/") == (
        "127.0.0.1:4566",
        "/_aws/execute-api/abcd1234/prod/",
        "vpce-9",
    )
    assert through_endpoint("127.0.0.1:4566", "/restapis/abcd1234/prod/_user_request_/") is None


def test_the_associated_endpoint_with_the_default_policy_serves(private, ministack_auth):
    ec2, _, api, a, _ = private
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[a])["VpcEndpoints"][0]
    assert json.loads(endpoint["PolicyDocument"]) == json.loads(FULL_ACCESS)
    assert _get(ministack_auth, api, a).status == 200


def test_outside_an_endpoint_or_through_one_not_associated_is_forbidden(private, ministack_auth):
    _, _, api, _, b = private
    for refused in (_get(ministack_auth, api), _get(ministack_auth, api, b)):
        assert refused.status == 403
        assert json.loads(refused.data) == {"message": "Forbidden"}
        assert refused.headers["x-amzn-ErrorType"] == "ForbiddenException"


def test_the_resource_policy_sees_the_endpoint_as_aws_source_vpce(private, ministack_auth):
    _, apigw, api, a, b = private
    # The endpoint policy (the default) allows; a resource policy that names another endpoint
    # does not match this one's aws:SourceVpce.
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[{"op": "replace", "path": "/policy", "value": _source_vpce_policy(b)}],
    )
    apigw.create_deployment(restApiId=api, stageName="prod")
    refused = _get(ministack_auth, api, a)
    assert refused.status == 403
    assert "because no resource-based policy allows" in json.loads(refused.data)["Message"]
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[{"op": "replace", "path": "/policy", "value": _source_vpce_policy(a)}],
    )
    apigw.create_deployment(restApiId=api, stageName="prod")
    assert _get(ministack_auth, api, a).status == 200


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (
            _invoke_only("arn:aws:execute-api:us-east-1:000000000000:otherapi1/*"),
            "because no VPC endpoint policy allows the execute-api:Invoke action",
        ),
        (_invoke_only("*", effect="Deny"), "with an explicit deny in a VPC endpoint policy"),
    ],
)
def test_an_endpoint_policy_that_does_not_allow_the_api_is_access_denied(
    private, ministack_auth, policy, reason
):
    ec2, _, api, a, _ = private
    ec2.modify_vpc_endpoint(VpcEndpointId=a, PolicyDocument=policy)
    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[a])["VpcEndpoints"][0]
    assert json.loads(described["PolicyDocument"]) == json.loads(policy)
    refused = _get(ministack_auth, api, a)
    assert refused.status == 403
    assert refused.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    message = json.loads(refused.data)["Message"]
    assert message == (
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********0000:{api}/prod/GET/ {reason}"
    )
    ec2.modify_vpc_endpoint(VpcEndpointId=a, ResetPolicy=True)
    reset = ec2.describe_vpc_endpoints(VpcEndpointIds=[a])["VpcEndpoints"][0]
    assert json.loads(reset["PolicyDocument"]) == json.loads(FULL_ACCESS)
    assert _get(ministack_auth, api, a).status == 200


def test_an_endpoint_policy_given_at_creation_is_kept(aws_auth, ministack_auth):
    ec2 = aws_auth.client("ec2", endpoint_url=ministack_auth.endpoint_url)
    policy = _invoke_only("*")
    made = ec2.create_vpc_endpoint(
        VpcId="vpc-1", ServiceName=SERVICE, VpcEndpointType="Interface", PolicyDocument=policy
    )["VpcEndpoint"]
    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[made["VpcEndpointId"]])
    assert json.loads(described["VpcEndpoints"][0]["PolicyDocument"]) == json.loads(policy)
