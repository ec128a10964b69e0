"""PasteFields parsing of the shapes people paste, and the symptom lexicon's negation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analysis.paste_fields import parse_paste_fields
from wizard.analysis.symptoms import detect_symptoms


def test_curl_verbose_headers_and_body() -> None:
    ev = parse_paste_fields(
        "> GET /prod/orders HTTP/2\n> Host: abcde12345.execute-api.eu-west-1.amazonaws.com\n"
        "> authorization: Bearer eyJhbGciOi.x.y\n< HTTP/2 403\n< content-type: application/json\n"
        "< x-amzn-requestid: 11111111-2222-3333-4444-555555555555\n< x-amz-apigw-id: Kq3x1FXYoAMF2bA=\n"
        "< x-amzn-errortype: AccessDeniedException\n"
        '{"Message":"User is not authorized to access this resource"}'
    )
    assert ev.status == 403
    assert ev.error_type == "AccessDeniedException"
    assert ev.message == "User is not authorized to access this resource"
    assert ev.request_ids["x-amzn-requestid"].startswith("1111")
    assert ev.is_api_gateway is True
    assert ev.http_method == "GET"
    assert ev.authorization_scheme == "bearer"
    assert ev.api_id == "abcde12345" and ev.region == "eu-west-1"


def test_error_type_with_coral_suffix() -> None:
    ev = parse_paste_fields(
        "x-amzn-ErrorType: ForbiddenException:http://internal.amazon.com/coral/com.amazon.coral.service/"
    )
    assert ev.error_type == "ForbiddenException"


def test_boto3_client_error_text() -> None:
    ev = parse_paste_fields(
        "botocore.exceptions.ClientError: An error occurred (ForbiddenException) when calling the "
        "PostToConnection operation: Forbidden"
    )
    assert ev.error_type == "ForbiddenException"
    assert ev.sdk_operation == "PostToConnection"
    assert ev.message == "Forbidden"


def test_devtools_header_on_two_lines_and_httpie() -> None:
    ev = parse_paste_fields(
        "x-amzn-errortype\nMissingAuthenticationTokenException\napigw-requestid\nXy1abcdEFgHIJ=\n"
    )
    assert ev.error_type == "MissingAuthenticationTokenException"
    assert "apigw-requestid" in ev.request_ids
    ev2 = parse_paste_fields(
        "HTTP/1.1 403 Forbidden\nX-Amzn-ErrorType: InvalidSignatureException\n"
    )
    assert ev2.error_type == "InvalidSignatureException" and ev2.status == 403


def test_boto_response_metadata_dict() -> None:
    ev = parse_paste_fields(
        "{'Error': {'Code': 'AccessDeniedException', 'Message': 'x'}, 'ResponseMetadata': "
        "{'HTTPStatusCode': 403, 'HTTPHeaders': {'x-amzn-errortype': 'AccessDeniedException'}}}"
    )
    assert ev.error_type == "AccessDeniedException"
    assert ev.status == 403


@pytest.mark.parametrize("key", ["message", "Message", "MESSAGE", "errorMessage"])
def test_message_key_any_case(key: str) -> None:
    assert (
        parse_paste_fields(f'{{"{key}": "Missing Authentication Token"}}').message
        == "Missing Authentication Token"
    )


def test_html_from_a_load_balancer_is_not_api_gateway() -> None:
    ev = parse_paste_fields(
        "HTTP/1.1 403 Forbidden\nServer: awselb/2.0\n<html><h1>403 Forbidden</h1></html>"
    )
    assert ev.origin == "awselb" and ev.is_api_gateway is False and ev.html_body


def test_execution_log_authorizer_policy_is_extracted() -> None:
    ev = parse_paste_fields(
        'Authorizer result body before parsing: {"principalId":"u","policyDocument":{"Statement":'
        '[{"Effect":"Deny","Resource":"arn:aws:execute-api:us-east-1:123456789012:a/prod/GET/x"}]}}'
    )
    assert ev.logs.authorizer_effects == ["Deny"]
    assert ev.logs.authorizer_resources == [
        "arn:aws:execute-api:us-east-1:123456789012:a/prod/GET/x"
    ]
    assert "authorizer_result" in ev.logs.markers


def test_access_log_json_fields() -> None:
    ev = parse_paste_fields(
        '{"requestId":"r1","status":"403","responseType":"WAF_FILTERED","wafResponseCode":"WAF_BLOCK"}'
    )
    assert "WAF_FILTERED" in ev.logs.response_types
    assert "waf_block" in ev.logs.markers


@pytest.mark.parametrize(
    ("text", "ttl"),
    [
        ("TTL 300", 300),
        ("authorizerResultTtlInSeconds: 3600", 3600),
        ("cache ttl is 5 minutes", 300),
        ("ttl=0", 0),
    ],
)
def test_ttl_value_is_extracted(text: str, ttl: int) -> None:
    assert parse_paste_fields(text).ttl_seconds == ttl


def test_symptom_concepts_and_negation() -> None:
    s = detect_symptoms(
        "Only from our Lambda in the VPC; from my laptop it works. We don't use a custom domain."
    )
    assert "only_from_vpc" in s
    assert "works_outside" in s
    assert "custom_domain" not in s and "custom_domain" in s.denied


def test_concepts_with_built_in_negation_are_not_negated() -> None:
    s = detect_symptoms("the authorizer never logs anything for the failing calls")
    assert "authorizer_not_invoked" in s


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_parsers_never_raise(text: str) -> None:
    parse_paste_fields(text)
    detect_symptoms(text)


def test_per_request_log_analysis_spots_the_cache_hit() -> None:
    first = (
        "(a1b2) Starting authorizer: q1 for request: a1b2\n"
        '(a1b2) Authorizer result body before parsing: {"policyDocument":{"Statement":[{"Effect":"Allow"}]}}\n'
        "(a1b2) Method completed with status: 200\n"
    )
    cached = "(c3d4) Method request path: {id=7}\n(c3d4) Method completed with status: 403\n"
    ran = "(e5f6) Starting authorizer: q1 for request: e5f6\n(e5f6) Method completed with status: 403\n"
    assert "failing_request_skipped_authorizer" in parse_paste_fields(first + cached).logs.markers
    assert "failing_request_ran_authorizer" in parse_paste_fields(first + ran).logs.markers
    assert (
        not {"failing_request_skipped_authorizer", "failing_request_ran_authorizer"}
        & parse_paste_fields(first).logs.markers
    )


def test_worked_without_x_points_at_x() -> None:
    s = detect_symptoms("It was working before without the custom domain, now every call is 403.")
    assert "custom_domain" in s and "custom_domain" not in s.denied


def test_earliest_mention_wins_and_opening_outweighs_late_guesses() -> None:
    opening = "Our API behind a custom domain returns 403 Forbidden. " + "Details follow. " * 120
    late = "Someone suggested checking the WAF rules too."
    s = detect_symptoms(opening + late)
    assert s.weight("custom_domain") > 1.0 > s.weight("waf")


def test_rejected_hypothesis_counts_little() -> None:
    s = detect_symptoms(
        "We suspected the WAF, but its metrics show zero blocks. The API key header is sent."
    )
    assert "waf" in s and s.weight("waf") < 0.5
    assert "waf_clear" in s
