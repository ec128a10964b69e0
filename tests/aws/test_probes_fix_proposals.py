"""`propose_iam_fix` on MiniStack: it proposes a change only where it can name the principal and
the one inline policy that decides, and says why not everywhere else."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

import wizard.aws.probes.iam_fix  # noqa: F401  (registers the probe)
from wizard.aws.fixes.iam_policy import denying_statements, invoke_policy_name
from wizard.aws.session import sandbox_session
from wizard.engine.probes import REGISTRY, ProbeContext

pytestmark = pytest.mark.emulator

ARN = "arn:aws:execute-api:us-east-1:000000000000:a1b2c3/prod/GET/reports"
USER = "arn:aws:iam::000000000000:user/batch"
DENY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "*"}],
}


def _probe(ministack: Any, mode: str, caller: str = USER) -> dict[str, Any]:
    facts = {"caller_arn": caller, "method_arn": ARN}
    ctx = ProbeContext(inputs={}, facts=facts, aws=sandbox_session(ministack.endpoint_url))
    return dict(REGISTRY.get("propose_iam_fix").fn(ctx, {"mode": mode}))


def test_a_missing_permission_gets_the_owned_policy_for_this_method(
    aws_client: Any, ministack: Any
) -> None:
    out = _probe(ministack, "allow")
    assert (out["iam_principal_kind"], out["iam_principal_name"]) == ("user", "batch")
    assert out["iam_policy_name"] == invoke_policy_name(ARN)
    assert json.loads(out["iam_policy_document"])["Statement"][0]["Resource"] == ARN
    assert ARN in out["iam_fix_note"]


def test_the_one_denying_inline_policy_is_edited(aws_client: Any, ministack: Any) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="batch")
    iam.put_user_policy(UserName="batch", PolicyName="other", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    ))  # fmt: skip
    iam.put_user_policy(UserName="batch", PolicyName="guardrail", PolicyDocument=json.dumps(DENY))
    out = _probe(ministack, "deny")
    assert out["iam_policy_name"] == "guardrail"
    assert denying_statements(json.loads(out["iam_policy_document"]), ARN) == []


def test_no_proposal_without_an_inline_deny_or_with_several(
    aws_client: Any, ministack: Any
) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="batch")
    out = _probe(ministack, "deny")
    assert out["iam_policy_document"] is None
    assert "managed policy, a permissions boundary or an SCP" in out["iam_fix_note"]
    iam.put_user_policy(UserName="batch", PolicyName="a", PolicyDocument=json.dumps(DENY))
    iam.put_user_policy(UserName="batch", PolicyName="b", PolicyDocument=json.dumps(DENY))
    out = _probe(ministack, "deny")
    assert out["iam_policy_document"] is None and "Several inline policies" in out["iam_fix_note"]


@pytest.mark.parametrize("caller", ["arn:aws:iam::000000000000:root", "anonymous", None])
def test_no_proposal_for_a_caller_that_is_no_user_or_role(
    aws_client: Any, ministack: Any, caller: str | None
) -> None:
    out = _probe(ministack, "allow", caller=caller)  # type: ignore[arg-type]
    assert out["iam_policy_document"] is None and out["iam_principal_kind"] is None
    assert "neither" in out["iam_fix_note"]


def test_the_authorizer_code_is_patched_on_the_sandbox(aws_client: Any, ministack: Any) -> None:
    """`propose_authorizer_code_fix`: the deployed zip patched where the Resource names the
    wrong stage, saved as an artifact; an Allow that covers the call gets no patch."""
    import wizard.aws.probes.authorizer_code  # noqa: F401  (registers the probe)
    from wizard.aws.fixes.code import load_artifact
    from wizard.sandbox.provision import provision
    from wizard.sandbox.scenario import load_scenario

    scenario = load_scenario("authz-hand-built-resource")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    method_arn = out.method_arn("GET", "/items")
    facts = {
        "authorizer_function_arn": scenario.api.authorizers[0].function.name,
        "policy_resource": f"{method_arn.split('/')[0]}/dev/*/*",
        "method_arn": method_arn,
    }
    ctx = ProbeContext(inputs={}, facts=facts, aws=sandbox_session(ministack.endpoint_url))
    got = dict(REGISTRY.get("propose_authorizer_code_fix").fn(ctx, {}))
    assert load_artifact(got["authorizer_code_zip"])  # an artifact the wizard wrote
    assert "the stage 'dev'" in got["authorizer_code_note"]
    facts["policy_resource"] = f"{method_arn.split('/')[0]}/prod/*/*"
    ctx = ProbeContext(inputs={}, facts=facts, aws=sandbox_session(ministack.endpoint_url))
    covered = dict(REGISTRY.get("propose_authorizer_code_fix").fn(ctx, {}))
    assert covered["authorizer_code_zip"] is None


def test_the_authorizer_claim_read_is_renamed_on_the_sandbox(
    aws_client: Any, ministack: Any
) -> None:
    """`propose_authorizer_claim_fix`: the deployed zip with the read of "roles" renamed to the
    token's "role", saved as an artifact whose diff is that one line; a token that carries the
    claim the code reads gets no patch."""
    import wizard.aws.probes.authorizer_code  # noqa: F401  (registers the probe)
    from wizard.aws.fixes.code import load_artifact, sources_diff
    from wizard.sandbox.provision import provision
    from wizard.sandbox.scenario import load_scenario

    scenario = load_scenario("authz-claim-name-deny")
    provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    name = scenario.api.authorizers[0].function.name
    claims = {"analysis": "token_claims", "claims": {"sub": "erin", "role": "editor"}}
    facts = {"authorizer_function_arn": name, "jwt_claims": claims}
    ctx = ProbeContext(inputs={}, facts=facts, aws=sandbox_session(ministack.endpoint_url))
    got = dict(REGISTRY.get("propose_authorizer_claim_fix").fn(ctx, {}))
    patched = load_artifact(got["authorizer_code_zip"])  # an artifact the wizard wrote
    assert "'roles' → 'role'" in got["authorizer_code_note"]
    location = aws_client("lambda").get_function(FunctionName=name)["Code"]["Location"]
    with urllib.request.urlopen(location, timeout=30) as answer:
        current = answer.read()
    diff = sources_diff(current, patched)
    assert (
        '-    role = claims.get("roles", "")' in diff
        and '+    role = claims.get("role", "")' in diff
    )
    facts["jwt_claims"] = {"sub": "erin", "roles": "editor"}
    ctx = ProbeContext(inputs={}, facts=facts, aws=sandbox_session(ministack.endpoint_url))
    fine = dict(REGISTRY.get("propose_authorizer_claim_fix").fn(ctx, {}))
    assert fine["authorizer_code_zip"] is None
    assert "reads only claims the token carries" in fine["authorizer_code_note"]
