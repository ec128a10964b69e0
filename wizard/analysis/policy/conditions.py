"""IAM Condition operators, as IAM evaluates them.

Rules kept here (AWS IAM "Condition operators" reference):
- several keys under one operator, and several operators in a block: all must hold (AND);
- several values for one key: any may match (OR) — but for a negated operator (StringNotEquals,
  NotIpAddress, ...) the key must match none of them (so also AND);
- a key absent from the request: the condition is false, except that a negated operator is then
  true, ``...IfExists`` is true, ``ForAllValues:`` is true (nothing to check) and ``Null`` tests
  presence itself;
- condition key names are case-insensitive; values are case-sensitive except for the
  ``...IgnoreCase`` operators and ``Bool``.
"""

from __future__ import annotations

import base64
import difflib
import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wizard.analysis.arn import arn_matches, glob_matches
from wizard.analysis.policy.errors import PolicyError
from wizard.analysis.policy.variables import (
    VARIABLE_OPERATORS,
    Resolved,
    ResolvedArn,
    has_variables,
    resolve,
    resolve_arn,
)

__all__ = ["OPERATORS", "Condition", "evaluate_condition", "parse_condition_block"]


def _string_equals(ctx: str, pol: str) -> bool:
    return ctx == pol


def _string_equals_ic(ctx: str, pol: str) -> bool:
    return ctx.casefold() == pol.casefold()


def _string_like(ctx: str, pol: str) -> bool:
    return glob_matches(pol, ctx)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(test: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def compare(ctx: str, pol: str) -> bool:
        a, b = _number(ctx), _number(pol)
        return a is not None and b is not None and test(a, b)

    return compare


def _date(text: str) -> datetime | None:
    text = text.strip()
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _dated(test: Callable[[datetime, datetime], bool]) -> Callable[[str, str], bool]:
    def compare(ctx: str, pol: str) -> bool:
        a, b = _date(ctx), _date(pol)
        return a is not None and b is not None and test(a, b)

    return compare


def _bool(ctx: str, pol: str) -> bool:
    return ctx.strip().lower() == pol.strip().lower()


def _binary(ctx: str, pol: str) -> bool:
    try:
        return base64.b64decode(ctx, validate=False) == base64.b64decode(pol, validate=False)
    except ValueError:
        return ctx == pol


def _ip(ctx: str, pol: str) -> bool:
    try:
        addr = ipaddress.ip_address(ctx.strip())
        net = ipaddress.ip_network(pol.strip(), strict=False)
    except ValueError:
        return False
    if addr.version != net.version:
        # An IPv4-mapped IPv6 client address still belongs to an IPv4 range.
        mapped = getattr(addr, "ipv4_mapped", None)
        return mapped is not None and mapped in net
    return addr in net


def _arn(ctx: str, pol: str) -> bool:
    return arn_matches(pol, ctx)


# base operator -> (match one context value against one policy value, negated?)
OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "StringEquals": (_string_equals, False),
    "StringNotEquals": (_string_equals, True),
    "StringEqualsIgnoreCase": (_string_equals_ic, False),
    "StringNotEqualsIgnoreCase": (_string_equals_ic, True),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "NumericEquals": (_numeric(lambda a, b: a == b), False),
    "NumericNotEquals": (_numeric(lambda a, b: a == b), True),
    "NumericLessThan": (_numeric(lambda a, b: a < b), False),
    "NumericLessThanEquals": (_numeric(lambda a, b: a <= b), False),
    "NumericGreaterThan": (_numeric(lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_numeric(lambda a, b: a >= b), False),
    "DateEquals": (_dated(lambda a, b: a == b), False),
    "DateNotEquals": (_dated(lambda a, b: a == b), True),
    "DateLessThan": (_dated(lambda a, b: a < b), False),
    "DateLessThanEquals": (_dated(lambda a, b: a <= b), False),
    "DateGreaterThan": (_dated(lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_dated(lambda a, b: a >= b), False),
    "Bool": (_bool, False),
    "BinaryEquals": (_binary, False),
    "IpAddress": (_ip, False),
    "NotIpAddress": (_ip, True),
    "ArnEquals": (_arn, False),
    "ArnLike": (_arn, False),
    "ArnNotEquals": (_arn, True),
    "ArnNotLike": (_arn, True),
    "Null": (_bool, False),  # handled specially: tests presence
}
_QUALIFIERS = ("ForAnyValue", "ForAllValues")
_ALL_NAMES = tuple(OPERATORS) + tuple(f"{op}IfExists" for op in OPERATORS if op != "Null")


@dataclass(frozen=True)
class Condition:
    """One (operator, key) pair of a Condition block, with its policy values as strings."""

    operator: str  # as written, e.g. "ForAnyValue:StringLikeIfExists"
    base: str  # canonical base operator, e.g. "StringLike"
    qualifier: str | None  # "ForAnyValue" | "ForAllValues" | None
    if_exists: bool
    key: str  # as written
    values: tuple[str, ...]
    where: str

    @property
    def negated(self) -> bool:
        return OPERATORS[self.base][1]


def parse_condition_block(block: Any, where: str) -> tuple[Condition, ...]:
    """Validate a Condition element; raise PolicyError naming the place."""
    if not isinstance(block, Mapping):
        raise PolicyError(f'{where} must be an object like {{"IpAddress": {{...}}}}')
    out: list[Condition] = []
    for op_name, keys in block.items():
        base, qualifier, if_exists = _split_operator(str(op_name), where)
        here = f"{where}.{op_name}"
        if not isinstance(keys, Mapping) or not keys:
            raise PolicyError(f"{here} must be an object mapping condition keys to values")
        for key, raw in keys.items():
            values = _values(raw, f"{here}.{key}")
            if base == "IpAddress" or base == "NotIpAddress":
                for v in values:
                    try:
                        ipaddress.ip_network(v.strip(), strict=False)
                    except ValueError:
                        raise PolicyError(
                            f"{here}.{key}: {v!r} is not an IP address or CIDR range"
                        ) from None
            if base == "Null" and any(v.lower() not in ("true", "false") for v in values):
                raise PolicyError(f'{here}.{key}: Null takes "true" or "false"')
            out.append(Condition(str(op_name), base, qualifier, if_exists, str(key), values, here))
    return tuple(out)


def _split_operator(name: str, where: str) -> tuple[str, str | None, bool]:
    qualifier = None
    rest = name.strip()
    if ":" in rest:
        q, _, rest = rest.partition(":")
        qualifier = next((x for x in _QUALIFIERS if x.lower() == q.lower()), None)
        if qualifier is None:
            close = difflib.get_close_matches(q, _QUALIFIERS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise PolicyError(f"{where}: unknown set operator {q!r} in {name!r}{hint}")
    if_exists = rest.lower().endswith("ifexists") and rest.lower() != "ifexists"
    base_name = rest[: -len("IfExists")] if if_exists else rest
    base = next((op for op in OPERATORS if op.lower() == base_name.lower()), None)
    if base is None or (base == "Null" and if_exists):
        close = difflib.get_close_matches(rest, _ALL_NAMES, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise PolicyError(f"{where}: unknown operator {name!r}{hint}")
    return base, qualifier, if_exists


def _values(raw: Any, where: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise PolicyError(f"{where} has an empty list of values")
    out = []
    for v in items:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, int | float | str):
            out.append(str(v))
        else:
            raise PolicyError(f"{where}: values must be strings, numbers or booleans")
    return tuple(out)


def evaluate_condition(
    cond: Condition, context: Mapping[str, Sequence[str]], *, variables: bool = False
) -> tuple[bool, str, str]:
    """Evaluate one (operator, key) pair; return (holds, a short human reason, the policy
    variables substituted in words: "${aws:username} → Bob", or "").

    ``variables``: substitute policy variables in String and ARN values (the policy's Version
    is 2012-10-17); a value whose variable has no value matches nothing."""
    present = context.get(cond.key.lower())
    shown_values = _show(cond.values)
    label = f"{cond.operator} {cond.key}"
    if cond.base == "Null":
        want_absent = any(v.lower() == "true" for v in cond.values)
        want_present = any(v.lower() == "false" for v in cond.values)
        is_absent = not present
        holds = (want_absent and is_absent) or (want_present and not is_absent)
        state = "absent" if is_absent else "present"
        return holds, f"{label}: the key is {state} in this request", ""
    if not present:
        if cond.if_exists:
            return True, f"{label}: key absent from the request, so ...IfExists holds", ""
        if cond.qualifier == "ForAllValues":
            return True, f"{label}: key absent, ForAllValues holds on an empty set", ""
        if cond.qualifier == "ForAnyValue":
            return False, f"{label}: key absent, ForAnyValue needs at least one value", ""
        if cond.negated:
            return (
                True,
                (
                    f"{label}: key absent from the request, and a negated operator holds when "
                    "the key is absent"
                ),
                "",
            )
        return False, f"{label}: key absent from the request, so the condition is false", ""
    negated = cond.negated
    match = OPERATORS[cond.base][0]
    substituted = ""
    if variables and cond.base in VARIABLE_OPERATORS and any(map(has_variables, cond.values)):
        matchers, substituted = _matchers(cond, context)

        def hits(value: str) -> bool:
            return any(m(value) for m in matchers)

    else:

        def hits(value: str) -> bool:
            return any(match(value, pol) for pol in cond.values)

    shown_ctx = _show(tuple(present))
    if cond.qualifier == "ForAllValues":
        holds = all((not hits(v)) if negated else hits(v) for v in present)
    elif cond.qualifier == "ForAnyValue":
        holds = any((not hits(v)) if negated else hits(v) for v in present)
    elif negated:
        holds = not any(hits(v) for v in present)
    else:
        holds = any(hits(v) for v in present)
    relation = _relation(cond.base, negated, holds)
    tail = f" ({substituted})" if substituted else ""
    return holds, f"{label}: {shown_ctx} {relation} {shown_values}{tail}", substituted


def _matchers(
    cond: Condition, context: Mapping[str, Sequence[str]]
) -> tuple[list[Callable[[str], bool]], str]:
    """One test per policy value (does a context value match it?) after substituting its policy
    variables, and the substitutions made, in words ("${aws:username} → Bob")."""
    match = OPERATORS[cond.base][0]
    out: list[Callable[[str], bool]] = []
    said: list[str] = []
    for pol in cond.values:
        if not has_variables(pol):
            out.append(_plain_test(match, pol))
            continue
        resolved: Resolved | ResolvedArn = (
            resolve_arn(pol, context, resource_part_only=False)
            if cond.base.startswith("Arn")
            else resolve(pol, context)
        )
        said.append(resolved.describe())
        out.append(_resolved_test(cond.base, resolved))
    return out, "; ".join(s for s in said if s)


def _plain_test(match: Callable[[str, str], bool], pol: str) -> Callable[[str], bool]:
    return lambda value: match(value, pol)


def _resolved_test(base: str, resolved: Resolved | ResolvedArn) -> Callable[[str], bool]:
    if not resolved.complete:
        return lambda _value: False  # a variable with no value: nothing equals or is like it
    if isinstance(resolved, ResolvedArn):
        return resolved.matches
    text = resolved.text
    if base in ("StringEquals", "StringNotEquals"):
        return lambda value: value == text
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        folded = text.casefold()
        return lambda value: value.casefold() == folded
    return resolved.matches  # StringLike / StringNotLike


def _relation(base: str, negated: bool, holds: bool) -> str:
    matched = holds != negated  # did a value match the positive test?
    if base in ("IpAddress", "NotIpAddress"):
        return "is in" if matched else "is not in"
    if base.startswith("Numeric") or base.startswith("Date"):
        return "satisfies" if holds else "does not satisfy"
    return "matches" if matched else "does not match"


def _show(values: tuple[str, ...]) -> str:
    if len(values) == 1:
        return repr(values[0])
    shown = ", ".join(repr(v) for v in values[:6])
    more = f", … ({len(values)} values)" if len(values) > 6 else ""
    return f"[{shown}{more}]"
