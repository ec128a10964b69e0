"""The declarative scenario format: one YAML file describes a broken API, how to call it and
what the failing call must return. `provision.py` builds it through boto3; the demo and the
end-to-end suite replay its `requests`.

Placeholders `{api_id}`, `{region}`, `{account_id}`, `{stage}` are substituted in resource
policies, headers and request paths once the API exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from wizard.analysis.bounded import BoundedParseError, load_yaml, read_capped

SANDBOX_DIR = Path(__file__).resolve().parent
SCENARIOS_DIR = SANDBOX_DIR / "scenarios"

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


ID_BACKEND = "backends/ws_connection_id.py"  # answers a message with its connection id


class LambdaSpec(_Strict):
    """A Python Lambda function whose source file lives under wizard/sandbox/."""

    name: str
    code: str = Field(description="path relative to wizard/sandbox, e.g. authorizers/x.py")
    handler: str = "handler"
    runtime: str = "python3.12"
    environment: dict[str, str] = Field(default_factory=dict)

    @property
    def code_path(self) -> Path:
        return SANDBOX_DIR / self.code


class AuthorizerSpec(_Strict):
    name: str
    type: Literal["TOKEN", "REQUEST"] = "TOKEN"
    identity_source: str = "method.request.header.Authorization"
    ttl: int = Field(300, ge=0, le=3600)
    identity_validation_expression: str | None = None
    function: LambdaSpec


class JwtSpec(_Strict):
    """A JWT authorizer's issuer and audience. With `user_pool`, the issuer is that scenario
    user pool's (`https://cognito-idp.{region}.amazonaws.com/{pool id}`, whose keys the emulator
    serves) and an audience entry naming one of its app clients becomes that client's id."""

    user_pool: str | None = Field(None, description="name of one of the scenario's user_pools")
    issuer: str | None = Field(None, description="a literal issuer (overrides user_pool's)")
    audience: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_issuer(self) -> JwtSpec:
        if self.user_pool is None and self.issuer is None:
            raise ValueError("a JWT authorizer needs `user_pool` or `issuer`")
        return self


class V2AuthorizerSpec(_Strict):
    """An HTTP or WebSocket API authorizer (apigatewayv2 CreateAuthorizer).

    JWT (HTTP APIs): `jwt` names the issuer and audience. REQUEST: a Lambda `function`; on an HTTP
    API with `payload_format` 2.0 and `simple_responses` it answers {"isAuthorized": bool}, else
    an IAM policy (always a policy on a WebSocket API)."""

    name: str
    type: Literal["JWT", "REQUEST"]
    identity_source: list[str] = Field(default_factory=lambda: ["$request.header.Authorization"])
    ttl: int = Field(0, ge=0, le=3600)
    payload_format: Literal["1.0", "2.0"] = "2.0"
    simple_responses: bool = False
    jwt: JwtSpec | None = None
    function: LambdaSpec | None = None

    @model_validator(mode="after")
    def _type_fields(self) -> V2AuthorizerSpec:
        if (self.type == "JWT") != (self.jwt is not None):
            raise ValueError("`jwt` is required with type JWT, and only then")
        if (self.type == "REQUEST") != (self.function is not None):
            raise ValueError("`function` is required with type REQUEST, and only then")
        return self


class V2IntegrationSpec(_Strict):
    """LAMBDA_PROXY (AWS_PROXY) calls `function`; MOCK (WebSocket APIs only) answers at once."""

    type: Literal["LAMBDA_PROXY", "MOCK"] = "LAMBDA_PROXY"
    payload_format: Literal["1.0", "2.0"] = "2.0"
    function: LambdaSpec | None = None

    @model_validator(mode="after")
    def _proxy_needs_function(self) -> V2IntegrationSpec:
        if (self.type == "LAMBDA_PROXY") != (self.function is not None):
            raise ValueError(
                "`function` is required with a LAMBDA_PROXY integration, and only then"
            )
        return self


class RouteSpec(_Strict):
    """One route of an HTTP API (`GET /items/{id}`, `$default`) or WebSocket API (`$connect`)."""

    key: str = Field(pattern=r"^(\$[a-z]+|[A-Z]+ /\S*)$")
    authorization: Literal["NONE", "JWT", "CUSTOM", "AWS_IAM"] = "NONE"
    authorizer: str | None = Field(None, description="name of an authorizer of this API")
    scopes: list[str] = Field(default_factory=list, description="AuthorizationScopes (JWT)")
    integration: V2IntegrationSpec

    @model_validator(mode="after")
    def _authorizer_when_needed(self) -> RouteSpec:
        needs = self.authorization in ("JWT", "CUSTOM")
        if needs != (self.authorizer is not None):
            raise ValueError(
                "`authorizer` is required with authorization JWT or CUSTOM, and only then"
            )
        if self.scopes and self.authorization != "JWT":
            raise ValueError("`scopes` are for JWT routes only")
        return self


class AppClientSpec(_Strict):
    name: str
    secret: bool = False  # a confidential client (client_credentials needs one)
    oauth_scopes: list[str] = Field(
        default_factory=list, description="scopes it may ask for with client_credentials"
    )


class ResourceServerSpec(_Strict):
    identifier: str
    scopes: list[str] = Field(description="scope names; tokens carry them as identifier/name")


class PoolUserSpec(_Strict):
    name: str
    password: str


class UserPoolSpec(_Strict):
    """A Cognito user pool on the emulator: the issuer of the scenario's JWTs (RS256, with the
    JWKS the emulator serves at the pool's /.well-known/jwks.json)."""

    name: str
    clients: list[AppClientSpec] = Field(min_length=1)
    resource_servers: list[ResourceServerSpec] = Field(default_factory=list)
    users: list[PoolUserSpec] = Field(default_factory=list)


class IntegrationSpec(_Strict):
    """MOCK answers `status_code` with `body`; LAMBDA_PROXY calls `function`; HTTP (non-proxy)
    calls `backend` - a service behind its own API on the emulator (a Lambda-proxy REST API,
    stage `live`, at the same path) - sending it only the headers `request_parameters` map
    (`integration.request.header.X: method.request.header.X`), as API Gateway does."""

    type: Literal["MOCK", "LAMBDA_PROXY", "HTTP"] = "MOCK"
    status_code: int = 200
    body: str = '{"ok": true}'
    function: LambdaSpec | None = None
    backend: LambdaSpec | None = None
    request_parameters: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _proxy_needs_function(self) -> IntegrationSpec:
        if self.type == "LAMBDA_PROXY" and self.function is None:
            raise ValueError("a LAMBDA_PROXY integration needs `function`")
        if (self.type == "HTTP") != (self.backend is not None):
            raise ValueError("`backend` is required with an HTTP integration, and only then")
        if self.request_parameters and self.type != "HTTP":
            raise ValueError("`request_parameters` are for HTTP integrations")
        return self


class MethodSpec(_Strict):
    authorization: Literal["NONE", "CUSTOM", "AWS_IAM"] = "NONE"
    authorizer: str | None = Field(None, description="name of an authorizer of this API")
    api_key_required: bool = False
    # Method request parameters, e.g. {"method.request.header.Authorization": false}: what an
    # integration may map (the value says whether the parameter is required).
    request_parameters: dict[str, bool] = Field(default_factory=dict)
    integration: IntegrationSpec = Field(default_factory=IntegrationSpec)

    @model_validator(mode="after")
    def _custom_needs_authorizer(self) -> MethodSpec:
        if (self.authorization == "CUSTOM") != (self.authorizer is not None):
            raise ValueError("`authorizer` is required with authorization CUSTOM, and only then")
        return self


class ResourceSpec(_Strict):
    path: str = Field(pattern=r"^/")
    methods: dict[HttpMethod, MethodSpec]


class GatewayResponseSpec(_Strict):
    """A customised gateway response (PutGatewayResponse), e.g. 401 UNAUTHORIZED shown as 403."""

    type: str = Field(pattern=r"^[A-Z_0-9]+$", description="responseType, e.g. UNAUTHORIZED")
    status_code: str = Field(pattern=r"^[1-5][0-9][0-9]$")
    templates: dict[str, str] = Field(default_factory=dict)


class ApiKeySpec(_Strict):
    name: str
    value: str | None = None  # fixed value (>= 20 chars in AWS) or generated
    enabled: bool = True


class UsagePlanSpec(_Strict):
    name: str
    stages: list[str] = Field(default_factory=list, description="stages of this API in the plan")
    keys: list[str] = Field(default_factory=list, description="names of api_keys in the plan")


class UndeployedSpec(_Strict):
    """Changes saved after the stage's deployment and never deployed: the control plane shows
    them, the stage keeps serving its deployment (the fidelity layer's deployment snapshots)."""

    resources: list[ResourceSpec] = Field(
        default_factory=list, description="resources or methods added after the deployment"
    )
    resource_policy: dict[str, Any] | None = Field(
        None, description="the resource policy saved after the deployment"
    )


Protocol = Literal["REST", "HTTP", "WEBSOCKET"]


class StageLoggingSpec(_Strict):
    """The stage's CloudWatch logging (UpdateStage), which the fidelity layer honours: execution
    logs in API-Gateway-Execution-Logs_{api_id}/{stage}, access logs in `access_log_group`
    (created with the stage, as the access-log destination must exist) in `access_format`."""

    execution: Literal["OFF", "ERROR", "INFO"] = "OFF"
    access_log_group: str | None = None
    access_format: str = (
        '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
        '"httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath",'
        '"status":"$context.status","responseType":"$context.error.responseType",'
        '"message":$context.error.messageString,'
        '"principalId":"$context.authorizer.principalId"}'
    )


class BasePathMappingSpec(_Strict):
    base_path: str = Field(pattern=r"^(\(none\)|[A-Za-z0-9._-]+)$", description="(none): the root")
    stage: str


class CustomDomainSpec(_Strict):
    """A REST custom domain name (REGIONAL) with its base path mappings to this API. The
    emulator routes it by Host header; requests with `via_custom_domain` are sent to it."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*\.[a-z]+$")
    mappings: list[BasePathMappingSpec] = Field(default_factory=list)


class VpcEndpointSpec(_Strict):
    """An interface VPC endpoint for execute-api (in a VPC of its own) that a PRIVATE API is
    associated with (`vpcEndpointIds`); requests `via_vpc_endpoint` name it as AWS's
    `{api_id}-{vpce_id}` alias does (the fidelity layer's vpc_endpoint_path). `{vpce_id}` is a
    placeholder in the resource policy; `policy` is the endpoint policy (default full access)."""

    policy: dict[str, Any] | None = None


class StageCacheSpec(_Strict):
    """The stage's cache cluster and its stage-wide (`*/*`) per-key invalidation settings."""

    require_authorization: bool = True
    unauthorized_strategy: Literal[
        "FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"
    ] = "SUCCEED_WITH_RESPONSE_HEADER"
    ttl: int = Field(300, ge=0, le=3600)


class WebAclRuleSpec(_Strict):
    """One rule of the stage's web ACL: `action` on requests from `source_ips` (an IP set is
    made for them) or on requests whose `header` equals `header_value` (case-insensitively)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,128}$")
    priority: int = Field(ge=0)
    action: Literal["Block", "Allow", "Count"] = "Block"
    source_ips: list[str] = Field(default_factory=list, description="CIDRs, e.g. 127.0.0.1/32")
    header: str | None = Field(None, pattern=r"^[A-Za-z0-9-]{1,64}$")
    header_value: str | None = None

    @model_validator(mode="after")
    def _one_statement(self) -> WebAclRuleSpec:
        if bool(self.source_ips) == (self.header is not None):
            raise ValueError("a web ACL rule matches `source_ips` or a `header`, exactly one")
        if (self.header is None) != (self.header_value is None):
            raise ValueError("`header` and `header_value` go together")
        return self


class WebAclSpec(_Strict):
    """A regional AWS WAF web ACL associated with the stage (the fidelity layer filters the
    stage's requests through it)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,128}$")
    default_action: Literal["Allow", "Block"] = "Allow"
    rules: list[WebAclRuleSpec] = Field(default_factory=list)


class ApiSpec(_Strict):
    protocol: Protocol = Field(
        "REST",
        validation_alias=AliasChoices("protocol", "type"),
        description="REST (apigateway) or HTTP / WEBSOCKET (apigatewayv2)",
    )
    name: str
    endpoint_type: Literal["REGIONAL", "EDGE", "PRIVATE"] = "REGIONAL"
    stage: str = "prod"
    disable_execute_api_endpoint: bool = False
    resource_policy: dict[str, Any] | None = None
    authorizers: list[AuthorizerSpec] = Field(default_factory=list)
    resources: list[ResourceSpec] = Field(default_factory=list)
    # HTTP and WebSocket APIs (apigatewayv2): routes and their authorizers instead of resources.
    routes: list[RouteSpec] = Field(default_factory=list)
    v2_authorizers: list[V2AuthorizerSpec] = Field(default_factory=list)
    auto_deploy: bool = Field(True, description="v2 stages: deploy every change at once")
    route_selection_expression: str = "$request.body.action"
    api_keys: list[ApiKeySpec] = Field(default_factory=list)
    usage_plans: list[UsagePlanSpec] = Field(default_factory=list)
    gateway_responses: list[GatewayResponseSpec] = Field(default_factory=list)
    undeployed: UndeployedSpec | None = None
    logging: StageLoggingSpec | None = None
    custom_domain: CustomDomainSpec | None = None
    vpc_endpoint: VpcEndpointSpec | None = None
    stage_cache: StageCacheSpec | None = None
    web_acl: WebAclSpec | None = None
    extra_stages: list[str] = Field(
        default_factory=list, description="more stages running the same deployment as `stage`"
    )
    # WebSocket APIs: hold one connection open for the sandbox's life; its id is
    # `{connection_id}` in request paths (the $default route's backend tells it).
    live_connection: bool = False

    @model_validator(mode="after")
    def _protocol_fields(self) -> ApiSpec:
        rest_only = {
            "resources": self.resources,
            "authorizers": self.authorizers,
            "api_keys": self.api_keys,
            "usage_plans": self.usage_plans,
            "gateway_responses": self.gateway_responses,
            "resource_policy": self.resource_policy,
            "undeployed": self.undeployed,
            "web_acl": self.web_acl,
        }
        if self.vpc_endpoint is not None and (
            self.protocol != "REST" or self.endpoint_type != "PRIVATE"
        ):
            raise ValueError("`vpc_endpoint` is for PRIVATE REST APIs")
        if self.protocol == "REST":
            if not self.resources:
                raise ValueError("a REST API needs `resources`")
            if self.routes or self.v2_authorizers:
                raise ValueError("`routes` and `v2_authorizers` are for HTTP and WEBSOCKET APIs")
            if self.live_connection:
                raise ValueError("`live_connection` is for WEBSOCKET APIs")
            return self
        used = sorted(k for k, v in rest_only.items() if v)
        if used:
            raise ValueError(f"{', '.join(used)}: REST APIs only (this API is {self.protocol})")
        if not self.routes:
            raise ValueError(f"an {self.protocol} API needs `routes`")
        names = {a.name for a in self.v2_authorizers}
        for route in self.routes:
            if route.authorizer is not None and route.authorizer not in names:
                raise ValueError(
                    f"route {route.key}: unknown authorizer {route.authorizer!r} (have {sorted(names)})"
                )
            if self.protocol == "WEBSOCKET" and not route.key.startswith("$"):
                raise ValueError(f"route {route.key}: WebSocket route keys start with $")
            if self.protocol == "HTTP" and route.integration.type == "MOCK":
                raise ValueError(f"route {route.key}: HTTP APIs have no MOCK integration")
        if self.live_connection:
            default = [r for r in self.routes if r.key == "$default"]
            fn = default[0].integration.function if default else None
            if self.protocol != "WEBSOCKET" or fn is None or fn.code != ID_BACKEND:
                raise ValueError(
                    f"`live_connection` needs a WEBSOCKET API whose $default route runs {ID_BACKEND}"
                )
        for auth in self.v2_authorizers:
            if auth.type == "JWT" and self.protocol != "HTTP":
                raise ValueError(f"authorizer {auth.name}: JWT authorizers are for HTTP APIs")
        return self

    @model_validator(mode="after")
    def _references_exist(self) -> ApiSpec:
        names = {a.name for a in self.authorizers}
        later = self.undeployed.resources if self.undeployed is not None else []
        for res in [*self.resources, *later]:
            for verb, m in res.methods.items():
                if m.authorizer is not None and m.authorizer not in names:
                    raise ValueError(
                        f"{verb} {res.path}: unknown authorizer {m.authorizer!r} (have {sorted(names)})"
                    )
        keys = {k.name for k in self.api_keys}
        for plan in self.usage_plans:
            for k in plan.keys:
                if k not in keys:
                    raise ValueError(f"usage plan {plan.name}: unknown api key {k!r}")
        return self


class TokenSpec(_Strict):
    """A token the requests send. `jwt_hs256`: minted here with `secret` and `claims`.
    `cognito_id` / `cognito_access`: the ID or access token of `user` of `user_pool`, signed in
    through `client` (USER_PASSWORD_AUTH). `cognito_client_credentials`: the access token the
    pool's token endpoint issues to `client` for `scopes` (RS256, verifiable with the pool's
    JWKS, as a JWT authorizer does)."""

    kind: Literal["jwt_hs256", "cognito_id", "cognito_access", "cognito_client_credentials"] = (
        "jwt_hs256"
    )
    secret: str | None = None
    claims: dict[str, Any] = Field(default_factory=dict)
    expires_in: float | None = 3600
    prefix: str = "Bearer "  # what goes before the JWT in the header
    user_pool: str | None = None
    client: str | None = None
    user: str | None = None
    scopes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind_fields(self) -> TokenSpec:
        if self.kind == "jwt_hs256":
            if self.secret is None:
                raise ValueError("a jwt_hs256 token needs `secret`")
            return self
        if self.user_pool is None or self.client is None:
            raise ValueError(f"a {self.kind} token needs `user_pool` and `client`")
        if self.kind != "cognito_client_credentials" and self.user is None:
            raise ValueError(f"a {self.kind} token needs `user`")
        return self


class Expect(_Strict):
    status: int
    error_type: str | None = None  # x-amzn-ErrorType, e.g. AccessDeniedException
    message: str | None = None  # the JSON body's "message"


class RequestSpec(_Strict):
    """One HTTP call of the reproduction, sent in order."""

    name: str
    method: HttpMethod
    path: str = Field(pattern=r"^/")
    stage: str | None = Field(None, description="the stage in the URL, when not the API's stage")
    token: str | None = Field(None, description="name of a token; sent in `token_header`")
    token_header: str = "Authorization"
    api_key: str | None = Field(None, description="name of an api key; sent as x-api-key")
    sigv4: bool = False
    # Whose keys sign it (the demo's SigV4 scenarios, under emulator auth): the session's, an IAM
    # user's, an IAM user's key that was since deleted, or the right key id with a wrong secret.
    # `no_invoke_user`: an IAM user whose policies do not allow execute-api:Invoke;
    # `denied_user`: one whose policy allows it and explicitly denies it on this API.
    # `partner_user`: an IAM user of another account (signing.PARTNER_ACCOUNT) whose own policy
    # allows execute-api:Invoke: a cross-account caller (needs emulator auth, which keeps the
    # accounts apart by access key).
    sigv4_as: Literal[
        "session",
        "iam_user",
        "deleted_key",
        "wrong_secret",
        "no_invoke_user",
        "denied_user",
        "temporary",
        "temporary_no_token",
        "partner_user",
    ] = "session"
    # WebSocket APIs: open the connection (the HTTP upgrade that runs $connect); `expect.status`
    # is the handshake's answer, 101 when it is accepted.
    websocket: bool = False
    token_query: str | None = Field(
        None, description="send the token in this query-string parameter, not a header"
    )
    query: dict[str, str] = Field(default_factory=dict)
    # The signature's date, this many seconds before now (negative: ahead): a signed request
    # kept and sent later, or a client clock that is off (sigv4-signature-expired).
    sigv4_signed_ago: int = Field(0, ge=-86400, le=86400)
    # Sent to http://{api.custom_domain.name}{path} (the path starts with the base path).
    via_custom_domain: bool = False
    # Sent through api.vpc_endpoint: the API id in the URL is the `{api_id}-{vpce_id}` alias.
    via_vpc_endpoint: bool = False
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    delay_seconds: float = Field(0, ge=0, le=30)
    expect: Expect


class EmulatorSpec(_Strict):
    auth: bool = False  # AUTH=true: SigV4 and resource policies enforced


class Scenario(_Strict):
    schema_version: Literal[1] = 1
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = Field(description="one line, shown by `demo --list`")
    cause: str = Field(description="the catalogue cause id this scenario reproduces")
    emulator: EmulatorSpec = Field(default_factory=EmulatorSpec)
    api: ApiSpec
    user_pools: list[UserPoolSpec] = Field(
        default_factory=list, description="Cognito user pools: the issuers of JWT authorizers"
    )
    tokens: dict[str, TokenSpec] = Field(default_factory=dict)
    requests: list[RequestSpec]
    symptom: str = Field(description="name of the request whose 403 is the incident")
    fix: str | None = Field(
        None,
        description="the catalogue fix (of `cause`) that makes the symptom request succeed: its "
        "printed commands and `--apply` are tested; None when the fix is the client's",
    )
    client_side: str | None = Field(
        None,
        description="scenarios without `fix`: why no change to the API makes the symptom "
        "request succeed (shown in docs/causes-coverage.md)",
    )
    client_fix: str | None = Field(
        None,
        description="the client-side catalogue fix (of `cause`) whose corrected request, sent "
        "for real as printed, makes the symptom request succeed (tests/scenarios/"
        "test_client_fix.py; signed with the credentials of the scenario's request that works)",
    )
    execution_log_lines: list[str] = Field(
        default_factory=list,
        description="lines written to API-Gateway-Execution-Logs_{api_id}/{stage}, because "
        "MiniStack writes no API Gateway execution logs",
    )
    notes: str | None = None

    @model_validator(mode="after")
    def _references_exist(self) -> Scenario:
        keys = {k.name for k in self.api.api_keys}
        for req in self.requests:
            if req.token is not None and req.token not in self.tokens:
                raise ValueError(f"request {req.name}: unknown token {req.token!r}")
            if req.api_key is not None and req.api_key not in keys:
                raise ValueError(f"request {req.name}: unknown api key {req.api_key!r}")
        pools = {p.name: p for p in self.user_pools}
        if pools and self.api.protocol != "HTTP":
            raise ValueError("user_pools are the issuers of HTTP API JWT authorizers: HTTP only")
        for auth in self.api.v2_authorizers:
            if auth.jwt is not None and auth.jwt.user_pool not in (None, *pools):
                raise ValueError(
                    f"authorizer {auth.name}: unknown user pool {auth.jwt.user_pool!r}"
                )
        for name, tok in self.tokens.items():
            if tok.user_pool is None:
                continue
            pool = pools.get(tok.user_pool)
            if pool is None:
                raise ValueError(f"token {name}: unknown user pool {tok.user_pool!r}")
            if tok.client not in {c.name for c in pool.clients}:
                raise ValueError(
                    f"token {name}: user pool {pool.name} has no client {tok.client!r}"
                )
            if tok.user is not None and tok.user not in {u.name for u in pool.users}:
                raise ValueError(f"token {name}: user pool {pool.name} has no user {tok.user!r}")
        for req in self.requests:
            if req.sigv4 and req.sigv4_as == "partner_user" and not self.emulator.auth:
                raise ValueError(
                    f"request {req.name}: a partner_user signature needs emulator auth: true "
                    "(only then does the access key choose the account)"
                )
            if req.websocket and self.api.protocol != "WEBSOCKET":
                raise ValueError(f"request {req.name}: `websocket` needs a WEBSOCKET API")
        if self.api.custom_domain is None and any(r.via_custom_domain for r in self.requests):
            raise ValueError("a request via_custom_domain needs api.custom_domain")
        if self.api.vpc_endpoint is None and any(r.via_vpc_endpoint for r in self.requests):
            raise ValueError("a request via_vpc_endpoint needs api.vpc_endpoint")
        if self.symptom not in {r.name for r in self.requests}:
            raise ValueError(f"symptom {self.symptom!r} names no request")
        if self.fix is not None and self.client_side is not None:
            raise ValueError("`client_side` says why there is no API fix: not with `fix`")
        if self.fix is not None and self.client_fix is not None:
            raise ValueError("a scenario's fix is the API's (`fix`) or the client's (`client_fix`)")
        return self

    def symptom_request(self) -> RequestSpec:
        return next(r for r in self.requests if r.name == self.symptom)


class ScenarioError(ValueError):
    """A scenario file is missing or invalid (one line, names the file)."""


def scenario_path(name: str) -> Path:
    return SCENARIOS_DIR / f"{name}.yaml"


def list_scenarios() -> list[Scenario]:
    return [load_scenario(p) for p in sorted(SCENARIOS_DIR.glob("*.yaml"))]


def load_scenario(name_or_path: str | Path) -> Scenario:
    # lazy: PyYAML 87 ms (-X importtime); only this file-reading path needs it
    import yaml

    # lazy: pydantic 106 ms (-X importtime); only scenario validation needs it
    from pydantic import ValidationError

    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = scenario_path(str(name_or_path))
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(SCENARIOS_DIR.glob("*.yaml")))
        raise ScenarioError(f"no scenario {str(name_or_path)!r} (known: {known})")
    try:
        data = load_yaml(read_capped(path, what="scenario"), what=str(path))
        return Scenario.model_validate(data)
    except (BoundedParseError, OSError) as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: invalid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScenarioError(f"{path}: {where}: {first['msg']}") from exc
