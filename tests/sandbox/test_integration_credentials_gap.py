"""Pins the emulator gap that keeps integration-returned-403 client-side: MiniStack never uses
an AWS integration's `credentials` role, so a role with no permission at all still delivers
the message (on AWS, SQS refuses the role and the integration answers its AccessDenied). When
MiniStack evaluates the role, this fails, and the cause can get a variant whose fix is an IAM
policy on that role."""

from __future__ import annotations

import json

import pytest

from wizard.aws.reproduce import send
from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import Scenario

pytestmark = [pytest.mark.emulator]

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _scenario() -> Scenario:
    return Scenario.model_validate(
        {
            "schema_version": 1,
            "name": "integration-credentials-gap",
            "title": "an SQS integration whose role may do nothing",
            "description": "pins the emulator gap behind integration-returned-403's IAM variant",
            "cause": "integration-returned-403",
            "emulator": {"auth": True},
            "api": {"name": "queue-api", "resources": [{"path": "/q", "methods": {"POST": {}}}]},
            "requests": [
                {"name": "send", "method": "POST", "path": "/q", "expect": {"status": 403}}
            ],
            "symptom": "send",
        }
    )


def test_an_integration_role_without_permissions_still_reaches_sqs() -> None:
    with Sandbox(_scenario()) as box:
        out = box.provision()
        clients = box.aws().client
        queue = clients("sqs").create_queue(QueueName="orders")["QueueUrl"]
        role = clients("iam").create_role(
            RoleName="queue-writer", AssumeRolePolicyDocument=json.dumps(TRUST)
        )["Role"]["Arn"]  # no policy: it may not send to any queue
        apigw, resource = clients("apigateway"), out.resource_ids["/q"]
        apigw.put_integration(
            restApiId=out.api_id,
            resourceId=resource,
            httpMethod="POST",
            type="AWS",
            integrationHttpMethod="POST",
            uri=f"arn:aws:apigateway:{out.region}:sqs:path/{out.account_id}/orders",
            credentials=role,
            requestParameters={
                "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"
            },
            requestTemplates={"application/json": "Action=SendMessage&MessageBody=$input.body"},
        )
        apigw.put_integration_response(
            restApiId=out.api_id, resourceId=resource, httpMethod="POST", statusCode="200"
        )
        apigw.create_deployment(restApiId=out.api_id, stageName=out.stage)
        got = send(
            "POST",
            out.url("/q"),
            headers={"Content-Type": "application/json"},
            body='{"id": 1}',
            region=out.region,
        )
        attrs = clients("sqs").get_queue_attributes(
            QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        # On AWS the role's missing sqs:SendMessage refuses it; here it is delivered.
        assert (got.status_code, attrs["ApproximateNumberOfMessages"]) == (200, "1"), got.body
