"""FlushStageAuthorizersCache / FlushStageCache on the fidelity emulator.

Reproduces https://docs.aws.amazon.com/apigateway/latest/api/API_FlushStageAuthorizersCache.html
("Flushes all authorizer cache entries on a stage") and
https://docs.aws.amazon.com/apigateway/latest/api/API_FlushStageCache.html.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from fidelity_helpers import apigw, seed, status

pytestmark = pytest.mark.emulator


def test_flushing_the_authorizer_cache_makes_the_next_request_invoke_the_authorizer(aws, ministack):
    session, out = seed(ministack)
    assert status(out, "open-dashboard") == 200  # caches the Allow scoped to GET /dashboard
    assert status(out, "update-profile") == 403  # decided from that cached policy
    answer = apigw(session).flush_stage_authorizers_cache(restApiId=out.api_id, stageName="prod")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    # The authorizer runs again, for POST /dashboard/update-profile this time.
    assert status(out, "update-profile") == 200


def test_flushing_one_stage_keeps_the_other_stages_entries(aws, ministack):
    session, out = seed(ministack)
    client = apigw(session)
    client.create_deployment(restApiId=out.api_id, stageName="beta")
    assert status(out, "open-dashboard") == 200
    client.flush_stage_authorizers_cache(restApiId=out.api_id, stageName="beta")
    assert status(out, "update-profile") == 403  # prod's cached GET policy still answers


@pytest.mark.parametrize("operation", ["flush_stage_authorizers_cache", "flush_stage_cache"])
def test_an_unknown_stage_or_api_is_not_found(aws, ministack, operation):
    session, out = seed(ministack)
    call = getattr(apigw(session), operation)
    assert call(restApiId=out.api_id, stageName="prod")["ResponseMetadata"]["HTTPStatusCode"] == 202
    for api_id, stage in ((out.api_id, "nope"), ("nope", "prod")):
        with pytest.raises(ClientError) as err:
            call(restApiId=api_id, stageName=stage)
        assert err.value.response["Error"]["Code"] == "NotFoundException"
