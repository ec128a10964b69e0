"""TestInvokeAuthorizer (POST /restapis/{api}/authorizers/{authorizer}).

AWS: "Simulate the execution of an Authorizer in your RestApi with headers, parameters, and an
incoming request body". The Lambda authorizer is invoked with the event the data plane would
send, for the synthetic stage `ESTestInvoke-stage`; nothing is cached. The answer carries
`clientStatus` (0 when the authorizer succeeded, as the API reference says; 401 when it
refused the caller; 500 when it failed), the returned policy as a JSON string, the principal,
the context (as `authorization`), the execution `log` and the `latency`.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity import routes
from wizard.sandbox.fidelity.test_log import TestLog

PATH = "/restapis/{api}/authorizers/{authorizer}"
TEST_STAGE = "ESTestInvoke-stage"


def masked(token: str) -> str:
    """An identity as execution logs show it: stars, then its last four characters."""
    stars = "*" * min(max(len(token) - 4, 0), 51)
    return stars + ("..." if len(token) > 55 else "") + token[-4:]


def _headers(data: dict[str, Any]) -> dict[str, Any]:
    """The simulated request's headers: `headers`, then `multiValueHeaders` (last value wins)."""
    out: dict[str, Any] = {}
    for name, value in (data.get("multiValueHeaders") or {}).items():
        if isinstance(value, list) and value:
            out[str(name)] = [str(v) for v in value]
    for name, value in (data.get("headers") or {}).items():
        out[str(name)] = str(value)
    return out


def _path_and_query(data: dict[str, Any]) -> tuple[str, dict[str, list[str]]]:
    split = urllib.parse.urlsplit(str(data.get("pathWithQueryString") or "/"))
    return split.path or "/", urllib.parse.parse_qs(split.query, keep_blank_values=True)


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.arn import execute_api_arn

    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import get_account_id, get_region, new_uuid

    async def test_invoke(
        params: dict[str, str], data: dict[str, Any], _h: dict[str, Any], _q: dict[str, Any]
    ) -> routes.Response:
        api_id, authorizer_id = params["api"], params["authorizer"]
        if api_id not in v1._rest_apis:
            return routes.error("NotFoundException", "Invalid API identifier specified", 404)
        authorizer = v1._authorizers_v1.get(api_id, {}).get(authorizer_id)
        if not authorizer:
            return routes.error("NotFoundException", "Invalid Authorizer identifier specified", 404)
        account, region = get_account_id(), get_region()
        log = TestLog(new_uuid())
        headers = _headers(data)
        path, query = _path_and_query(data)
        stage = {"variables": dict(data.get("stageVariables") or {})}
        method_arn = execute_api_arn(region, account, api_id, TEST_STAGE, "GET", path)
        atype = (authorizer.get("type") or "TOKEN").upper()
        log.add(f"Starting authorizer: {authorizer_id} for request: {log.request_id}")

        def answer(status: int, **extra: Any) -> routes.Response:
            return routes.ok(
                {"clientStatus": status, "log": log.text(), "latency": log.latency_ms(), **extra}
            )

        if atype == "COGNITO_USER_POOLS":
            claims, refused = await v1._validate_cognito_authorizer(
                authorizer, {}, headers, query, stage
            )
            if refused is not None:
                log.add("Unauthorized request: " + log.request_id)
                return answer(401)
            return answer(0, claims=v1._stringify_claims(claims))

        if atype == "TOKEN":
            source = authorizer.get("identitySource") or "method.request.header.Authorization"
            name = source.removeprefix("method.request.header.")
            token = v1._header_ci(headers, name)
            expression = authorizer.get("identityValidationExpression")
            try:
                refused = not token or (
                    bool(expression) and re.fullmatch(expression, token) is None
                )
            except re.error:
                log.add(
                    "Execution failed due to configuration error: invalid validation expression"
                )
                return answer(500)
            if refused:
                log.add(f"Unauthorized request: {log.request_id}")
                return answer(401)
            log.add("Incoming identity: " + masked(token))
            event: dict[str, Any] = {
                "type": "TOKEN",
                "methodArn": method_arn,
                "authorizationToken": token,
            }
        else:
            single = {k: (v if isinstance(v, str) else v[-1]) for k, v in headers.items()}
            event = {
                "type": "REQUEST",
                "methodArn": method_arn,
                "resource": path,
                "path": path,
                "httpMethod": "GET",
                "headers": single,
                "multiValueHeaders": {
                    k: ([v] if isinstance(v, str) else v) for k, v in headers.items()
                },
                "queryStringParameters": {k: v[0] for k, v in query.items()} or None,
                "multiValueQueryStringParameters": query or None,
                "pathParameters": None,
                "stageVariables": stage["variables"] or None,
                "requestContext": {
                    "stage": TEST_STAGE,
                    "resourcePath": path,
                    "httpMethod": "GET",
                    "apiId": api_id,
                    "accountId": account,
                },
            }
        log.add("Endpoint request body after transformations: " + json.dumps(event))
        result = await v1._invoke_authorizer_lambda(authorizer, event, account, region)
        if result is None:
            log.add("Execution failed due to configuration error: Invalid function")
            return answer(500)
        body = result.get("body")
        if result.get("error"):
            message = body.get("errorMessage", "") if isinstance(body, dict) else str(body)
            if str(message).strip().lower() == "unauthorized":
                log.add(f"Unauthorized request: {log.request_id}")
                return answer(401)
            log.add("Execution failed due to configuration error: Authorizer error")
            return answer(500)
        if isinstance(body, bytes | str):
            try:
                body = json.loads(body)
            except ValueError:
                body = None
        log.add("Authorizer result body before parsing: " + json.dumps(body))
        if not isinstance(body, dict) or not isinstance(body.get("policyDocument"), dict):
            log.add("Execution failed due to configuration error: Invalid JSON in response")
            return answer(500)
        principal = body.get("principalId")
        log.add(f"Using valid authorizer policy for principal: {principal}")
        log.add("Successfully completed authorizer execution")
        context = v1._stringify_context(body.get("context"))
        return answer(
            0,
            principalId=None if principal is None else str(principal),
            policy=json.dumps(body["policyDocument"]),
            authorization={k: [v] for k, v in context.items()},
        )

    routes.add("POST", PATH, test_invoke)
