"""UpdateUsagePlan `/apiStages` add/remove on the fidelity emulator.

Reproduces https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html#UpdateUsagePlan-Patch
(`add` / `remove` on `/apiStages` with the value `{restApiId}:{stageName}`).
"""

from __future__ import annotations

import pytest
import urllib3
from botocore.exceptions import ClientError
from fidelity_helpers import deployed_mock_api

pytestmark = pytest.mark.emulator


@pytest.fixture
def keyed(aws, ministack):
    """An API whose GET / needs an API key, a key, and a plan that carries the key but no stage."""
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = deployed_mock_api(apigw, "keyed", api_key_required=True)
    key = apigw.create_api_key(name="k", enabled=True, value="k" * 24)
    plan = apigw.create_usage_plan(name="p")["id"]
    apigw.create_usage_plan_key(usagePlanId=plan, keyId=key["id"], keyType="API_KEY")
    return apigw, api, plan


def _call(ministack, api):
    url = ministack.data_plane_url(api, "prod", "/")
    return urllib3.request("GET", url, headers={"x-api-key": "k" * 24}).status


def _patch(apigw, plan, op, value):
    return apigw.update_usage_plan(
        usagePlanId=plan, patchOperations=[{"op": op, "path": "/apiStages", "value": value}]
    )


def test_adding_the_stage_lets_the_key_through(keyed, ministack):
    apigw, api, plan = keyed
    assert _call(ministack, api) == 403  # the key's plan does not cover prod
    answer = _patch(apigw, plan, "add", f"{api}:prod")
    assert answer["apiStages"] == [{"apiId": api, "stage": "prod"}]
    assert _call(ministack, api) == 200
    _patch(apigw, plan, "add", f"{api}:prod")  # adding it twice keeps one entry
    assert apigw.get_usage_plan(usagePlanId=plan)["apiStages"] == [{"apiId": api, "stage": "prod"}]


def test_removing_the_stage_is_the_rollback(keyed, ministack):
    apigw, api, plan = keyed
    _patch(apigw, plan, "add", f"{api}:prod")
    assert _patch(apigw, plan, "remove", f"{api}:prod")["apiStages"] == []
    assert _call(ministack, api) == 403
    assert apigw.get_rest_apis()["items"]  # the emulator still answers (MiniStack crashed here)


@pytest.mark.parametrize(
    ("op", "value", "code"),
    [
        ("add", "nope:prod", "NotFoundException"),
        ("remove", "{api}:prod", "NotFoundException"),
        ("replace", "{api}:prod", "BadRequestException"),
        ("add", "no-colon", "BadRequestException"),
    ],
)
def test_bad_stage_patches_are_refused_and_change_nothing(keyed, op, value, code):
    apigw, api, plan = keyed
    with pytest.raises(ClientError) as err:
        _patch(apigw, plan, op, value.format(api=api))
    assert err.value.response["Error"]["Code"] == code
    assert apigw.get_usage_plan(usagePlanId=plan)["apiStages"] == []
