"""Browser HAR files (wizard/analysis/diagnosis/har.py): the failing entry, redacted, as curl -v.

The documents are built the way Chrome and Firefox write them (log.entries[].request /
.response, headers as name/value lists, `_resourceType`, base64 bodies).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from wizard.analysis.bounded import BoundedParseError, load_json
from wizard.analysis.classify import classify
from wizard.analysis.diagnosis import har
from wizard.analysis.diagnosis.paste import normalise

API = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl"


def _entry(
    url: str,
    status: int,
    *,
    method: str = "GET",
    request_headers: list[tuple[str, str]] | None = None,
    response_headers: list[tuple[str, str]] | None = None,
    body: str = "",
    base64_body: bool = False,
    resource_type: str | None = "fetch",
) -> dict[str, Any]:
    content: dict[str, Any] = {"size": len(body), "mimeType": "application/json"}
    if body:
        content["text"] = base64.b64encode(body.encode()).decode() if base64_body else body
        if base64_body:
            content["encoding"] = "base64"
    e: dict[str, Any] = {
        "startedDateTime": "2026-12-02T08:00:00.000Z",
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/2",
            "headers": [{"name": n, "value": v} for n, v in (request_headers or [])],
        },
        "response": {
            "status": status,
            "statusText": "Forbidden" if status == 403 else "",
            "headers": [{"name": n, "value": v} for n, v in (response_headers or [])],
            "content": content,
        },
    }
    if resource_type:
        e["_resourceType"] = resource_type
    return e


def _har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {
        "log": {"version": "1.2", "creator": {"name": "WebInspector"}, "entries": list(entries)}
    }


APIGW_403 = [
    ("x-amzn-RequestId", "0f6c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5"),
    ("x-amzn-ErrorType", "ForbiddenException"),
    ("x-amz-apigw-id", "LLCm7FonFiAFXFg="),
    ("content-type", "application/json"),
]


def test_the_first_failing_api_call_is_picked_not_a_failed_asset() -> None:
    doc = _har(
        _entry("https://app.example.com/", 200, resource_type="document"),
        _entry("https://cdn.example.com/logo.png", 403, resource_type="image"),
        _entry(f"{API}/items", 200),
        _entry(
            f"{API}/orders",
            403,
            method="POST",
            response_headers=APIGW_403,
            body='{"message":"Forbidden"}',
        ),
        _entry(f"{API}/other", 500),
    )
    entry = har.pick_failing_entry(doc)
    assert (entry.index, entry.method, entry.status) == (3, "POST", 403)
    assert entry.url == f"{API}/orders"


def test_url_picks_the_entry_and_prefers_a_failing_one() -> None:
    doc = _har(
        _entry(f"{API}/items", 200),
        _entry(f"{API}/items?page=2", 403, response_headers=APIGW_403),
        _entry(f"{API}/orders", 403, response_headers=APIGW_403),
    )
    assert har.pick_failing_entry(doc, url="/items").index == 1
    assert har.pick_failing_entry(doc, url="/orders").index == 2
    with pytest.raises(har.HarError, match="no request in the HAR file has a URL containing"):
        har.pick_failing_entry(doc, url="/nothing")


def test_only_assets_failed_still_gives_the_first_failure() -> None:
    doc = _har(_entry("https://cdn.example.com/a.js", 403, resource_type="script"))
    assert har.pick_failing_entry(doc).index == 0


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "not a HAR file"),
        ({"log": {}}, "no log.entries"),
        (_har(), "has no requests"),
        (_har(_entry(f"{API}/items", 200)), "no request in the HAR file failed"),
    ],
)
def test_not_a_har_or_nothing_failed_is_a_clear_error(doc: Any, message: str) -> None:
    with pytest.raises(har.HarError, match=message):
        har.pick_failing_entry(doc)


def test_secrets_are_redacted_but_their_presence_and_scheme_stay() -> None:
    presigned = (
        f"{API}/files?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F"
        "20261202%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Signature="
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef&X-Amz-Security-Token=FQoGZX"
        "&page=2"
    )
    doc = _har(
        _entry(
            presigned,
            403,
            request_headers=[
                ("Authorization", f"Bearer {JWT}"),
                ("x-api-key", "d41d8cd98f00b204e9800998ecf8427e12345678"),
                ("Cookie", "session=s3cr3t-session-value"),
                ("Accept", "application/json"),
            ],
            response_headers=[*APIGW_403, ("set-cookie", "AWSALB=sticky-secret; Path=/")],
            body='{"message":"Forbidden"}',
        )
    )
    entry = har.pick_failing_entry(doc)
    text = har.render(entry)
    for secret in (
        JWT,
        "d41d8cd98f00b204e9800998ecf8427e12345678",
        "s3cr3t-session-value",
        "sticky-secret",
        "0123456789abcdef0123456789abcdef",
        "AKIAIOSFODNN7EXAMPLE",
        "FQoGZX",
    ):
        assert secret not in text, secret
    assert "Authorization: Bearer [redacted]" in text
    assert "x-api-key: [redacted]" in text
    assert "page=2" in text
    result = classify(text)
    assert result.evidence.authorization_scheme == "bearer"
    assert result.evidence.has_api_key_header is True


def test_sigv4_keeps_the_credential_scope() -> None:
    auth = (
        "AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20261202/us-east-1/execute-api/"
        "aws4_request, SignedHeaders=host;x-amz-date, Signature="
        "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
    )
    value = har.redact_header("Authorization", auth)
    assert value.startswith("AWS4-HMAC-SHA256 Credential=ASIA")
    assert "us-east-1/execute-api/aws4_request" in value
    assert "fe5f80f77d5fa3be" not in value


def test_the_rendered_entry_reads_like_its_curl_paste() -> None:
    body = '{"message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/items"}'
    doc = _har(_entry(f"{API}/items", 403, response_headers=APIGW_403, body=body, base64_body=True))
    from_har = classify(har.render(har.pick_failing_entry(doc)))
    curl = (
        f"> GET {API}/items\n\nHTTP/1.1 403 Forbidden\n"
        + "\n".join(f"{n}: {v}" for n, v in APIGW_403)
        + f"\n\n{body}\n"
    )
    from_curl = classify(curl)
    assert set(from_curl.observations) <= set(from_har.observations)
    assert "paste:har" in from_har.observations
    assert from_har.ids()[:3] == from_curl.ids()[:3]


def test_a_har_pasted_as_text_is_read_as_its_failing_entry() -> None:
    doc = _har(
        _entry("https://app.example.com/", 200, resource_type="document"),
        _entry(f"{API}/items", 403, response_headers=APIGW_403, body='{"message":"Forbidden"}'),
    )
    pasted = normalise(json.dumps(doc, indent=2))
    assert pasted.form == "har"
    assert pasted.text.startswith(har.RENDERED_MARK)
    assert f"> GET {API}/items" in pasted.text
    assert "app.example.com" not in pasted.text


def test_a_websocket_handshake_entry() -> None:
    doc = _har(
        _entry(
            "wss://abcdef1234.execute-api.eu-west-1.amazonaws.com/dev?token=abc",
            403,
            response_headers=[("x-amzn-RequestId", "1e2d3c4b-aaaa-bbbb-cccc-000011112222")],
            body='{"message":"Forbidden"}',
            resource_type="websocket",
        )
    )
    entry = har.pick_failing_entry(doc)
    assert entry.resource_type == "websocket"
    assert "token=[redacted]" in entry.url


def test_bounds() -> None:
    # Nesting past the bound is refused by the parser the callers use.
    with pytest.raises(BoundedParseError):
        load_json("[" * 100 + "]" * 100, what="the HAR file")
    # A huge body and thousands of headers are cut, not carried.
    big = _entry(
        f"{API}/items",
        403,
        response_headers=[(f"x-h{i}", "v") for i in range(1000)],
        body="x" * (har.MAX_BODY * 3),
    )
    entry = har.pick_failing_entry(_har(big))
    assert len(entry.response_headers) == har.MAX_HEADERS
    assert len(entry.body) == har.MAX_BODY
    # Malformed members are skipped, never a traceback.
    odd = {"log": {"entries": [None, 3, {"request": "x", "response": {"status": "403"}}, big]}}
    picked = har.pick_failing_entry(odd)
    assert (picked.index, picked.status) == (3, 403)  # its position in the file
