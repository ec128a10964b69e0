"""Session settings: endpoints, regions, the client cache."""

from __future__ import annotations

import threading

import pytest

from wizard.aws.session import (
    AwsSession,
    AwsSettings,
    SessionError,
    check_endpoint_url,
    open_session,
    sandbox_session,
    session_for,
)
from wizard.engine.probes import ProbeError, ProbeErrorKind
from wizard.investigation.connect import connect
from wizard.investigation.errors import AwsUnavailable


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4566", "http://localhost:4566/", "http://[::1]:4566"]
)
def test_loopback_endpoints_are_allowed_everywhere(url):
    assert check_endpoint_url(url, sandbox=True) == url.rstrip("/")
    assert check_endpoint_url(url, sandbox=False) == url.rstrip("/")


def test_sandbox_refuses_non_loopback():
    with pytest.raises(SessionError, match="only talks to an emulator"):
        check_endpoint_url("https://apigateway.us-east-1.amazonaws.com", sandbox=True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.5:4566", "not an AWS endpoint"),
        ("https://evil.example.com", "not an AWS endpoint"),
        ("http://apigateway.us-east-1.amazonaws.com", "need https"),
        ("ftp://127.0.0.1", "expected http"),
    ],
)
def test_real_runs_only_accept_aws_or_loopback(url, message):
    with pytest.raises(SessionError, match=message):
        check_endpoint_url(url, sandbox=False)


def test_aws_endpoint_is_accepted_on_a_real_run():
    url = "https://vpce-0a1b-c2d3.apigateway.us-east-1.vpce.amazonaws.com"
    assert check_endpoint_url(url, sandbox=False) == url


def test_settings_from_flags_and_env(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    s = open_session(profile=None, region="eu-west-1", endpoint_url=None).settings
    assert (s.region, s.endpoint_url) == ("eu-west-1", "http://127.0.0.1:4566")
    s = open_session(region=None, endpoint_url="http://127.0.0.1:9").settings
    assert s.endpoint_url == "http://127.0.0.1:9"


def test_clients_are_cached_and_configured():
    s = sandbox_session("http://127.0.0.1:9")
    a = s.client("apigateway")
    assert s.client("apigateway") is a
    assert a.meta.endpoint_url == "http://127.0.0.1:9"
    cfg = a.meta.config
    assert cfg.retries["mode"] == "adaptive"
    assert (cfg.connect_timeout, cfg.read_timeout) == (5.0, 20.0)
    other = s.with_region("eu-west-1")
    assert other.client("apigateway").meta.region_name == "eu-west-1"


def test_session_rejects_bad_endpoint_at_construction():
    with pytest.raises(SessionError):
        AwsSession(settings=AwsSettings(endpoint_url="http://192.168.1.2:4566", sandbox=True))


@pytest.mark.emulator
def test_caller_identity_against_the_emulator(aws, ministack):
    s = sandbox_session(ministack.endpoint_url)
    ident = s.caller_identity()
    assert ident["account_id"] == "000000000000"
    assert s.credentials().access_key == "test"


def test_unknown_profile_is_a_credentials_error(monkeypatch, tmp_path):
    from wizard.engine.probes import ProbeError, ProbeErrorKind

    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    with pytest.raises(ProbeError) as err:
        open_session(profile="nope", region="us-east-1", endpoint_url=None)
    assert err.value.kind is ProbeErrorKind.CREDENTIALS
    assert "nope" in err.value.message


def test_emulator_endpoint_without_region_defaults_to_us_east_1(monkeypatch):
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    s = AwsSession(settings=AwsSettings(endpoint_url="http://127.0.0.1:4566"))
    assert s.region == "us-east-1"
    assert s.client("apigateway").meta.region_name == "us-east-1"


def test_session_for_gives_an_emulator_its_dummy_credentials(monkeypatch):
    # The user's own keys must not be what an emulator on this machine receives.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSOWNKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "user-secret")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    session = session_for(endpoint_url="http://127.0.0.1:4566")
    assert session.settings.sandbox
    assert session.boto3_session.get_credentials().access_key == "test"
    assert session.region == "us-east-1"


def test_session_for_uses_the_standard_chain_off_loopback_or_with_a_profile(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSOWNKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "user-secret")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    real = session_for(region="eu-west-1")
    assert not real.settings.sandbox
    assert real.boto3_session.get_credentials().access_key == "AKIAUSERSOWNKEY00000"
    config = tmp_path / "config"
    config.write_text("[profile local]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    named = session_for(profile="local", endpoint_url="http://127.0.0.1:4566")
    assert not named.settings.sandbox
    assert named.settings.profile == "local"


def test_clients_built_ahead_wait_for_the_request_on_the_wire(monkeypatch):
    s = sandbox_session("http://127.0.0.1:9")
    escaped = []
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    on_the_wire = threading.Event()
    worker = s.build_clients_ahead(("apigateway", "no-such-service", "logs"), once=on_the_wire)
    assert worker.daemon and worker.is_alive()
    assert s._clients == {}  # nothing built before the request is sent
    on_the_wire.set()
    worker.join()
    # built in order until one cannot be: that one raises when it is asked for, not in the thread
    assert list(s._clients) == [("apigateway", "us-east-1")]
    assert escaped == []
    assert s.client("apigateway") is s._clients[("apigateway", "us-east-1")]
    with pytest.raises(ProbeError):
        s.client("no-such-service")


def test_connect_builds_the_first_client_while_sts_is_on_the_wire(monkeypatch):
    workers = []
    sent = []
    original = AwsSession.build_clients_ahead

    def keep(self, services, *, once):
        workers.append((self, original(self, services, once=once)))
        return workers[-1][1]

    def caller_identity(self):
        sent.append(self._clients.copy())  # the STS client exists; the walk's is not built yet
        raise ProbeError(ProbeErrorKind.CREDENTIALS, "no credentials")

    monkeypatch.setattr(AwsSession, "build_clients_ahead", keep)
    monkeypatch.setattr(AwsSession, "caller_identity", caller_identity)
    with pytest.raises(AwsUnavailable):
        connect(endpoint_url="http://127.0.0.1:9", region="us-east-1", check_identity=True)
    ((aws, worker),) = workers
    assert list(sent[0]) == [("sts", "us-east-1")]
    worker.join(timeout=60)  # not sent: the thread is released all the same
    assert not worker.is_alive()
    assert ("apigateway", "us-east-1") in aws._clients
