"""The offline probes: analyzers over pasted evidence, flattened into the facts the tree reads."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wizard.engine.offline_probes as op
from wizard.catalogue.model import load_catalogue
from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind

SEED_LOG = Path(__file__).resolve().parents[1] / "analysis" / "logs_data" / "seed_execution.log"
ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"


def ctx(**facts: Any) -> ProbeContext:
    return ProbeContext(inputs={}, facts=facts)


def authorizer_policy(effect: str, resource: str) -> dict[str, Any]:
    return {
        "principalId": "u1",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": effect, "Action": "execute-api:Invoke", "Resource": resource}],
        },
    }


# --------------------------------------------------------------------------- message families

# Which families each catalogue cause's own messages may classify as. None: the text alone is
# shared by several causes ("Forbidden" is matched as a body or a bare line, not in prose).
ALLOWED: Mapping[str, set[str | None]] = {
    "authz-explicit-deny": {"authorizer_deny"},
    "authz-implicit-deny-arn-mismatch": {"authorizer_implicit"},
    "authz-cache-scoped-policy": {"authorizer_implicit"},
    "authz-cache-stale-decision": {"authorizer_implicit", "authorizer_deny"},
    "rp-explicit-deny": {"anonymous"},
    "rp-implicit-deny": {"anonymous"},
    "rp-cross-account-iam": {"principal"},
    "iam-no-invoke-permission": {"principal"},
    "iam-explicit-deny": {"principal"},
    "sigv4-invalid-security-token": {"invalid_token"},
    "sigv4-signature-expired": {"signature_expired"},
    "sigv4-signature-mismatch": {"signature_mismatch"},
    "sigv4-incomplete-signature": {"incomplete_signature"},
    "mat-route-not-found": {"missing_auth_token", "incomplete_signature"},
    "mat-not-deployed": {"missing_auth_token"},
    "mat-iam-unsigned": {"missing_auth_token"},
    "custom-domain-mapping": {"missing_auth_token", "forbidden"},
    "vpce-endpoint-policy": {"anonymous", "principal", "incomplete_signature"},
    "cloudfront-edge-rejection": {"cloudfront"},
    "ws-connect-denied": {"ws_handshake"},
    "ws-mgmt-wrong-endpoint": {"forbidden", "principal", "connections_route", "signature_mismatch"},
    "ws-mgmt-no-permission": {"manage_connections"},
    "not-403-lookalikes": {"unauthorized", "server_error", "throttled"},
}
FORBIDDEN_FAMILY = {
    "stage-not-found",
    "apikey-missing-or-invalid",
    "apikey-not-in-usage-plan-stage",
    "private-api-access-path",
    "vpce-private-dns-public-api",
    "default-endpoint-disabled",
    "waf-block",
    "mtls-cert-rejected",
    "host-header-mismatch",
    "httpapi-jwt-insufficient-scope",
    "httpapi-lambda-authorizer-deny",
}


def _catalogue_messages() -> list[tuple[str, str]]:
    return [(c.id, m) for c in load_catalogue().causes for m in c.messages]


@pytest.mark.parametrize(("cause", "message"), _catalogue_messages())
def test_every_catalogue_message_lands_in_its_family(cause: str, message: str) -> None:
    family = op.message_family(message)
    if cause in FORBIDDEN_FAMILY:
        assert family in ("forbidden", "cloudfront", None), message
    elif cause in ALLOWED:
        assert family in ALLOWED[cause], f"{cause}: {message!r} → {family}"


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ('{"Message":"User is not authorized to access this resource"}', "authorizer_implicit"),
        (
            "User is not authorized to access this resource with an explicit deny in an identity-based policy",
            "authorizer_deny",
        ),
        (
            "User: annonymous is not authorized to perform: execute-api:Invoke on resource: x",
            "anonymous",
        ),
        ("Forbidden", "forbidden"),
        ("message: Forbidden", "forbidden"),
        ('HTTP/1.1 403 Forbidden\n\n{"error":"mine"}', None),  # a reason phrase is no message
        ("we get 403 Forbidden from the API", None),
        ("HTTP/1.1 429 Too Many Requests", "throttled"),
        ('{"message": "Missing Authentication Token"}', "missing_auth_token"),
    ],
)
def test_message_family_examples(text: str, family: str | None) -> None:
    assert op.message_family(text) == family


# --------------------------------------------------------------------------- classify_error


def test_classify_reads_caller_resource_and_cross_account() -> None:
    text = (
        '{"Message":"User: arn:aws:sts::999988887777:assumed-role/partner/s is not authorized to '
        f'perform: execute-api:Invoke on resource: {ARN}/prod/GET/items"}}'
    )
    r = op.classify_error(ctx(), {"text": text})
    assert r["message_family"] == "principal"
    assert r["caller_arn"] == "arn:aws:sts::999988887777:assumed-role/partner/s"
    assert r["denied_resource_arn"] == f"{ARN}/prod/GET/items"
    assert r["cross_account"] is True and r["arn_path_doubled"] is False
    assert r["explicit_deny"] is False
    assert r["status_code"] == 403


def test_classify_flags_a_doubled_stage() -> None:
    text = f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {ARN}/prod/POST/prod/@connections/x"
    assert op.classify_error(ctx(), {"text": text})["arn_path_doubled"] is True


def test_classify_seed_prose_symptoms_and_ttl() -> None:
    text = (
        'First profile update works, later ones get 403 {"message":"User is not authorized to '
        'access this resource"}; the authorizer never logs the failing calls. TTL 300.'
    )
    r = op.classify_error(ctx(), {"text": text})
    assert r["message_family"] == "authorizer_implicit"
    assert r["authorizer_not_invoked"] is True and r["first_call_works"] is True
    assert r["pasted_ttl"] == 300
    assert r["is_api_gateway"] is True


def test_classify_live_error_type_parameter() -> None:
    r = op.classify_error(
        ctx(), {"text": "HTTP/1.1 403\n\nnope", "error_type": "ForbiddenException"}
    )
    assert r["error_type"] == "ForbiddenException" and r["message_family"] == "forbidden"


def test_classify_emulator_body_is_not_api_gateway() -> None:
    text = '{"statusCode":403,"error":"Forbidden","message":"Unauthorized"} from serverless-offline'
    assert op.classify_error(ctx(), {"text": text})["is_api_gateway"] is False


# --------------------------------------------------------------------------- parse_request


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "POST https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/items/42",
            {
                "method": "POST",
                "host_kind": "execute_api",
                "api_id": "a1b2c3d4e5",
                "region": "eu-west-1",
                "stage": "prod",
                "path": "/items/42",
            },
        ),
        (
            "curl -X DELETE 'https://api.example.com/v1/items/7' -H 'x-api-key: k'",
            {
                "method": "DELETE",
                "host_kind": "custom_domain",
                "domain_name": "api.example.com",
                "path": "/v1/items/7",
            },
        ),
        (
            "> PUT /dev/x HTTP/1.1\n> Host: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com\n> Authorization: AWS4-HMAC-SHA256 Credential=x",
            {"method": "PUT", "stage": "dev", "path": "/x", "authorization_scheme": "sigv4"},
        ),
        (
            "GET https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.us-east-1.amazonaws.com/prod/",
            {"host_kind": "vpce_alias", "vpce_id": "vpce-0123456789abcdef0"},
        ),
        (
            "http://127.0.0.1:4566/restapis/abc123/prod/_user_request_/dashboard",
            {
                "host_kind": "emulator",
                "api_id": "abc123",
                "stage": "prod",
                "path": "/dashboard",
                "method": "GET",
                "method_given": False,
            },
        ),
    ],
)
def test_parse_request_forms(text: str, expected: dict[str, Any]) -> None:
    r = op.parse_request(ctx(), {"text": text})
    assert {k: r[k] for k in expected} == expected


def test_parse_request_method_from_the_command_line_wins() -> None:
    r = op.parse_request(ctx(method="PATCH"), {"text": "https://api.example.com/x"})
    assert r["method"] == "PATCH"


def test_parse_request_without_url_is_invalid_input() -> None:
    with pytest.raises(ProbeError) as err:
        op.parse_request(ctx(), {"text": "it fails"})
    assert err.value.kind is ProbeErrorKind.INVALID_INPUT and err.value.manual_hint


# --------------------------------------------------------------------------- eval_policy

PARTS = {
    "region": "us-east-1",
    "api_id": "a1b2c3d4e5",
    "stage": "prod",
    "method": "POST",
    "path": "/dashboard/update-profile",
}


def test_eval_seed_policy_misses_the_method_and_borrows_the_account() -> None:
    r = op.eval_policy(
        ctx(**PARTS), {"policy": authorizer_policy("Allow", f"{ARN}/prod/GET/dashboard")}
    )
    assert r["method_arn"] == f"{ARN}/prod/POST/dashboard/update-profile"
    assert r["arn_parts_from_policy"] == ["account_id"]
    assert r["covers"] is False and r["decision"] == "implicit_deny"
    assert r["first_mismatch"] == "method"
    assert r["allow_resource"] == f"{ARN}/prod/GET/dashboard"


def test_eval_null_stage_and_wildcards() -> None:
    null_stage = op.eval_policy(
        ctx(**PARTS), {"policy": authorizer_policy("Allow", f"{ARN}/null/*/*")}
    )
    assert null_stage["covers"] is False and null_stage["first_mismatch"] == "stage"
    wide = op.eval_policy(ctx(**PARTS), {"policy": authorizer_policy("Allow", f"{ARN}/*")})
    assert wide["covers"] is True and wide["decision"] == "allow"


def test_eval_explicit_deny_names_the_statement() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
            },
            {
                "Sid": "NoWrites",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/POST/*",
            },
        ],
    }
    r = op.eval_policy(
        ctx(**PARTS, account_id="123456789012"), {"policy": policy, "principal": "anonymous"}
    )
    assert r["decision"] == "explicit_deny" and r["deciding"] == ["NoWrites"]


def _owner_only_policy() -> dict[str, Any]:
    owner = {"AWS": "arn:aws:iam::123456789012:root"}
    allow = {"Effect": "Allow", "Principal": owner, "Action": "execute-api:Invoke"}
    return {"Version": "2012-10-17", "Statement": [{**allow, "Resource": "execute-api:/*"}]}


def test_eval_fills_the_masked_api_account_and_says_the_caller_is_in_another() -> None:
    # API Gateway's refusal shows the API's account as ********9012; the API read live names it.
    masked = "arn:aws:execute-api:us-east-1:********9012:a1b2c3d4e5/prod/GET/orders"
    partner = "arn:aws:iam::111111111111:user/partner"
    params = {"policy": _owner_only_policy(), "method_arn": masked, "principal": partner}
    r = op.eval_policy(ctx(account_id="123456789012"), params)
    assert r["method_arn"] == masked.replace("********9012", "123456789012")
    assert r["decision"] == "implicit_deny" and r["cross_account"] is True
    owner = op.eval_policy(
        ctx(account_id="123456789012"),
        {**params, "principal": "arn:aws:iam::123456789012:user/own"},
    )
    assert owner["decision"] == "allow" and owner["cross_account"] is False


def test_eval_leaves_a_masked_account_it_cannot_fill_unknown() -> None:
    masked = "arn:aws:execute-api:us-east-1:********9012:a1b2c3d4e5/prod/GET/orders"
    params = {"policy": _owner_only_policy(), "method_arn": masked, "principal": "anonymous"}
    # Another account read live (the last four digits differ): nothing is guessed.
    with pytest.raises(ProbeError):
        op.eval_policy(ctx(account_id="999999999999"), params)
    r = op.eval_policy(ctx(account_id="123456789012"), params)
    assert r["cross_account"] is None  # an anonymous caller has no account


def test_eval_accepts_get_rest_api_escaped_policy_text() -> None:
    escaped = '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"execute-api:Invoke\\",\\"Resource\\":\\"execute-api:/*\\"}]}'
    r = op.eval_policy(ctx(**PARTS, account_id="123456789012"), {"policy": escaped})
    assert r["decision"] == "allow"


@pytest.mark.parametrize("policy", [None, "none", "  "])
def test_eval_without_policy(policy: Any) -> None:
    r = op.eval_policy(ctx(**PARTS), {"policy": policy})
    assert r["policy_present"] is False and r["decision"] is None


def test_eval_malformed_policy_is_invalid_input_with_position() -> None:
    with pytest.raises(ProbeError) as err:
        op.eval_policy(ctx(**PARTS), {"policy": '{"Statement": [ {"Effect": "Allow",, }'})
    assert err.value.kind is ProbeErrorKind.INVALID_INPUT and "line 1" in err.value.message


def test_eval_cannot_build_the_arn_without_the_api() -> None:
    with pytest.raises(ProbeError) as err:
        op.eval_policy(ctx(method="GET"), {"policy": authorizer_policy("Allow", "*")})
    assert err.value.kind is ProbeErrorKind.MISSING_INPUT


# --------------------------------------------------------------------------- scan_logs


def test_scan_seed_execution_log_finds_the_cache_hit() -> None:
    r = op.scan_logs(ctx(), {"text": SEED_LOG.read_text()})
    assert r["authorizer_invoked"] is False
    assert r["failing_request_id"] == "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"
    resources = [s["Resource"] for s in r["cached_policy"]["Statement"]]
    assert resources == ["arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/dashboard"]
    assert r["cached_method_arn"].endswith("/prod/GET/dashboard")
    assert r["response_type"] == "ACCESS_DENIED"


def test_scan_authorizer_lambda_log_without_prefixes() -> None:
    text = (
        "START RequestId: 8f1c2d3e-1111-2222-3333-444455556666 Version: $LATEST\n"
        f'{{"decision": "Allow", "methodArn": "{ARN}/prod/GET/dashboard"}}\n'
        "END RequestId: 8f1c2d3e-1111-2222-3333-444455556666\n"
    )
    posted = op.scan_logs(ctx(method="POST", path="/dashboard/update-profile"), {"text": text})
    assert posted["authorizer_invoked"] is False
    assert posted["cached_method_arn"] == f"{ARN}/prod/GET/dashboard"
    got = op.scan_logs(ctx(method="GET", path="/dashboard"), {"text": text})
    assert got["authorizer_invoked"] is True


def test_scan_from_facts_joins_what_was_read() -> None:
    r = op.scan_logs(
        ctx(execution_log_text=SEED_LOG.read_text()),
        {"from_facts": ["execution_log_text", "authorizer_log_text"]},
    )
    assert r["authorizer_invoked"] is False


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "(d4c3b2a1-0000-4111-8222-333344445555) API Key ****abcdef not authorized because method 'GET /' requires API Key and API Key is not associated with a Usage Plan for API Stage a1b2c3d4e5/prod: API Stage is not in a Usage Plan\n(d4c3b2a1-0000-4111-8222-333344445555) Method completed with status: 403",
            "usage_plan_missing",
        ),
        ('{"requestId":"r-1","status":"403","responseType":"WAF_FILTERED"}', "waf_blocked"),
        (
            "(0f6c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5) Access denied. Reason: self signed certificate",
            "mtls_denied",
        ),
    ],
)
def test_scan_forbidden_signals(text: str, key: str) -> None:
    assert op.scan_logs(ctx(), {"text": text})[key] is True


@pytest.mark.parametrize("text", ["none", "", "N/A", None])
def test_scan_no_logs(text: str | None) -> None:
    r = op.scan_logs(ctx(), {"text": text})
    assert r["has_logs"] is False and r["authorizer_invoked"] is None


# --------------------------------------------------------------------------- inspect_jwt, combine


def test_inspect_jwt_scopes_and_expiry() -> None:
    token = jwt.encode(
        {"sub": "u", "scope": "orders/read", "exp": 4_000_000_000}, "k" * 32, algorithm="HS256"
    )
    r = op.inspect_jwt(
        ctx(), {"token": f"Bearer {token}", "required_scopes": "orders/write orders/admin"}
    )
    assert r["scopes"] == ["orders/read"] and r["has_required_scope"] is False
    assert r["expired"] is False
    ok = op.inspect_jwt(ctx(), {"token": token, "required_scopes": "orders/read"})
    assert ok["has_required_scope"] is True
    old = jwt.encode({"sub": "u", "exp": 1_000_000_000}, "k" * 32, algorithm="HS256")
    assert op.inspect_jwt(ctx(), {"token": old})["expired"] is True


def test_inspect_jwt_rejects_garbage() -> None:
    with pytest.raises(ProbeError) as err:
        op.inspect_jwt(ctx(), {"token": "not-a-token"})
    assert err.value.kind is ProbeErrorKind.INVALID_INPUT


def test_combine_tables() -> None:
    cross = op.combine_probe(
        ctx(cross_account=True),
        {"resource_policy": "implicit_deny", "auth": "lambda", "auth_decision": "allow"},
    )
    assert cross["cause_hint"] == "rp-cross-account-iam" and cross["decision"] != "allow"
    same = op.combine_probe(
        ctx(), {"resource_policy": "implicit_deny", "auth": "lambda", "auth_decision": "allow"}
    )
    assert same["decision"] == "allow"
    private = op.combine_probe(
        ctx(endpoint_type="PRIVATE"),
        {"resource_policy": "implicit_deny", "auth": "lambda", "auth_decision": "allow"},
    )
    assert private["cause_hint"] == "rp-implicit-deny"
    deny = op.combine_probe(
        ctx(), {"resource_policy": "explicit_deny", "auth": "lambda", "auth_decision": "allow"}
    )
    assert deny["cause_hint"] == "rp-explicit-deny"


def test_simulate_cache_replays_the_seed() -> None:
    first, failing = f"{ARN}/prod/GET/dashboard", f"{ARN}/prod/POST/dashboard/update-profile"
    r = op.simulate_cache(
        ctx(), {"first_arn": first, "failing_arn": failing, "ttl": 300, "resource": first}
    )
    assert (r["first_status"], r["failing_status"], r["failing_cache"]) == (200, 403, "hit")
    assert r["failing_lambda_invoked"] is False and r["invocations"] == 1
    wide = op.simulate_cache(
        ctx(),
        {"first_arn": first, "failing_arn": failing, "ttl": 300, "resource": f"{ARN}/prod/*/*"},
    )
    assert wide["failing_status"] == 200
    no_cache = op.simulate_cache(ctx(), {"first_arn": first, "failing_arn": failing, "ttl": 0})
    assert no_cache["failing_status"] == 200 and no_cache["failing_lambda_invoked"] is True
    with pytest.raises(ProbeError):
        op.simulate_cache(ctx(), {"first_arn": first, "failing_arn": failing, "ttl": None})


def test_match_arn() -> None:
    r = op.match_arn(ctx(), {"pattern": f"{ARN}/prod/GET/*", "arn": f"{ARN}/prod/POST/x"})
    assert r == {"matches": False, "first_mismatch": "method"}


# --------------------------------------------------------------------------- never a traceback


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_text_probes_raise_only_probe_errors(text: str) -> None:
    for probe, params in (
        (op.classify_error, {"text": text}),
        (op.parse_request, {"text": text}),
        (op.scan_logs, {"text": text}),
        (op.eval_policy, {"policy": text, **PARTS}),
        (op.inspect_jwt, {"token": text}),
    ):
        try:
            result = probe(ctx(**PARTS), params)
        except ProbeError:
            continue
        assert isinstance(result, dict)
