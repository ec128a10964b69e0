"""UpdateUsagePlan's `/apiStages` patch operations, which MiniStack applies as a plain field.

AWS (UpdateUsagePlan, "Patch operations"): `add` and `remove` on `/apiStages` take the value
`{restApiId}:{stageName}` and add or remove that one stage; the stage must exist. MiniStack
stores the string itself as `apiStages`, after which every call through any key fails with 500
(it iterates the string as stage records). The other patch paths still go to MiniStack.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

STAGES_PATH = "/apiStages"


def _error(code: str, message: str, status: int) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"message": message, "__type": code}).encode()
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body


def install(v1: ModuleType) -> None:
    original = v1._update_usage_plan

    def update_usage_plan(plan_id: str, data: dict[str, Any]) -> Any:
        plan = v1._usage_plans.get(plan_id)
        operations = data.get("patchOperations") or []
        mine = [op for op in operations if isinstance(op, dict) and op.get("path") == STAGES_PATH]
        if not plan or not mine:
            return original(plan_id, data)
        stages = [s for s in plan.get("apiStages") or [] if isinstance(s, dict)]
        for op in mine:
            api_id, sep, stage = str(op.get("value") or "").partition(":")
            if op.get("op") not in ("add", "remove") or not sep:
                return _error(
                    "BadRequestException",
                    f"Invalid patch operation for {STAGES_PATH}: use add or remove with "
                    "'{restApiId}:{stageName}'",
                    400,
                )
            present = [s for s in stages if (s.get("apiId"), s.get("stage")) == (api_id, stage)]
            if op["op"] == "add":
                if stage not in v1._stages_v1.get(api_id, {}):
                    return _error(
                        "NotFoundException", f"API Stage not found: {api_id}:{stage}", 404
                    )
                if not present:
                    stages.append({"apiId": api_id, "stage": stage})
            elif not present:
                return _error("NotFoundException", f"API Stage not found: {api_id}:{stage}", 404)
            else:
                stages = [s for s in stages if s not in present]
        plan["apiStages"] = stages
        rest = [op for op in operations if op not in mine]
        return original(plan_id, {**data, "patchOperations": rest})

    setattr(v1, "_update_usage_plan", update_usage_plan)  # noqa: B010 - a module's function
