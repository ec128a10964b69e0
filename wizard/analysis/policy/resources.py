"""Resource and NotResource: does a statement cover the method ARN, and if not, why not?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wizard.analysis.arn import arn_matches, expand_resource, first_mismatch, parse_method_arn
from wizard.analysis.policy.parse import Statement
from wizard.analysis.policy.variables import ResolvedArn, has_variables, resolve_arn

__all__ = ["resource_applies"]


def resource_applies(
    st: Statement,
    arn: str,
    context: Mapping[str, Sequence[str]] | None = None,
    *,
    variables: bool = False,
) -> tuple[bool, str, str]:
    """Does the statement's Resource (or NotResource) cover ``arn``? Returns (covers, why, the
    substitutions that made the match, in words). ``variables``: substitute policy variables
    (after the ARN's fifth colon only, as IAM does) from ``context``."""
    parsed = parse_method_arn(arn)
    written = st.resources if st.resources is not None else st.not_resources
    assert written is not None
    expanded = [
        expand_resource(
            p,
            region=parsed.region,
            account=parsed.account,
            api_id=parsed.api_id,
            partition=parsed.partition,
        )
        for p in written
    ]
    resolved: list[ResolvedArn | None] | None = None
    if variables and any(has_variables(p) for p in expanded):
        resolved = [
            resolve_arn(p, context or {}, resource_part_only=True) if has_variables(p) else None
            for p in expanded
        ]
    hit = next((i for i, p in enumerate(expanded) if _matches(p, arn, resolved, i)), None)
    said = _said(resolved, hit)
    if st.resources is not None:
        if hit is not None:
            return True, f"Resource {_shown(expanded, resolved, hit)} covers the method ARN", said
        story = _mismatch_story(expanded, arn, resolved)
        return False, f"Resource does not cover the method ARN: {story}", ""
    if hit is not None:
        return False, f"NotResource {_shown(expanded, resolved, hit)} excludes the method ARN", said
    unresolved = [r for r in resolved or () if r is not None and not r.complete]
    if unresolved:
        why = unresolved[0].describe()
        return (
            True,
            "the method ARN is outside NotResource (an entry with a variable that has no value "
            f"matches no resource: {why})",
            why,
        )
    return True, "the method ARN is outside NotResource", ""


def _matches(pattern: str, arn: str, resolved: list[ResolvedArn | None] | None, i: int) -> bool:
    r = resolved[i] if resolved else None
    return r.matches(arn) if r is not None else arn_matches(pattern, arn)


def _said(resolved: list[ResolvedArn | None] | None, i: int | None) -> str:
    r = resolved[i] if resolved and i is not None else None
    return r.describe() if r is not None else ""


def _shown(patterns: list[str], resolved: list[ResolvedArn | None] | None, i: int) -> str:
    """The pattern for people, with what its variables became."""
    said = _said(resolved, i)
    return f"{patterns[i]!r} ({said})" if said else repr(patterns[i])


def _mismatch_story(
    patterns: list[str], arn: str, resolved: list[ResolvedArn | None] | None = None
) -> str:
    parsed = parse_method_arn(arn)
    values = {
        "partition": parsed.partition,
        "service": "execute-api",
        "region": parsed.region,
        "account": parsed.account,
        "api": parsed.api_id,
        "stage": parsed.stage,
        "method": parsed.method,
        "path": "/" + parsed.path,
    }
    stories = []
    for i, p in enumerate(patterns[:3]):
        r = resolved[i] if resolved else None
        if r is not None and not r.complete:
            stories.append(f"{p!r} matches no resource: {r.describe()}")
            continue
        part = first_mismatch(r.text if r is not None else p, arn) or "path"
        shown = _shown(patterns, resolved, i)
        stories.append(f"{shown} differs in the {part} (request has {values.get(part, '?')!r})")
    more = f" and {len(patterns) - 3} more" if len(patterns) > 3 else ""
    hint = ""
    api_arn = f"arn:{parsed.partition}:execute-api:{parsed.region}:{parsed.account}:{parsed.api_id}"
    if any(p.rstrip("/") == api_arn for p in patterns):
        hint = (
            " — a Resource naming only the API (its execution ARN, as Terraform's execution_arn "
            "gives it) covers no method: append /* (or /STAGE/METHOD/PATH)"
        )
    elif any(_has_template(p) for p in patterns):
        hint = (
            " — a method ARN carries the real request path, never the resource template: "
            "write '*' where the policy has {param} or {proxy+}"
        )
    elif resolved and any(has_variables(":".join(p.split(":", 5)[:5])) for p in patterns):
        hint = (
            " — IAM substitutes policy variables only in the resource part of an ARN (after "
            "the fifth colon), so a ${...} in the region or account stays literal text"
        )
    elif any("/null/" in p for p in patterns):
        hint = (
            " — 'null' is the stage the console's Test button puts in methodArn; "
            "real calls carry the stage name"
        )
    return "; ".join(stories) + more + hint


def _has_template(pattern: str) -> bool:
    """A resource template ({id}, {proxy+}) written into the ARN; a ${variable} is not one."""
    if "{" not in pattern or "}" not in pattern:
        return False
    without_variables = pattern.replace("${", "")
    return "{" in without_variables
