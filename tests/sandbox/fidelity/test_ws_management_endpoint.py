"""A WebSocket API's @connections endpoint called at the wrong URL, on the fidelity emulator.

Reproduces https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
(the management endpoint is `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/@connections/{id}`)
and what API Gateway answers a call that misses it, as reported in
https://github.com/aws/aws-sdk-php/issues/1955 (no stage: 403 {"message":"Forbidden"}) and
https://github.com/aws-samples/simple-websockets-chat-app/issues/40 (the stage twice: "No method
found matching route {stage}/@connections/{id} for http method POST.").
"""

from __future__ import annotations

import json

import pytest

from wizard.aws.reproduce import send
from wizard.sandbox.provisioned import v2_data_plane_url

pytestmark = pytest.mark.emulator

CONNECTION = "/@connections/L0SM9cOFvHcCIhw="


@pytest.fixture
def ws_api(aws_client, ministack):
    v2 = aws_client("apigatewayv2")
    api = v2.create_api(
        Name="push", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
    )["ApiId"]
    integration = v2.create_integration(ApiId=api, IntegrationType="MOCK")["IntegrationId"]
    v2.create_route(ApiId=api, RouteKey="$connect", Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api, StageName="prod")
    return api


def _post(ministack, api: str, stage: str, path: str):
    return send("POST", v2_data_plane_url(ministack.endpoint_url, api, stage, path), body=b"hi")


def test_a_call_without_the_stage_is_403_forbidden(ministack, ws_api):
    answer = _post(ministack, ws_api, "", CONNECTION)
    assert (answer.status_code, answer.error_message) == (403, "Forbidden")
    assert answer.error_type == "ForbiddenException"


def test_a_call_with_the_stage_twice_names_the_route_it_did_not_find(ministack, ws_api):
    answer = _post(ministack, ws_api, "prod", "/prod" + CONNECTION)
    assert answer.status_code == 403
    assert answer.error_message == (
        "No method found matching route prod/@connections/L0SM9cOFvHcCIhw= for http method POST."
    )


def test_the_right_endpoint_still_reaches_the_management_api(ministack, ws_api):
    # No such connection: 410 GoneException from MiniStack's @connections API, not our 403.
    answer = _post(ministack, ws_api, "prod", CONNECTION)
    assert answer.status_code == 410
    assert answer.error_type == "GoneException"


def test_http_apis_keep_their_404(aws_client, ministack):
    v2 = aws_client("apigatewayv2")
    api = v2.create_api(Name="plain", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=api, StageName="prod")
    answer = _post(ministack, api, "prod", "/nothing-here")
    assert (answer.status_code, json.loads(answer.body)) == (404, {"message": "Not Found"})
