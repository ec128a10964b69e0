"""Read an IAM-style policy document (resource policy or authorizer policy) into checked data.

Accepts what people actually paste: a dict, JSON text, the backslash-escaped string that
``apigateway.get_rest_api()['policy']`` returns, a JSON string holding JSON, a whole
``get_rest_api`` response (``{"policy": "..."}``) or a whole Lambda-authorizer response
(``{"principalId": ..., "policyDocument": {...}}``). Anything malformed raises PolicyError naming
where it is wrong: ``line 3 column 7`` for JSON, ``Statement[2].Condition`` for structure.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from wizard.analysis.bounded import MAX_DEPTH, BoundedParseError, check_depth
from wizard.analysis.policy.conditions import Condition, parse_condition_block
from wizard.analysis.policy.errors import PolicyError
from wizard.analysis.policy.lint import policy_warnings, variables_note

__all__ = ["Policy", "PolicyError", "Statement", "load_document", "parse_policy"]

_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_TOP_KEYS = ("Version", "Id", "Statement")
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    principal: Any = None  # None (absent), "*", or {"AWS": [..], "Service": [..], ...}
    not_principal: Any = None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...]
    version: str | None = None
    notes: tuple[str, ...] = field(default=())  # how the input was read, e.g. unwrapped
    # What IAM Access Analyzer would flag, whatever the request (lint.py).
    warnings: tuple[str, ...] = field(default=())


def parse_policy(source: str | bytes | Mapping[str, Any]) -> Policy:
    """Parse and validate a policy document; raise PolicyError with a location on bad input."""
    if isinstance(source, str):
        # Text is re-evaluated often (the TUI on every edit, the cache simulator per request);
        # a Policy is immutable, so the parsed form can be shared.
        return _parse_text(source)
    return _parse(source)


def load_document(source: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    """The policy document as a dict, from any form it arrives in (JSON text, get_rest_api's
    escaped JSON, a JSON string holding the document, a whole authorizer response), without
    validating its statements; PolicyError when it is not a JSON object. The one reader of those
    forms: probes and the evaluator must agree on what a policy says."""
    notes: list[str] = []
    doc = _unwrap(_load(source, notes), notes)
    if not isinstance(doc, Mapping):
        raise PolicyError(f"policy must be a JSON object, got {_kind(doc)}")
    return dict(doc)


@lru_cache(maxsize=256)
def _parse_text(source: str) -> Policy:
    return _parse(source)


def _parse(source: str | bytes | Mapping[str, Any]) -> Policy:
    notes: list[str] = []
    doc = _load(source, notes)
    doc = _unwrap(doc, notes)
    if not isinstance(doc, Mapping):
        raise PolicyError(f"policy must be a JSON object, got {_kind(doc)}")
    for key in doc:
        if key not in _TOP_KEYS:
            match = _canonical(key, _TOP_KEYS)
            if match is None:
                raise PolicyError(
                    f"unknown top-level element {key!r}{_did_you_mean(key, _TOP_KEYS)}"
                )
            notes.append(f"element {key!r} read as {match!r} (IAM spells it {match!r})")
    doc = {(_canonical(k, _TOP_KEYS) or k): v for k, v in doc.items()}
    if "Statement" not in doc:
        raise PolicyError("policy has no 'Statement' element: nothing can allow the call")
    raw = doc["Statement"]
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list):
        raise PolicyError(f"Statement must be an object or a list of objects, got {_kind(raw)}")
    version = doc.get("Version")
    if version is not None and not isinstance(version, str):
        raise PolicyError(f"Version must be a string, got {_kind(version)}")
    statements = tuple(_parse_statement(i, item, notes) for i, item in enumerate(items))
    notes += variables_note(statements, version)
    return Policy(statements, version, tuple(notes), tuple(policy_warnings(statements)))


def _load(source: str | bytes | Mapping[str, Any], notes: list[str]) -> Any:
    """The policy document, bounded: nested past `bounded.MAX_DEPTH` is a PolicyError."""
    try:
        value = _decode(source, notes)
        check_depth(value, what="the policy")
    except RecursionError:
        raise PolicyError(f"the policy is nested more than {MAX_DEPTH} levels deep") from None
    except BoundedParseError as exc:
        raise PolicyError(str(exc)) from None
    return value


def _decode(source: str | bytes | Mapping[str, Any], notes: list[str]) -> Any:
    if isinstance(source, Mapping):
        return source
    if isinstance(source, bytes):
        source = source.decode("utf-8", "replace")
    if not isinstance(source, str):
        raise PolicyError(f"policy must be JSON text or an object, got {_kind(source)}")
    text = source.lstrip("\ufeff").strip()
    if not text:
        raise PolicyError("policy is empty")
    if text[:3].upper() == "%7B":
        text = unquote(text)
        notes.append("policy text was URL-encoded; decoded it")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        value = _load_escaped(text)
        if value is None:
            raise PolicyError(_json_error("policy", text, exc)) from None
        notes.append("policy text had backslash-escaped quotes (as get_rest_api returns it)")
    # A JSON string holding the document (double-encoded), possibly more than once.
    depth = 0
    while isinstance(value, str) and depth < 3:
        depth += 1
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            unescaped = _load_escaped(value)
            if unescaped is None:
                raise PolicyError(
                    _json_error("policy (inside the JSON string)", value, exc)
                ) from None
            value = unescaped
            notes.append("policy text had backslash-escaped quotes (as get_rest_api returns it)")
        notes.append("policy was a JSON string holding the document; decoded it")
    return value


def _load_escaped(text: str) -> Any:
    """`{\\"Version\\": ...}` as get_rest_api returns it: unescape as a JSON string, then parse."""
    if '\\"' not in text:
        return None
    try:
        inner = json.loads('"' + text + '"')
        return json.loads(inner)
    except (json.JSONDecodeError, TypeError):
        return None


def _json_error(what: str, text: str, exc: json.JSONDecodeError) -> str:
    hint = ""
    if exc.pos >= len(text.rstrip()) - 1:
        hint = " (the text ends early: truncated paste?)"
    elif any(ord(c) < 9 or 13 < ord(c) < 32 for c in text[:2000]):
        hint = " (the input contains binary data)"
    return f"{what} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}{hint}"


def _unwrap(doc: Any, notes: list[str]) -> Any:
    if isinstance(doc, Mapping) and "Statement" not in doc and "statement" not in doc:
        for key in ("policyDocument", "PolicyDocument", "policy", "Policy"):
            if key in doc:
                notes.append(f"read the policy from the {key!r} field of the pasted object")
                inner = doc[key]
                if isinstance(inner, str):
                    inner = _load(inner, notes)
                return inner
    return doc


def _parse_statement(index: int, item: Any, notes: list[str]) -> Statement:
    where = f"Statement[{index}]"
    if not isinstance(item, Mapping):
        raise PolicyError(f"{where} must be an object, got {_kind(item)}")
    fields: dict[str, Any] = {}
    for key, value in item.items():
        canon = _canonical(key, _STATEMENT_KEYS)
        if canon is None:
            raise PolicyError(
                f"{where}: unknown element {key!r}{_did_you_mean(key, _STATEMENT_KEYS)}"
            )
        if canon != key:
            notes.append(f"{where}: element {key!r} read as {canon!r}")
        fields[canon] = value
    sid = fields.get("Sid")
    if sid is not None and not isinstance(sid, str | int):
        raise PolicyError(f"{where}.Sid must be a string")
    effect = fields.get("Effect")
    if not isinstance(effect, str) or effect.strip().lower() not in ("allow", "deny"):
        shown = "missing" if effect is None else repr(effect)
        raise PolicyError(f"{where}.Effect must be 'Allow' or 'Deny', got {shown}")
    if effect not in ("Allow", "Deny"):
        notes.append(f"{where}: Effect {effect!r} read as {effect.strip().capitalize()!r}")
    _exclusive(where, fields, "Action", "NotAction", required=True)
    _exclusive(where, fields, "Resource", "NotResource", required=True)
    _exclusive(where, fields, "Principal", "NotPrincipal", required=False)
    cond = fields.get("Condition")
    conditions = parse_condition_block(cond, f"{where}.Condition") if cond is not None else ()
    return Statement(
        index=index,
        sid=None if sid is None else str(sid),
        effect=effect.strip().capitalize(),
        principal=_principal(fields, "Principal", where),
        not_principal=_principal(fields, "NotPrincipal", where),
        actions=_strings(fields, "Action", where),
        not_actions=_strings(fields, "NotAction", where),
        resources=_strings(fields, "Resource", where),
        not_resources=_strings(fields, "NotResource", where),
        conditions=conditions,
    )


def _exclusive(where: str, fields: Mapping[str, Any], a: str, b: str, *, required: bool) -> None:
    if a in fields and b in fields:
        raise PolicyError(f"{where} has both {a} and {b}; a statement takes one of them")
    if required and a not in fields and b not in fields:
        raise PolicyError(f"{where} has neither {a} nor {b}")


def _strings(fields: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    if key not in fields:
        return None
    value = fields[key]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise PolicyError(
            f"{where}.{key} must be a string or a non-empty list of strings, got {_kind(value)}"
        )
    for i, v in enumerate(items):
        if not isinstance(v, str):
            raise PolicyError(f"{where}.{key}[{i}] must be a string, got {_kind(v)}")
    return tuple(items)


def _principal(fields: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in fields:
        return None
    value = fields[key]
    if isinstance(value, str):
        if value.strip() == "*":
            return "*"
        # Not valid IAM, but people write an ARN or account here: read it as {"AWS": value}.
        return {"AWS": (value.strip(),)}
    if not isinstance(value, Mapping) or not value:
        raise PolicyError(f'{where}.{key} must be "*" or an object like {{"AWS": ...}}')
    out: dict[str, tuple[str, ...]] = {}
    for ptype, ids in value.items():
        canon = _canonical(ptype, _PRINCIPAL_TYPES)
        if canon is None:
            raise PolicyError(
                f"{where}.{key}: unknown principal type {ptype!r}{_did_you_mean(ptype, _PRINCIPAL_TYPES)}"
            )
        items = [ids] if isinstance(ids, str) else ids
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise PolicyError(
                f"{where}.{key}.{canon} must be a string or a non-empty list of strings"
            )
        out[canon] = tuple(i.strip() for i in items)
    return out


def _canonical(key: Any, known: Sequence[str]) -> str | None:
    if not isinstance(key, str):
        return None
    for k in known:
        if k.lower() == key.lower():
            return k
    return None


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), type(value).__name__)
