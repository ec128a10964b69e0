"""The seed incident's evidence gathered by the live probes alone, node by node, concurrently."""

from __future__ import annotations

import pytest
from aws_probe_helpers import provision_seed, wizard_session

from wizard.aws.gather import gather

pytestmark = pytest.mark.emulator


def test_probes_gather_the_seed_evidence(aws, ministack):
    session = wizard_session(ministack)
    out = provision_seed(ministack, session)  # GET 200, then POST 403 from the cache
    token = out.tokens["alice"]
    url = out.url("/dashboard/update-profile")

    target = gather([("resolve_target", {"url": url, "method": "POST"})], aws=session)
    facts = target.facts()
    assert not target.errors()
    assert facts["method_arn"] == out.method_arn("POST", "/dashboard/update-profile")

    config = gather(
        [
            ("get_method", {}),
            ("get_rest_api", {}),
            ("get_stage", {}),
            ("get_deployments", {}),
            ("reproduce", {"url": url, "token": token}),
        ],
        aws=session,
        facts=facts,
    )
    assert not config.errors()
    facts.update(config.facts())
    assert facts["authorization_type"] == "CUSTOM"
    assert facts["status_code"] == 403
    assert facts["error_message"] == "User is not authorized to access this resource"
    assert facts["has_resource_policy"] is False
    assert facts["stage_on_latest_deployment"] is True

    authz = gather([("get_authorizer", {})], aws=session, facts=facts)
    facts.update(authz.facts())
    assert (facts["authorizer_type"], facts["authorizer_ttl"]) == ("TOKEN", 300)

    behaviour = gather(
        [
            ("authorizer_cache_check", {"url": url, "method": "POST", "token": token}),
            ("authorizer_policy", {"token": token}),
            ("lambda_configuration", {}),
        ],
        aws=session,
        facts=facts,
    )
    assert not behaviour.errors(), behaviour.errors()
    ev = behaviour.facts()
    # The 403 is decided without the authorizer running: a cache hit...
    assert ev["authorizer_cache_hit"] is True
    assert ev["status_code"] == 403
    # ...while the authorizer, asked fresh for this very call, allows it: the cached policy
    # (issued for GET /dashboard) is what denies it → authz-cache-scoped-policy.
    assert ev["authorizer_allows_method_arn"] is True
    assert ev["authorizer_policy_allow_resources"] == [facts["method_arn"]]


def test_cache_check_sees_a_fresh_invocation_with_ttl_zero(aws, ministack, aws_client):
    session = wizard_session(ministack)
    out = provision_seed(ministack, session, replayed=False)
    aws_client("apigateway").update_authorizer(
        restApiId=out.api_id,
        authorizerId=out.authorizer_ids["jwt-authorizer"],
        patchOperations=[{"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"}],
    )
    r = gather(
        [
            (
                "authorizer_cache_check",
                {
                    "url": out.url("/dashboard"),
                    "token": out.tokens["alice"],
                    "authorizer_function_arn": out.function_arns["dashboard-jwt-authorizer"],
                    "wait_seconds": 5,
                },
            )
        ],
        aws=session,
    )
    ev = r.facts()
    assert ev["status_code"] == 200
    assert ev["authorizer_invoked_by_request"] is True
    assert ev["authorizer_cache_hit"] is False


def test_reproduce_refuses_to_resend_a_post_to_a_real_host_without_confirmation():
    r = gather(
        [
            (
                "reproduce",
                {
                    "url": "https://abc1234567.execute-api.us-east-1.amazonaws.com/prod/x",
                    "method": "POST",
                },
            )
        ],
        aws=None,
    )
    err = r.errors()["reproduce"]
    assert err.kind.value == "missing_input"
    assert "consent" in err.message and "--resend" in err.message


def test_probes_beside_resolve_target_work_from_the_url_alone(aws, ministack):
    """A node runs resolve_target and its siblings at once: they read the ids from the URL."""
    session = wizard_session(ministack)
    out = provision_seed(ministack, session, replayed=False)
    g = gather(
        [
            ("resolve_target", {}),
            ("get_rest_api", {}),
            ("get_method", {}),
            ("get_stage", {}),
        ],
        aws=session,
        inputs={"url": out.url("/dashboard/update-profile"), "method": "POST"},
    )
    assert not g.errors(), g.errors()
    facts = g.facts()
    assert facts["authorization_type"] == "CUSTOM"
    assert facts["stage_exists"] is True
    assert facts["method_arn"] == out.method_arn("POST", "/dashboard/update-profile")
