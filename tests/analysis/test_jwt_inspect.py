"""JWT inspector: decoding, times, token types, cache TTL, signatures, bad input."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analysis.jwt_inspect import (
    Expectations,
    KeyMaterialError,
    TokenError,
    extract_token,
    human_duration,
    inspect_token,
    recognise_issuer,
)

NOW = 1_700_000_000  # 2023-11-14T22:13:20Z
SECRET = "s" * 32
POOL = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"


def hs(claims: dict, secret: str = SECRET, **headers: str) -> str:
    return jwt.encode(claims, secret, algorithm="HS256", headers=headers or None)


def b64(obj: object) -> str:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


@pytest.fixture(scope="module")
def rsa_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="key-1", alg="RS256", use="sig")
    return key, pem, json.dumps({"keys": [jwk]})


# ---------------------------------------------------------------------------- input forms


@pytest.mark.parametrize(
    "wrap",
    [
        "{}",
        "Bearer {}",
        "bearer   {}",
        "Authorization: Bearer {}",
        "authorization: {}",
        '"Authorization: Bearer {}"',
        "-H 'Authorization: Bearer {}'",
        "  {}\n",
    ],
)
def test_accepts_the_forms_people_paste(wrap: str) -> None:
    token = hs({"sub": "u1", "exp": NOW + 60})
    assert extract_token(wrap.format(token)) == token
    assert inspect_token(wrap.format(token), now=NOW).claims["sub"] == "u1"


@pytest.mark.parametrize(
    "wrap",
    [
        "curl -s -H 'Authorization: Bearer {}' https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/x",
        '{{"type": "TOKEN", "authorizationToken": "Bearer {}", "methodArn": "arn:..."}}',
        "Method request headers: {{Authorization=Bearer {}, Host=x}}",
    ],
)
def test_finds_the_token_inside_a_command_or_event(wrap: str) -> None:
    token = hs({"sub": "u1"})
    assert extract_token(wrap.format(token)) == token


def test_token_wrapped_over_lines_is_joined() -> None:
    token = hs({"sub": "u1"})
    assert extract_token(token[:20] + "\n" + token[20:]) == token


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "no token given"),
        ("   ", "no token given"),
        ("hello", "expected 3 segments"),
        ("a.b", "found 2"),
        ("a.b.c.d.e", "encrypted token (JWE"),
        ("e!!.eyJ.x", "header segment has a character that is not base64url ('!' at position 2)"),
        (".e30.", "header segment is empty"),
        (b64(b"nope") + "." + b64({}) + ".", "header segment is not JSON"),
        (b64([1]) + "." + b64({}) + ".", "header segment is JSON but not an object"),
        (b64({"alg": "HS256"}) + "." + b64(b"nope") + ".", "payload segment is not JSON"),
        (
            b64({"alg": "HS256"}) + "." + b64([1, 2]) + ".",
            "payload segment is JSON but not an object",
        ),
        (b64({"alg": "HS256"}) + ".a.", "payload segment is not valid base64url"),
        (b64({"alg": "HS256"}) + "." + b64({}) + ".a", "signature segment is not valid base64url"),
    ],
)
def test_bad_input_is_a_one_line_token_error(text: str, fragment: str) -> None:
    with pytest.raises(TokenError) as err:
        inspect_token(text, now=NOW)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_anything_but_token_error(text: str) -> None:
    with contextlib.suppress(TokenError):
        inspect_token(text, now=NOW)


_json = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_header_key = st.sampled_from(["alg", "kid", "typ", "crit", "jku", "x5c", "b64", "zip"])
_claim_key = st.sampled_from(
    ["iss", "sub", "aud", "exp", "nbf", "iat", "scope", "scp", "token_use", "client_id"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.one_of(_header_key, st.text(max_size=5)), _json, max_size=4),
    st.dictionaries(st.one_of(_claim_key, st.text(max_size=5)), _json, max_size=6),
    st.sampled_from([None, SECRET]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=4000)),
)
def test_any_json_header_and_claims_never_crash(header: dict, claims: dict, secret, ttl) -> None:
    token = b64(header) + "." + b64(claims) + "." + b64(b"sig")
    try:
        report = inspect_token(token, now=NOW, secret=secret, ttl=ttl)
    except TokenError:
        return
    json.dumps(report.to_dict(), default=str)


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        (
            {"alg": "HS256", "kid": 5},
            "header segment is not usable (Key ID header parameter must be a string)",
        ),
        ({"alg": "HS256", "crit": ["x"]}, "Unsupported critical extension"),
    ],
)
def test_unusable_headers_are_token_errors(header: dict, fragment: str) -> None:
    with pytest.raises(TokenError) as err:
        inspect_token(b64(header) + "." + b64({}) + ".", now=NOW)
    assert fragment in str(err.value)


@pytest.mark.parametrize("alg", [5, None, "HS999", ""])
def test_alg_that_is_no_algorithm(alg: object) -> None:
    r = inspect_token(b64({"alg": alg}) + "." + b64({"sub": "x"}) + ".", now=NOW, secret=SECRET)
    assert "unknown-alg" in codes(r)
    assert r.signature.valid is False


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=60), st.binary(max_size=60))
def test_garbage_segments_never_crash(h: bytes, p: bytes) -> None:
    with contextlib.suppress(TokenError):
        inspect_token(b64(h) + "." + b64(p) + ".", now=NOW)


# ---------------------------------------------------------------------------- claims and times


def test_times_in_utc_and_relative() -> None:
    r = inspect_token(hs({"iat": NOW - 3600, "nbf": NOW - 3600, "exp": NOW + 300}), now=NOW)
    assert r.times["exp"].utc == "2023-11-14T22:18:20Z"
    assert r.times["exp"].relative == "in 5 minutes"
    assert r.times["iat"].relative == "1 hour ago"
    assert r.lifetime_seconds == 3900
    assert r.expires_in_seconds == 300
    assert not r.expired
    assert "expired" not in codes(r)


def test_now_may_be_a_datetime() -> None:
    when = datetime.fromtimestamp(NOW, tz=UTC)
    assert inspect_token(hs({"exp": NOW + 1}), now=when).expires_in_seconds == 1


@pytest.mark.parametrize(
    ("claims", "expected", "absent"),
    [
        ({"exp": NOW - 90}, {"expired"}, set()),
        ({"exp": NOW + 90, "nbf": NOW + 30}, {"not-yet-valid"}, {"expired"}),
        ({"exp": NOW + 90, "iat": NOW + 600}, {"issued-in-future"}, set()),
        ({"sub": "x"}, {"no-exp"}, {"expired"}),
        ({"exp": "tomorrow"}, {"exp-not-a-number"}, {"expired"}),
        ({"exp": True}, {"exp-not-a-number"}, set()),
        ({"exp": 10**20}, {"exp-out-of-range"}, set()),
    ],
)
def test_time_findings(claims: dict, expected: set, absent: set) -> None:
    found = codes(inspect_token(hs(claims), now=NOW))
    assert expected <= found
    assert not (absent & found)


def test_expired_finding_names_the_time_and_the_causes() -> None:
    r = inspect_token(hs({"exp": NOW - 120}), now=NOW)
    f = next(f for f in r.findings if f.code == "expired")
    assert f.severity == "error"
    assert "2 minutes ago" in f.message and "2023-11-14T22:11:20Z" in f.message
    assert "authz-cache-stale-decision" in f.cause_ids
    assert r.findings[0].code == "expired", "errors sort first"


# ---------------------------------------------------------------------------- token types


def test_cognito_id_token_warns_about_scopes() -> None:
    r = inspect_token(
        hs({"iss": POOL, "token_use": "id", "aud": "client1", "exp": NOW + 60}), now=NOW
    )
    assert r.issuer is not None and r.issuer.provider == "cognito"
    assert r.issuer.user_pool_id == "eu-west-1_AbC123" and r.issuer.region == "eu-west-1"
    assert r.token_use == "id"
    assert r.audience == ["client1"]
    f = next(f for f in r.findings if f.code == "id-token")
    assert "httpapi-jwt-insufficient-scope" in f.cause_ids


def test_cognito_access_token_scopes_and_client_id() -> None:
    r = inspect_token(
        hs(
            {
                "iss": POOL,
                "token_use": "access",
                "client_id": "client1",
                "scope": "profile/read profile/write",
                "exp": NOW + 60,
            }
        ),
        now=NOW,
    )
    assert r.client_id == "client1"
    assert r.scopes == ["profile/read", "profile/write"]
    assert "access-token" in codes(r)
    assert "no-audience" not in codes(r)


@pytest.mark.parametrize(
    ("claims", "scopes"),
    [
        ({"scp": ["a", "b"]}, ["a", "b"]),
        ({"scp": "a b"}, ["a", "b"]),
        ({"scope": "a", "scp": ["a", "c"]}, ["a", "c"]),
        ({}, []),
    ],
)
def test_scope_and_scp(claims: dict, scopes: list) -> None:
    assert inspect_token(hs(claims), now=NOW).scopes == scopes


def test_oidc_id_token_from_another_provider() -> None:
    r = inspect_token(
        hs(
            {
                "iss": "https://dev-1.okta.com/oauth2/default",
                "aud": "c1",
                "nonce": "n",
                "email": "a@b.c",
            }
        ),
        now=NOW,
    )
    f = next(f for f in r.findings if f.code == "looks-like-id-token")
    assert "`nonce`, `email`" in f.message
    assert "httpapi-jwt-insufficient-scope" in f.cause_ids


def test_rfc9068_access_token_is_not_taken_for_an_id_token() -> None:
    token = hs({"aud": "api", "email": "a@b.c", "client_id": "c"}, typ="at+jwt")
    assert "looks-like-id-token" not in codes(inspect_token(token, now=NOW))


def test_auth0_permissions_without_scope() -> None:
    r = inspect_token(
        hs({"iss": "https://acme.eu.auth0.com/", "aud": "api", "permissions": ["read:x"]}),
        now=NOW,
    )
    assert r.issuer is not None and r.issuer.provider == "auth0"
    assert "permissions-not-scopes" in codes(r)


@pytest.mark.parametrize(
    ("iss", "provider", "tenant"),
    [
        (POOL, "cognito", None),
        ("https://acme.auth0.com/", "auth0", "acme"),
        ("https://dev-1.okta.com/oauth2/default", "okta", "dev-1"),
        ("https://login.microsoftonline.com/72f988bf-86f1/v2.0", "azure-ad", "72f988bf-86f1"),
        ("https://sts.windows.net/72f988bf-86f1/", "azure-ad", "72f988bf-86f1"),
        ("https://accounts.google.com", "google", None),
        ("https://kc.example.com/realms/prod", "keycloak", "prod"),
        ("https://idp.example.com", "other", None),
    ],
)
def test_recognises_issuers(iss: str, provider: str, tenant: str | None) -> None:
    issuer = recognise_issuer(iss)
    assert issuer is not None
    assert (issuer.provider, issuer.tenant) == (provider, tenant)


def test_alg_none_is_flagged_and_fails_verification() -> None:
    token = b64({"alg": "none", "typ": "JWT"}) + "." + b64({"sub": "x", "exp": NOW + 60}) + "."
    r = inspect_token(token, now=NOW, secret=SECRET)
    assert "alg-none" in codes(r)
    assert r.signature.valid is False


# ---------------------------------------------------------------------------- cache TTL


def test_lifetime_shorter_than_ttl() -> None:
    r = inspect_token(hs({"iat": NOW - 60, "exp": NOW + 240}), now=NOW, ttl=3600)
    assert r.cache is not None
    assert r.cache.cached_allow_outlives_token_by == 3360
    assert "lifetime-shorter-than-ttl" in codes(r)


def test_token_expiring_within_ttl() -> None:
    r = inspect_token(hs({"iat": NOW - 3500, "exp": NOW + 100}), now=NOW, ttl=300)
    assert r.cache is not None and r.cache.cached_allow_outlives_token_by == 200
    assert "cache-outlives-token" in codes(r)
    assert "lifetime-shorter-than-ttl" not in codes(r)


def test_expired_token_may_still_be_served_from_cache() -> None:
    r = inspect_token(hs({"iat": NOW - 3700, "exp": NOW - 100}), now=NOW, ttl=300)
    assert r.cache is not None and r.cache.cache_may_still_serve_for == 200
    assert "expired-but-maybe-cached" in codes(r)


def test_ttl_zero_raises_nothing_about_the_cache() -> None:
    r = inspect_token(hs({"iat": NOW - 60, "exp": NOW + 60}), now=NOW, ttl=0)
    assert not {c for c in codes(r) if "cache" in c or "ttl" in c}


def test_long_lived_token_well_inside_ttl_is_quiet() -> None:
    r = inspect_token(hs({"iat": NOW, "exp": NOW + 7200}), now=NOW, ttl=300)
    assert r.cache is not None and r.cache.cached_allow_outlives_token_by == 0
    assert "cache-outlives-token" not in codes(r)


# ---------------------------------------------------------------------------- signatures


def test_secret_valid_and_invalid() -> None:
    token = hs({"sub": "x"})
    assert inspect_token(token, now=NOW, secret=SECRET).signature.valid is True
    bad = inspect_token(token, now=NOW, secret="t" * 32)
    assert bad.signature.valid is False
    assert "signature-invalid" in codes(bad)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_short_secret_is_called_out() -> None:
    token = hs({"sub": "x"}, secret="abc")
    sig = inspect_token(token, now=NOW, secret="abc").signature
    assert sig.valid is True and "only 3 bytes" in sig.detail


def test_signature_check_ignores_expiry() -> None:
    token = hs({"exp": NOW - 10**6, "aud": "other"})
    assert inspect_token(token, now=NOW, secret=SECRET).signature.valid is True


def test_not_checked_without_key() -> None:
    sig = inspect_token(hs({}), now=NOW).signature
    assert (sig.checked, sig.valid) == (False, None)


def test_pem_and_jwks(rsa_key) -> None:
    key, pem, jwks = rsa_key
    token = jwt.encode(
        {"sub": "x", "exp": NOW + 60}, key, algorithm="RS256", headers={"kid": "key-1"}
    )
    assert inspect_token(token, now=NOW, pem=pem).signature.valid is True
    assert inspect_token(token, now=NOW, jwks=jwks).signature.valid is True
    other = jwt.encode({"sub": "x"}, key, algorithm="RS256", headers={"kid": "rotated"})
    sig = inspect_token(other, now=NOW, jwks=jwks).signature
    assert sig.valid is False and "no key with kid 'rotated'" in sig.detail
    forged = token.rsplit(".", 1)[0] + "." + hs({}).rsplit(".", 1)[1]
    assert inspect_token(forged, now=NOW, pem=pem).signature.valid is False


def test_secret_for_rsa_token_says_why_it_cannot_check(rsa_key) -> None:
    key, _, _ = rsa_key
    token = jwt.encode({"sub": "x"}, key, algorithm="RS256", headers={"kid": "key-1"})
    sig = inspect_token(token, now=NOW, secret=SECRET).signature
    assert sig.valid is None and "public-key algorithm" in sig.detail


def test_rsa_token_without_kid(rsa_key) -> None:
    key, _, _ = rsa_key
    token = jwt.encode({"sub": "x"}, key, algorithm="RS256")
    assert "no-kid" in codes(inspect_token(token, now=NOW))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"jwks": "{not json"}, "not JSON"),
        ({"jwks": '{"nokeys": 1}'}, 'no "keys" list'),
        ({"jwks": '{"keys": [{"kty": "bogus"}]}'}, "no usable key"),
        ({"pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}, "cannot"),
    ],
)
def test_bad_key_material(rsa_key, kwargs: dict, fragment: str) -> None:
    key, _, _ = rsa_key
    token = jwt.encode({"sub": "x"}, key, algorithm="RS256", headers={"kid": "key-1"})
    with pytest.raises(KeyMaterialError) as err:
        inspect_token(token, now=NOW, **kwargs)
    assert fragment in str(err.value)


# ---------------------------------------------------------------------------- secrecy


def test_never_returns_raw_token_or_signature_unless_revealed() -> None:
    token = hs({"sub": "x", "exp": NOW + 60})
    signature = token.rsplit(".", 1)[1]
    dumped = json.dumps(inspect_token(token, now=NOW, secret=SECRET).to_dict())
    assert token not in dumped and signature not in dumped
    revealed = inspect_token(token, now=NOW, reveal=True).to_dict()
    assert revealed["token"] == token and revealed["signature_b64"] == signature


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (61, "1 minute 1 second"),
        (3600, "1 hour"),
        (90061, "1 day 1 hour"),
    ],
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


# ---------------------------------------------------------------------------- expectations


@pytest.mark.parametrize(
    ("claims", "expect", "code"),
    [
        ({"scope": "profile/read"}, Expectations(scopes=("profile/write",)), "missing-scope"),
        ({"aud": "app-a"}, Expectations(audiences=("app-b",)), "audience-mismatch"),
        ({"client_id": "app-a"}, Expectations(audiences=("app-b",)), "audience-mismatch"),
        (
            {"iss": POOL},
            Expectations(issuer="https://cognito-idp.eu-west-1.amazonaws.com/other"),
            "issuer-mismatch",
        ),
        ({}, Expectations(issuer=POOL), "issuer-mismatch"),
    ],
)
def test_expectation_mismatches(claims: dict, expect: Expectations, code: str) -> None:
    assert code in codes(inspect_token(hs(claims), now=NOW, expect=expect))


@pytest.mark.parametrize(
    ("claims", "expect"),
    [
        ({"scope": "a profile/write"}, Expectations(scopes=("profile/write", "admin"))),
        ({"scp": ["profile/write"]}, Expectations(scopes=("profile/write",))),
        ({"aud": ["x", "app-b"]}, Expectations(audiences=("app-b",))),
        ({"client_id": "app-b"}, Expectations(audiences=("app-b",))),
        ({"iss": POOL + "/"}, Expectations(issuer=POOL)),
    ],
)
def test_expectations_met(claims: dict, expect: Expectations) -> None:
    found = codes(inspect_token(hs(claims), now=NOW, expect=expect))
    assert not found & {"missing-scope", "audience-mismatch", "issuer-mismatch"}


def test_missing_scope_message_names_both_sides() -> None:
    r = inspect_token(
        hs({"scope": "profile/read"}), now=NOW, expect=Expectations(scopes=("profile/write",))
    )
    f = next(f for f in r.findings if f.code == "missing-scope")
    assert "requires one of profile/write; the token carries profile/read" in f.message
    assert f.cause_ids == ("httpapi-jwt-insufficient-scope",)
