"""Boolean fields set by a patch operation are stored as booleans, as API Gateway stores them.

AWS (API Gateway REST API reference, "PatchOperation"): a patch operation's `value` is always a
string, and for a boolean field the string `"true"` or `"false"` sets it; the resource then reads
back `true` / `false`. MiniStack stores the string itself, so UpdateApiKey
`op=replace,path=/enabled,value=false` leaves `"false"` behind — a non-empty string its data
plane takes for true (the key disabled by a rollback still passed) — and UpdateRestApi
`/disableExecuteApiEndpoint` the same. Here those values are turned into booleans before
MiniStack applies the patch; a value that is neither is a BadRequestException, as on AWS.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity import routes

# The MiniStack update function -> the boolean patch paths it takes.
BOOLEAN_PATHS: dict[str, frozenset[str]] = {
    "_update_api_key": frozenset({"/enabled"}),
    "_update_rest_api": frozenset({"/disableExecuteApiEndpoint"}),
}


def as_boolean(value: Any) -> bool | None:
    """`"true"` / `"false"` (any case; a JSON boolean as itself) as a bool, else None."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"true": True, "false": False}.get(text)


def normalised(data: dict[str, Any], paths: frozenset[str]) -> dict[str, Any] | routes.Response:
    """`data` with the boolean patch values as booleans, or the error a bad value gets."""
    operations = data.get("patchOperations")
    if not isinstance(operations, list):
        return data
    out: list[Any] = []
    for op in operations:
        if isinstance(op, dict) and op.get("path") in paths and op.get("op", "replace") != "remove":
            value = as_boolean(op.get("value"))
            if value is None:
                return routes.error(
                    "BadRequestException",
                    f"Invalid value for {op['path']}: expected true or false",
                    400,
                )
            op = {**op, "value": value}
        out.append(op)
    return {**data, "patchOperations": out}


def install(v1: ModuleType) -> None:
    for name, paths in BOOLEAN_PATHS.items():
        original = getattr(v1, name)

        def update(
            resource_id: str,
            data: dict[str, Any],
            _original: Any = original,
            _paths: frozenset[str] = paths,
        ) -> Any:
            fixed = normalised(data, _paths)
            if isinstance(fixed, tuple):
                return fixed
            return _original(resource_id, fixed)

        setattr(v1, name, update)
