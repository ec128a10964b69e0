"""The catalogue data: every id of the reference is present exactly, every fix operation is a real
botocore operation with valid parameter names, every placeholder is a shared fact name."""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest

from wizard.catalogue import load_catalogue

REPO = Path(__file__).resolve().parents[2]
# The reference lives in the repo (docs/reference/); the steering copy in shared/ beside the
# clone (a nested git worktree finds it further up) is what it was taken from and must not have
# moved on without it.
REFERENCE = REPO / "docs" / "reference" / "403-causes.md"
STEERING_PATH = Path("shared") / "reference" / "403-causes.md"
STEERING_COPY = next(
    (d / STEERING_PATH for d in REPO.parents if (d / STEERING_PATH).is_file()),
    REPO.parent / STEERING_PATH,
)

# The reference's cause index, frozen: a cause added to the reference must be added here too.
FROZEN_IDS = [
    "authz-explicit-deny", "authz-implicit-deny-arn-mismatch", "authz-cache-scoped-policy",
    "authz-cache-stale-decision", "rp-explicit-deny", "rp-implicit-deny", "rp-cross-account-iam",
    "rp-not-redeployed", "iam-no-invoke-permission", "iam-explicit-deny",
    "sigv4-invalid-security-token", "sigv4-signature-expired", "sigv4-signature-mismatch",
    "sigv4-incomplete-signature", "mat-route-not-found", "mat-not-deployed", "mat-iam-unsigned",
    "stage-not-found", "custom-domain-mapping", "apikey-missing-or-invalid",
    "apikey-not-in-usage-plan-stage", "private-api-access-path", "vpce-private-dns-public-api",
    "vpce-endpoint-policy", "default-endpoint-disabled", "waf-block", "mtls-cert-rejected",
    "host-header-mismatch", "cloudfront-edge-rejection", "httpapi-jwt-insufficient-scope",
    "httpapi-lambda-authorizer-deny", "ws-connect-denied", "ws-mgmt-wrong-endpoint",
    "ws-mgmt-no-permission", "cache-invalidation-unauthorized", "integration-returned-403",
    "not-apigw-origin", "gateway-response-override", "not-403-lookalikes",
]  # fmt: skip

FACT_NAMES = {
    "api_id", "api_type", "endpoint_type", "stage", "method", "path", "resource_path",
    "resource_id", "region", "account_id", "caller_arn", "method_arn", "authorization_type",
    "authorizer_id", "authorizer_type", "authorizer_ttl", "authorizer_identity_source",
    "authorizer_function_arn", "api_key_required", "api_key_id", "usage_plan_id", "domain_name",
    "base_path", "vpce_id", "web_acl_arn", "deployment_id", "latest_deployment_id",
    "resource_policy", "status_code", "error_type", "error_message",
    # added with the applicable usage-plan and resource-policy fixes (assignment K)
    "key_usage_plan_id", "proposed_resource_policy",
    # the HTTP API route the request matched and the scopes its JWT carries (p_live_http, p_live_jwt)
    "route_id", "token_scopes",
    # the IAM fixes scoped to the failing method (propose_iam_fix probe, assignment loop)
    "iam_principal_name", "iam_policy_name", "iam_policy_document",
    # the authorizer's code patched where it builds the Resource (propose_authorizer_code_fix)
    "authorizer_function_name", "authorizer_code_zip",
    # the JWT authorizer's issuer and audience + the token's aud (p_lookalike_jwt, loops2)
    "jwt_issuer", "audience_with_token",
    # the header a non-proxy integration does not pass, and its method (p_integration_live, loops5)
    "header_to_map", "integration_resource_id", "integration_http_method",
    # the web ACL sent back with the blocking rule switched to Count (waf_web_acl probe, waffix)
    "web_acl_name", "web_acl_scope", "web_acl_id", "web_acl_default_action_config",
    "web_acl_rules_with_count", "web_acl_visibility_config", "web_acl_lock_token",
}  # fmt: skip

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def reference_ids() -> list[str]:
    text = REFERENCE.read_text(encoding="utf-8")
    index = text.split("## Cause index", 1)[1].split("\n---", 1)[0]
    ids = []
    for line in index.splitlines():
        m = re.match(r"^\|\s*([a-z0-9][a-z0-9-]*)\s*\|", line)
        if m and m.group(1) not in ("id", "---"):
            ids.append(m.group(1))
    return ids


def test_reference_index_parses_to_the_frozen_list() -> None:
    assert reference_ids() == FROZEN_IDS


def test_the_in_repo_reference_is_the_steering_copy() -> None:
    if not STEERING_COPY.exists():
        pytest.skip(f"no steering copy at {STEERING_COPY} (a checkout without shared/ beside it)")
    assert REFERENCE.read_bytes() == STEERING_COPY.read_bytes(), (
        "shared/reference/403-causes.md changed: copy it to docs/reference/ and review the catalogue"
    )


def test_every_reference_id_is_present_exactly_once() -> None:
    ids = load_catalogue().ids()
    assert sorted(ids) == sorted(reference_ids())
    assert len(ids) == len(set(ids))


def test_catalogue_order_follows_the_reference() -> None:
    assert load_catalogue().ids() == reference_ids()


@pytest.mark.parametrize("cause", load_catalogue().causes, ids=lambda c: c.id)
def test_cause_is_complete_and_teaches(cause) -> None:  # type: ignore[no-untyped-def]
    assert cause.title and cause.summary
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", cause.explanation.strip()) if s]
    assert 3 <= len(sentences) <= 8, f"{cause.id}: explanation has {len(sentences)} sentences"
    assert cause.confirms, cause.id
    assert cause.rules_out, cause.id
    assert cause.detect, cause.id
    assert cause.fixes, cause.id
    assert cause.verify, cause.id
    assert cause.prevention, cause.id
    assert cause.sources and all(s.startswith("https://") for s in cause.sources), cause.id
    assert cause.prior is not None and 0 < cause.prior < 0.5, cause.id
    for fix in cause.fixes:
        # A fix either applies operations or tells the engineer exactly what to do.
        assert fix.operations or fix.guidance or fix.code, f"{cause.id}/{fix.id}"


def _operations():  # type: ignore[no-untyped-def]
    for cause in load_catalogue().causes:
        for fix in cause.fixes:
            for i, op in enumerate(fix.operations):
                yield pytest.param(cause.id, fix.id, op, id=f"{cause.id}/{fix.id}/{i}")


@pytest.mark.parametrize(("cause_id", "fix_id", "op"), list(_operations()))
def test_operation_is_real_botocore_with_valid_params(cause_id, fix_id, op) -> None:  # type: ignore[no-untyped-def]
    session = botocore.session.get_session()
    model = session.get_service_model(op.service)
    assert op.operation in model.operation_names, f"{op.service} has no {op.operation}"
    shape = model.operation_model(op.operation).input_shape
    members = set(shape.members) if shape else set()
    unknown = set(op.params) - members
    assert not unknown, f"{op.service}.{op.operation}: unknown parameters {sorted(unknown)}"
    missing = set(shape.required_members if shape else []) - set(op.params)
    assert not missing, f"{op.service}.{op.operation}: missing required {sorted(missing)}"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_every_placeholder_is_a_shared_fact_name() -> None:
    unknown: list[str] = []
    for cause in load_catalogue().causes:
        for fix in cause.fixes:
            texts = [*(_strings(op.params) for op in fix.operations)]
            for text in [s for group in texts for s in group]:
                unknown += [
                    f"{cause.id}/{fix.id}: {{{n}}}"
                    for n in _PLACEHOLDER.findall(text)
                    if n not in FACT_NAMES
                ]
    assert not unknown, unknown


def test_operations_use_placeholders_not_example_ids() -> None:
    """Operation parameters that name an API, stage or authorizer must come from session facts."""
    for cause in load_catalogue().causes:
        for fix in cause.fixes:
            for op in fix.operations:
                for key in (
                    "restApiId",
                    "ApiId",
                    "stageName",
                    "StageName",
                    "authorizerId",
                    "AuthorizerId",
                ):
                    if key in op.params:
                        assert _PLACEHOLDER.fullmatch(str(op.params[key])), (
                            f"{cause.id}/{fix.id}: {key}"
                        )
