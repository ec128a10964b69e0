"""TestInvokeMethod (POST /restapis/{api}/resources/{resource}/methods/{method}).

AWS: "Simulate the invocation of a Method in your RestApi with headers, parameters, and an
incoming request body". The test runs the method as it is configured now (no deployment
needed) and skips its authorization, as the console's Test tab does; the integration runs for
the synthetic stage `test-invoke-stage`. The answer has the integration's `status`, `body`,
`headers` / `multiValueHeaders`, the execution `log` and the `latency`.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity import routes
from wizard.sandbox.fidelity.loopback import is_loopback
from wizard.sandbox.fidelity.test_log import TestLog

PATH = "/restapis/{api}/resources/{resource}/methods/{method}"
TEST_STAGE = "test-invoke-stage"
Answer = tuple[int, dict[str, Any], bytes]


@dataclass
class TestRequest:
    """The simulated request, in the shapes MiniStack's integration runners take."""

    __test__ = False  # not a pytest class, whatever its name

    api: dict[str, Any]
    api_id: str
    resource: dict[str, Any]
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, Any]
    body: bytes
    path_params: dict[str, str]
    stage: dict[str, Any]
    account: str
    region: str


def _request(
    v1: ModuleType,
    api: dict[str, Any],
    api_id: str,
    resource: dict[str, Any],
    method: str,
    data: dict[str, Any],
) -> TestRequest:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import get_account_id, get_region

    split = urllib.parse.urlsplit(str(data.get("pathWithQueryString") or resource["path"]))
    path = split.path or "/"
    headers: dict[str, Any] = {
        str(k): [str(x) for x in v]
        for k, v in (data.get("multiValueHeaders") or {}).items()
        if isinstance(v, list) and v
    }
    headers.update({str(k): str(v) for k, v in (data.get("headers") or {}).items()})
    _matched, path_params = v1._match_resource_tree(api_id, [s for s in path.split("/") if s])
    return TestRequest(
        api=api,
        api_id=api_id,
        resource=resource,
        method=method,
        path=path,
        query=urllib.parse.parse_qs(split.query, keep_blank_values=True),
        headers=headers,
        body=str(data.get("body") or "").encode(),
        path_params=path_params or {},
        stage={"stageName": TEST_STAGE, "variables": dict(data.get("stageVariables") or {})},
        account=get_account_id(),
        region=get_region(),
    )


async def _run_integration(v1: ModuleType, integration: dict[str, Any], r: TestRequest) -> Answer:
    """The integration's answer, reached the way MiniStack's data plane reaches it."""
    kind = integration.get("type", "")
    if kind == "MOCK":
        answer = v1._invoke_mock_v1(integration)
    elif kind in ("HTTP", "HTTP_PROXY"):
        host = urllib.parse.urlsplit(str(integration.get("uri") or "")).hostname or ""
        if not is_loopback(host):
            # The sandbox never reaches past this machine, whatever the integration names.
            message = f"the sandbox calls loopback backends only, not {host or 'this URI'}"
            return 502, {}, json.dumps({"message": message}).encode()
        answer = await v1._invoke_http_proxy_v1(
            integration, r.path, r.method, r.headers, r.body, r.query, r.path_params
        )
    elif kind in ("AWS", "AWS_PROXY"):
        invoke = v1._invoke_lambda_proxy_v1 if kind == "AWS_PROXY" else v1._invoke_lambda_custom_v1
        answer = await invoke(
            integration, r.api_id, TEST_STAGE, r.stage, r.resource, r.path, r.method,
            r.headers, r.body, r.query, r.path_params,
            owner_account_id=r.account,
            owner_region=r.region,
            binary_media_types=r.api.get("binaryMediaTypes") or [],
            authorizer_context=None,
            caller_identity=None,
        )  # fmt: skip
    else:
        return 500, {}, json.dumps({"message": f"Unsupported integration type: {kind}"}).encode()
    status, headers, body = answer
    return int(status), dict(headers or {}), body.encode() if isinstance(body, str) else body


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import new_uuid

    async def test_invoke(
        params: dict[str, str], data: dict[str, Any], _h: dict[str, Any], _q: dict[str, Any]
    ) -> routes.Response:
        api_id, http_method = params["api"], params["method"].upper()
        api = v1._rest_apis.get(api_id)
        if not api:
            return routes.error("NotFoundException", "Invalid API identifier specified", 404)
        resource = v1._resources.get(api_id, {}).get(params["resource"])
        if not resource:
            return routes.error("NotFoundException", "Invalid Resource identifier specified", 404)
        method_obj = (resource.get("resourceMethods") or {}).get(http_method)
        if not method_obj:
            return routes.error("NotFoundException", "Invalid Method identifier specified", 404)
        log = TestLog(new_uuid())
        log.add(f"Starting execution for request: {log.request_id}")
        log.add(f"HTTP Method: {http_method}, Resource Path: {resource['path']}")
        integration = method_obj.get("methodIntegration")
        if integration:
            request = _request(v1, api, api_id, resource, http_method, data)
            status, out_headers, out_body = await _run_integration(v1, integration, request)
            log.add(
                f"Received response. Status: {status}, Integration latency: {log.latency_ms()} ms"
            )
            shown = out_body.decode("utf-8", errors="replace")[:1000]
            log.add(f"Endpoint response body before transformations: {shown}")
        else:
            log.add(
                "Execution failed due to configuration error: No integration defined for method"
            )
            status, out_headers, out_body = 500, {}, b'{"message": "Internal server error"}'
        log.add(f"Method completed with status: {status}")
        flat = {str(k): str(v) for k, v in out_headers.items()}
        return routes.ok(
            {
                "status": status,
                "body": out_body.decode("utf-8", errors="replace"),
                "headers": flat,
                "multiValueHeaders": {k: [v] for k, v in flat.items()},
                "log": log.text(),
                "latency": log.latency_ms(),
            }
        )

    routes.add("POST", PATH, test_invoke)
