"""Every fix in the catalogue binds, renders through botocore's model and parses back to the
same call; whatever is off the allowlist is shown but refused."""

from __future__ import annotations

import pytest

from wizard.aws.fixes.allowlist import ALLOWLIST, check_allowed
from wizard.aws.fixes.bind import placeholders
from wizard.aws.fixes.errors import NotAllowedError
from wizard.aws.fixes.parse import parse_cli
from wizard.aws.fixes.plan import Confirmation, build_plan
from wizard.aws.fixes.render import CliTarget
from wizard.catalogue.model import load_catalogue

SHARED_FACTS = [
    "api_id",
    "api_type",
    "endpoint_type",
    "stage",
    "method",
    "path",
    "resource_path",
    "resource_id",
    "region",
    "account_id",
    "caller_arn",
    "method_arn",
    "authorization_type",
    "authorizer_id",
    "token_scopes",  # the scopes the JWT carries (p_live_jwt), for the route-scopes fix
    "authorizer_type",
    "authorizer_ttl",
    "authorizer_identity_source",
    "authorizer_function_arn",
    "api_key_required",
    "api_key_id",
    "usage_plan_id",
    "domain_name",
    "base_path",
    "vpce_id",
    "web_acl_arn",
    "deployment_id",
    "latest_deployment_id",
    "route_id",
    "key_usage_plan_id",  # the usage plan the caller's key is in (fix-plan-add-stage)
    "proposed_resource_policy",  # the corrected policy JSON (analysis.policy.fix)
    # the IAM change scoped to the failing method (aws.probes.iam_fix)
    "iam_principal_name",
    "iam_policy_name",
    "iam_policy_document",
    # the authorizer's code patched where it builds the Resource (aws.probes.authorizer_code)
    "authorizer_function_name",
    "authorizer_code_zip",
    # the JWT authorizer's issuer and its audience with the token's aud added (p_lookalike_jwt)
    "jwt_issuer",
    "audience_with_token",
    # the header a non-proxy integration does not pass, and its method (p_integration_live)
    "header_to_map",
    "integration_resource_id",
    "integration_http_method",
    # the web ACL sent back with the blocking rule switched to Count (aws.probes.network)
    "web_acl_name",
    "web_acl_scope",
    "web_acl_id",
    "web_acl_default_action_config",
    "web_acl_rules_with_count",
    "web_acl_visibility_config",
    "web_acl_lock_token",
]


def _facts(names: set[str]) -> dict[str, object]:
    """A value for every placeholder; the IAM policy is one the allowlist takes (its shape is
    checked, not only its name)."""
    from wizard.aws.fixes.iam_policy import dumps, invoke_policy, invoke_policy_name

    facts: dict[str, object] = {n: f"x-{n}" for n in names}
    if "token_scopes" in facts:  # a list fact: the scopes the token carries
        facts["token_scopes"] = ["x-scope"]
    if "audience_with_token" in facts:  # a list fact: the audience the fix sets
        facts["audience_with_token"] = ["x-old-client", "x-new-client"]
    if "header_to_map" in facts:  # a header name (it goes into the patch path)
        facts["header_to_map"] = "X-Tenant"
    if "web_acl_rules_with_count" in facts:  # the whole ACL, structured, with one Count rule
        facts["web_acl_scope"] = "REGIONAL"
        facts["web_acl_default_action_config"] = {"Allow": {}}
        facts["web_acl_visibility_config"] = {
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "x-acl",
        }
        facts["web_acl_rules_with_count"] = [
            {
                "Name": "x-rule",
                "Priority": 0,
                "Statement": {"IPSetReferenceStatement": {"ARN": "arn:aws:wafv2:x"}},
                "Action": {"Count": {}},
                "VisibilityConfig": facts["web_acl_visibility_config"],
            }
        ]
    arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/items"
    if "iam_policy_document" in names:
        facts["iam_policy_document"] = dumps(invoke_policy(arn))
        facts["iam_policy_name"] = invoke_policy_name(arn)
    if "authorizer_code_zip" in names:  # a zip the wizard wrote (a content-addressed artifact)
        from wizard.aws.fixes.code import save_artifact

        facts["authorizer_code_zip"] = save_artifact(b"PK\x05\x06" + b"\x00" * 18)
    return facts


def _admitted(service: str, operation: str, params: dict[str, object]) -> bool:
    """The allowlist takes the operation with these parameters (an entry may take only some of
    an operation's parameters: ModifyVpcEndpoint resets a policy, it does not turn DNS off)."""
    if (service, operation) not in ALLOWLIST:
        return False
    try:
        check_allowed(service, operation, params)
    except NotAllowedError:
        return False
    return True


def test_turning_private_dns_off_stays_the_users_to_run() -> None:
    """ModifyVpcEndpoint is allowlisted for the policy reset only: the private-DNS fix changes
    how every API name resolves in the VPC, so the wizard shows it and does not run it."""
    cause = load_catalogue().get("vpce-private-dns-public-api")
    fix = next(f for f in cause.fixes if f.id == "fix-disable-private-dns")
    plan = build_plan(fix, {"vpce_id": "vpce-1"})
    assert not plan.applicable
    assert plan.refused and "PrivateDnsEnabled" in plan.refused


FIXES = [
    (cause.id, fix) for cause in load_catalogue().causes for fix in cause.fixes if fix.operations
]


def test_catalogue_has_applicable_fixes() -> None:
    assert len(FIXES) >= 10


@pytest.mark.parametrize(("cause_id", "fix"), FIXES, ids=[f"{c}.{f.id}" for c, f in FIXES])
def test_catalogue_fix_renders_and_round_trips(cause_id: str, fix: object) -> None:
    names = set().union(*(placeholders(op.params) for op in fix.operations))  # type: ignore[attr-defined]
    unknown = names - set(SHARED_FACTS)
    assert not unknown, f"{cause_id}: placeholders outside the shared fact names: {unknown}"
    plan = build_plan(fix, _facts(names), CliTarget(region="eu-west-1"))
    for op, line in zip(plan.operations, plan.cli, strict=True):
        parsed = parse_cli(line)
        assert (parsed.service, parsed.operation, parsed.params) == (
            op.service,
            op.operation,
            op.params,
        )
        assert parsed.globals == {"region": "eu-west-1"}
    allowed = all(_admitted(o.service, o.operation, o.params) for o in plan.operations)
    assert plan.applicable == allowed, plan.refused
    if not plan.applicable:
        assert plan.refused and "run it yourself" in plan.refused
        with pytest.raises(NotAllowedError):
            from wizard.aws.fixes.apply import apply_plan

            apply_plan(plan, Confirmation.for_plan(plan, by="t", shown=plan.cli), lambda _: None)
