"""The data plane serves the stage's deployment, not the API as it is being edited.

AWS ("Deploy REST APIs in API Gateway"): changes to resources, methods, integrations,
authorizers and the resource policy reach callers only once they are deployed to the stage;
until then the stage keeps serving its deployment. MiniStack serves the live configuration.
Here CreateDeployment takes a copy of the API record (its policy), its resources (methods and
integrations) and its authorizers; while a request runs through a stage, MiniStack's stores
answer for that API with the copy of the stage's deployment. Stage settings (logging, variables,
throttling) stay live, as on AWS, and so do the Lambda functions.
"""

from __future__ import annotations

import contextvars
import copy
import json
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class Snapshot:
    api_id: str
    parts: dict[str, Any]  # store name -> the API's deployed value in that store


# The stores a deployment freezes, by their name in apigateway_v1.
FROZEN = ("_rest_apis", "_resources", "_authorizers_v1")
_SNAPSHOTS: dict[tuple[str, str, str, str], Snapshot] = {}  # (account, region, api, deployment)
_SERVING: contextvars.ContextVar[Snapshot | None] = contextvars.ContextVar(
    "fidelity_serving_deployment", default=None
)
_MISSING = object()


class DeployedView:
    """One of MiniStack's scoped stores, answering for the API being served with its deployed
    copy; everything else (other APIs, writes, the control plane) goes to the live store."""

    def __init__(self, live: Any, name: str) -> None:
        self._live = live
        self._name = name

    def _deployed(self, key: Any) -> Any:
        serving = _SERVING.get()
        if serving is None or serving.api_id != key:
            return _MISSING
        return serving.parts.get(self._name, _MISSING)

    def get(self, key: Any, default: Any = None) -> Any:
        found = self._deployed(key)
        return self._live.get(key, default) if found is _MISSING else found

    def get_scoped(self, account_id: str, region: str, key: Any, default: Any = None) -> Any:
        found = self._deployed(key)
        if found is _MISSING:
            return self._live.get_scoped(account_id, region, key, default)
        return found

    def __getitem__(self, key: Any) -> Any:
        found = self._deployed(key)
        return self._live[key] if found is _MISSING else found

    def __contains__(self, key: Any) -> bool:
        return self._deployed(key) is not _MISSING or key in self._live

    def __setitem__(self, key: Any, value: Any) -> None:
        self._live[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._live[key]

    def __iter__(self) -> Any:
        return iter(self._live)

    def __len__(self) -> int:
        return len(self._live)

    def __bool__(self) -> bool:
        return bool(self._live)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._live, name)


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import get_account_id, get_region

    live = {name: getattr(v1, name) for name in FROZEN}
    for name in FROZEN:
        setattr(v1, name, DeployedView(live[name], name))
    create_deployment = v1._create_deployment
    delete_deployment = v1._delete_deployment
    execute_in_scope = v1._handle_execute_in_scope
    authorization_type = v1.method_authorization_type
    reset = v1.reset

    def snapshot_of(api_id: str, stage_name: str) -> Snapshot | None:
        stage = live_stage(api_id, stage_name)
        deployment = (stage or {}).get("deploymentId")
        return _SNAPSHOTS.get((get_account_id(), get_region(), api_id, str(deployment)))

    def live_stage(api_id: str, stage_name: str) -> dict[str, Any] | None:
        stage = v1._stages_v1.get(api_id, {}).get(stage_name)
        return stage if isinstance(stage, dict) else None

    def create(api_id: str, data: dict[str, Any]) -> Any:
        # Copied before MiniStack points the stage at the new deployment: nothing runs between.
        parts = {name: copy.deepcopy(live[name].get(api_id)) for name in FROZEN}
        status, headers, body = create_deployment(api_id, data)
        if status == 201:
            deployment_id = json.loads(body)["id"]
            key = (get_account_id(), get_region(), api_id, deployment_id)
            _SNAPSHOTS[key] = Snapshot(api_id, parts)
        return status, headers, body

    def delete(api_id: str, deployment_id: str) -> Any:
        _SNAPSHOTS.pop((get_account_id(), get_region(), api_id, deployment_id), None)
        return delete_deployment(api_id, deployment_id)

    async def serve_deployed(api_id: str, stage_name: str, *args: Any) -> Any:
        token = _SERVING.set(snapshot_of(api_id, stage_name))
        try:
            return await execute_in_scope(api_id, stage_name, *args)
        finally:
            _SERVING.reset(token)

    def deployed_authorization_type(api_id: str, stage_name: str, *args: Any) -> Any:
        scope = v1.find_api_scope(api_id)
        if scope is None:
            return authorization_type(api_id, stage_name, *args)
        # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
        from ministack.core.responses import request_scope

        with request_scope(*scope):
            deployed = snapshot_of(api_id, stage_name)
        token = _SERVING.set(deployed)
        try:
            return authorization_type(api_id, stage_name, *args)
        finally:
            _SERVING.reset(token)

    def clear_all() -> Any:
        _SNAPSHOTS.clear()
        return reset()

    setattr(v1, "_create_deployment", create)  # noqa: B010 - replacing a module's function
    setattr(v1, "_delete_deployment", delete)  # noqa: B010
    setattr(v1, "_handle_execute_in_scope", serve_deployed)  # noqa: B010
    setattr(v1, "method_authorization_type", deployed_authorization_type)  # noqa: B010
    setattr(v1, "reset", clear_all)  # noqa: B010
