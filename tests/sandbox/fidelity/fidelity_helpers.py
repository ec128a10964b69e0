"""The seed API (a TOKEN Lambda authorizer on GET /dashboard and POST /dashboard/update-profile),
provisioned on the fidelity emulator, for the behaviour tests of this directory."""

from __future__ import annotations

from typing import Any

from emulator import mock_get

from wizard.aws.session import AwsSession, sandbox_session
from wizard.sandbox.emulator import Emulator
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import RequestSpec, load_scenario

SEED = "authz-cache-scoped-policy"


def seed(emu: Emulator, *, logging: bool = False) -> tuple[AwsSession, Provisioned]:
    """The seed provisioned; without the stage logging its scenario turns on unless `logging`
    (these tests turn it on themselves, with `enable_logs`, when they need it)."""
    session = sandbox_session(emu.endpoint_url)
    scenario = load_scenario(SEED)
    if not logging:
        api = scenario.api.model_copy(update={"logging": None})
        scenario = scenario.model_copy(update={"api": api})
    return session, provision(scenario, session.client, endpoint_url=emu.endpoint_url)


def seed_request(name: str) -> RequestSpec:
    return next(r for r in load_scenario(SEED).requests if r.name == name)


def status(out: Provisioned, name: str) -> int:
    """The HTTP status of the seed request `name` (open-dashboard, update-profile)."""
    return send_request(seed_request(name), out).status_code


def apigw(session: AwsSession) -> Any:
    return session.client("apigateway")


def add_put_method(session: AwsSession, out: Provisioned, **integration: Any) -> str:
    """PUT /dashboard without authorization, answered by `integration` (default: MOCK 200);
    not deployed. Its resource id."""
    client, rid = apigw(session), out.resource_ids["/dashboard"]
    client.put_method(
        restApiId=out.api_id, resourceId=rid, httpMethod="PUT", authorizationType="NONE"
    )
    integration = integration or {
        "type": "MOCK",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
    }
    client.put_integration(restApiId=out.api_id, resourceId=rid, httpMethod="PUT", **integration)
    return str(rid)


def deployed_mock_api(client: Any, name: str, **mock: Any) -> str:
    """A REST API whose GET / answers MOCK 200 (`mock`: mock_get's options), deployed to prod."""
    api = str(client.create_rest_api(name=name)["id"])
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    mock_get(client, api, root, **mock)
    client.create_deployment(restApiId=api, stageName="prod")
    return api


def policy(effect: str, resource: str = "execute-api:/*") -> dict[str, Any]:
    """A resource policy of one statement: `effect` execute-api:Invoke on `resource` for anyone."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": effect,
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": resource,
            }
        ],
    }


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
