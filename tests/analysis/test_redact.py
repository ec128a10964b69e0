"""Redaction: table-driven cases plus properties (never raises, a JWT never survives)."""

from __future__ import annotations

import string

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analysis.redact import REDACTED, is_sensitive_key, redact_obj, redact_text

SECRET = "k" * 32
TOKEN = jwt.encode({"sub": "user-1", "scope": "profile/write", "exp": 2_000_000_000}, SECRET)
PAYLOAD, SIG = TOKEN.split(".")[1:]

CASES = [
    # (input, must contain, must not contain)
    (f"Authorization: Bearer {TOKEN}", "Bearer eyJhbGciOi…[redacted JWT]", PAYLOAD),
    (f'curl -H "Authorization: {TOKEN}" https://x', "[redacted JWT]", SIG),
    ("Authorization: Bearer opaque-token-123", "Bearer [redacted]", "opaque-token-123"),
    ("authorization: Basic dXNlcjpwYXNz", "Basic [redacted]", "dXNlcjpwYXNz"),
    (
        "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/"
        "execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123",
        "Credential=AKIA…MPLE/20240101/us-east-1/execute-api/aws4_request",
        "0123456789abcdef0123",
    ),
    ("x-api-key: abcdefghijklmnopqrstu12", "x-api-key: [redacted]", "abcdefghij"),
    ('{"x-api-key": "abcdefghijklmnopqrstu12"}', '"x-api-key": "[redacted]"', "abcdefghij"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", REDACTED, "wJalr"),
    ('"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', REDACTED, "wJalr"),
    ("aws_session_token=IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQ", REDACTED, "IQoJb3J"),
    ("X-Amz-Security-Token: FwoGZXIvYXdzEBYaDH", "X-Amz-Security-Token: [redacted]", "FwoGZX"),
    (
        "https://h/p?X-Amz-Security-Token=FQoG%2Fabc&X-Amz-Signature=abcdef0123456789abcdef",
        "X-Amz-Signature=[redacted]",
        "abcdef0123456789abcdef",
    ),
    ('{"id": "k1a2", "value": "abcdefghijklmnopqrstuvwxyz12"}', '"id": "k1a2"', "abcdefghijklmnop"),
    ('{"apiKey": "abcdefghijklmnopqrstuvwxyz12"}', '"apiKey": "[redacted]"', "abcdefghijklm"),
    (
        '{"principalId":"u","usageIdentifierKey":"k3yV4lue0123456789ab"}',
        '"usageIdentifierKey":"[redacted]"',
        "k3yV4lue",
    ),
    ("password=hunter2&user=bob", "user=bob", "hunter2"),
    ("password=$ecret99", "password=[redacted]", "$ecret99"),
    ('{"client_secret": "s3cr3t-value"}', '"client_secret": "[redacted]"', "s3cr3t"),
    ("https://bob:hunter2@example.com/x", "https://bob:[redacted]@example.com/x", "hunter2"),
    ("Cookie: session=abc123xyz", "Cookie: [redacted]", "abc123xyz"),
    (
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\n",
        "-----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY-----",
        "MIIEpAIBAAKCAQEA7",
    ),
    (
        "Method request headers: {Authorization=Bearer xyz987, X-Amz-Security-Token=IQoJb3J, Host=a.b}",
        "Host=a.b",
        "xyz987",
    ),
    (
        "Authorization header requires 'Credential' parameter. Authorization=abc.def.ghi",
        "Authorization header requires 'Credential' parameter.",
        "abc.def.ghi",
    ),
]

UNCHANGED = [
    "Signature expired: 20181029T181641Z is now earlier than 20181029T191126Z (20181029T191626Z - 5 min.)",
    "The security token included in the request is invalid.",
    '{"message":"Missing Authentication Token"}',
    '{"token_use": "id", "apiKeyId": "abc123", "authorizationType": "CUSTOM"}',
    "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
    "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/items",
    "Starting authorizer: 62mgrc for request: 4f1d6f0e-5b8c-11e9-8a3c-2b5b0c3f4a1d",
    'token = event["authorizationToken"]',
    "x-api-key: $API_KEY",
    'curl -H "x-api-key: ${API_KEY}" https://x',
    '{"apiKey":"$context.identity.apiKey","token":"{token}"}',
    "password=<your password>",
    "",
]


@pytest.mark.parametrize(("text", "kept", "gone"), CASES)
def test_redacts_secret_and_keeps_context(text: str, kept: str, gone: str) -> None:
    out = redact_text(text)
    assert gone not in out
    assert kept in out


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_diagnostic_text_alone(text: str) -> None:
    assert redact_text(text) == text


def test_redaction_is_idempotent() -> None:
    for text, _, _ in CASES:
        once = redact_text(text)
        assert redact_text(once) == once


def test_redact_obj_replaces_sensitive_keys_and_recurses() -> None:
    data = {
        "headers": {"Authorization": f"Bearer {TOKEN}", "x-api-key": "abc", "Host": "h"},
        "authorizationToken": TOKEN,
        "authorization_type": "CUSTOM",
        "api_key_id": "k1",
        "nextToken": "cursor",
        "notes": [f"sent {TOKEN}", ("password=pw1",)],
        "session_token": None,
        "count": 3,
        "items": [{"id": "abcd", "value": "abcdefghijklmnopqrstuvwxyz12", "enabled": True}],
    }
    out = redact_obj(data)
    assert out["headers"] == {
        "Authorization": "Bearer [redacted]",
        "x-api-key": REDACTED,
        "Host": "h",
    }
    assert out["authorizationToken"] == REDACTED
    assert out["authorization_type"] == "CUSTOM"
    assert out["api_key_id"] == "k1"
    assert out["nextToken"] == "cursor"
    assert PAYLOAD not in out["notes"][0]
    assert out["notes"][1] == ("password=[redacted]",)
    assert out["session_token"] is None
    assert out["count"] == 3
    assert out["items"][0]["value"] == REDACTED
    assert data["authorizationToken"] == TOKEN, "input not modified"


@pytest.mark.parametrize(
    ("key", "sensitive"),
    [
        ("Authorization", True),
        ("X-Amz-Security-Token", True),
        ("client_secret", True),
        ("apiKey", True),
        ("usageIdentifierKey", True),
        ("apiKeyId", False),
        ("token_use", False),
        ("authorizationType", False),
        ("NextToken", False),
    ],
)
def test_sensitive_keys(key: str, sensitive: bool) -> None:
    assert is_sensitive_key(key) is sensitive


_claims = st.dictionaries(
    # prefixed so PyJWT's own checks of registered claims (iss, sub, exp...) do not reject them
    st.text(string.ascii_letters, min_size=1, max_size=8).map(lambda k: f"x_{k}"),
    st.one_of(st.integers(), st.text(max_size=20), st.booleans()),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(
    claims=_claims,
    before=st.text(max_size=40),
    after=st.text(max_size=40),
    wrap=st.sampled_from(["{}", "Bearer {}", "Authorization: {}", '"token": "{}"', "?t={}&x=1"]),
)
def test_a_generated_jwt_never_survives(claims: dict, before: str, after: str, wrap: str) -> None:
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    _, payload, signature = token.split(".")
    out = redact_text(before + wrap.format(token) + after)
    noise = before + after
    assert payload not in out or payload in noise
    assert signature not in out or signature in noise


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_redact_text_never_raises(text: str) -> None:
    assert isinstance(redact_text(text), str)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_redact_obj_never_raises(obj: object) -> None:
    redact_obj(obj)
