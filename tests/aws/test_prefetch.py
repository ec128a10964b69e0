"""Reads started ahead (wizard.aws.prefetch) against MiniStack: the later probe's identical read
is never sent again, whether the prefetch has answered or is still in flight; a cancelled walk
or a session without the read cache starts none; a fault is left for the probe to name.
Requests are counted with a botocore `before-call` handler registered after the read cache's
(only real sends reach it)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.aws.aws_probe_helpers import run_probe, wizard_session
from wizard.aws import prefetch
from wizard.aws.target import RESOURCE_LISTING, find_rest_resource
from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind

pytestmark = pytest.mark.emulator
WAIT = 30.0  # bounded waits on conditions, never sleeps


def _counted(session: Any, service: str) -> tuple[Any, list[str]]:
    sent: list[str] = []
    client = session.client(service)
    client.meta.events.register("before-call", lambda model, **_: sent.append(model.name))
    return client, sent


def _ctx(session: Any) -> ProbeContext:
    return ProbeContext(inputs={}, facts={}, aws=session)


def _rest_api(session: Any) -> str:
    return str(session.client("apigateway").create_rest_api(name="prefetched")["id"])


def test_a_prefetched_read_is_answered_from_the_cache(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _rest_api(session)
    _apigw, sent = _counted(session, "apigateway")
    future = prefetch.ahead(_ctx(session), "apigateway", "get_rest_api", restApiId=api_id)
    assert future is not None
    future.result(WAIT)
    result = run_probe("get_rest_api", session, {"api_id": api_id})
    assert result["api_name"] == "prefetched"
    assert sent == ["GetRestApi"]


def test_a_probe_waits_on_the_prefetch_in_flight(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _rest_api(session)
    apigw, sent = _counted(session, "apigateway")
    in_flight, release, asked = threading.Event(), threading.Event(), threading.Event()

    def hold(**_: Any) -> None:  # the prefetch's request stays on the wire until released
        in_flight.set()
        release.wait(WAIT)

    apigw.meta.events.register("before-send.apigateway.GetRestApi", hold)
    prefetch.ahead(_ctx(session), "apigateway", "get_rest_api", restApiId=api_id)
    assert in_flight.wait(WAIT)
    apigw.meta.events.register("before-parameter-build", lambda **_: asked.set())
    got: list[Any] = []
    probe = threading.Thread(target=lambda: got.append(apigw.get_rest_api(restApiId=api_id)))
    probe.start()
    assert asked.wait(WAIT)
    release.set()
    probe.join(WAIT)
    assert got and got[0]["name"] == "prefetched"
    assert sent == ["GetRestApi"]


def test_rest_target_reads_what_the_target_resolution_reads(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _rest_api(session)
    _apigw, sent = _counted(session, "apigateway")
    future = prefetch.rest_target(_ctx(session), api_id, "prod", session.region, RESOURCE_LISTING)
    assert future is not None
    stage_read = future.result(WAIT)
    assert stage_read is not None
    stage_read.result(WAIT)
    assert sorted(sent) == ["GetResources", "GetRestApi", "GetStage"]
    before = list(sent)
    run_probe("get_rest_api", session, {"api_id": api_id})
    run_probe("get_stage", session, {"api_id": api_id, "stage": "prod"})
    root, _, _ = find_rest_resource(session.client("apigateway"), api_id, "/", "GET")
    assert root is not None and root["path"] == "/"
    assert sent == before  # the stage's 404 is an answer too: nothing asked twice


def test_rest_target_reads_nothing_more_for_an_id_that_is_not_a_rest_api(ministack: Any) -> None:
    session = wizard_session(ministack)
    _apigw, sent = _counted(session, "apigateway")
    future = prefetch.rest_target(_ctx(session), "nope000000", "prod", None, RESOURCE_LISTING)
    assert future is not None
    assert future.result(WAIT) is None
    assert sent == ["GetRestApi"]


def test_a_cancelled_walk_or_an_uncached_session_starts_no_prefetch(ministack: Any) -> None:
    session = wizard_session(ministack)
    _apigw, sent = _counted(session, "apigateway")
    ctx = _ctx(session)
    ctx.cancel.set()
    assert prefetch.ahead(ctx, "apigateway", "get_rest_apis") is None
    assert prefetch.rest_target(ctx, "abc", "prod", None, RESOURCE_LISTING) is None
    session.read_cache.enabled = False  # a prefetch would then be a second call
    assert prefetch.ahead(_ctx(session), "apigateway", "get_rest_apis") is None
    assert sent == []


def test_a_prefetch_fault_is_named_by_the_probe(ministack: Any) -> None:
    session = wizard_session(ministack)
    api_id = _rest_api(session)
    future = prefetch.ahead(
        _ctx(session), "apigateway", "get_authorizer", restApiId=api_id, authorizerId="none0"
    )
    assert future is not None
    assert future.result(WAIT) is None  # dropped, not raised
    with pytest.raises(ProbeError) as err:
        run_probe("get_authorizer", session, {"api_id": api_id, "authorizer_id": "none0"})
    assert err.value.kind is ProbeErrorKind.NOT_FOUND


def test_rest_target_reads_the_method_when_the_first_page_holds_its_resource(
    ministack: Any,
) -> None:
    session = wizard_session(ministack)
    api_id = _rest_api(session)
    apigw = session.client("apigateway")
    root = next(r for r in apigw.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    res = apigw.create_resource(restApiId=api_id, parentId=root["id"], pathPart="orders")
    apigw.put_method(
        restApiId=api_id, resourceId=res["id"], httpMethod="POST", authorizationType="NONE"
    )
    session.read_cache.clear()
    _, sent = _counted(session, "apigateway")
    ctx = _ctx(session)
    future = prefetch.rest_target(ctx, api_id, None, None, RESOURCE_LISTING, "/orders", "POST")
    assert future is not None
    assert future.result(WAIT) is None  # no stage given: no stage read
    assert sent == ["GetRestApi", "GetResources", "GetMethod"]
    got = run_probe("get_method", session, {"api_id": api_id, "path": "/orders", "method": "POST"})
    assert got["route_exists"] is True and got["resource_id"] == res["id"]
    assert sent == ["GetRestApi", "GetResources", "GetMethod"]  # the probe sent nothing
