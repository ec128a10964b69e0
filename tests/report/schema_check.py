"""A JSON Schema check for the subset pydantic emits (type, const, enum, properties, required,
additionalProperties, items, anyOf, $ref into $defs). `jsonschema` is used instead when it is
installed; this keeps the test real on machines without it."""

from __future__ import annotations

from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    try:
        import jsonschema
    except ImportError:
        return list(_errors(instance, schema, schema, "$"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[kind])


def _errors(value: Any, node: dict[str, Any], root: dict[str, Any], where: str) -> Any:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        yield from _errors(value, root["$defs"][name], root, where)
        return
    if "anyOf" in node:
        if not any(not list(_errors(value, alt, root, where)) for alt in node["anyOf"]):
            yield f"{where}: matches none of anyOf"
        return
    kind = node.get("type")
    if isinstance(kind, str) and not _is(value, kind):
        yield f"{where}: expected {kind}, got {type(value).__name__}"
        return
    if "const" in node and value != node["const"]:
        yield f"{where}: expected {node['const']!r}"
    if "enum" in node and value not in node["enum"]:
        yield f"{where}: {value!r} not in {node['enum']}"
    if isinstance(value, dict):
        props = node.get("properties", {})
        for name in node.get("required", []):
            if name not in value:
                yield f"{where}: missing {name}"
        for name, item in value.items():
            if name in props:
                yield from _errors(item, props[name], root, f"{where}.{name}")
            elif node.get("additionalProperties") is False:
                yield f"{where}: unexpected property {name}"
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from _errors(item, node["items"], root, f"{where}[{i}]")
