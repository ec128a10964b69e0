"""Boolean patch values on the fidelity emulator: `"false"` disables, `"true"` enables.

Reproduces https://docs.aws.amazon.com/apigateway/latest/api/API_PatchOperation.html (a patch
operation's value is a string; for a boolean field `"true"` / `"false"`) for UpdateApiKey
`/enabled` (https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html#UpdateApiKey-Patch)
and UpdateRestApi `/disableExecuteApiEndpoint`.
"""

from __future__ import annotations

import pytest
import urllib3
from botocore.exceptions import ClientError
from fidelity_helpers import deployed_mock_api

pytestmark = pytest.mark.emulator

KEY = "b" * 24


@pytest.fixture
def keyed(aws, ministack):
    """GET / needs an API key; the key is enabled and in a plan for prod."""
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = deployed_mock_api(apigw, "keyed", api_key_required=True)
    key = apigw.create_api_key(name="k", enabled=True, value=KEY)["id"]
    plan = apigw.create_usage_plan(name="p", apiStages=[{"apiId": api, "stage": "prod"}])["id"]
    apigw.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")
    return apigw, api, key


def _call(ministack, api):
    url = ministack.data_plane_url(api, "prod", "/")
    return urllib3.request("GET", url, headers={"x-api-key": KEY}).status


def _enabled(apigw, key, value):
    patch = [{"op": "replace", "path": "/enabled", "value": value}]
    return apigw.update_api_key(apiKey=key, patchOperations=patch)


def test_a_key_patched_to_false_is_disabled_and_true_enables_it_again(keyed, ministack):
    apigw, api, key = keyed
    assert _call(ministack, api) == 200
    assert _enabled(apigw, key, "false")["enabled"] is False
    assert apigw.get_api_key(apiKey=key)["enabled"] is False
    assert _call(ministack, api) == 403  # MiniStack alone stored "false" and let it through
    assert _enabled(apigw, key, "TRUE")["enabled"] is True
    assert _call(ministack, api) == 200


def test_a_value_that_is_not_a_boolean_is_refused_and_changes_nothing(keyed):
    apigw, _, key = keyed
    with pytest.raises(ClientError) as err:
        _enabled(apigw, key, "maybe")
    assert err.value.response["Error"]["Code"] == "BadRequestException"
    assert apigw.get_api_key(apiKey=key)["enabled"] is True


def test_disable_execute_api_endpoint_reads_back_as_a_boolean(aws, ministack):
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = deployed_mock_api(apigw, "flag")
    for value, expected in (("true", True), ("False", False)):
        apigw.update_rest_api(
            restApiId=api,
            patchOperations=[
                {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": value}
            ],
        )
        assert apigw.get_rest_api(restApiId=api)["disableExecuteApiEndpoint"] is expected
