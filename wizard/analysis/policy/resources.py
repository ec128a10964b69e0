"""Resource and NotResource: does a statement cover the method ARN, and if not, why not?"""

from __future__ import annotations

from wizard.analysis.arn import arn_matches, expand_resource, first_mismatch, parse_method_arn
from wizard.analysis.policy.parse import Statement

__all__ = ["resource_applies"]


def resource_applies(st: Statement, arn: str) -> tuple[bool, str]:
    parsed = parse_method_arn(arn)
    patterns = st.resources if st.resources is not None else st.not_resources
    assert patterns is not None
    expanded = [
        expand_resource(
            p,
            region=parsed.region,
            account=parsed.account,
            api_id=parsed.api_id,
            partition=parsed.partition,
        )
        for p in patterns
    ]
    hit = next((p for p in expanded if arn_matches(p, arn)), None)
    if st.resources is not None:
        if hit:
            return True, f"Resource {hit!r} covers the method ARN"
        return False, "Resource does not cover the method ARN: " + _mismatch_story(expanded, arn)
    if hit:
        return False, f"NotResource {hit!r} excludes the method ARN"
    return True, "the method ARN is outside NotResource"


def _mismatch_story(patterns: list[str], arn: str) -> str:
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
        part = first_mismatch(p, arn) or "path"
        stories.append(f"{p!r} differs in the {part} (request has {values.get(part, '?')!r})")
    more = f" and {len(patterns) - 3} more" if len(patterns) > 3 else ""
    hint = ""
    api_arn = f"arn:{parsed.partition}:execute-api:{parsed.region}:{parsed.account}:{parsed.api_id}"
    if any(p.rstrip("/") == api_arn for p in patterns):
        hint = (
            " — a Resource naming only the API (its execution ARN, as Terraform's execution_arn "
            "gives it) covers no method: append /* (or /STAGE/METHOD/PATH)"
        )
    elif any("{" in p and "}" in p for p in patterns):
        hint = (
            " — a method ARN carries the real request path, never the resource template: "
            "write '*' where the policy has {param} or {proxy+}"
        )
    elif any("/null/" in p for p in patterns):
        hint = (
            " — 'null' is the stage the console's Test button puts in methodArn; "
            "real calls carry the stage name"
        )
    return "; ".join(stories) + more + hint
