"""Resource and NotResource: does a statement cover the method ARN, and if not, why not?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wizard.analysis.arn import arn_matches, expand_resource, first_mismatch, parse_method_arn
from wizard.analysis.policy.parse import Statement
from wizard.analysis.policy.variables import ResolvedArn, has_variables, resolve_arn

__all__ = ["resource_applies"]


@dataclass(frozen=True)
class _Pattern:
    """One Resource entry, expanded (execute-api:/… shorthand) and its variables substituted."""

    written: str  # expanded, with its ${...} as the policy has them
    resolved: ResolvedArn | None  # None: no variables (or variables not in force)

    def matches(self, arn: str) -> bool:
        if self.resolved is None:
            return arn_matches(self.written, arn)
        return self.resolved.matches(arn)

    @property
    def shown(self) -> str:
        """The pattern for people, with what its variables became."""
        said = self.resolved.describe() if self.resolved else ""
        return f"{self.written!r} ({said})" if said else repr(self.written)

    @property
    def effective(self) -> str:
        """The pattern as matched (variables replaced), to name the part that differs."""
        return self.resolved.text if self.resolved else self.written


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
    patterns = []
    for text in written:
        full = expand_resource(
            text,
            region=parsed.region,
            account=parsed.account,
            api_id=parsed.api_id,
            partition=parsed.partition,
        )
        resolved = (
            resolve_arn(full, context or {}, resource_part_only=True)
            if variables and has_variables(full)
            else None
        )
        patterns.append(_Pattern(full, resolved))
    hit = next((p for p in patterns if p.matches(arn)), None)
    said = hit.resolved.describe() if hit and hit.resolved else ""
    if st.resources is not None:
        if hit:
            return True, f"Resource {hit.shown} covers the method ARN", said
        story = _mismatch_story(patterns, arn)
        return False, f"Resource does not cover the method ARN: {story}", ""
    if hit:
        return False, f"NotResource {hit.shown} excludes the method ARN", said
    unresolved = [p.resolved for p in patterns if p.resolved and not p.resolved.complete]
    if unresolved:
        why = unresolved[0].describe()
        return (
            True,
            (
                "the method ARN is outside NotResource (an entry with a variable that has no value "
                f"matches no resource: {why})"
            ),
            why,
        )
    return True, "the method ARN is outside NotResource", ""


def _mismatch_story(patterns: list[_Pattern], arn: str) -> str:
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
    for p in patterns[:3]:
        if p.resolved is not None and not p.resolved.complete:
            stories.append(f"{p.written!r} matches no resource: {p.resolved.describe()}")
            continue
        part = first_mismatch(p.effective, arn) or "path"
        stories.append(f"{p.shown} differs in the {part} (request has {values.get(part, '?')!r})")
    more = f" and {len(patterns) - 3} more" if len(patterns) > 3 else ""
    hint = ""
    api_arn = f"arn:{parsed.partition}:execute-api:{parsed.region}:{parsed.account}:{parsed.api_id}"
    texts = [p.written for p in patterns]
    if any(p.rstrip("/") == api_arn for p in texts):
        hint = (
            " — a Resource naming only the API (its execution ARN, as Terraform's execution_arn "
            "gives it) covers no method: append /* (or /STAGE/METHOD/PATH)"
        )
    elif any(_has_template(p) for p in texts):
        hint = (
            " — a method ARN carries the real request path, never the resource template: "
            "write '*' where the policy has {param} or {proxy+}"
        )
    elif any(has_variables(":".join(p.split(":", 5)[:5])) for p in texts):
        hint = (
            " — IAM substitutes policy variables only in the resource part of an ARN (after "
            "the fifth colon), so a ${...} in the region or account stays literal text"
        )
    elif any("/null/" in p for p in texts):
        hint = (
            " — 'null' is the stage the console's Test button puts in methodArn; "
            "real calls carry the stage name"
        )
    return "; ".join(stories) + more + hint


def _has_template(pattern: str) -> bool:
    """A resource template ({id}, {proxy+}) written into the ARN; a ${variable} is not one."""
    without_variables = pattern.replace("${", "")
    return "{" in without_variables and "}" in without_variables
