"""The exception text of the common AWS SDKs and HTTP clients, read as an HTTP response.

An engineer pastes what their code printed, not what the wire carried:

    botocore.exceptions.ClientError: An error occurred (ForbiddenException) when calling the
        PostToConnection operation: Forbidden
    ForbiddenException: Forbidden ... '$fault': 'client', '$metadata': { httpStatusCode: 403,
        requestId: '...' }                                              (JS SDK v3)
    ... Forbidden (Service: AmazonApiGateway; Status Code: 403; Error Code: ForbiddenException;
        Request ID: ...)                                                (Java SDK v1)
    ... ForbiddenException: Forbidden (Service: ApiGatewayManagement, Status Code: 403,
        Request ID: ...)                                                (Java SDK v2)
    Amazon.ApiGatewayManagementApi.Model.ForbiddenException: Forbidden  (.NET, StatusCode: Forbidden)
    AxiosError: Request failed with status code 403 ... data: { message: 'Forbidden' }
    Error executing "PostToConnection" on "https://..."; AWS HTTP error: ... resulted in a
        `403 Forbidden` response: {"message":"Forbidden"}                (PHP)
    operation error ApiGatewayManagementApi: PostToConnection, https response error
        StatusCode: 403, RequestID: ..., ForbiddenException: Forbidden   (Go SDK v2)

`read_sdk_dump(text)` recognises these shapes and returns what they say as the parts of a
response (status, error type, message, request id, service, operation); `as_http(dump)` writes
them as the curl `-i` block the evidence parser reads, so an SDK dump gives the same typed
observations as the response itself. The SDK's own wording ("Request failed with status code
403", the exception class) is not the service's message and is never passed on as one.

Pure and bounded: every pattern is linear, runs on at most `MAX_SCAN` characters, and every value
taken from the paste is capped in length and reduced to a safe character set.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

# Substrings one of which every SDK dump shape below contains: without one, the paste is not
# parsed as a dump (most pastes are curl output or prose).
SDK_TRIGGERS = (
    "An error occurred (",
    "$metadata",
    "$fault",
    "Status Code:",
    "com.amazonaws",
    "software.amazon.awssdk",
    "Amazon.",
    "The remote server returned",
    "Request failed with status code",
    "RestApiError",
    "ApiError",
    "amplify",
    "Error executing",
    "operation error",
    "status code:",
)


MAX_SCAN = 100_000
_MAX_VALUE = 300
# A status the SDK implies by the error code when the dump does not print it.
_STATUS_BY_CODE = {
    "AccessDeniedException": 403,
    "AccessDenied": 403,
    "ForbiddenException": 403,
    "MissingAuthenticationTokenException": 403,
    "InvalidSignatureException": 403,
    "IncompleteSignatureException": 403,
    "UnrecognizedClientException": 403,
    "ExpiredTokenException": 403,
    "InvalidClientTokenId": 403,
    "SignatureDoesNotMatch": 403,
    "UnauthorizedException": 401,
    "TooManyRequestsException": 429,
    "LimitExceededException": 429,
    "ThrottlingException": 429,
    "GoneException": 410,
    "NotFoundException": 404,
    "BadRequestException": 400,
    "InternalServerErrorException": 500,
}
# Exception class names that say "a service error" without naming which.
_GENERIC_CLASSES = frozenset(
    {
        "ClientError",
        "AmazonServiceException",
        "AmazonClientException",
        "AwsServiceException",
        "SdkServiceException",
        "SdkClientException",
        "AmazonApiGatewayException",
        "AmazonAPIGatewayException",
        "ApiGatewayException",
        "AmazonApiGatewayManagementApiException",
        "ApiGatewayManagementApiException",
        "HttpErrorResponseException",
        "WebException",
        "Exception",
        "Error",
        "AxiosError",
        "RestApiError",
        "ApiError",
        "AwsException",
        "ServiceException",
    }
)
# The SDK's service names (and the SERVICES spelling of observations.py they mean).
_SERVICE_ALIASES = {
    "amazonapigateway": "apigateway",
    "apigateway": "apigateway",
    "apigatewayv2": "apigateway",
    "amazonapigatewayv2": "apigateway",
    "apigatewaymanagement": "execute-api",
    "apigatewaymanagementapi": "execute-api",
    "amazonapigatewaymanagementapi": "execute-api",
    "executeapi": "execute-api",
    "awslambda": "lambda",
    "lambda": "lambda",
    "amazons3": "s3",
    "s3": "s3",
    "amazondynamodb": "dynamodb",
    "amazondynamodbv2": "dynamodb",
    "dynamodb": "dynamodb",
    "awssecuritytokenservice": "sts",
    "sts": "sts",
    "amazonsqs": "sqs",
    "sqs": "sqs",
    "amazonsns": "sns",
    "sns": "sns",
    "awskms": "kms",
    "kms": "kms",
    "awsstepfunctions": "states",
    "sfn": "states",
    "awssecretsmanager": "secretsmanager",
    "secretsmanager": "secretsmanager",
    "cognitoidentityprovider": "cognito-idp",
    "awscognitoidentityprovider": "cognito-idp",
}
# API Gateway's own operations (the management API's and the control plane's first verbs).
_APIGW_OPERATIONS = re.compile(
    r"^(?:PostToConnection|GetConnection|DeleteConnection|TestInvoke\w*|FlushStage\w*|"
    r"(?:Get|Create|Update|Delete|Put)(?:RestApi|Stage|Deployment|Authorizer|ApiKey|UsagePlan"
    r"|Resource|Method|Integration|BasePathMapping|DomainName|Api|Route)\w*)$"
)


@dataclass
class SdkDump:
    """What an SDK exception dump says. `None`: the dump does not say it (never a guess)."""

    form: str  # botocore | js-v3 | java-v1 | java-v2 | dotnet | axios | amplify | php | go
    status: int | None = None
    status_implied: bool = False  # inferred from the error code, not printed
    error_type: str | None = None
    message: str | None = None
    request_id: str | None = None
    service: str | None = None  # as observations.SERVICES spells it
    operation: str | None = None
    method: str | None = None
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # the response body the dump quotes, verbatim (bounded)

    @property
    def from_api_gateway(self) -> bool:
        """The call went to API Gateway (the management API or an execute-api URL)."""
        return self.service in ("apigateway", "execute-api") or bool(
            self.operation and _APIGW_OPERATIONS.match(self.operation)
        )


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    word = r"[A-Za-z][A-Za-z0-9]{1,60}"
    return {
        "botocore": re.compile(
            rf"An error occurred \(({word})\)(?: when calling the ({word}) operation)?"
            r"(?:\s*\(reached max retries: \d+\))?(?::[ \t]*([^\r\n]{0,500}))?"
        ),
        "boto_status": re.compile(r"['\"]HTTPStatusCode['\"]\s*:\s*(\d{3})\b"),
        "boto_request_id": re.compile(r"['\"]RequestId['\"]\s*:\s*['\"]([A-Za-z0-9-]{8,64})['\"]"),
        "js_metadata": re.compile(r"['\"]?\$metadata['\"]?\s*:\s*\{"),
        "js_status": re.compile(r"\bhttpStatusCode['\"]?\s*:\s*(\d{3})\b"),
        "js_request_id": re.compile(r"\brequestId['\"]?\s*:\s*['\"]([A-Za-z0-9=+/-]{8,64})['\"]"),
        "js_fault": re.compile(r"['\"]?\$fault['\"]?\s*:\s*['\"](client|server)['\"]"),
        "js_name": re.compile(rf"\bname['\"]?\s*:\s*['\"]({word})['\"]"),
        "js_type": re.compile(rf"['\"]?__type['\"]?\s*:\s*['\"](?:[\w.#:]*#)?({word})['\"]"),
        "js_head": re.compile(
            rf"(?m)^\s*(?:Uncaught\s+)?({word}(?:Exception|Error)):[ \t]+(\S[^\r\n]{{0,300}})$"
        ),
        "quoted_message": re.compile(
            r"(?i)\b(?:message|Message)['\"]?\s*:\s*(?:'([^'\r\n]{1,500})'|\"((?:[^\"\\\r\n]|\\.){1,500})\")"
        ),
        "java_tail": re.compile(
            r"\((?:Service:\s*([A-Za-z0-9 ._-]{1,60})[;,]\s*)?Status Code:\s*(\d{3})[;,]\s*"
            r"(?:Error Code:\s*([A-Za-z0-9]{1,60})[;,]\s*)?Request ID:\s*([A-Za-z0-9=+/-]{0,64})"
        ),
        "java_class": re.compile(
            rf"\b((?:com\.amazonaws|software\.amazon\.awssdk)(?:\.[a-z0-9]+)+\.({word})):[ \t]*"
            r"([^\r\n(]{0,300})"
        ),
        "dotnet_class": re.compile(
            rf"\bAmazon(?:\.[A-Za-z0-9]+)*\.({word}(?:Exception)):[ \t]*([^\r\n]{{0,300}})"
        ),
        "dotnet_status": re.compile(
            r"(?i)\b(?:Http)?StatusCode\s*[:=]\s*(Forbidden|Unauthorized|NotFound|Gone|"
            r"TooManyRequests|InternalServerError|BadRequest|\d{3})\b"
        ),
        "dotnet_code": re.compile(rf"\bErrorCode\s*[:=]\s*['\"]?({word})\b"),
        "dotnet_request_id": re.compile(r"\bRequestId\s*[:=]\s*['\"]?([A-Za-z0-9-]{8,64})\b"),
        "remote_server": re.compile(r"The remote server returned an error: \((\d{3})\)"),
        "axios": re.compile(r"Request failed with status code (\d{3})\b"),
        "axios_status": re.compile(r"(?<![\w$])status['\"]?\s*:\s*(\d{3})\b"),
        "amplify_status": re.compile(r"\bstatusCode['\"]?\s*:\s*(\d{3})\b"),
        "amplify_error": re.compile(r"\b(?:RestApiError|ApiError)\b|aws-amplify|@aws-amplify"),
        "php": re.compile(
            r"Error executing \"(\w{1,60})\" on \"(https?://[^\"\s]{1,500})\"; AWS HTTP error:"
        ),
        "php_status": re.compile(
            r"`(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (https?://[^`\s]{1,500})` resulted in a "
            r"`(\d{3})[^`]{0,40}` response:\s*(\{[^\r\n]{0,500}|[^\r\n]{0,500})"
        ),
        "php_code": re.compile(rf"\b({word}) \((client|server)\):[ \t]*([^\r\n]{{0,300}})"),
        "go": re.compile(
            rf"operation error ({word}): ({word}), https response error StatusCode: (\d{{3}}), "
            rf"RequestID: ([A-Za-z0-9=+/-]{{0,64}}),(?: api error)? ({word}): ([^\r\n]{{0,300}})"
        ),
        "go_v1": re.compile(
            rf"(?m)^\s*({word}): ([^\r\n]{{0,300}})\r?\n\s*status code: (\d{{3}}), request id: "
            r"([A-Za-z0-9-]{0,64})"
        ),
    }


_DOTNET_STATUS_NAMES = {
    "forbidden": 403,
    "unauthorized": 401,
    "notfound": 404,
    "gone": 410,
    "toomanyrequests": 429,
    "internalservererror": 500,
    "badrequest": 400,
}
_SAFE = re.compile(r"[^\w .,:;/@()'\"=+*?!<>\[\]{}#$%&|~^-]")


def _clean(value: str | None) -> str | None:
    """A value from the paste, bounded and with control characters dropped."""
    if value is None:
        return None
    value = _SAFE.sub("", value.strip())[:_MAX_VALUE].strip()
    return value or None


def _service(name: str | None) -> str | None:
    if not name:
        return None
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return _SERVICE_ALIASES.get(key)


def _type_of(name: str | None) -> str | None:
    name = _clean(name)
    if not name or name in _GENERIC_CLASSES:
        return None
    return name


def read_sdk_dump(text: str) -> SdkDump | None:
    """The SDK exception in `text`, or None when it shows none of the known shapes."""
    if not isinstance(text, str) or not text:
        return None
    text = text[:MAX_SCAN]
    if not any(t in text for t in SDK_TRIGGERS):
        return None
    for reader in (_go, _php, _java, _dotnet, _js_v3, _botocore, _axios):
        dump = reader(text)
        if dump is not None:
            _imply_status(dump)
            return dump
    return None


def _imply_status(dump: SdkDump) -> None:
    if dump.status is None and dump.error_type in _STATUS_BY_CODE:
        dump.status = _STATUS_BY_CODE[dump.error_type]
        dump.status_implied = True


def _botocore(text: str) -> SdkDump | None:
    p = _patterns()
    m = p["botocore"].search(text)
    if not m:
        return None
    dump = SdkDump(
        "botocore",
        error_type=_type_of(m.group(1)),
        operation=_clean(m.group(2)),
        message=_clean(m.group(3)),
    )
    status = p["boto_status"].search(text)
    if status:
        dump.status = int(status.group(1))
    rid = p["boto_request_id"].search(text)
    if rid:
        dump.request_id = rid.group(1)
    svc = re.search(r"botocore\.errorfactory\.|client\(['\"]([a-z0-9-]{2,40})['\"]", text)
    if svc and svc.group(1):
        dump.service = _service(svc.group(1))
    return dump


def _js_v3(text: str) -> SdkDump | None:
    p = _patterns()
    if not p["js_metadata"].search(text) and not p["js_fault"].search(text):
        return None
    dump = SdkDump("js-v3")
    status = p["js_status"].search(text)
    if status:
        dump.status = int(status.group(1))
    rid = p["js_request_id"].search(text)
    if rid:
        dump.request_id = rid.group(1)
    for key in ("js_type", "js_name"):
        m = p[key].search(text)
        if m and _type_of(m.group(1)):
            dump.error_type = _type_of(m.group(1))
            break
    head = p["js_head"].search(text)
    if head:
        dump.error_type = dump.error_type or _type_of(head.group(1))
        dump.message = _clean(head.group(2))
    if dump.message is None:
        dump.message = _quoted_message(text)
    return dump


def _java(text: str) -> SdkDump | None:
    p = _patterns()
    tail = p["java_tail"].search(text)
    cls = p["java_class"].search(text)
    if not tail and not cls:
        return None
    dump = SdkDump(
        "java-v2" if "software.amazon.awssdk" in text or ", Status Code:" in text else "java-v1"
    )
    if tail:
        dump.service = _service(tail.group(1))
        dump.status = int(tail.group(2))
        dump.error_type = _type_of(tail.group(3))
        dump.request_id = _clean(tail.group(4))
        # The message is what precedes "(Service: ...", after the exception class.
        line_start = text.rfind("\n", 0, tail.start()) + 1
        before = text[line_start : tail.start()]
        before = re.sub(r"^.*?\b[\w.$]+(?:Exception|Error):\s*", "", before)
        dump.message = _clean(before)
    if cls:
        dump.error_type = dump.error_type or _type_of(cls.group(2))
        if dump.service is None:
            parts = cls.group(1).split(".")
            pkg = parts[-3] if len(parts) >= 3 and parts[-2] == "model" else None
            dump.service = _service(pkg)
        if dump.message is None:
            dump.message = _clean(cls.group(3))
    return dump


def _dotnet(text: str) -> SdkDump | None:
    p = _patterns()
    cls = p["dotnet_class"].search(text)
    remote = p["remote_server"].search(text)
    if not cls and not remote:
        return None
    dump = SdkDump("dotnet")
    if cls:
        dump.error_type = _type_of(cls.group(1))
        dump.message = _clean(cls.group(2))
        ns = re.search(r"\bAmazon\.([A-Za-z0-9]+)\.", text)
        dump.service = _service(ns.group(1)) if ns else None
    status = p["dotnet_status"].search(text)
    if status:
        raw = status.group(1)
        dump.status = int(raw) if raw.isdigit() else _DOTNET_STATUS_NAMES.get(raw.lower())
    elif remote:
        dump.status = int(remote.group(1))
    code = p["dotnet_code"].search(text)
    if code and _type_of(code.group(1)):
        dump.error_type = _type_of(code.group(1))
    rid = p["dotnet_request_id"].search(text)
    if rid:
        dump.request_id = rid.group(1)
    return dump


def _axios(text: str) -> SdkDump | None:
    p = _patterns()
    m = p["axios"].search(text)
    amplify = p["amplify_error"].search(text)
    if not m and not amplify:
        return None
    dump = SdkDump("amplify" if amplify else "axios")
    if m:
        dump.status = int(m.group(1))
    else:
        for key in ("amplify_status", "axios_status"):
            s = p[key].search(text)
            if s:
                dump.status = int(s.group(1))
                break
        if dump.status is None:
            return None
    # The response body is `data: {...}` (axios) or `body: '...'` (Amplify v6): its message is
    # the service's; "Request failed with status code 403" is axios's own and is left out.
    for m2 in p["quoted_message"].finditer(text):
        value = _clean(m2.group(1) or _unescape(m2.group(2)))
        if value and not p["axios"].search(value):
            dump.message = value
            break
    rid = re.search(r"x-amzn-requestid['\"]?\s*:\s*['\"]([A-Za-z0-9-]{8,64})['\"]", text, re.I)
    if rid:
        dump.request_id = rid.group(1)
    et = re.search(r"x-amzn-errortype['\"]?\s*:\s*['\"]([A-Za-z0-9]{2,60})", text, re.I)
    if et:
        dump.error_type = _type_of(et.group(1))
    return dump


def _php(text: str) -> SdkDump | None:
    p = _patterns()
    m = p["php"].search(text)
    if not m:
        return None
    dump = SdkDump("php", operation=_clean(m.group(1)), url=_clean(m.group(2)))
    s = p["php_status"].search(text)
    if s:
        dump.method = s.group(1)
        dump.url = _clean(s.group(2)) or dump.url
        dump.status = int(s.group(3))
        dump.body = _clean(s.group(4))
        dump.message = _body_message(s.group(4))
    code = p["php_code"].search(text)
    if code:
        dump.error_type = _type_of(code.group(1))
        dump.message = dump.message or _clean(code.group(3))
    if dump.url and ".execute-api." in dump.url:
        dump.service = "execute-api"
    return dump


def _go(text: str) -> SdkDump | None:
    p = _patterns()
    m = p["go"].search(text)
    if m:
        return SdkDump(
            "go",
            service=_service(m.group(1)),
            operation=_clean(m.group(2)),
            status=int(m.group(3)),
            request_id=_clean(m.group(4)),
            error_type=_type_of(m.group(5)),
            message=_clean(m.group(6)),
        )
    m = p["go_v1"].search(text)
    if m:
        return SdkDump(
            "go",
            error_type=_type_of(m.group(1)),
            message=_clean(m.group(2)),
            status=int(m.group(3)),
            request_id=_clean(m.group(4)),
        )
    return None


def _unescape(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        out = json.loads(f'"{value}"')
    except ValueError:
        return value
    return out if isinstance(out, str) else value


def _quoted_message(text: str) -> str | None:
    m = _patterns()["quoted_message"].search(text)
    return _clean(m.group(1) or _unescape(m.group(2))) if m else None


def _body_message(body: str | None) -> str | None:
    if not body:
        return None
    m = re.search(r"\"[Mm]essage\"\s*:\s*\"((?:[^\"\\]|\\.){1,500})\"", body)
    return _clean(_unescape(m.group(1))) if m else None


def as_http(dump: SdkDump) -> str:
    """The dump written as the curl -i block a response would have given (the evidence parser's
    input). The request id goes under API Gateway's header only when the call went to API
    Gateway: a DynamoDB or Lambda request id is no sign that API Gateway answered."""
    lines: list[str] = []
    if dump.method and dump.url:
        lines.append(f"> {dump.method} {dump.url}")
    if dump.status is not None:
        lines.append(f"HTTP/1.1 {dump.status}")
    if dump.error_type:
        lines.append(f"x-amzn-ErrorType: {dump.error_type}")
    if dump.request_id and dump.from_api_gateway:
        lines.append(f"x-amzn-RequestId: {dump.request_id}")
    if dump.message:
        lines += ["", json.dumps({"message": dump.message})]
    return "\n".join(lines)


def observations_of(dump: SdkDump) -> set[str]:
    """What the dump itself shows beyond the response: which SDK printed it, which service."""
    obs = {f"paste:sdk-{dump.form}"}
    if dump.service:
        obs.add(f"service:{dump.service}")
    return obs
