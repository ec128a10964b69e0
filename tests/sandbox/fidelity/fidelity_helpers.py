"""The seed API (a TOKEN Lambda authorizer on GET /dashboard and POST /dashboard/update-profile),
provisioned on the fidelity emulator, for the behaviour tests of this directory."""

from __future__ import annotations

from typing import Any

from wizard.aws.session import AwsSession, sandbox_session
from wizard.sandbox.emulator import Emulator
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import RequestSpec, load_scenario

SEED = "authz-cache-scoped-policy"


def seed(emu: Emulator) -> tuple[AwsSession, Provisioned]:
    session = sandbox_session(emu.endpoint_url)
    return session, provision(load_scenario(SEED), session.client, endpoint_url=emu.endpoint_url)


def seed_request(name: str) -> RequestSpec:
    return next(r for r in load_scenario(SEED).requests if r.name == name)


def status(out: Provisioned, name: str) -> int:
    """The HTTP status of the seed request `name` (open-dashboard, update-profile)."""
    return send_request(seed_request(name), out).status_code


def apigw(session: AwsSession) -> Any:
    return session.client("apigateway")


ACCESS_GROUP = "dashboard-access"
ACCESS_FORMAT = (
    '{"requestId":"$context.requestId","status":"$context.status",'
    '"responseType":"$context.error.responseType","message":$context.error.messageString,'
    '"principalId":"$context.authorizer.principalId","nosuch":"$context.no.such"}'
)


def enable_logs(session: AwsSession, out: Provisioned, level: str = "INFO") -> None:
    """Turn on the stage's execution logs at `level` and its access logs (JSON, ACCESS_GROUP)."""
    session.client("logs").create_log_group(logGroupName=ACCESS_GROUP)
    arn = f"arn:aws:logs:{out.region}:{out.account_id}:log-group:{ACCESS_GROUP}"
    apigw(session).update_stage(
        restApiId=out.api_id,
        stageName=out.stage,
        patchOperations=[
            {"op": "replace", "path": "/*/*/logging/loglevel", "value": level},
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": arn},
            {"op": "replace", "path": "/accessLogSettings/format", "value": ACCESS_FORMAT},
        ],
    )
