"""Log scanner: every catalogue line recognised, every input shape, the seed incident, bounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analysis.logs.access import normalise_access_record
from wizard.analysis.logs.execution import classify_message, parse_authorizer_result
from wizard.analysis.logs.scan import LogScanner, explain_lines, scan_lines

DATA = Path(__file__).parent / "logs_data"
RID = "4f1d6f0e-5b8c-11e9-8a3c-2b5b0c3f4a1d"
GET_ID = "7f3a1c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b"
POST_ID = "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"
ARN = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod"

# Every execution-log line the catalogue quotes (§0.5, A, B, E, F, I), with the kind it must
# get and facts it must yield.
CATALOGUE_LINES = [
    (
        f"Starting authorizer: 62mgrc for request: {RID}",
        "authorizer-start",
        {"authorizer_id": "62mgrc"},
    ),
    (
        "Incoming identity: ***************************************************...abcd",
        "authorizer-identity",
        {},
    ),
    (
        'Endpoint request body after transformations: {"type":"TOKEN","methodArn":"'
        + ARN
        + '/GET/dashboard","authorizationToken":"x"}',
        "authorizer-request",
        {"method_arn": ARN + "/GET/dashboard"},
    ),
    (
        'Authorizer result body before parsing: {"principalId":"user","policyDocument":{"Version":'
        '"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Deny","Resource":"'
        + ARN
        + '/*"}]}}',
        "authorizer-result",
        {"effects": ["Deny"], "resources": [ARN + "/*"], "principal_id": "user"},
    ),
    (
        "Using valid authorizer policy for principal: user-42",
        "authorizer-policy-valid",
        {"principal_id": "user-42"},
    ),
    ("Successfully completed authorizer execution", "authorizer-complete", {}),
    ("The client is not authorized to perform this operation.", "not-authorized", {}),
    (f"Unauthorized request: {RID}", "unauthorized", {"request_id": RID}),
    (
        "Execution failed due to configuration error: Could not parse policy",
        "authorizer-config-error",
        {},
    ),
    (
        "Execution failed due to configuration error: Invalid permissions on Lambda function",
        "authorizer-config-error",
        {},
    ),
    (
        "Gateway response type: AUTHORIZER_CONFIGURATION_ERROR AuthorizerConfigurationException",
        "gateway-response",
        {},
    ),
    ("AuthorizerConfigurationException", "authorizer-config-error", {}),
    ("Execution failed: ExplicitDenyException", "execution-failed", {}),
    ("ExplicitDenyException: the resource policy denies this caller", "explicit-deny", {}),
    (
        f"Verifying Usage Plan for request: {RID}. API Key: ****abc123 API Stage: a1b2c3d4e5/prod",
        "usage-plan-check",
        {"api_key": "****abc123", "api_stage": "a1b2c3d4e5/prod", "request_id": RID},
    ),
    (
        "API Key ****abc123 not authorized because method 'GET /' requires API Key and API Key is "
        "not associated with a Usage Plan for API Stage a1b2c3d4e5/prod: API Stage is not in a Usage Plan",
        "apikey-not-authorized",
        {"api_key": "****abc123", "not_in_usage_plan": True},
    ),
    (
        "Access denied. Reason: Could not find issuer for certificate",
        "mtls-denied",
        {"reason": "Could not find issuer for certificate"},
    ),
    ('Endpoint response body before transformations: {"message":"nope"}', "endpoint-response", {}),
    (
        "Received response. Status: 403, Integration latency: 12 ms",
        "integration-status",
        {"integration_status": 403},
    ),
    ("Method completed with status: 403", "method-completed", {"status": 403}),
    (
        "Gateway response type: ACCESS_DENIED with status code: 403",
        "gateway-response",
        {"response_type": "ACCESS_DENIED", "status": 403},
    ),
    (
        'Gateway response body: {"Message":"User is not authorized to access this resource"}',
        "gateway-response-body",
        {"error_message": "User is not authorized to access this resource"},
    ),
    (
        "HTTP Method: POST, Resource Path: /dashboard/update-profile",
        "request-route",
        {"method": "POST"},
    ),
    (
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        + ARN
        + "/GET/items with an explicit deny",
        "iam-deny",
        {"caller": "anonymous", "resource": ARN + "/GET/items", "explicit": True},
    ),
]


@pytest.mark.parametrize(("line", "kind", "facts"), CATALOGUE_LINES)
def test_catalogue_line_is_recognised(line: str, kind: str, facts: dict) -> None:
    classified = classify_message(line)
    assert classified is not None, line
    assert classified[0] == kind
    for key, value in facts.items():
        assert classified[1].get(key) == value, key


@pytest.mark.parametrize(("line", "kind", "facts"), CATALOGUE_LINES)
def test_catalogue_line_in_a_console_copy(line: str, kind: str, facts: dict) -> None:
    result = scan_lines([f"({RID}) {line}"])
    assert result.by_kind[kind] == 1
    assert result.requests[0].request_id == RID


@pytest.mark.parametrize(
    "line",
    [
        "Method request headers: {Accept=*/*}",
        "Endpoint request URI: https://lambda.eu-west-1.amazonaws.com/x",
        "API Key  authorized because method 'GET /' does not require API Key.",
        'Endpoint request body after transformations: {"resource":"/items"}',
        "Extended Request Id: abc=",
    ],
)
def test_ordinary_lines_are_not_notable(line: str) -> None:
    assert classify_message(line) is None


# ---------------------------------------------------------------------------- input shapes

MSG = "Method completed with status: 403"


@pytest.mark.parametrize(
    "lines",
    [
        [f"({RID}) {MSG}"],
        [f"2026-11-21T09:14:31.873000+00:00 3c59dc048e8850243be8079a5c74d079 ({RID}) {MSG}"],
        [f"2026-11-21T09:14:31.873Z ({RID}) {MSG}"],
        [f"2026-11-21 09:14:31.873 ({RID}) {MSG}"],
        [f"1795252471873 ({RID}) {MSG}"],
        [json.dumps({"timestamp": 1795252471873, "message": f"({RID}) {MSG}", "ingestionTime": 1})],
        [json.dumps({"events": [{"timestamp": 1795252471873, "message": f"({RID}) {MSG}"}]})],
        json.dumps(
            {
                "events": [
                    {
                        "logStreamName": "abc",
                        "timestamp": 1795252471873,
                        "message": f"({RID}) {MSG}",
                        "ingestionTime": 1795252472000,
                        "eventId": "1234",
                    }
                ],
                "searchedLogStreams": [],
            },
            indent=4,
        ).splitlines(),
        [f"EVENTS\t1234\t1795252472000\tabc\t({RID}) {MSG}\t1795252471873"],
        [f"({RID}) {MSG}\r\n"],
        [f"({RID}) {MSG}".encode()],
        [f"2026-11-21T09:14:31.873Z\t({RID}) {MSG}"],
        ["@timestamp,@message", f'2026-11-21 09:14:31.873,"({RID}) {MSG}"'],
        [json.dumps({"@timestamp": "2026-11-21 09:14:31.873", "@message": f"({RID}) {MSG}"})],
    ],
    ids=[
        "console",
        "logs-tail",
        "iso-z",
        "space-separated-time",
        "epoch-ms",
        "json-event",
        "json-document",
        "filter-log-events-pretty",
        "filter-log-events-text",
        "crlf",
        "bytes",
        "tab-separated",
        "insights-csv",
        "insights-json",
    ],
)
def test_every_input_shape_gives_the_same_request(lines: list) -> None:
    result = scan_lines(lines)
    assert result.unparseable == 0
    assert [r.request_id for r in result.requests] == [RID]
    req = result.requests[0]
    assert req.status == 403
    assert result.by_kind["method-completed"] == 1
    assert result.lines == result.parsed + result.unparseable + result.blank


def test_epoch_timestamps_become_utc_iso() -> None:
    result = scan_lines([json.dumps({"timestamp": 1795252471873, "message": f"({RID}) {MSG}"})])
    assert result.requests[0].first_time == "2026-11-21T09:14:31.873Z"


def test_bare_messages_without_prefix_are_recognised() -> None:
    result = scan_lines(
        [
            f"Starting authorizer: 62mgrc for request: {RID}",
            "Successfully completed authorizer execution",
            "Method completed with status: 403",
        ]
    )
    assert [r.request_id for r in result.requests] == [RID]
    assert result.requests[0].authorizer_invoked is True
    assert result.requests[0].status == 403


# ---------------------------------------------------------------------------- the seed incident


def _seed() -> dict:
    with (DATA / "seed_execution.log").open() as fh:
        result = scan_lines(fh)
    return {r.request_id: r for r in result.requests}


def test_seed_get_dashboard_ran_the_authorizer_with_a_scoped_allow() -> None:
    get = _seed()[GET_ID]
    assert (get.method, get.resource_path, get.status) == ("GET", "/dashboard", 200)
    assert get.authorizer_invoked is True
    assert get.authorizer_id == "62mgrc"
    assert get.principal_id == "user-42"
    assert get.method_arn == ARN + "/GET/dashboard"
    assert get.policy_effects == ["Allow"]
    assert get.policy_resources == [ARN + "/GET/dashboard"], "Allow scoped to its own ARN"
    assert not get.signals


def test_seed_post_update_profile_is_a_403_served_from_the_cache() -> None:
    post = _seed()[POST_ID]
    assert (post.method, post.resource_path, post.status) == (
        "POST",
        "/dashboard/update-profile",
        403,
    )
    assert post.authorizer_invoked is False, "no authorizer lines for this request"
    assert not {k for k in post.kinds if k.startswith("authorizer")}
    assert post.response_type == "ACCESS_DENIED"
    assert post.error_message == "User is not authorized to access this resource"
    assert post.method_arn_guess == ARN + "/POST/dashboard/update-profile"
    assert post.cached_policy_from == GET_ID
    signal = next(s for s in post.signals if s.code == "cache-hit-suspected")
    assert "authz-cache-scoped-policy" in signal.cause_ids
    assert "does not cover " + ARN + "/POST/dashboard/update-profile" in signal.message


def test_cached_policy_applied_without_running_the_authorizer() -> None:
    lines = (DATA / "seed_execution.log").read_text().splitlines()
    # AWS may log the cached policy's use without "Starting authorizer".
    lines.insert(-3, f"({POST_ID}) Using valid authorizer policy for principal: user-42")
    post = {r.request_id: r for r in scan_lines(lines).requests}[POST_ID]
    assert post.authorizer_invoked is False
    signal = next(s for s in post.signals if s.code == "cache-hit-suspected")
    assert signal.message.startswith("API Gateway applied a policy for principal user-42 without")


@pytest.mark.parametrize(
    "messages",
    [
        # the backend's own 403 after a cached Allow
        [
            "Received response. Status: 403, Integration latency: 5 ms",
            'Endpoint response body before transformations: {"error":"nope"}',
        ],
        # an API key refused after a cached Allow
        [
            f"Verifying Usage Plan for request: {POST_ID}. API Key: ****abc123 API Stage: a1b2c3d4e5/prod",
            "API Key ****abc123 not authorized because method 'POST /x' requires API Key and API Key "
            "is not associated with a Usage Plan for API Stage a1b2c3d4e5/prod: API Stage is not in a Usage Plan",
        ],
        ["Gateway response type: INVALID_API_KEY with status code: 403"],
        ["Gateway response type: WAF_FILTERED with status code: 403"],
        # a resource-policy deny is evaluated before any authorizer
        [
            "Gateway response type: ACCESS_DENIED with status code: 403",
            'Gateway response body: {"Message":"User: anonymous is not authorized to perform: '
            'execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/POST/x with an explicit deny"}',
        ],
    ],
    ids=["integration-403", "usage-plan", "invalid-api-key", "waf", "resource-policy"],
)
def test_a_403_that_is_no_policy_decision_is_not_called_a_cache_hit(messages: list) -> None:
    lines = (DATA / "seed_execution.log").read_text().splitlines()[:16]  # GET ran the authorizer
    lines += [f"({POST_ID}) HTTP Method: POST, Resource Path: /x"]
    lines += [f"({POST_ID}) {m}" for m in messages] + [f"({POST_ID}) {MSG}"]
    post = {r.request_id: r for r in scan_lines(lines).requests}[POST_ID]
    assert post.status == 403
    assert post.authorizer_invoked is False
    assert "cache-hit-suspected" not in {s.code for s in post.signals}


def test_a_403_with_no_earlier_authorizer_run_is_not_called_a_cache_hit() -> None:
    result = scan_lines([f"({POST_ID}) HTTP Method: POST, Resource Path: /x", f"({POST_ID}) {MSG}"])
    assert not result.requests[0].signals


def test_seed_json_is_serialisable_and_redacted() -> None:
    with (DATA / "seed_execution.log").open() as fh:
        data = scan_lines(fh).to_dict()
    text = json.dumps(data)
    assert "eyJzdWIiOiJ1c2VyLTQyIn0" not in text, "the bearer token in the logs is redacted"
    assert data["counts"]["by_status"] == {"200": 1, "403": 1}
    assert data["counts"]["unparseable"] == 0


# ---------------------------------------------------------------------------- signals


def _request_with(*messages: str) -> dict:
    result = scan_lines([f"({RID}) {m}" for m in messages])
    req = result.requests[0]
    return {s.code: s for s in req.signals}


def test_allow_that_does_not_cover_the_arn() -> None:
    signals = _request_with(
        f"Starting authorizer: a1 for request: {RID}",
        'Endpoint request body after transformations: {"methodArn":"' + ARN + '/GET/items/1"}',
        'Authorizer result body before parsing: {"principalId":"u","policyDocument":{"Statement":'
        '[{"Effect":"Allow","Resource":"arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/null/*/*"}]}}',
        "The client is not authorized to perform this operation.",
        MSG,
    )
    sig = signals["allow-does-not-cover"]
    assert "authz-implicit-deny-arn-mismatch" in sig.cause_ids
    assert "`null` stage" in sig.message


def test_authorizer_deny() -> None:
    signals = _request_with(
        f"Starting authorizer: a1 for request: {RID}",
        'Authorizer result body before parsing: {"principalId":"u","policyDocument":{"Statement":'
        '{"Effect":"Deny","Resource":"*"}}}',
        MSG,
    )
    assert signals["authorizer-deny"].cause_ids == ("authz-explicit-deny",)


def test_api_key_not_in_usage_plan() -> None:
    signals = _request_with(
        f"Verifying Usage Plan for request: {RID}. API Key: ****abc123 API Stage: a1b2c3d4e5/prod",
        "API Key ****abc123 not authorized because method 'GET /' requires API Key and API Key is "
        "not associated with a Usage Plan for API Stage a1b2c3d4e5/prod: API Stage is not in a Usage Plan",
        MSG,
    )
    assert signals["apikey-not-in-usage-plan"].cause_ids == ("apikey-not-in-usage-plan-stage",)


@pytest.mark.parametrize(
    ("messages", "code", "cause"),
    [
        (
            [f"Unauthorized request: {RID}", "Method completed with status: 401"],
            "unauthorized-401",
            "not-403-lookalikes",
        ),
        (
            ["Execution failed due to configuration error: Could not parse policy"],
            "authorizer-error",
            "not-403-lookalikes",
        ),
        (
            ["Access denied. Reason: certificate has expired", MSG],
            "mtls-denied",
            "mtls-cert-rejected",
        ),
        (
            [
                "HTTP Method: GET, Resource Path: /x",
                "Execution failed due to configuration error: Invalid permissions on Lambda function",
                "Method completed with status: 500",
            ],
            "integration-error",
            "not-403-lookalikes",
        ),
        (["ExplicitDenyException", MSG], "explicit-deny", "rp-explicit-deny"),
        (
            ["Received response. Status: 403, Integration latency: 3 ms", MSG],
            "integration-403",
            "integration-returned-403",
        ),
        (
            ["Gateway response type: MISSING_AUTHENTICATION_TOKEN with status code: 403"],
            "route-not-found",
            "mat-route-not-found",
        ),
        (
            [
                'Gateway response body: {"Message":"User: anonymous is not authorized to perform: '
                "execute-api:Invoke on resource: " + ARN + '/GET/x"}',
                MSG,
            ],
            "not-allowed",
            "rp-implicit-deny",
        ),
    ],
)
def test_signals_point_at_catalogue_causes(messages: list, code: str, cause: str) -> None:
    signals = _request_with(*messages)
    assert cause in signals[code].cause_ids


def test_configuration_error_inside_the_authorizer_run_is_the_authorizers() -> None:
    signals = _request_with(
        f"Starting authorizer: a1 for request: {RID}",
        "Execution failed due to configuration error: Invalid permissions on Lambda function",
        "Method completed with status: 500",
    )
    assert "authorizer-error" in signals and "integration-error" not in signals


def test_truncated_authorizer_result_still_yields_effect_and_resource() -> None:
    body = (
        '{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Resource":"'
        + ARN
        + '/GET/a"},{"Eff'
    )
    facts = parse_authorizer_result(body)
    assert facts["truncated"] is True
    assert facts["effects"] == ["Allow"]
    assert facts["resources"] == [ARN + "/GET/a"]


def test_truncated_result_with_odd_resources_does_not_break_the_scan() -> None:
    lines = [
        f"({GET_ID}) Starting authorizer: a for request: {GET_ID}",
        f'({GET_ID}) Authorizer result body before parsing: {{"policyDocument":{{"Statement":'
        '[{"Effect":"Allow","Resource":[1, null, "arn:x"]},{"Eff',
        f"({POST_ID}) The client is not authorized to perform this operation.",
        f"({POST_ID}) HTTP Method: GET, Resource Path: /x",
        f"({POST_ID}) {MSG}",
    ]
    result = scan_lines(lines)
    reqs = {r.request_id: r for r in result.requests}
    assert reqs[GET_ID].policy_resources == ["1", "None", "arn:x"]
    assert any(s.code == "cache-hit-suspected" for s in reqs[POST_ID].signals)
    json.dumps(result.to_dict())


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('{"principalId":"u"}', "no policyDocument"),
        ('{"principalId":"u","policyDocument":{"Version":"2012-10-17"}}', "has no Statement"),
        (
            '{"policyDocument":{"Statement":[{"Effect":"Allow","Resource":{"arn":"x"}}]}}',
            "not a string or list",
        ),
    ],
)
def test_malformed_authorizer_results(body: str, problem: str) -> None:
    assert any(problem in p for p in parse_authorizer_result(body)["problems"])


# ---------------------------------------------------------------------------- access logs


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {
                "requestId": RID,
                "status": "403",
                "responseType": "ACCESS_DENIED",
                "authorizerError": "-",
            },
            {"request_id": RID, "status": 403, "response_type": "ACCESS_DENIED"},
        ),
        (
            {
                "requestId": RID,
                "status": 403,
                "error": {"responseType": "WAF_FILTERED", "message": "Forbidden"},
            },
            {"response_type": "WAF_FILTERED", "error_message": "Forbidden"},
        ),
        (
            {"context.requestId": RID, "context.status": "403", "context.identity.apiKeyId": "k1"},
            {"request_id": RID, "status": 403, "api_key_id": "k1"},
        ),
        (
            {
                "reqId": "x",
                "httpStatus": "403",
                "wafResponseCode": "WAF_BLOCK",
                "ip": "203.0.113.9",
                "vpceId": "vpce-1",
            },
            {
                "status": 403,
                "waf_response_code": "WAF_BLOCK",
                "source_ip": "203.0.113.9",
                "vpce_id": "vpce-1",
            },
        ),
        (
            {
                "request_id": RID,
                "status_code": 403,
                "authorizer": {"error": "The incoming token has expired"},
            },
            {"authorizer_error": "The incoming token has expired"},
        ),
    ],
)
def test_access_records_under_any_key_names(record: dict, expected: dict) -> None:
    got = normalise_access_record(record)
    assert got is not None
    for key, value in expected.items():
        assert got[key] == value


@pytest.mark.parametrize(
    ("record", "code", "cause"),
    [
        (
            {"requestId": "a", "status": 403, "responseType": "EXPIRED_TOKEN"},
            "signature-expired",
            "sigv4-signature-expired",
        ),
        (
            {"requestId": "a", "status": 403, "responseType": "INVALID_SIGNATURE"},
            "signature-invalid",
            "sigv4-signature-mismatch",
        ),
        (
            {
                "requestId": "a",
                "status": 403,
                "routeKey": "GET /x",
                "authorizerError": "Insufficient scope",
            },
            "jwt-insufficient-scope",
            "httpapi-jwt-insufficient-scope",
        ),
        (
            {
                "requestId": "a",
                "status": 401,
                "authorizer": {"error": "The incoming token has expired"},
            },
            "authorizer-401",
            "not-403-lookalikes",
        ),
    ],
)
def test_access_log_signals(record: dict, code: str, cause: str) -> None:
    req = scan_lines([json.dumps(record)]).requests[0]
    signals = {s.code: s for s in req.signals}
    assert cause in signals[code].cause_ids


def test_http_api_route_key_gives_method_and_path() -> None:
    req = scan_lines(
        [json.dumps({"requestId": "a", "status": 403, "routeKey": "GET /items/{id}"})]
    ).requests[0]
    assert (req.method, req.resource_path) == ("GET", "/items/{id}")
    ws = scan_lines(
        [json.dumps({"requestId": "b", "status": 403, "routeKey": "$connect"})]
    ).requests[0]
    assert (ws.method, ws.resource_path) == (None, "$connect")


def test_bare_access_denied_says_where_to_look_next() -> None:
    req = scan_lines(
        [json.dumps({"requestId": "a", "status": 403, "responseType": "ACCESS_DENIED"})]
    ).requests[0]
    assert [s.code for s in req.signals] == ["access-denied"]
    assert "execution-log" in req.signals[0].message


def test_json_that_is_not_an_access_log_is_not_taken_for_one() -> None:
    assert normalise_access_record({"hello": "world", "path": "/x"}) is None


def test_access_log_lines_make_requests_and_flag_waf() -> None:
    lines = [
        json.dumps({"requestId": "r1", "status": "200", "responseType": "-"}),
        json.dumps(
            {"requestId": "r2", "status": "403", "wafStatus": "403", "responseType": "WAF_FILTERED"}
        ),
        "2026-11-21T09:00:00.000Z abcdef "
        + json.dumps({"requestId": "r3", "status": "403", "responseType": "INVALID_API_KEY"}),
    ]
    result = scan_lines(lines)
    reqs = {r.request_id: r for r in result.requests}
    assert reqs["r1"].status == 200 and reqs["r1"].authorizer_invoked is None
    assert "waf-block" in {c for s in reqs["r2"].signals for c in s.cause_ids}
    assert reqs["r3"].first_time == "2026-11-21T09:00:00.000Z"
    assert "apikey-missing-or-invalid" in {c for s in reqs["r3"].signals for c in s.cause_ids}


# ---------------------------------------------------------------------------- Lambda logs

LAMBDA_ID = "8a1b2c3d-4e5f-6789-abcd-ef0123456789"


def test_lambda_authorizer_logs() -> None:
    lines = [
        f"START RequestId: {LAMBDA_ID} Version: $LATEST",
        f"2026-11-21T09:14:02.110Z\t{LAMBDA_ID}\tINFO\tevent: {{'type': 'TOKEN', 'methodArn': '{ARN}/GET/dashboard', 'authorizationToken': 'Bearer x'}}",
        f"[INFO]\t2026-11-21T09:14:02.200Z\t{LAMBDA_ID}\treturning {{'principalId': 'u', 'policyDocument': {{'Statement': [{{'Effect': 'Allow', 'Resource': '{ARN}/GET/dashboard'}}]}}}}",
        f"END RequestId: {LAMBDA_ID}",
        f"REPORT RequestId: {LAMBDA_ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms",
        f"2026-11-21T09:15:00.000000+00:00 2026/11/21/[$LATEST]0123abcd START RequestId: {LAMBDA_ID[:-1]}0 Version: $LATEST",
    ]
    # A printed line with a parenthesised hex word is not taken for an execution-log line.
    lines.append(
        f"2026-11-21T09:14:02.300Z\t{LAMBDA_ID}\tINFO\tretry (deadbeef42) methodArn={ARN}/GET/x"
    )
    result = scan_lines(lines)
    assert result.unparseable == 0
    assert result.lambda_invocations_seen == 2
    assert result.lambda_invocations[0].method_arns[-1] == ARN + "/GET/x"
    inv = result.lambda_invocations[0]
    assert inv.method_arns[0] == ARN + "/GET/dashboard"
    assert inv.returned_effects == ["Allow"]
    assert inv.returned_resources == [ARN + "/GET/dashboard"]
    assert inv.duration == "12.34 ms"
    assert result.by_kind["lambda-event"] == 2 and result.by_kind["lambda-policy"] == 1


# ---------------------------------------------------------------------------- bounds


def _requests(n: int) -> list[str]:
    out = []
    for i in range(n):
        rid = f"00000000-0000-0000-0000-{i:012d}"
        out += [
            f"({rid}) HTTP Method: GET, Resource Path: /x",
            f"({rid}) Method completed with status: {403 if i % 2 else 200}",
        ]
    return out


def test_active_requests_and_kept_summaries_are_capped() -> None:
    scanner = LogScanner(max_active=10, max_kept=25)
    scanner.feed_many(_requests(200))
    assert len(scanner._active) <= 10
    result = scanner.result()
    assert result.requests_seen == 200
    assert len(result.requests) == 25
    assert result.requests_omitted == 175
    assert all(r.status == 403 for r in result.requests), "problem requests are kept first"
    assert sum(result.by_status.values()) == 200


def test_signals_are_counted_for_every_request_even_when_not_kept() -> None:
    lines = [
        f"({GET_ID}) Starting authorizer: a1 for request: {GET_ID}",
        f'({GET_ID}) Authorizer result body before parsing: {{"principalId":"u","policyDocument":'
        f'{{"Statement":[{{"Effect":"Allow","Resource":"{ARN}/GET/a"}}]}}}}',
        f"({GET_ID}) Method completed with status: 200",
    ]
    for i in range(30):
        rid = f"00000000-0000-0000-0000-{i:012d}"
        lines += [
            f"({rid}) The client is not authorized to perform this operation.",
            f"({rid}) {MSG}",
        ]
    result = scan_lines(lines, max_kept=5)
    assert len(result.requests) == 5
    assert result.by_signal["cache-hit-suspected"] == 30
    assert result.to_dict()["counts"]["by_signal"] == {"cache-hit-suspected": 30}
    example_id, signal = result.signal_examples["cache-hit-suspected"]
    assert example_id == "00000000-0000-0000-0000-000000000000"
    assert GET_ID in signal.message


def test_notable_lines_per_request_are_capped() -> None:
    result = scan_lines([f"({RID}) {MSG}"] * 50, max_notable=5)
    req = result.requests[0]
    assert len(req.notable) == 5 and req.notable_dropped == 45


def test_request_id_filter_keeps_context() -> None:
    with (DATA / "seed_execution.log").open() as fh:
        result = scan_lines(fh, request_id=POST_ID)
    assert [r.request_id for r in result.requests] == [POST_ID]
    assert result.requests[0].cached_policy_from == GET_ID


def test_explain_lines_for_display() -> None:
    text = (DATA / "seed_execution.log").read_text()
    explained = explain_lines(text)
    assert len(explained) == 24
    kinds = [e.kind for e in explained]
    assert "authorizer-start" in kinds and "method-completed" in kinds
    start = next(e for e in explained if e.kind == "authorizer-start")
    assert start.note and "invoked" in start.note
    assert all("eyJzdWIiOiJ1c2VyLTQyIn0" not in e.text for e in explained)


# ---------------------------------------------------------------------------- never raises


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=30))
def test_never_raises_on_text(lines: list[str]) -> None:
    result = scan_lines(lines)
    assert result.lines == len(lines)
    assert result.lines == result.parsed + result.unparseable + result.blank
    json.dumps(result.to_dict())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=30))
def test_never_raises_on_bytes(lines: list[bytes]) -> None:
    result = scan_lines(lines)
    assert result.lines == len(lines)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([line for line, _, _ in CATALOGUE_LINES]).map(lambda m: f"({RID}) {m}"),
            st.sampled_from(
                [
                    '{"requestId": "x", "status": ',
                    '{"events": [1, {"message": 5}]}',
                    "EVENTS\t",
                    '"message": "(',
                    '"timestamp": "abc",',
                ]
            ),
            st.text(max_size=80),
        ),
        max_size=40,
    )
)
def test_never_raises_on_mixed_near_misses(lines: list[str]) -> None:
    result = scan_lines(lines)
    assert result.lines == result.parsed + result.unparseable + result.blank
    json.dumps(result.to_dict())


_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["principalId", "policyDocument", "Statement", "Effect", "Resource", "x"]),
        _json_values,
        max_size=4,
    ),
    st.integers(min_value=0, max_value=60),
)
def test_any_authorizer_result_then_a_denied_request(body: dict, cut: int) -> None:
    text = json.dumps(body)
    text = text[: len(text) - cut] if cut else text  # execution logs truncate long bodies
    lines = [
        f"({GET_ID}) Starting authorizer: a for request: {GET_ID}",
        f"({GET_ID}) Authorizer result body before parsing: {text}",
        f"({POST_ID}) HTTP Method: GET, Resource Path: /x",
        f"({POST_ID}) {MSG}",
    ]
    result = scan_lines(lines)
    assert {r.request_id for r in result.requests} == {GET_ID, POST_ID}
    json.dumps(result.to_dict())


def test_redacted_lines_scan_the_same() -> None:
    """The live probe redacts lines before the scan: nothing the scan reads may be lost."""
    from wizard.analysis.redact import redact_text

    raw = (DATA / "seed_execution.log").read_text().splitlines()
    plain = scan_lines(raw).to_dict()
    redacted = scan_lines([redact_text(line) for line in raw]).to_dict()
    assert redacted["counts"] == plain["counts"]
    for a, b in zip(plain["requests"], redacted["requests"], strict=True):
        for key in (
            "status",
            "method_arn",
            "policy",
            "policy_resources",
            "signals",
            "authorizer_invoked",
        ):
            assert a[key] == b[key], key
