"""The declarative scenario format: one YAML file describes a broken API, how to call it and
what the failing call must return. `provision.py` builds it through boto3; the demo and the
end-to-end suite replay its `requests`.

Placeholders `{api_id}`, `{region}`, `{account_id}`, `{stage}` are substituted in resource
policies, headers and request paths once the API exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SANDBOX_DIR = Path(__file__).resolve().parent
SCENARIOS_DIR = SANDBOX_DIR / "scenarios"

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


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


class IntegrationSpec(_Strict):
    """MOCK answers `status_code` with `body`; LAMBDA_PROXY calls `function`."""

    type: Literal["MOCK", "LAMBDA_PROXY"] = "MOCK"
    status_code: int = 200
    body: str = '{"ok": true}'
    function: LambdaSpec | None = None

    @model_validator(mode="after")
    def _proxy_needs_function(self) -> IntegrationSpec:
        if self.type == "LAMBDA_PROXY" and self.function is None:
            raise ValueError("a LAMBDA_PROXY integration needs `function`")
        return self


class MethodSpec(_Strict):
    authorization: Literal["NONE", "CUSTOM", "AWS_IAM"] = "NONE"
    authorizer: str | None = Field(None, description="name of an authorizer of this API")
    api_key_required: bool = False
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


class StageCacheSpec(_Strict):
    """The stage's cache cluster and its stage-wide (`*/*`) per-key invalidation settings."""

    require_authorization: bool = True
    unauthorized_strategy: Literal[
        "FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"
    ] = "SUCCEED_WITH_RESPONSE_HEADER"
    ttl: int = Field(300, ge=0, le=3600)


class ApiSpec(_Strict):
    type: Literal["REST"] = "REST"
    name: str
    endpoint_type: Literal["REGIONAL", "EDGE", "PRIVATE"] = "REGIONAL"
    stage: str = "prod"
    disable_execute_api_endpoint: bool = False
    resource_policy: dict[str, Any] | None = None
    authorizers: list[AuthorizerSpec] = Field(default_factory=list)
    resources: list[ResourceSpec]
    api_keys: list[ApiKeySpec] = Field(default_factory=list)
    usage_plans: list[UsagePlanSpec] = Field(default_factory=list)
    gateway_responses: list[GatewayResponseSpec] = Field(default_factory=list)
    undeployed: UndeployedSpec | None = None
    logging: StageLoggingSpec | None = None
    custom_domain: CustomDomainSpec | None = None
    stage_cache: StageCacheSpec | None = None
    extra_stages: list[str] = Field(
        default_factory=list, description="more stages running the same deployment as `stage`"
    )

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
    kind: Literal["jwt_hs256"] = "jwt_hs256"
    secret: str
    claims: dict[str, Any] = Field(default_factory=dict)
    expires_in: float | None = 3600
    prefix: str = "Bearer "  # what goes before the JWT in the header


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
    sigv4_as: Literal[
        "session", "iam_user", "deleted_key", "wrong_secret", "no_invoke_user", "denied_user"
    ] = "session"
    # The signature's date, this many seconds before now (negative: ahead): a signed request
    # kept and sent later, or a client clock that is off (sigv4-signature-expired).
    sigv4_signed_ago: int = Field(0, ge=-86400, le=86400)
    # Sent to http://{api.custom_domain.name}{path} (the path starts with the base path).
    via_custom_domain: bool = False
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
    tokens: dict[str, TokenSpec] = Field(default_factory=dict)
    requests: list[RequestSpec]
    symptom: str = Field(description="name of the request whose 403 is the incident")
    fix: str | None = Field(
        None,
        description="the catalogue fix (of `cause`) that makes the symptom request succeed: its "
        "printed commands and `--apply` are tested; None when the fix is the client's",
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
        if self.api.custom_domain is None and any(r.via_custom_domain for r in self.requests):
            raise ValueError("a request via_custom_domain needs api.custom_domain")
        if self.symptom not in {r.name for r in self.requests}:
            raise ValueError(f"symptom {self.symptom!r} names no request")
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
    import yaml
    from pydantic import ValidationError

    from wizard.analysis.bounded import BoundedParseError, load_yaml, read_capped

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
