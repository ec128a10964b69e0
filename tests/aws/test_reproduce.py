"""`reproduce` over real HTTP: redirects are recorded, never followed; SigV4 is really verified
by MiniStack with AUTH=true."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from emulator import mock_get

from wizard.aws.reproduce import send
from wizard.aws.session import sandbox_session
from wizard.engine.probes import ProbeError, ProbeErrorKind


class _Redirector(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        _Redirector.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "http://198.51.100.7/steal")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def redirect_server():
    server = HTTPServer(("127.0.0.1", 0), _Redirector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_redirect_is_recorded_not_followed(redirect_server):
    r = send("GET", redirect_server + "/prod/x", headers={"Authorization": "Bearer secret"})
    assert r.status_code == 302
    assert r.headers["Location"] == "http://198.51.100.7/steal"
    assert _Redirector.hits == ["/prod/x"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "127.0.0.1/x"])
def test_only_http_urls(url):
    with pytest.raises(ProbeError) as err:
        send("GET", url)
    assert err.value.kind is ProbeErrorKind.INVALID_INPUT


def test_closed_port_is_unreachable():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ProbeError) as err:
        send("GET", f"http://127.0.0.1:{port}/x", timeout=2)
    assert err.value.kind is ProbeErrorKind.UNREACHABLE


def _iam_api(apigw):
    api = apigw.create_rest_api(name="iam")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    res = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    mock_get(apigw, api, res, authorization="AWS_IAM")
    apigw.create_deployment(restApiId=api, stageName="prod")
    return api


@pytest.mark.emulator
def test_sigv4_is_verified_by_the_emulator(aws_auth, ministack_auth):
    """MiniStack does not verify signatures made with its root key `test`, so an IAM user's key
    is used: good signature without permission, bad signature, unknown key, then allowed."""
    from botocore.credentials import ReadOnlyCredentials

    session = sandbox_session(ministack_auth.endpoint_url)
    api = _iam_api(session.client("apigateway"))
    url = ministack_auth.data_plane_url(api, "prod", "/orders")
    unsigned = send("GET", url)
    assert (unsigned.status_code, unsigned.error_message) == (403, "Missing Authentication Token")

    iam = session.client("iam")
    iam.create_user(UserName="dev")
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    good = ReadOnlyCredentials(key["AccessKeyId"], key["SecretAccessKey"], None)
    denied = send("GET", url, sign_with=good, region="us-east-1")
    assert (denied.status_code, denied.error_type) == (403, "AccessDeniedException")
    assert "user/dev is not authorized to perform: execute-api:Invoke" in denied.error_message

    forged = send("GET", url, sign_with=ReadOnlyCredentials(key["AccessKeyId"], "wrong", None))
    assert (forged.status_code, forged.error_type) == (403, "InvalidSignatureException")
    unknown = send("GET", url, sign_with=ReadOnlyCredentials("AKIAUNKNOWN000000000", "x", None))
    assert (unknown.status_code, unknown.error_type) == (403, "UnrecognizedClientException")

    iam.put_user_policy(
        UserName="dev",
        PolicyName="invoke",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"execute-api:Invoke","Resource":"*"}]}',
    )
    allowed = send("GET", url, sign_with=good, region="us-east-1")
    assert allowed.signed is True
    assert allowed.status_code == 200, allowed.body
