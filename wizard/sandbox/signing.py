"""Who signs a scenario's SigV4 requests.

MiniStack verifies SigV4 only with AUTH=true and only for keys it issued to an IAM user (the
root key `test` is never checked), so the SigV4 scenarios create one IAM user allowed to call
execute-api, and derive from it the broken credentials a scenario asks for: a key that was
deleted since (a rotated key still in a config file), or the right key id with a wrong secret.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from wizard.sandbox.provisioned import ClientFactory
from wizard.sandbox.scenario import Scenario

NO_INVOKE_USER = "apigw-wizard-sandbox-no-invoke"  # no policy at all: no execute-api:Invoke
DENIED_USER = "apigw-wizard-sandbox-denied"  # Allow *, then an explicit Deny on execute-api
# An Allow that would let the user in, and the explicit Deny (a guardrail policy) that wins.
_DENY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"},
        {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*"},
    ],
}
CALLER_USER = "apigw-wizard-sandbox-caller"
# Another AWS account: MiniStack takes a 12-digit access key id for that account's root, and
# the user created with it (allowed execute-api:Invoke by its own policy) is that account's.
PARTNER_ACCOUNT = "111111111111"
PARTNER_USER = "apigw-wizard-sandbox-partner"
_INVOKE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
}


def _frozen(access_key: str, secret_key: str, token: str | None = None) -> Any:
    # lazy: botocore 170-300 ms (-X importtime); only the live/signing path needs it
    from botocore.credentials import Credentials

    return Credentials(access_key, secret_key, token).get_frozen_credentials()


def _wrong_secret(secret: str) -> str:
    """A secret of the same shape that is certainly not the right one."""
    return secret[::-1] if secret[::-1] != secret else secret + "x"


def signing_credentials(
    scenario: Scenario, clients: ClientFactory, session_credentials: Any
) -> dict[str, Any]:
    """Frozen botocore credentials for every `sigv4_as` the scenario's signed requests use."""
    kinds = {r.sigv4_as for r in scenario.requests if r.sigv4}
    out: dict[str, Any] = {}
    if "session" in kinds:
        out["session"] = session_credentials
    if not kinds - {"session"}:
        return out
    iam = clients("iam")
    key = _user_with_policy(iam, CALLER_USER, "invoke-sandbox-apis", _INVOKE_POLICY)
    out["iam_user"] = _frozen(key["AccessKeyId"], key["SecretAccessKey"])
    out["wrong_secret"] = _frozen(key["AccessKeyId"], _wrong_secret(key["SecretAccessKey"]))
    if "no_invoke_user" in kinds:
        iam.create_user(UserName=NO_INVOKE_USER)
        bare = iam.create_access_key(UserName=NO_INVOKE_USER)["AccessKey"]
        out["no_invoke_user"] = _frozen(bare["AccessKeyId"], bare["SecretAccessKey"])
    if "denied_user" in kinds:
        denied = _user_with_policy(iam, DENIED_USER, "deny-invoke", _DENY_POLICY)
        out["denied_user"] = _frozen(denied["AccessKeyId"], denied["SecretAccessKey"])
    if "partner_user" in kinds:
        out["partner_user"] = _partner_user(clients)
    if "deleted_key" in kinds:
        old = iam.create_access_key(UserName=CALLER_USER)["AccessKey"]
        iam.delete_access_key(UserName=CALLER_USER, AccessKeyId=old["AccessKeyId"])
        out["deleted_key"] = _frozen(old["AccessKeyId"], old["SecretAccessKey"])
    if kinds & {"temporary", "temporary_no_token"}:
        # Temporary credentials (ASIA...): signed with their session token, and
        # without it (the client that drops X-Amz-Security-Token).
        temp = clients("sts").get_session_token()["Credentials"]
        out["temporary"] = _frozen(
            temp["AccessKeyId"], temp["SecretAccessKey"], temp["SessionToken"]
        )
        out["temporary_no_token"] = _frozen(temp["AccessKeyId"], temp["SecretAccessKey"])
    return out


def _partner_user(clients: ClientFactory) -> Any:
    """Frozen credentials of PARTNER_USER in PARTNER_ACCOUNT, allowed execute-api:Invoke."""
    # lazy: boto3 300+ ms (-X importtime); only the partner scenarios sign as another account
    import boto3

    # The owner's emulator endpoint, signed by the partner account's root (its 12-digit key id).
    owner = clients("iam").meta
    iam = boto3.client(
        "iam",
        endpoint_url=owner.endpoint_url,
        region_name=owner.region_name,
        aws_access_key_id=PARTNER_ACCOUNT,
        aws_secret_access_key="test",
    )
    key = _user_with_policy(iam, PARTNER_USER, "invoke-partner-apis", _INVOKE_POLICY)
    return _frozen(key["AccessKeyId"], key["SecretAccessKey"])


def _user_with_policy(iam: Any, user: str, policy_name: str, policy: Any) -> Any:
    """Create `user` with one inline policy and return its new access key (IAM's AccessKey)."""
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
    return iam.create_access_key(UserName=user)["AccessKey"]


def sigv4_headers_at(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    credentials: Any,
    region: str,
    signed_ago: int,
    service: str = "execute-api",
    now: Any = None,
) -> dict[str, str]:
    """`headers` with a SigV4 signature dated `signed_ago` seconds before now (X-Amz-Date and the
    credential scope's date both): what a client with a slow clock, or a signed request kept in
    a queue and sent later, puts on the wire. The signature itself is right for that date.
    `now` (an aware datetime) stands for the clock, for tests."""

    # lazy: botocore 170-300 ms (-X importtime); only the live/signing path needs it
    from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth

    # lazy: botocore 170-300 ms (-X importtime); only the live/signing path needs it
    from botocore.awsrequest import AWSRequest

    when = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=signed_ago)

    class SignedAt(SigV4Auth):
        def add_auth(self, request: Any) -> None:
            # SigV4Auth.add_auth takes the date from the clock; the same steps, with `when`.
            request.context["timestamp"] = when.strftime(SIGV4_TIMESTAMP)
            self._modify_request_before_signing(request)
            canonical = self.canonical_request(request)
            signature = self.signature(self.string_to_sign(request, canonical), request)
            self._inject_signature_to_request(request, signature)

    request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
    SignedAt(credentials, service, region).add_auth(request)
    return {k: str(v) for k, v in request.headers.items()}
