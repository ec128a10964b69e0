"""The ACCESS_DENIED answer a stage gives before any method runs (a policy refused the call):
through MiniStack's gateway-response path, so the stage's customised gateway responses shape it
as AWS's do ("Gateway responses for REST APIs"). Shared by the behaviours that refuse a call
ahead of the API: the VPC endpoint's policy and the cross-account evaluation."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def access_denied_response(
    v1: ModuleType, api_id: str, stage: str, stage_record: Any, message: str, headers: Any
) -> Any:
    """The stage's ACCESS_DENIED gateway response for `message` (AccessDeniedException). The
    caller runs it in the owner's request scope, where the stage's gateway responses live."""
    request = {
        "api_id": api_id,
        "stage_name": stage,
        "stage": stage_record,
        "headers": headers or {},
        "query_params": {},
        "path_params": {},
        "resource_path": "",
        "request_id": v1.new_uuid(),
    }
    error = v1._GatewayError("ACCESS_DENIED", message, "AccessDeniedException")
    return v1._gateway_error_response(error, request)
