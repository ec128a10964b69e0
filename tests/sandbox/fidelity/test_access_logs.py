"""Access logs on the fidelity emulator.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
("CloudWatch access logging": one record per request in the stage's format, to the existing
log group its destinationArn names) and the `$context` variables of
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
(a variable with no value renders as `-`; `error.messageString` is quoted, `"-"` included).
"""

from __future__ import annotations

import json

import pytest
from fidelity_helpers import ACCESS_GROUP, apigw, enable_logs, seed, seed_request

from wizard.aws.reproduce import send
from wizard.sandbox.fidelity.access_logs import destination_group
from wizard.sandbox.replay import send_request

pytestmark = pytest.mark.emulator


def _records(session):
    events = session.client("logs").filter_log_events(logGroupName=ACCESS_GROUP)["events"]
    return [json.loads(e["message"]) for e in events]


def test_each_request_writes_one_record_in_the_stage_format(aws, ministack):
    session, out = seed(ministack)
    enable_logs(session, out)
    ok = send_request(seed_request("open-dashboard"), out)
    denied = send_request(seed_request("update-profile"), out)
    assert _records(session) == [
        {
            "requestId": ok.request_id,
            "status": "200",
            "responseType": "-",
            "message": "-",
            "principalId": "alice",
            "nosuch": "-",
        },
        {
            "requestId": denied.request_id,
            "status": "403",
            "responseType": "ACCESS_DENIED",
            "message": "User is not authorized to access this resource",
            "principalId": "-",  # the cache answered: no authorizer ran for this request
            "nosuch": "-",
        },
    ]


def test_an_unmatched_route_is_logged_with_its_gateway_response(aws, ministack):
    session, out = seed(ministack)
    enable_logs(session, out)
    r = send("GET", out.url("/no-such-path"))
    (record,) = _records(session)
    assert (record["requestId"], record["status"]) == (r.request_id, "403")
    assert record["responseType"] == "MISSING_AUTHENTICATION_TOKEN"


def test_a_missing_destination_group_gets_nothing(aws, ministack):
    session, out = seed(ministack)
    enable_logs(session, out)
    session.client("logs").delete_log_group(logGroupName=ACCESS_GROUP)
    send_request(seed_request("open-dashboard"), out)
    groups = session.client("logs").describe_log_groups()["logGroups"]
    assert ACCESS_GROUP not in [g["logGroupName"] for g in groups]  # never created for you
    assert apigw(session).get_stage(restApiId=out.api_id, stageName="prod")["accessLogSettings"]


@pytest.mark.parametrize(
    ("arn", "group"),
    [
        ("arn:aws:logs:us-east-1:1:log-group:access", "access"),
        ("arn:aws:logs:us-east-1:1:log-group:/api/access:*", "/api/access"),
        ("arn:aws:firehose:us-east-1:1:deliverystream/amazon-apigateway-x", None),
        ("", None),
    ],
)
def test_destination_arns(arn, group):
    assert destination_group(arn) == group
