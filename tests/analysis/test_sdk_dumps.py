"""SDK exception dumps read as the response they stand for (wizard/analysis/diagnosis/sdk_dumps.py).

Each dump is written the way its SDK prints it (botocore's ClientError string, the JS SDK v3
error object as Node's console shows it, the Java v1/v2 message tails, .NET's exception chain,
axios/Amplify errors, PHP's Guzzle message, Go v2's operation error). The claim under test: a
dump gives the same typed observations (status, error type, message family, request id) as
the curl -i paste of the same response, and the SDK's own wording never passes for the
service's message.
"""

from __future__ import annotations

import pytest

from wizard.analysis.classify import classify
from wizard.analysis.diagnosis import sdk_dumps
from wizard.analysis.diagnosis.paste import normalise

RID = "5b1f0d3a-0c33-4b7e-9c7e-2f3f1f5e2a11"
ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/prod/GET/items"
DENIED = f"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: execute-api:Invoke on resource: {ARN}"

# (name, dump, form, status, error type, message, request id or None, service or None)
CASES = [
    (
        "botocore",
        'Traceback (most recent call last):\n  File "send.py", line 9, in <module>\n'
        "botocore.errorfactory.ForbiddenException: An error occurred (ForbiddenException) when "
        "calling the PostToConnection operation: Forbidden",
        "botocore",
        403,
        "ForbiddenException",
        "Forbidden",
        None,
        None,
    ),
    (
        "botocore-with-metadata",
        "botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling "
        f"the GetItems operation: {DENIED}\n"
        f"{{'Error': {{'Code': 'AccessDeniedException'}}, 'ResponseMetadata': {{'RequestId': '{RID}', "
        "'HTTPStatusCode': 403}}",
        "botocore",
        403,
        "AccessDeniedException",
        DENIED,
        RID,
        None,
    ),
    (
        "js-v3",
        "ForbiddenException: Forbidden\n    at de_ForbiddenExceptionRes (/var/task/index.js:1:2)\n"
        "  '$fault': 'client',\n  '$metadata': {\n    httpStatusCode: 403,\n"
        f"    requestId: '{RID}',\n    extendedRequestId: undefined,\n    attempts: 1\n  }}\n}}",
        "js-v3",
        403,
        "ForbiddenException",
        "Forbidden",
        RID,
        None,
    ),
    (
        "java-v1",
        f"com.amazonaws.services.apigateway.model.AmazonApiGatewayException: {DENIED} (Service: "
        f"AmazonApiGateway; Status Code: 403; Error Code: AccessDeniedException; Request ID: {RID}; "
        "Proxy: null)",
        "java-v1",
        403,
        "AccessDeniedException",
        DENIED,
        RID,
        "apigateway",
    ),
    (
        "java-v2",
        "software.amazon.awssdk.services.apigatewaymanagementapi.model.ForbiddenException: "
        f"Forbidden (Service: ApiGatewayManagementApi, Status Code: 403, Request ID: {RID})",
        "java-v2",
        403,
        "ForbiddenException",
        "Forbidden",
        RID,
        "execute-api",
    ),
    (
        "dotnet",
        "Amazon.ApiGatewayManagementApi.Model.ForbiddenException: Forbidden\n ---> "
        "Amazon.Runtime.Internal.HttpErrorResponseException: Exception of type "
        "'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown.\n"
        f"   StatusCode: Forbidden\n   RequestId: {RID}",
        "dotnet",
        403,
        "ForbiddenException",
        "Forbidden",
        RID,
        "execute-api",
    ),
    (
        "axios",
        "AxiosError: Request failed with status code 403\n  response: { status: 403, statusText: "
        f"'Forbidden', headers: {{ 'x-amzn-requestid': '{RID}', 'x-amzn-errortype': "
        "'MissingAuthenticationTokenException' }, data: { message: 'Missing Authentication Token' } }",
        "axios",
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
        RID,
        None,
    ),
    (
        "amplify-v6",
        "RestApiError: Forbidden\n  name: 'Forbidden', message: 'Forbidden',\n"
        '  response: { statusCode: 403, headers: {}, body: \'{"message":"Forbidden"}\' }\n'
        "    at @aws-amplify/api-rest",
        "amplify",
        403,
        None,
        "Forbidden",
        None,
        None,
    ),
    (
        "php",
        'Error executing "PostToConnection" on "https://abcde12345.execute-api.eu-west-1.'
        'amazonaws.com/@connections/Abc%3D"; AWS HTTP error: Client error: `POST https://abcde12345'
        ".execute-api.eu-west-1.amazonaws.com/@connections/Abc%3D` resulted in a `403 Forbidden` "
        'response:\n{"message":"Forbidden"}\n ForbiddenException (client): Forbidden',
        "php",
        403,
        "ForbiddenException",
        "Forbidden",
        None,
        "execute-api",
    ),
    (
        "go-v2",
        "operation error ApiGatewayManagementApi: PostToConnection, https response error "
        f"StatusCode: 403, RequestID: {RID}, ForbiddenException: Forbidden",
        "go",
        403,
        "ForbiddenException",
        "Forbidden",
        RID,
        "execute-api",
    ),
]


@pytest.mark.parametrize(
    ("dump", "form", "status", "error_type", "message", "rid", "service"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_each_sdk_form_is_read(
    dump: str,
    form: str,
    status: int,
    error_type: str | None,
    message: str,
    rid: str | None,
    service: str | None,
) -> None:
    got = sdk_dumps.read_sdk_dump(dump)
    assert got is not None
    assert (got.form, got.status, got.error_type, got.message) == (
        form,
        status,
        error_type,
        message,
    )
    assert got.request_id == rid
    assert got.service == service


def _curl(status: int, error_type: str | None, message: str, rid: str | None) -> str:
    lines = [f"HTTP/1.1 {status}"]
    if error_type:
        lines.append(f"x-amzn-ErrorType: {error_type}")
    if rid:
        lines.append(f"x-amzn-RequestId: {rid}")
    return "\n".join(lines) + '\n\n{"message": "' + message + '"}'


_SAME = ("status:", "error_type:", "family:", "caller:", "action:", "permission:")


@pytest.mark.parametrize(
    ("dump", "status", "error_type", "message"),
    [(c[1], c[3], c[4], c[5]) for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_a_dump_gives_the_observations_of_its_curl_paste(
    dump: str, status: int, error_type: str | None, message: str
) -> None:
    from_dump = {o for o in classify(dump).observations if o.startswith(_SAME)}
    from_curl = {
        o
        for o in classify(_curl(status, error_type, message, None)).observations
        if o.startswith(_SAME)
    }
    assert from_curl <= from_dump
    assert f"status:{status}" in from_dump


def test_the_shape_is_an_observation_and_the_block_leads_the_paste() -> None:
    dump = CASES[4][1]
    pasted = normalise("our Lambda posts to the socket and gets this:\n" + dump)
    assert pasted.form == "sdk-java-v2"
    assert pasted.text.startswith("HTTP/1.1 403\nx-amzn-ErrorType: ForbiddenException")
    assert "our Lambda posts to the socket" in pasted.text  # the prose is kept
    obs = classify("our Lambda posts to the socket and gets this:\n" + dump).observations
    assert "paste:sdk-java-v2" in obs and "service:execute-api" in obs


def test_axios_wording_is_never_the_service_message() -> None:
    got = sdk_dumps.read_sdk_dump("AxiosError: Request failed with status code 403")
    assert got is not None and got.status == 403 and got.message is None
    block = sdk_dumps.as_http(got)
    assert "Request failed" not in block


def test_another_services_request_id_does_not_claim_api_gateway() -> None:
    # A DynamoDB AccessDenied inside the backend: its request id is no API Gateway header.
    dump = (
        "com.amazonaws.services.dynamodbv2.model.AmazonDynamoDBException: User: arn:aws:sts::"
        "123456789012:assumed-role/fn/x is not authorized to perform: dynamodb:GetItem on resource:"
        " table/t (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: AccessDeniedException; "
        "Request ID: 1TM4POAKDQ2KIEIUEPIOLTH0RNVV4KQNSO5AEMVJF66Q9ASUAAJG)"
    )
    got = sdk_dumps.read_sdk_dump(dump)
    assert got is not None and got.service == "dynamodb" and not got.from_api_gateway
    assert "x-amzn-RequestId" not in sdk_dumps.as_http(got)
    obs = classify(dump).observations
    assert "header:x-amzn-requestid" not in obs
    assert "permission:dynamodb.GetItem" in obs


def test_a_named_missing_permission_is_an_observation() -> None:
    obs = classify(
        "The API Gateway integration role lacks lambda:InvokeFunction, so every call fails with 403"
    ).observations
    assert "permission:lambda.InvokeFunction" in obs
    denied = classify(f'{{"Message":"{DENIED}"}}').observations
    assert "permission:execute-api.Invoke" in denied


def test_plain_text_is_not_a_dump() -> None:
    for text in ("", "the API returns 403 sometimes", '{"message":"Forbidden"}', "Exception: x"):
        assert sdk_dumps.read_sdk_dump(text) is None
        assert normalise(text).form == "text"


def test_hostile_values_are_bounded_and_inert() -> None:
    evil = "\x1b]52;c;ZXZpbA==\x07" + "A" * 5000
    got = sdk_dumps.read_sdk_dump(
        f"botocore.exceptions.ClientError: An error occurred (ForbiddenException) when calling "
        f"the PostToConnection operation: {evil}"
    )
    assert got is not None and got.message is not None
    assert "\x1b" not in got.message and "\x07" not in got.message
    assert len(got.message) <= 300
    # A megabyte of near-misses is read in one linear pass, and found nothing.
    assert sdk_dumps.read_sdk_dump("An error occurred (" * 60_000) is None
