"""The session's read cache against MiniStack over real HTTP: what it keeps, what it never keeps,
and when it forgets. Requests are counted with a botocore `before-call` handler registered after
the cache's (only real sends reach it)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.aws.aws_probe_helpers import wizard_session
from wizard.aws.read_cache import is_cached_read, is_write

pytestmark = pytest.mark.emulator


def _counted(session: Any, service: str) -> tuple[Any, list[str]]:
    sent: list[str] = []
    client = session.client(service)
    client.meta.events.register("before-call", lambda model, **_: sent.append(model.name))
    return client, sent


def _api(session: Any, name: str = "cached") -> str:
    return str(session.client("apigateway").create_rest_api(name=name)["id"])


def test_a_read_goes_to_aws_once_and_answers_are_copies(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _api(session)
    apigw, sent = _counted(session, "apigateway")
    first = apigw.get_rest_api(restApiId=api_id)
    first["name"] = "edited by one probe"
    second = apigw.get_rest_api(restApiId=api_id)
    assert sent == ["GetRestApi"]
    assert second["name"] == "cached"
    apigw.get_resources(restApiId=api_id, limit=500)
    apigw.get_resources(restApiId=api_id, limit=25)  # other parameters: another read
    assert sent == ["GetRestApi", "GetResources", "GetResources"]


def test_a_write_empties_the_cache(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _api(session)
    apigw, sent = _counted(session, "apigateway")
    apigw.get_rest_api(restApiId=api_id)
    apigw.update_rest_api(
        restApiId=api_id, patchOperations=[{"op": "replace", "path": "/name", "value": "renamed"}]
    )
    assert apigw.get_rest_api(restApiId=api_id)["name"] == "renamed"
    assert sent == ["GetRestApi", "UpdateRestApi", "GetRestApi"]


def test_not_found_is_an_answer_but_other_errors_are_asked_again(ministack: Any) -> None:
    session = wizard_session(ministack)
    apigw, sent = _counted(session, "apigateway")
    for _ in range(2):
        with pytest.raises(apigw.exceptions.NotFoundException):
            apigw.get_rest_api(restApiId="nope000000")
    assert sent == ["GetRestApi"]
    for _ in range(2):
        with pytest.raises(apigw.exceptions.BadRequestException):
            apigw.get_resources(restApiId=_api(session, "bad-position"), position="%%%")
    assert sent.count("GetResources") == 2


def test_log_events_and_query_results_are_never_kept(ministack: Any) -> None:
    session = wizard_session(ministack)
    logs, sent = _counted(session, "logs")
    group = f"/aws/lambda/read-cache-{time.time_ns()}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    kwargs = {"logGroupName": group, "startTime": 0}
    assert logs.filter_log_events(**kwargs)["events"] == []
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group, logStreamName="s", logEvents=[{"timestamp": now, "message": "START"}]
    )
    assert [e["message"] for e in logs.filter_log_events(**kwargs)["events"]] == ["START"]
    assert sent.count("FilterLogEvents") == 2
    assert not is_cached_read("GetQueryResults") and not is_write("GetQueryResults")
    assert not is_write("Invoke") and not is_write("StartQuery")
    assert is_write("UpdateAuthorizer") and is_write("FlushStageAuthorizersCache")


def test_a_fresh_block_reads_again_and_refreshes_the_answer(ministack: Any) -> None:
    session = wizard_session(ministack)
    logs, sent = _counted(session, "logs")
    group = f"/aws/lambda/appears-{time.time_ns()}"
    other = wizard_session(ministack).client("logs")  # a Lambda creating its group, say

    def groups() -> list[str]:
        page = logs.describe_log_groups(logGroupNamePrefix=group)
        return [g["logGroupName"] for g in page["logGroups"]]

    assert groups() == []
    other.create_log_group(logGroupName=group)
    assert groups() == []  # cached: this session has not been told
    with session.read_cache.fresh():
        assert groups() == [group]
    assert groups() == [group]  # the fresh answer is the one kept
    assert sent == ["DescribeLogGroups"] * 2


def test_concurrent_identical_reads_send_one_request(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _api(session)
    apigw, sent = _counted(session, "apigateway")
    entered = threading.Barrier(6)
    answers: list[str] = []

    def read() -> None:
        entered.wait()
        answers.append(apigw.get_rest_api(restApiId=api_id)["id"])

    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [api_id] * 6
    assert sent == ["GetRestApi"]


def test_clear_and_a_new_session_start_empty(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _api(session)
    apigw, sent = _counted(session, "apigateway")
    apigw.get_rest_api(restApiId=api_id)
    session.read_cache.clear()
    apigw.get_rest_api(restApiId=api_id)
    assert sent == ["GetRestApi"] * 2
    again, sent_again = _counted(wizard_session(ministack), "apigateway")
    again.get_rest_api(restApiId=api_id)
    assert sent_again == ["GetRestApi"]
    assert session.with_region("us-east-1").read_cache is session.read_cache
    _, sent_here = _counted(session, "sts")
    who = session.caller_identity()
    elsewhere = session.with_region("eu-west-1")
    _, sent_there = _counted(elsewhere, "sts")
    assert elsewhere.read_cache is session.read_cache
    assert elsewhere.caller_identity() == who  # who we are is not regional: not asked again
    assert (sent_here, sent_there) == (["GetCallerIdentity"], [])
