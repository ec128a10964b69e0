"""Pins the emulator gap behind rp-cross-account-iam (not_reproducible.yaml): MiniStack derives
the account from the access key, but a second account's signed caller does not reach the first
account's API at all (404), even when its resource policy allows that caller. When MiniStack
routes the call and evaluates both sides, this fails and the cause can get its scenario."""

from __future__ import annotations

import json

import boto3
import pytest

from wizard.aws.reproduce import send, sigv4_headers
from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import Scenario
from wizard.sandbox.signing import _frozen

pytestmark = [pytest.mark.emulator]

PARTNER = "111111111111"


def _scenario() -> Scenario:
    allow = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:user/partner"},
        "Action": "execute-api:Invoke",
        "Resource": "arn:aws:execute-api:{region}:{account_id}:{api_id}/*",
    }
    method = {"authorization": "AWS_IAM", "integration": {"type": "MOCK", "status_code": 200}}
    return Scenario.model_validate(
        {
            "schema_version": 1,
            "name": "cross-account-gap",
            "title": "a partner account's user calls an API that allows it",
            "description": "pins the emulator gap behind rp-cross-account-iam",
            "cause": "rp-cross-account-iam",
            "emulator": {"auth": True},
            "api": {
                "name": "partner-api",
                "resource_policy": {"Version": "2012-10-17", "Statement": [allow]},
                "resources": [{"path": "/r", "methods": {"GET": method}}],
            },
            "requests": [
                {
                    "name": "own",
                    "method": "GET",
                    "path": "/r",
                    "sigv4": True,
                    "expect": {"status": 403},
                }
            ],
            "symptom": "own",
        }
    )


def test_a_second_accounts_caller_does_not_reach_the_first_accounts_api() -> None:
    with Sandbox(_scenario()) as box:
        out = box.provision()
        iam = boto3.client(
            "iam",
            endpoint_url=box.endpoint_url,
            region_name=out.region,
            aws_access_key_id=PARTNER,  # a 12-digit key id is that account's root
            aws_secret_access_key="test",
        )
        iam.create_user(UserName="partner")
        invoke = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}
        iam.put_user_policy(
            UserName="partner",
            PolicyName="invoke",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [invoke]}),
        )
        key = iam.create_access_key(UserName="partner")["AccessKey"]
        sts = boto3.client(
            "sts",
            endpoint_url=box.endpoint_url,
            region_name=out.region,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )
        # The account does come from the key...
        assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{PARTNER}:user/partner"
        url = out.url("/r")
        creds = _frozen(key["AccessKeyId"], key["SecretAccessKey"])
        headers = sigv4_headers("GET", url, {}, None, creds, out.region)
        got = send("GET", url, headers=headers, region=out.region)
        # ...but both sides allow the call and it still is not routed to the API: on AWS, 200.
        assert got.status_code == 404, (got.status_code, got.error_type, got.error_message)
