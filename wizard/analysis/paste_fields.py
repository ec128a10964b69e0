"""The fields of a pasted 403 report: what the parsers extract from whatever an engineer pastes.

Input is any mix of: a status line, response headers (curl -v, HTTPie, Postman, browser
devtools, boto3 `ResponseMetadata`), a JSON or HTML body, SDK exception text, API Gateway
execution/access log lines, URLs and prose. Output is a `PasteFields` record (status, headers, body message, URL, caller, log markers...);
the catalogue's evidence rules (wizard/catalogue/evidence.yaml) read it. Pure: no I/O, and it
never raises on arbitrary input (unparseable parts are simply not read).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

# Long pastes are mostly logs; the first and last parts carry the response and the summary.
_MAX_SCAN = 200_000

# x-amzn-ErrorType values API Gateway (and the SDKs in front of it) use for 4xx answers.
KNOWN_ERROR_TYPES = (
    "AccessDeniedException",
    "ForbiddenException",
    "MissingAuthenticationTokenException",
    "InvalidSignatureException",
    "IncompleteSignatureException",
    "UnrecognizedClientException",
    "UnauthorizedException",
    "AuthorizerConfigurationException",
    "ExpiredTokenException",
    "TooManyRequestsException",
    "LimitExceededException",
    "NotFoundException",
    "BadRequestException",
    "GoneException",
)
_ERROR_TYPE_BY_LOWER = {t.lower(): t for t in KNOWN_ERROR_TYPES}

# Headers whose presence proves the answer came from API Gateway.
APIGW_ID_HEADERS = ("x-amzn-requestid", "x-amz-apigw-id", "apigw-requestid")
_HEADER_NAMES = (
    *APIGW_ID_HEADERS,
    "x-amzn-errortype",
    "x-amzn-trace-id",
    "x-amz-cf-id",
    "x-amz-cf-pop",
    "x-cache",
    "via",
    "server",
    "host",
    "x-api-key",
    "authorization",
    "cache-control",
    "www-authenticate",
    "x-amz-date",
    "x-amz-security-token",
    "x-apigw-api-id",
    "content-type",
    "content-length",
    "date",
    "x-powered-by",
    "cf-ray",
    "cf-mitigated",
)
_HEADER_RE = re.compile(
    r"""(?imx)
    (?:^|[\s{,'"<>(\[])                     # line start, or inside a dict / JSON / curl -v line / prose
    ['"]?(?P<name>"""
    + "|".join(re.escape(h) for h in _HEADER_NAMES)
    + r""")['"]?
    [ \t]*[:=][ \t]*
    ['"]?(?P<value>[^\r\n'"]{0,400})
    """
)
_STATUS_PATTERNS = (
    re.compile(r"\bHTTP/[0-9.]+\s+(\d{3})\b"),
    re.compile(r"(?i)\bhttpstatuscode['\"]?\s*[:=]\s*(\d{3})\b"),
    re.compile(
        r"(?i)\b(?:status[ _-]?code|statuscode|http[ _]?status|status)['\"]?\s*[:=]\s*['\"]?(\d{3})\b"
    ),
    re.compile(r"(?i)\bstatus\s+(?:code\s+)?(?:of\s+)?(\d{3})\b"),
    re.compile(
        r"(?i)\b(\d{3})\s*(?:\(|-|:)?\s*(?:forbidden|unauthorized|not found|too many requests|internal server error|gone)\b"
    ),
    re.compile(
        r"(?i)\b(?:returns?|returned|returning|getting|got|get|gives?|giving|receive[sd]?|an?|with|throws?)\s+(?:an?\s+|the\s+)?(\d{3})\b"
    ),
    re.compile(r"(?i)\b(\d{3})\s+(?:error|response|status|page|code)s?\b"),
)
_PLAUSIBLE_STATUS = {400, 401, 403, 404, 405, 409, 410, 413, 415, 429, 500, 502, 503, 504}
_URL_RE = re.compile(r"(?i)\b(?:https?|wss?)://([a-z0-9.-]+(?::\d+)?)(/[^\s\"'<>`)\]]*)?")
_EXECUTE_API_RE = re.compile(
    r"(?i)^([a-z0-9]{10})(-vpce-[a-z0-9]+)?\.execute-api\.([a-z0-9-]+)\.amazonaws\.com"
)
_VPCE_DNS_RE = re.compile(r"(?i)\.vpce\.amazonaws\.com$|^vpce-[a-z0-9-]+\.execute-api\.")
_NOT_AN_API_HOSTS = re.compile(
    r"(?i)(^|\.)(github\.com|githubusercontent\.com|stackoverflow\.com|docs\.aws\.amazon\.com|"
    r"aws\.amazon\.com|repost\.aws|console\.aws\.amazon\.com|amazonaws\.com\.cn|medium\.com|"
    r"dev\.to|google\.com|example\.org|w3\.org|json-schema\.org|npmjs\.com|pypi\.org|"
    r"internal\.amazon\.com|cloudfront\.net|s3\.amazonaws\.com)$"
)
_LOCAL_HOST_RE = re.compile(
    r"(?i)^(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal)(:\d+)?$"
)
_METHOD_RE = re.compile(
    r"(?:(?<![A-Za-z])-X\s*|:method:\s*|\bmethod['\"]?\s*[:=]\s*['\"]?|^|\s|>\s)"
    r"(GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD)\b(?=\s+(?:https?://|/|\S+\s+HTTP/))?",
    re.MULTILINE,
)
_REQUEST_LINE_RE = re.compile(r"(?m)^(?:>\s*)?(GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD)\s+(\S+)")
_EXECUTE_API_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:execute-api:([a-z0-9-]*):(\d{12}|\*|x{12}|<acct>):([A-Za-z0-9*]+)/([^\s\"',]*)"
)
_CALLER_RE = re.compile(
    r"(?i)\bUser:\s*(anonymous|annonymous|anonymus|arn:aws[a-z-]*:(?:iam|sts)::[^\s]+)"
)
_ACTION_RE = re.compile(r"(?i)\bperform:\s*(execute-api:[A-Za-z]+)")
_SDK_ERROR_RE = re.compile(
    r"An error occurred \((\w+)\)(?: when calling the (\w+) operation)?(?::\s*(.+))?"
)
_EXCEPTION_PREFIX_RE = re.compile(r"(?m)\b(\w+Exception)\s*:\s*(\S.{0,500})$")
_TYPE_IN_TEXT_RE = re.compile(r"\b(" + "|".join(KNOWN_ERROR_TYPES) + r")\b", re.IGNORECASE)
_MESSAGE_KEYS = ("message", "errormessage", "error_message", "errormsg", "detail")
_TYPE_KEYS = ("__type", "errortype", "error_type", "code", "type")
_TTL_RE = re.compile(
    r"(?i)(?:\bttl|authorizerResultTtlInSeconds|resultsCacheTtl|CacheTtl|\bresult[ _-]?ttl|\bcach(?:e|ing)(?:\s+(?:ttl|time|period|duration|for))?)"
    r"[\"']?\s*(?:is|=|:|of|to|set\s+to|at|defaults?\s+to|default\s+(?:is|of))?\s*(?:is\s+)?[\"']?(\d{1,5})\s*(s|sec|secs|seconds|m|min|mins|minutes|h|hours?)?\b"
)
_TTL_RE_FOR = re.compile(
    r"(?i)\bcach\w*\b(?:\s+[\w-]+){0,3}\s+for\s+(\d{1,5})\s*(s|sec|secs|seconds|m|min|mins|minutes|h|hours?)?\b"
)
_TTL_RE_AFTER = re.compile(
    r"(?i)\b(\d{1,5})\s*(s|sec|secs|seconds|m|min|mins|minutes|h|hours?)?\s*(?:second\s+)?(?:ttl|cache\s+ttl)\b"
)


@dataclass
class LogFacts:
    """What execution/access log lines in the paste say."""

    markers: set[str] = field(default_factory=set)
    authorizer_effects: list[str] = field(default_factory=list)
    authorizer_resources: list[str] = field(default_factory=list)
    response_types: list[str] = field(default_factory=list)
    integration_status: int | None = None
    authorizer_errors: list[str] = field(default_factory=list)


@dataclass
class PasteFields:
    """The technical facts found in a paste. `None` means not found, never "false"."""

    status: int | None = None
    statuses: list[int] = field(default_factory=list)
    error_type: str | None = None
    error_types: list[str] = field(default_factory=list)
    message: str | None = None
    messages: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    request_ids: dict[str, str] = field(default_factory=dict)
    is_api_gateway: bool | None = None
    origin: str | None = None  # what answered when it was not API Gateway: cloudfront, awselb, ...
    html_body: bool = False
    http_method: str | None = None
    url: str | None = None
    host: str | None = None
    host_kind: str | None = None  # execute-api | vpce | custom | local
    api_id: str | None = None
    region: str | None = None
    url_path: str | None = None
    authorization_scheme: str | None = None  # sigv4 | bearer | basic | other
    has_api_key_header: bool | None = None
    caller: str | None = None  # "anonymous" or the caller ARN from an AccessDenied message
    action: str | None = None  # execute-api:Invoke / execute-api:ManageConnections
    resource_arns: list[str] = field(default_factory=list)
    sdk_operation: str | None = None
    ttl_seconds: int | None = None
    logs: LogFacts = field(default_factory=LogFacts)

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "error_type": self.error_type,
            "message": self.message,
            "request_ids": dict(self.request_ids),
            "is_api_gateway": self.is_api_gateway,
            "origin": self.origin,
            "http_method": self.http_method,
            "host": self.host,
            "host_kind": self.host_kind,
            "api_id": self.api_id,
            "region": self.region,
            "path": self.url_path,
            "authorization_scheme": self.authorization_scheme,
            "caller": self.caller,
            "action": self.action,
            "resource_arns": list(self.resource_arns),
            "authorizer_ttl": self.ttl_seconds,
            "log_markers": sorted(self.logs.markers),
        }


def parse_paste_fields(text: str) -> PasteFields:
    """Parse a paste into PasteFields. Never raises."""
    ev = PasteFields()
    if not isinstance(text, str) or not text:
        return ev
    if len(text) > _MAX_SCAN:
        half = _MAX_SCAN // 2
        text = text[:half] + "\n" + text[-half:]
    for step in (
        _parse_headers,
        _parse_json_bodies,
        _parse_sdk_text,
        _parse_status,
        _parse_urls,
        _parse_request_line,
        _parse_arn_and_caller,
        _parse_logs,
        _parse_ttl,
        _parse_html_and_origin,
    ):
        try:
            step(text, ev)
        except Exception:  # a parser bug must cost one kind of evidence, not the answer
            continue
    _settle(ev)
    return ev


# ----------------------------------------------------------------------------- steps


def _parse_headers(text: str, ev: PasteFields) -> None:
    for m in _HEADER_RE.finditer(text):
        name = m.group("name").lower()
        value = m.group("value").strip().rstrip(",;}").strip()
        if value and name not in ev.headers:
            ev.headers[name] = value
    # Browser devtools copy headers as "name" on one line and the value on the next.
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        name = line.strip().rstrip(":").lower()
        if name in _HEADER_NAMES and name not in ev.headers:
            value = lines[i + 1].strip()
            if value and ":" not in value[:1]:
                ev.headers[name] = value
    for h in APIGW_ID_HEADERS:
        if h in ev.headers:
            ev.request_ids[h] = ev.headers[h]
    raw_type = ev.headers.get("x-amzn-errortype")
    if raw_type:
        _add_error_type(ev, raw_type.split(":", 1)[0].strip())
    auth = ev.headers.get("authorization", "")
    if auth:
        low = auth.lower()
        if low.startswith("aws4-hmac-sha256") or "credential=" in low:
            ev.authorization_scheme = "sigv4"
        elif low.startswith("bearer") or low.startswith("eyj"):
            ev.authorization_scheme = "bearer"
        elif low.startswith("basic"):
            ev.authorization_scheme = "basic"
        else:
            ev.authorization_scheme = "other"
    if "x-api-key" in ev.headers:
        ev.has_api_key_header = True


def _iter_json_objects(text: str, limit: int = 200) -> list[object]:
    decoder = json.JSONDecoder()
    found: list[object] = []
    idx = text.find("{")
    attempts = 0
    while idx != -1 and attempts < limit:
        attempts += 1
        try:
            obj, end = decoder.raw_decode(text, idx)
        except ValueError:
            idx = text.find("{", idx + 1)
            continue
        found.append(obj)
        idx = text.find("{", end)
    return found


def _walk(obj: object, depth: int = 0) -> list[dict[str, object]]:
    if depth > 6:
        return []
    out: list[dict[str, object]] = []
    if isinstance(obj, dict):
        out.append(obj)
        for v in obj.values():
            out.extend(_walk(v, depth + 1))
    elif isinstance(obj, list):
        for v in obj[:50]:
            out.extend(_walk(v, depth + 1))
    return out


def _parse_json_bodies(text: str, ev: PasteFields) -> None:
    for obj in _iter_json_objects(text):
        for d in _walk(obj):
            lowered = {str(k).lower(): v for k, v in d.items()}
            for key in _MESSAGE_KEYS:
                v = lowered.get(key)
                if isinstance(v, str) and v.strip():
                    ev.messages.append(v.strip())
            for key in _TYPE_KEYS:
                v = lowered.get(key)
                if (
                    isinstance(v, str)
                    and v.split(":", 1)[0].strip().lower() in _ERROR_TYPE_BY_LOWER
                ):
                    _add_error_type(ev, v.split(":", 1)[0].strip())
            if _looks_like_backend_body(lowered):
                ev.logs.markers.add("foreign_json_body")
            # serverless-offline / Hapi: {"statusCode":403,"error":"Forbidden","message":...}
            sc = lowered.get("statuscode")
            if (
                isinstance(sc, int)
                and isinstance(lowered.get("error"), str)
                and "message" in lowered
            ):
                ev.logs.markers.add("hapi_error_body")
                ev.statuses.append(sc)
            elif isinstance(sc, int) and 100 <= sc <= 599:
                ev.statuses.append(sc)
            _access_log_fields(lowered, ev)
            headers = lowered.get("httpheaders")
            if isinstance(headers, dict):
                for k, v in headers.items():
                    if isinstance(v, str):
                        ev.headers.setdefault(str(k).lower(), v)
                rt = ev.headers.get("x-amzn-errortype")
                if rt:
                    _add_error_type(ev, rt.split(":", 1)[0])
                for h in APIGW_ID_HEADERS:
                    if h in ev.headers:
                        ev.request_ids[h] = ev.headers[h]
            http_status = lowered.get("httpstatuscode")
            if isinstance(http_status, int):
                ev.statuses.insert(0, http_status)


_BACKEND_KEYS = {
    "timestamp",
    "path",
    "trace",
    "traceid",
    "detail",
    "title",
    "instance",
    "errors",
    "exception",
    "error_description",
}


def _looks_like_backend_body(d: dict[str, object]) -> bool:
    """An error body in a web framework's shape (Spring, RFC 7807, ...), not API Gateway's."""
    if not isinstance(d.get("status"), int) and not isinstance(d.get("error"), str):
        return False
    return len(_BACKEND_KEYS & set(d)) >= 1 and "requestid" not in d


def _access_log_fields(d: dict[str, object], ev: PasteFields) -> None:
    """Fields of JSON access-log lines ($context.* variables under common names)."""
    for key in ("responsetype", "error.responsetype", "errorresponsetype", "error_response_type"):
        v = d.get(key)
        if isinstance(v, str) and v.strip() and v.strip() != "-":
            ev.logs.response_types.append(v.strip().upper())
    for key in ("wafresponsecode", "waf.status", "wafstatus"):
        v = d.get(key)
        if isinstance(v, str | int) and str(v).upper() in ("WAF_BLOCK", "403"):
            ev.logs.markers.add("waf_block")
    for key in ("authorizererror", "authorizer.error", "authorizer_error"):
        v = d.get(key)
        if isinstance(v, str) and v.strip() and v.strip() != "-":
            ev.logs.authorizer_errors.append(v.strip())
    for key in ("integrationstatus", "integration.status", "integration_status"):
        v = d.get(key)
        try:
            if v not in (None, "", "-"):
                ev.logs.integration_status = int(str(v))
        except ValueError:
            pass
    for key in ("status",):
        v = d.get(key)
        try:
            if v not in (None, "", "-") and str(v).isdigit() and ("requestid" in d or "ip" in d):
                ev.statuses.append(int(str(v)))
        except ValueError:
            pass
    if "routekey" in d:
        ev.logs.markers.add("v2_access_log")
    for key in ("authorizerstatus", "authorizer.status", "authorizer_status"):
        v = d.get(key)
        if v not in (None, "", "-") and str(v).strip().isdigit() and 200 <= int(str(v)) < 300:
            ev.logs.markers.add("authorizer_answered")
    for key in ("errormessage", "error.message"):
        v = d.get(key)
        if isinstance(v, str) and v.strip() and v.strip() != "-":
            ev.messages.append(v.strip())


def _parse_sdk_text(text: str, ev: PasteFields) -> None:
    for m in _SDK_ERROR_RE.finditer(text):
        _add_error_type(ev, m.group(1))
        if m.group(2):
            ev.sdk_operation = m.group(2)
        if m.group(3):
            ev.messages.append(m.group(3).strip())
    for m in _EXCEPTION_PREFIX_RE.finditer(text):
        if m.group(1).lower() in _ERROR_TYPE_BY_LOWER:
            _add_error_type(ev, m.group(1))
            ev.messages.append(m.group(2).strip())
    if not ev.error_types:
        for m in _TYPE_IN_TEXT_RE.finditer(text):
            _add_error_type(ev, m.group(1))
    if (
        not ev.error_types
        and re.search(r"\bAccessDenied\b(?!</Code>)", text)
        and "<Code>AccessDenied" not in text
    ):
        _add_error_type(ev, "AccessDeniedException")


def _parse_status(text: str, ev: PasteFields) -> None:
    found: list[int] = []
    for pat in _STATUS_PATTERNS:
        for m in pat.finditer(text):
            try:
                code = int(m.group(1))
            except (TypeError, ValueError):
                continue
            if code in _PLAUSIBLE_STATUS or (pat is _STATUS_PATTERNS[0] and 100 <= code <= 599):
                found.append(code)
    if re.search(r"(?i)\bforbidden\b", text) and not found:
        found.append(403)
    ev.statuses.extend(found)


def _parse_urls(text: str, ev: PasteFields) -> None:
    for m in _URL_RE.finditer(text):
        host = m.group(1).lower().rstrip(".")
        path = m.group(2) or ""
        if _NOT_AN_API_HOSTS.search(host.split(":")[0]):
            continue
        kind = _host_kind(host)
        better = ev.host is None or (
            _KIND_RANK.get(kind, 9) < _KIND_RANK.get(ev.host_kind or "", 9)
        )
        if not better:
            continue
        ev.host, ev.host_kind, ev.url = host, kind, m.group(0)
        ev.url_path = path or None
        em = _EXECUTE_API_RE.match(host)
        if em:
            ev.api_id, ev.region = em.group(1), em.group(3)
    if ev.host is None:
        # A bare "api.example.com/path" in prose: a custom domain, when nothing better was given.
        bare = _BARE_HOST_RE.search(text)
        if bare and not _NOT_AN_API_HOSTS.search(bare.group(1)):
            ev.host, ev.host_kind = bare.group(1).lower(), _host_kind(bare.group(1).lower())
            ev.url_path = bare.group(2)
    host_header = ev.headers.get("host")
    if host_header and ev.host is None:
        ev.host = host_header.lower().strip()
        ev.host_kind = _host_kind(ev.host)
        em = _EXECUTE_API_RE.match(ev.host)
        if em:
            ev.api_id, ev.region = em.group(1), em.group(3)


_BARE_HOST_RE = re.compile(
    r"(?<![\w@/.-])((?:[a-z0-9-]+\.)+(?:com|io|net|org|dev|app|cloud|co|us|eu|de|uk|fr|nl|corp|internal|example))(/[\w/{}.+-]+)",
    re.IGNORECASE,
)
_KIND_RANK = {"execute-api": 0, "vpce": 1, "custom": 2, "local": 3}


def _host_kind(host: str) -> str:
    bare = host.split(":")[0]
    if _LOCAL_HOST_RE.match(host) or _LOCAL_HOST_RE.match(bare):
        return "local"
    if _VPCE_DNS_RE.search(bare) or "-vpce-" in bare:
        return "vpce"
    if ".execute-api." in bare:
        return "execute-api"
    return "custom"


def _parse_request_line(text: str, ev: PasteFields) -> None:
    m = _REQUEST_LINE_RE.search(text)
    if m:
        ev.http_method = m.group(1)
        if ev.url_path is None and m.group(2).startswith("/"):
            ev.url_path = m.group(2)
        return
    m2 = re.search(r"(?:-X\s*|--request\s+)(GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD)\b", text)
    if m2:
        ev.http_method = m2.group(1)
        return
    m3 = re.search(r"\b(GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD)\s+(?:https?://|/)", text)
    if m3:
        ev.http_method = m3.group(1)


def _parse_arn_and_caller(text: str, ev: PasteFields) -> None:
    for m in _EXECUTE_API_ARN_RE.finditer(text):
        arn = m.group(0).rstrip(".")
        if arn not in ev.resource_arns:
            ev.resource_arns.append(arn)
    caller = _CALLER_RE.search(text)
    if caller:
        who = caller.group(1).rstrip(".,;")
        ev.caller = "anonymous" if who.lower().startswith("an") else who
    a = _ACTION_RE.search(text)
    if a:
        ev.action = a.group(1)


_LOG_MARKERS = (
    ("authorizer_started", re.compile(r"(?i)Starting authorizer")),
    ("authorizer_result", re.compile(r"(?i)Authorizer result body before parsing")),
    ("authorizer_policy_used", re.compile(r"(?i)Using valid authorizer policy")),
    ("authorizer_completed", re.compile(r"(?i)Successfully completed authorizer execution")),
    (
        "client_not_authorized",
        re.compile(r"(?i)The client is not authorized to perform this operation"),
    ),
    ("unauthorized_request", re.compile(r"(?i)Unauthorized request:")),
    ("explicit_deny_exception", re.compile(r"ExplicitDenyException")),
    (
        "authorizer_config_error",
        re.compile(
            r"(?i)AuthorizerConfigurationException|Execution failed due to configuration error"
        ),
    ),
    ("usage_plan_check", re.compile(r"(?i)Verifying Usage Plan for request")),
    (
        "usage_plan_missing",
        re.compile(r"(?i)not associated with a Usage Plan|API Stage is not in a Usage Plan"),
    ),
    ("api_key_not_authorized", re.compile(r"(?i)API Key \S+ not authorized")),
    (
        "invalid_api_key_log",
        re.compile(r"(?i)Invalid API Key identifier|API Key not found|Forbidden: Invalid API Key"),
    ),
    ("mtls_denied", re.compile(r"(?i)Access denied\. Reason:")),
    ("integration_response", re.compile(r"(?i)Endpoint response body before transformations")),
    ("endpoint_status_403", re.compile(r"(?i)Endpoint response (?:status|code):?\s*403")),
    ("method_completed_403", re.compile(r"(?i)Method completed with status:?\s*403")),
    (
        "method_request_start",
        re.compile(r"(?i)Extended Request Id:|Verifying Usage Plan|Method request path:"),
    ),
    ("no_method_found", re.compile(r"(?i)No method found matching route")),
    (
        "waf_block",
        re.compile(r"(?i)WAF_BLOCK|WAF_FILTERED|\bwaf\w*\s*[:=]\s*\"?403|blocked by (?:aws )?waf"),
    ),
    (
        "resource_policy_denied",
        re.compile(r"(?i)denied by resource policy|resource policy evaluation"),
    ),
    ("cache_hit", re.compile(r"(?i)authorizer (?:cache hit|result from cache)|cached authorizer")),
)
_EFFECT_RE = re.compile(r"(?i)[\"']?Effect[\"']?\s*[:=]\s*[\"']?(Allow|Deny)")
_RESOURCE_RE = re.compile(r"(?i)[\"']?Resource[\"']?\s*[:=]\s*\[?\s*[\"']([^\"']+)[\"']")


_REQ_LINE = re.compile(r"^\s*(?:\S+\s+)?\(([0-9a-fA-F][\w.-]{3,})\)\s*(.*)$", re.MULTILINE)
_AUTHZ_LINE = re.compile(
    r"(?i)Starting authorizer|Authorizer result body|Using valid authorizer policy|authorizer execution"
)
_COMPLETED = re.compile(r"(?i)Method completed with status:?\s*(\d{3})")


def _per_request(text: str, ev: PasteFields) -> None:
    """Execution-log lines are prefixed "(request-id)": did the FAILING request run the authorizer?"""
    ran: dict[str, bool] = {}
    status: dict[str, int] = {}
    for m in _REQ_LINE.finditer(text):
        rid, rest = m.group(1), m.group(2)
        ran.setdefault(rid, False)
        if _AUTHZ_LINE.search(rest):
            ran[rid] = True
        done = _COMPLETED.search(rest)
        if done:
            status[rid] = int(done.group(1))
    failing = [rid for rid, code in status.items() if code == 403]
    if not failing or len(ran) < 1:
        return
    if any(not ran[rid] for rid in failing) and any(ran.values()):
        ev.logs.markers.add("failing_request_skipped_authorizer")
    elif all(ran[rid] for rid in failing):
        ev.logs.markers.add("failing_request_ran_authorizer")


def _parse_logs(text: str, ev: PasteFields) -> None:
    for name, pat in _LOG_MARKERS:
        if pat.search(text):
            ev.logs.markers.add(name)
    _per_request(text, ev)
    # Policy returned by the authorizer (log line or pasted authorizer output).
    covered = -1
    for m in re.finditer(r"(?i)(Authorizer result body before parsing|policyDocument)", text):
        if m.start() < covered:
            continue  # the same policy, already read from an earlier anchor
        window = text[m.start() : m.start() + 3000]
        covered = m.start() + len(window.split("\n", 1)[0])
        for e in _EFFECT_RE.finditer(window):
            ev.logs.authorizer_effects.append(e.group(1).capitalize())
        for r in _RESOURCE_RE.finditer(window):
            if r.group(1) not in ev.logs.authorizer_resources:
                ev.logs.authorizer_resources.append(r.group(1))
    for m in re.finditer(
        r"(?i)(?:response_?type|responseType|response\s+type|error\.responseType)[\"']?\s*[:=]?\s*[\"']?(ACCESS_DENIED|EXPIRED_TOKEN|INVALID_API_KEY|INVALID_SIGNATURE|MISSING_AUTHENTICATION_TOKEN|"
        r"WAF_FILTERED|UNAUTHORIZED|AUTHORIZER_FAILURE|AUTHORIZER_CONFIGURATION_ERROR|THROTTLED|QUOTA_EXCEEDED|"
        r"RESOURCE_NOT_FOUND)\b",
        text,
    ):
        rt = m.group(1).upper()
        if rt not in ev.logs.response_types:
            ev.logs.response_types.append(rt)
    if "WAF_FILTERED" in ev.logs.response_types:
        ev.logs.markers.add("waf_block")


def _parse_ttl(text: str, ev: PasteFields) -> None:
    for pat in (_TTL_RE, _TTL_RE_FOR, _TTL_RE_AFTER):
        m = pat.search(text)
        if m:
            value = int(m.group(1))
            unit = (m.group(2) or "s").lower()
            if unit.startswith("m"):
                value *= 60
            elif unit.startswith("h"):
                value *= 3600
            if value <= 86400:
                ev.ttl_seconds = value
                return


# Default 403 pages of web servers, CDNs and WAF appliances (Apache, Akamai, IIS, ModSecurity...).
_WEB_SERVER_PAGE = re.compile(
    r"(?i)you don't have permission to access|ErrorDocument to handle the request|"
    r"Microsoft-IIS|Reference\s+#\d+\.[0-9a-f.]+|Attention Required! \| Cloudflare|"
    r"Request unsuccessful\. Incapsula|ModSecurity|Apache/\d"
)


def _parse_html_and_origin(text: str, ev: PasteFields) -> None:
    low = text.lower()
    if re.search(r"<html|<!doctype html|<h1>|<title>", low):
        ev.html_body = True
    server = ev.headers.get("server", "").lower()
    via = ev.headers.get("via", "").lower()
    xcache = ev.headers.get("x-cache", "").lower()
    apigw_answered = bool(ev.request_ids) or "x-amzn-errortype" in ev.headers
    # Edge-optimized APIs answer through CloudFront: "x-cache: Error from cloudfront" then only
    # means "not cached", unless API Gateway's own headers are missing.
    if "the request could not be satisfied" in low or (
        "error from cloudfront" in xcache and not apigw_answered
    ):
        ev.origin = "cloudfront"
    elif "cf-ray" in ev.headers or "cf-mitigated" in ev.headers or "cloudflare" in server:
        ev.origin = "cloudflare"
    elif _WEB_SERVER_PAGE.search(text) and not apigw_answered:
        ev.origin = "web server"
    elif "awselb" in server or "awselb/" in low:
        ev.origin = "awselb"
    elif "nginx" in server or (ev.html_body and "<center>nginx" in low):
        ev.origin = "nginx"
    elif server and any(
        s in server for s in ("apache", "envoy", "istio", "cloudflare", "akamai", "iis")
    ):
        ev.origin = server.split("/")[0]
    elif "hapi_error_body" in ev.logs.markers:
        ev.origin = "serverless-offline"
    elif "cloudfront" in via and ev.origin is None:
        ev.origin = None  # CloudFront in the path is normal for edge-optimized APIs


# ----------------------------------------------------------------------------- settle


def _add_error_type(ev: PasteFields, raw: str) -> None:
    name = raw.strip().strip("'\"")
    canonical = _ERROR_TYPE_BY_LOWER.get(name.lower(), name)
    if canonical and re.fullmatch(r"[A-Za-z]+", canonical) and canonical not in ev.error_types:
        ev.error_types.append(canonical)


def _settle(ev: PasteFields) -> None:
    """Pick single values from what was collected and decide whether API Gateway answered."""
    header_type = ev.headers.get("x-amzn-errortype")
    if header_type:
        ev.error_type = _ERROR_TYPE_BY_LOWER.get(
            header_type.split(":", 1)[0].strip().lower(), header_type.split(":", 1)[0].strip()
        )
    elif ev.error_types:
        ev.error_type = ev.error_types[0]
    if ev.messages:
        ev.message = ev.messages[0]
    plausible = [s for s in ev.statuses if 100 <= s <= 599]
    if plausible:
        # A status line beats prose; among prose mentions, a 403 is what the report is about.
        counts = Counter(plausible)
        ev.status = (
            403 if 403 in counts and counts[403] >= max(counts.values()) / 2 else plausible[0]
        )
    if ev.request_ids or (ev.host_kind in ("execute-api", "vpce") and ev.origin is None):
        ev.is_api_gateway = True
    elif ev.origin is not None or ev.host_kind == "local":
        ev.is_api_gateway = False
    elif ev.error_type in (
        "AccessDeniedException",
        "ForbiddenException",
        "MissingAuthenticationTokenException",
    ):
        ev.is_api_gateway = True
    if ev.api_id is None:
        for arn in ev.resource_arns:
            m = _EXECUTE_API_ARN_RE.match(arn)
            if m and m.group(3) != "*":
                ev.api_id, ev.region = m.group(3), m.group(1) or ev.region
                break
