"""The emulator fixture itself: loopback only, reset works, stop leaves nothing listening."""

from __future__ import annotations

import pytest

from wizard.sandbox import emulator as emu_mod

pytestmark = pytest.mark.emulator


def test_fixture_is_on_loopback_and_answers_boto3(ministack, aws):
    assert ministack.endpoint_url.startswith("http://127.0.0.1:")
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    api = apigw.create_rest_api(name="fixture-check")
    assert [i["id"] for i in apigw.get_rest_apis()["items"]] == [api["id"]]


def test_reset_between_tests_wipes_state(ministack, aws):
    apigw = aws.client("apigateway", endpoint_url=ministack.endpoint_url)
    assert apigw.get_rest_apis()["items"] == []


def test_data_plane_url_shape(ministack):
    url = ministack.data_plane_url("abc123", "prod", "/dashboard/update-profile")
    assert (
        url
        == f"{ministack.endpoint_url}/restapis/abc123/prod/_user_request_/dashboard/update-profile"
    )


def test_start_and_stop_leaves_no_listener(tmp_path):
    if not emu_mod.ministack_available():
        pytest.skip("ministack is not importable")
    emu = emu_mod.start(tmpdir=tmp_path)
    port, proc = emu.port, emu.process
    assert emu_mod.port_is_listening(port)
    emu.stop()
    assert proc.poll() is not None
    assert not emu_mod.port_is_listening(port)
