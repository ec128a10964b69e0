"""Build a scenario's HTTP or WebSocket API (apigatewayv2) and its Cognito issuers through boto3.

`provision_v2(scenario, clients, out)` fills the `Provisioned` record `provision` started: the
user pools (resource servers, app clients, users), the Lambda functions, the API, its
authorizers (JWT with the pool as issuer, or Lambda REQUEST), integrations, routes and the
stage (auto-deployed unless the scenario says otherwise), then the tokens. Only ever run it
against the emulator: the clients it is given are bound to 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request
from typing import Any

from wizard.sandbox.lambdas import ensure_function, grant_invoke, lambda_role_arn, lambda_uri
from wizard.sandbox.provisioned import ClientFactory, Provisioned
from wizard.sandbox.scenario import (
    RouteSpec,
    Scenario,
    TokenSpec,
    UserPoolSpec,
    V2AuthorizerSpec,
)
from wizard.sandbox.tokens import mint_hs256


def cognito_issuer(region: str, pool_id: str) -> str:
    """The `iss` of a user pool's tokens (and the issuer a JWT authorizer names)."""
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def _create_user_pool(cognito: Any, spec: UserPoolSpec) -> dict[str, Any]:
    pool_id = str(cognito.create_user_pool(PoolName=spec.name)["UserPool"]["Id"])
    for server in spec.resource_servers:
        cognito.create_resource_server(
            UserPoolId=pool_id,
            Identifier=server.identifier,
            Name=server.identifier,
            Scopes=[{"ScopeName": s, "ScopeDescription": s} for s in server.scopes],
        )
    clients: dict[str, dict[str, str]] = {}
    for client in spec.clients:
        kwargs: dict[str, Any] = {
            "UserPoolId": pool_id,
            "ClientName": client.name,
            "GenerateSecret": client.secret,
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }
        if client.oauth_scopes:
            kwargs.update(
                AllowedOAuthFlows=["client_credentials"],
                AllowedOAuthScopes=list(client.oauth_scopes),
                AllowedOAuthFlowsUserPoolClient=True,
            )
        made = cognito.create_user_pool_client(**kwargs)["UserPoolClient"]
        clients[client.name] = {"id": str(made["ClientId"]), "secret": made.get("ClientSecret", "")}
    for user in spec.users:
        cognito.admin_create_user(UserPoolId=pool_id, Username=user.name, MessageAction="SUPPRESS")
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=user.name, Password=user.password, Permanent=True
        )
    return {"id": pool_id, "clients": clients}


def _create_authorizer(
    v2: Any, lam: Any, auth: V2AuthorizerSpec, scenario: Scenario, out: Provisioned, role: str
) -> str:
    kwargs: dict[str, Any] = {
        "ApiId": out.api_id,
        "Name": auth.name,
        "AuthorizerType": auth.type,
        "IdentitySource": list(auth.identity_source),
    }
    if auth.jwt is not None:
        pool = out.user_pools.get(auth.jwt.user_pool or "")
        issuer = auth.jwt.issuer or cognito_issuer(out.region, pool["id"] if pool else "")
        clients = pool["clients"] if pool else {}
        audience = [clients[a]["id"] if a in clients else a for a in auth.jwt.audience]
        kwargs["JwtConfiguration"] = {"Issuer": issuer, "Audience": audience}
    else:
        assert auth.function is not None
        fn_arn = ensure_function(lam, auth.function, role, out.function_arns)
        grant_invoke(lam, auth.function.name, out.api_id, out.region, out.account_id)
        kwargs["AuthorizerUri"] = lambda_uri(out.region, fn_arn)
        kwargs["AuthorizerResultTtlInSeconds"] = auth.ttl
        if scenario.api.protocol == "HTTP":
            kwargs["AuthorizerPayloadFormatVersion"] = auth.payload_format
            kwargs["EnableSimpleResponses"] = auth.simple_responses
    return str(v2.create_authorizer(**kwargs)["AuthorizerId"])


def _create_route(v2: Any, lam: Any, route: RouteSpec, out: Provisioned, role: str) -> str:
    integ = route.integration
    kwargs: dict[str, Any] = {"ApiId": out.api_id}
    if integ.type == "MOCK":
        kwargs["IntegrationType"] = "MOCK"
    else:
        assert integ.function is not None
        fn_arn = ensure_function(lam, integ.function, role, out.function_arns)
        grant_invoke(lam, integ.function.name, out.api_id, out.region, out.account_id)
        kwargs.update(
            IntegrationType="AWS_PROXY",
            IntegrationUri=lambda_uri(out.region, fn_arn)
            if out.protocol == "WEBSOCKET"
            else fn_arn,
            PayloadFormatVersion=integ.payload_format,
        )
        if out.protocol == "WEBSOCKET":
            kwargs["IntegrationMethod"] = "POST"
    integration_id = str(v2.create_integration(**kwargs)["IntegrationId"])
    made: dict[str, Any] = {
        "ApiId": out.api_id,
        "RouteKey": route.key,
        "AuthorizationType": route.authorization,
        "Target": f"integrations/{integration_id}",
    }
    if route.authorizer is not None:
        made["AuthorizerId"] = out.authorizer_ids[route.authorizer]
    if route.scopes:
        made["AuthorizationScopes"] = list(route.scopes)
    return str(v2.create_route(**made)["RouteId"])


def _cognito_token(tok: TokenSpec, scenario: Scenario, out: Provisioned, clients: Any) -> str:
    pool = out.user_pools[tok.user_pool or ""]
    client = pool["clients"][tok.client or ""]
    if tok.kind == "cognito_client_credentials":
        return _client_credentials_token(out.endpoint_url, client, tok.scopes)
    spec = next(p for p in scenario.user_pools if p.name == tok.user_pool)
    user = next(u for u in spec.users if u.name == tok.user)
    result = clients("cognito-idp").initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client["id"],
        AuthParameters={"USERNAME": user.name, "PASSWORD": user.password},
    )["AuthenticationResult"]
    return str(result["IdToken" if tok.kind == "cognito_id" else "AccessToken"])


def _client_credentials_token(endpoint_url: str, client: dict[str, str], scopes: list[str]) -> str:
    """The pool's OAuth2 token endpoint on the emulator (client_credentials grant)."""
    basic = base64.b64encode(f"{client['id']}:{client['secret']}".encode()).decode()
    form = {"grant_type": "client_credentials"}
    if scopes:
        form["scope"] = " ".join(scopes)
    request = urllib.request.Request(
        f"{endpoint_url.rstrip('/')}/oauth2/token",
        data=urllib.parse.urlencode(form).encode(),
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as resp:  # loopback emulator only
        return str(json.loads(resp.read())["access_token"])


def provision_v2(scenario: Scenario, clients: ClientFactory, out: Provisioned) -> Provisioned:
    """Create the HTTP or WebSocket API `scenario` describes into `out` (api id set here)."""
    api = scenario.api
    v2, lam = clients("apigatewayv2"), clients("lambda")
    role = lambda_role_arn(clients("iam"))
    for pool in scenario.user_pools:
        out.user_pools[pool.name] = _create_user_pool(clients("cognito-idp"), pool)
    kwargs: dict[str, Any] = {"Name": api.name, "ProtocolType": api.protocol}
    if api.protocol == "WEBSOCKET":
        kwargs["RouteSelectionExpression"] = api.route_selection_expression
    if api.disable_execute_api_endpoint:
        kwargs["DisableExecuteApiEndpoint"] = True
    out.api_id = str(v2.create_api(**kwargs)["ApiId"])
    for auth in api.v2_authorizers:
        out.authorizer_ids[auth.name] = _create_authorizer(v2, lam, auth, scenario, out, role)
    for route in api.routes:
        out.route_ids[route.key] = _create_route(v2, lam, route, out, role)
    stage: dict[str, Any] = {"ApiId": out.api_id, "StageName": api.stage}
    if api.auto_deploy and api.protocol == "HTTP":
        stage["AutoDeploy"] = True
    v2.create_stage(**stage)
    if not stage.get("AutoDeploy"):
        made = v2.create_deployment(ApiId=out.api_id, StageName=api.stage)
        out.deployment_id = str(made["DeploymentId"])
    for name, tok in scenario.tokens.items():
        if tok.kind == "jwt_hs256":
            value = mint_hs256(tok.secret or "", tok.claims, expires_in=tok.expires_in)
        else:
            value = _cognito_token(tok, scenario, out, clients)
        out.tokens[name] = tok.prefix + value
    return out
