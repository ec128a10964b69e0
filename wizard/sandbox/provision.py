"""Build a scenario's broken API through boto3, the way the wizard's own AWS layer talks to AWS.

`provision(scenario, clients)` creates the Lambda functions, the REST API (resources, methods,
MOCK or Lambda-proxy integrations, authorizers, resource policy), deploys the stage, creates
API keys and usage plans, mints the scenario's tokens, and returns a `Provisioned` record
(ids, URLs, tokens) that the demo, the tests and `diagnose` use. Only ever run it against the
emulator: the demo and tests pass clients bound to 127.0.0.1.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from wizard.sandbox.lambdas import (
    ensure_function,
    grant_invoke,
    lambda_role_arn,
    lambda_uri,
)
from wizard.sandbox.provision_v2 import provision_v2
from wizard.sandbox.provision_web_acl import create_web_acl
from wizard.sandbox.provisioned import (
    ClientFactory,
    Provisioned,
    data_plane_url,
    v2_data_plane_url,
)
from wizard.sandbox.scenario import (
    ApiSpec,
    IntegrationSpec,
    LambdaSpec,
    MethodSpec,
    RequestSpec,
    ResourceSpec,
    Scenario,
)
from wizard.sandbox.tokens import mint_hs256


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace `{name}` placeholders we know; leave every other brace untouched."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _substitute_deep(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return substitute(value, values)
    if isinstance(value, list):
        return [_substitute_deep(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _substitute_deep(v, values) for k, v in value.items()}
    return value


def _ensure_resource(apigw: Any, api_id: str, path: str, ids: dict[str, str]) -> str:
    """Create every missing segment of `path` and return the leaf resource id."""
    current = ""
    for segment in [s for s in path.split("/") if s]:
        parent = ids[current or "/"]
        current = f"{current}/{segment}"
        if current not in ids:
            made = apigw.create_resource(restApiId=api_id, parentId=parent, pathPart=segment)
            ids[current] = str(made["id"])
    return ids[current or "/"]


def _put_integration(
    apigw: Any,
    api_id: str,
    resource_id: str,
    verb: str,
    integ: IntegrationSpec,
    region: str,
    function_arn: str | None,
) -> None:
    if integ.type == "LAMBDA_PROXY":
        assert function_arn is not None
        apigw.put_integration(
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=verb,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=lambda_uri(region, function_arn),
        )
        return
    if integ.type == "HTTP":
        raise AssertionError("HTTP integrations are put by _put_http_integration")
    status = str(integ.status_code)
    apigw.put_integration(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=verb,
        type="MOCK",
        requestTemplates={"application/json": json.dumps({"statusCode": integ.status_code})},
    )
    apigw.put_method_response(
        restApiId=api_id, resourceId=resource_id, httpMethod=verb, statusCode=status
    )
    apigw.put_integration_response(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=verb,
        statusCode=status,
        responseTemplates={"application/json": integ.body},
    )


def _backend_url(
    apigw: Any, lam: Any, path: str, fn: LambdaSpec, out: Provisioned, role: str
) -> str:
    """The URL of a service behind its own API on the emulator: a REST API whose `path` runs
    `fn` as a Lambda proxy, deployed to stage `live` (what an HTTP integration calls)."""
    fn_arn = ensure_function(lam, fn, role, out.function_arns)
    made = apigw.create_rest_api(name=f"{fn.name}-service")
    backend = Provisioned(out.scenario, str(made["id"]), "live", out.region, out.account_id, "")
    root = next(
        r for r in apigw.get_resources(restApiId=backend.api_id)["items"] if r["path"] == "/"
    )
    backend.resource_ids["/"] = str(root["id"])
    resource_id = _ensure_resource(apigw, backend.api_id, path, backend.resource_ids)
    apigw.put_method(
        restApiId=backend.api_id, resourceId=resource_id, httpMethod="ANY", authorizationType="NONE"
    )
    grant_invoke(lam, fn.name, backend.api_id, out.region, out.account_id)
    apigw.put_integration(
        restApiId=backend.api_id,
        resourceId=resource_id,
        httpMethod="ANY",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=lambda_uri(out.region, fn_arn),
    )
    apigw.create_deployment(restApiId=backend.api_id, stageName="live")
    return data_plane_url(out.endpoint_url, backend.api_id, "live", path)


def _put_http_integration(
    apigw: Any, out: Provisioned, resource_id: str, verb: str, integ: IntegrationSpec, uri: str
) -> None:
    """A non-proxy HTTP integration to `uri`: the backend's 2xx answers 200 and its 403 answers
    403 (the integration responses a team writes so a refusal is not turned into a 200)."""
    apigw.put_integration(
        restApiId=out.api_id,
        resourceId=resource_id,
        httpMethod=verb,
        type="HTTP",
        integrationHttpMethod=verb,
        uri=uri,
        requestParameters=dict(integ.request_parameters),
    )
    for status, pattern in (("200", ""), ("403", "403")):
        apigw.put_method_response(
            restApiId=out.api_id, resourceId=resource_id, httpMethod=verb, statusCode=status
        )
        apigw.put_integration_response(
            restApiId=out.api_id,
            resourceId=resource_id,
            httpMethod=verb,
            statusCode=status,
            selectionPattern=pattern,
        )


def _create_methods(
    apigw: Any,
    lam: Any,
    resources: list[ResourceSpec],
    out: Provisioned,
    role_arn: str,
) -> None:
    for res in resources:
        resource_id = _ensure_resource(apigw, out.api_id, res.path, out.resource_ids)
        for verb, method in res.methods.items():
            _put_method(apigw, out, resource_id, verb, method)
            if method.integration.backend is not None:
                uri = _backend_url(apigw, lam, res.path, method.integration.backend, out, role_arn)
                _put_http_integration(apigw, out, resource_id, verb, method.integration, uri)
                continue
            fn_arn = None
            if method.integration.function is not None:
                fn_arn = ensure_function(
                    lam, method.integration.function, role_arn, out.function_arns
                )
                grant_invoke(
                    lam, method.integration.function.name, out.api_id, out.region, out.account_id
                )
            _put_integration(
                apigw, out.api_id, resource_id, verb, method.integration, out.region, fn_arn
            )


def _put_method(apigw: Any, out: Provisioned, resource_id: str, verb: str, m: MethodSpec) -> None:
    kwargs: dict[str, Any] = {
        "restApiId": out.api_id,
        "resourceId": resource_id,
        "httpMethod": verb,
        "authorizationType": m.authorization,
        "apiKeyRequired": m.api_key_required,
    }
    if m.authorizer is not None:
        kwargs["authorizerId"] = out.authorizer_ids[m.authorizer]
    if m.request_parameters:
        kwargs["requestParameters"] = dict(m.request_parameters)
    apigw.put_method(**kwargs)


def _put_resource_policy(apigw: Any, policy: dict[str, Any], out: Provisioned) -> None:
    value = json.dumps(_substitute_deep(policy, out.substitutions()))
    apigw.update_rest_api(
        restApiId=out.api_id,
        patchOperations=[{"op": "replace", "path": "/policy", "value": value}],
    )


def _create_keys_and_plans(apigw: Any, api: ApiSpec, out: Provisioned) -> None:
    for key in api.api_keys:
        kwargs: dict[str, Any] = {"name": key.name, "enabled": key.enabled}
        if key.value is not None:
            kwargs["value"] = key.value
        made = apigw.create_api_key(**kwargs)
        value = (
            made.get("value") or apigw.get_api_key(apiKey=made["id"], includeValue=True)["value"]
        )
        out.api_keys[key.name] = {"id": str(made["id"]), "value": str(value)}
    for plan in api.usage_plans:
        stages = [{"apiId": out.api_id, "stage": s} for s in plan.stages]
        made = apigw.create_usage_plan(name=plan.name, apiStages=stages)
        out.usage_plan_ids[plan.name] = str(made["id"])
        for key_name in plan.keys:
            apigw.create_usage_plan_key(
                usagePlanId=made["id"], keyId=out.api_keys[key_name]["id"], keyType="API_KEY"
            )


def _turn_on_logging(apigw: Any, logs: Any, api: ApiSpec, out: Provisioned) -> None:
    """The stage's execution and access logging, as `api.logging` says (UpdateStage)."""
    spec = api.logging
    if spec is None:
        return
    patches = [{"op": "replace", "path": "/*/*/logging/loglevel", "value": spec.execution}]
    if spec.access_log_group is not None:
        logs.create_log_group(logGroupName=spec.access_log_group)
        arn = f"arn:aws:logs:{out.region}:{out.account_id}:log-group:{spec.access_log_group}"
        patches += [
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": arn},
            {"op": "replace", "path": "/accessLogSettings/format", "value": spec.access_format},
        ]
    apigw.update_stage(restApiId=out.api_id, stageName=out.stage, patchOperations=patches)


def _turn_on_cache(apigw: Any, api: ApiSpec, out: Provisioned) -> None:
    """The stage's cache cluster, caching for every method and its invalidation settings."""
    spec = api.stage_cache
    if spec is None:
        return
    wide = "/*/*/caching/"
    values = {
        "/cacheClusterEnabled": "true",
        "/cacheClusterSize": "0.5",
        f"{wide}enabled": "true",
        f"{wide}ttlInSeconds": str(spec.ttl),
        f"{wide}requireAuthorizationForCacheControl": str(spec.require_authorization).lower(),
        f"{wide}unauthorizedCacheControlHeaderStrategy": spec.unauthorized_strategy,
    }
    patches = [{"op": "replace", "path": k, "value": v} for k, v in values.items()]
    apigw.update_stage(restApiId=out.api_id, stageName=out.stage, patchOperations=patches)


def _create_custom_domain(apigw: Any, api: ApiSpec, out: Provisioned) -> None:
    """The REGIONAL custom domain and its base path mappings (the certificate is never read by
    the emulator, so any ACM ARN of the account does)."""
    spec = api.custom_domain
    if spec is None:
        return
    apigw.create_domain_name(
        domainName=spec.name,
        regionalCertificateArn=f"arn:aws:acm:{out.region}:{out.account_id}:certificate/sandbox",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    for m in spec.mappings:
        apigw.create_base_path_mapping(
            domainName=spec.name, basePath=m.base_path, restApiId=out.api_id, stage=m.stage
        )
    out.domain_name = spec.name


def _create_vpc_endpoint(ec2: Any, region: str) -> str:
    """An interface endpoint for execute-api in a VPC of its own; its id."""
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    made = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{region}.execute-api",
        VpcEndpointType="Interface",
    )
    return str(made["VpcEndpoint"]["VpcEndpointId"])


def _write_execution_logs(logs: Any, scenario: Scenario, out: Provisioned) -> None:
    """MiniStack writes no API Gateway execution logs; a scenario may supply the lines AWS would."""
    if not scenario.execution_log_lines:
        return
    group = f"API-Gateway-Execution-Logs_{out.api_id}/{out.stage}"
    stream = "sandbox-scenario"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now_ms = int(time.time() * 1000)
    events = [
        {"timestamp": now_ms + i, "message": substitute(line, out.substitutions())}
        for i, line in enumerate(scenario.execution_log_lines)
    ]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def provision(
    scenario: Scenario,
    clients: ClientFactory,
    *,
    endpoint_url: str,
    region: str = "us-east-1",
) -> Provisioned:
    """Create everything `scenario` describes; `clients(name)` returns a boto3 client."""
    api = scenario.api
    if api.protocol != "REST":
        account = str(clients("sts").get_caller_identity()["Account"])
        started = Provisioned(scenario.name, "", api.stage, region, account, endpoint_url)
        started.protocol = api.protocol
        return provision_v2(scenario, clients, started)
    apigw, lam, iam = clients("apigateway"), clients("lambda"), clients("iam")
    account_id = str(clients("sts").get_caller_identity()["Account"])
    role_arn = lambda_role_arn(iam)

    endpoint_config: dict[str, Any] = {"types": [api.endpoint_type]}
    vpce_id = _create_vpc_endpoint(clients("ec2"), region) if api.vpc_endpoint else None
    if vpce_id is not None:
        # Associated at creation: MiniStack's update-rest-api add of vpcEndpointIds splits the
        # id into characters.
        endpoint_config["vpcEndpointIds"] = [vpce_id]
    made = apigw.create_rest_api(name=api.name, endpointConfiguration=endpoint_config)
    out = Provisioned(
        scenario=scenario.name,
        api_id=str(made["id"]),
        stage=api.stage,
        region=region,
        account_id=account_id,
        endpoint_url=endpoint_url,
    )
    root = next(r for r in apigw.get_resources(restApiId=out.api_id)["items"] if r["path"] == "/")
    out.resource_ids["/"] = str(root["id"])
    out.vpce_id = vpce_id
    if vpce_id is not None and api.vpc_endpoint and api.vpc_endpoint.policy is not None:
        # Set once the API exists: the policy may name the API's ARN.
        policy = json.dumps(_substitute_deep(api.vpc_endpoint.policy, out.substitutions()))
        clients("ec2").modify_vpc_endpoint(VpcEndpointId=vpce_id, PolicyDocument=policy)

    for auth in api.authorizers:
        fn_arn = ensure_function(lam, auth.function, role_arn, out.function_arns)
        grant_invoke(lam, auth.function.name, out.api_id, region, account_id)
        kwargs: dict[str, Any] = {
            "restApiId": out.api_id,
            "name": auth.name,
            "type": auth.type,
            "authorizerUri": lambda_uri(region, fn_arn),
            "identitySource": auth.identity_source,
            "authorizerResultTtlInSeconds": auth.ttl,
        }
        if auth.identity_validation_expression:
            kwargs["identityValidationExpression"] = auth.identity_validation_expression
        out.authorizer_ids[auth.name] = str(apigw.create_authorizer(**kwargs)["id"])

    _create_methods(apigw, lam, api.resources, out, role_arn)

    if api.disable_execute_api_endpoint:
        apigw.update_rest_api(
            restApiId=out.api_id,
            patchOperations=[
                {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "true"}
            ],
        )
    if api.resource_policy is not None:
        _put_resource_policy(apigw, api.resource_policy, out)

    for response in api.gateway_responses:
        apigw.put_gateway_response(
            restApiId=out.api_id,
            responseType=response.type,
            statusCode=response.status_code,
            responseTemplates=dict(response.templates),
        )

    out.deployment_id = str(
        apigw.create_deployment(restApiId=out.api_id, stageName=api.stage)["id"]
    )
    for extra in api.extra_stages:
        apigw.create_stage(restApiId=out.api_id, stageName=extra, deploymentId=out.deployment_id)
    _turn_on_logging(apigw, clients("logs"), api, out)
    _turn_on_cache(apigw, api, out)
    _create_custom_domain(apigw, api, out)
    _create_keys_and_plans(apigw, api, out)
    create_web_acl(clients, api.web_acl, out)
    if api.undeployed is not None:  # saved after the deployment, so the stage does not serve it
        _create_methods(apigw, lam, api.undeployed.resources, out, role_arn)
        if api.undeployed.resource_policy is not None:
            _put_resource_policy(apigw, api.undeployed.resource_policy, out)
    for name, tok in scenario.tokens.items():
        out.tokens[name] = tok.prefix + mint_hs256(  # REST scenarios have no user pools
            tok.secret or "", tok.claims, expires_in=tok.expires_in
        )
    _write_execution_logs(clients("logs"), scenario, out)
    return out


def request_url(req: RequestSpec, out: Provisioned) -> str:
    """The URL a scenario request is sent to (its path's placeholders filled; ws:// for a
    WebSocket connection; the query string with the token when it travels there)."""

    path = substitute(req.path, out.substitutions())
    if req.via_custom_domain and out.domain_name:
        return f"http://{out.domain_name}/{quote(path.lstrip('/'), safe='/')}"
    if req.via_vpc_endpoint and out.vpce_id:
        alias = f"{out.api_id}-{out.vpce_id}"  # AWS's {rest-api-id}-{vpce-id} host label
        url = data_plane_url(out.endpoint_url, alias, req.stage or out.stage, path)
    elif req.stage is not None:
        build = v2_data_plane_url if out.protocol != "REST" else data_plane_url
        url = build(out.endpoint_url, out.api_id, req.stage, path)
    else:
        url = out.url(path)
    query = {k: substitute(v, out.substitutions()) for k, v in req.query.items()}
    if req.token is not None and req.token_query is not None:
        query[req.token_query] = out.tokens[req.token]
    if query:
        url = f"{url}?{urlencode(query)}"
    if req.websocket:
        url = "ws" + url.removeprefix("http")
    return url


def request_headers(req: RequestSpec, out: Provisioned) -> dict[str, str]:
    """The headers a scenario request carries (token, API key, extra headers)."""
    headers = {k: substitute(v, out.substitutions()) for k, v in req.headers.items()}
    if req.token is not None and req.token_query is None:
        headers[req.token_header] = out.tokens[req.token]
    if req.api_key is not None:
        headers["x-api-key"] = out.api_keys[req.api_key]["value"]
    if req.body is not None:
        headers.setdefault("Content-Type", "application/json")
    return headers


# Shared with provision_v2 (HTTP and WebSocket APIs), which builds its Lambdas the same way.
