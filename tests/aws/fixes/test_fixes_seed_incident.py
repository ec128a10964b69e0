"""The seed incident end to end against MiniStack over real HTTP: the catalogue's TTL-0 fix,
snapshot → confirm → apply → verify (the POST now succeeds) → rollback (TTL back to 300)."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.aws.fixes.apply import apply_plan
from wizard.aws.fixes.changes import describe_changes
from wizard.aws.fixes.errors import ConfirmationError
from wizard.aws.fixes.plan import Confirmation, build_plan
from wizard.aws.fixes.render import CliTarget
from wizard.aws.fixes.rollback import derive_rollback
from wizard.aws.fixes.snapshot import take_snapshot
from wizard.aws.fixes.verify import verify
from wizard.catalogue.model import load_catalogue
from wizard.sandbox.provision import provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator


@pytest.fixture
def seed(aws_client: Any, ministack: Any) -> dict[str, Any]:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    requests = {r.name: r for r in scenario.requests}

    def call(name: str) -> Any:
        return send_request(requests[name], out)

    assert call("open-dashboard").status_code == 200
    assert call("update-profile").status_code == 403
    facts = {
        "api_id": out.api_id,
        "stage": out.stage,
        "authorizer_id": out.authorizer_ids["jwt-authorizer"],
        "region": out.region,
        "account_id": out.account_id,
    }
    return {"out": out, "call": call, "facts": facts}


def _dump(apigw: Any, facts: dict[str, Any]) -> dict[str, Any]:
    """Everything the fix could touch, for before/after comparisons."""
    api = facts["api_id"]
    return {
        "authorizers": apigw.get_authorizers(restApiId=api)["items"],
        "stage": {
            k: v
            for k, v in apigw.get_stage(restApiId=api, stageName=facts["stage"]).items()
            if k != "ResponseMetadata"
        },
        "deployments": apigw.get_deployments(restApiId=api)["items"],
        "api": {
            k: v for k, v in apigw.get_rest_api(restApiId=api).items() if k != "ResponseMetadata"
        },
    }


def _ttl_fix() -> Any:
    cause = load_catalogue().get("authz-cache-scoped-policy")
    return next(f for f in cause.fixes if f.id == "fix-cache-ttl-zero")


def test_ttl_zero_fix_applies_verifies_and_rolls_back(
    seed: dict[str, Any], aws_client: Any
) -> None:
    facts, call = seed["facts"], seed["call"]
    apigw = aws_client("apigateway")
    plan = build_plan(_ttl_fix(), facts, CliTarget(region="us-east-1"))
    assert plan.cli[0].startswith(
        f"aws apigateway update-authorizer --rest-api-id {facts['api_id']} "
        f"--authorizer-id {facts['authorizer_id']} "
        "--patch-operations op=replace,path=/authorizerResultTtlInSeconds,value=0"
    )

    before = take_snapshot(plan, aws_client)
    assert before.complete
    changes = describe_changes(plan, before)
    assert changes[0].before == 300 and changes[0].after == "0"
    assert "300 → 0" in changes[0].text()

    confirmation = Confirmation.for_plan(plan, by="tester", shown=plan.cli)
    result = apply_plan(plan, confirmation, aws_client)
    statuses = [s.status for s in result.steps]
    # Update, redeploy (the stage serves its deployment), flush the cached policy.
    assert statuses == ["applied", "applied", "applied"], result.to_dict()
    assert result.applied

    checked = verify(plan, before, aws_client, replay=lambda: call("update-profile"))
    assert checked.verified, checked.to_dict()
    assert checked.replay is not None and checked.replay["status_code"] == 200
    authorizer = apigw.get_authorizer(
        restApiId=facts["api_id"], authorizerId=facts["authorizer_id"]
    )
    assert authorizer["authorizerResultTtlInSeconds"] == 0

    back = derive_rollback(plan, before, result)
    assert back.kind == "rollback"
    assert [o.operation for o in back.operations] == [
        "UpdateStage",
        "DeleteDeployment",
        "UpdateAuthorizer",
    ]
    assert back.operations[1].params["deploymentId"] == result.steps[1].response["id"]
    assert back.operations[2].params["patchOperations"] == [
        {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "300"}
    ]
    undone = apply_plan(back, Confirmation.for_plan(back, by="tester", shown=back.cli), aws_client)
    assert undone.applied, undone.to_dict()
    authorizer = apigw.get_authorizer(
        restApiId=facts["api_id"], authorizerId=facts["authorizer_id"]
    )
    assert authorizer["authorizerResultTtlInSeconds"] == 300
    stage = apigw.get_stage(restApiId=facts["api_id"], stageName=facts["stage"])
    assert stage["deploymentId"] == before.reads[1].state["deploymentId"]  # type: ignore[index]
    deployments = apigw.get_deployments(restApiId=facts["api_id"])["items"]
    assert result.steps[1].response["id"] not in {d["id"] for d in deployments}


def test_declining_changes_nothing(seed: dict[str, Any], aws_client: Any) -> None:
    facts = seed["facts"]
    apigw = aws_client("apigateway")
    before = _dump(apigw, facts)
    plan = build_plan(_ttl_fix(), facts)
    take_snapshot(plan, aws_client)  # reading is all that happens before a yes
    with pytest.raises(ConfirmationError):
        apply_plan(plan, None, aws_client)  # type: ignore[arg-type]
    assert _dump(apigw, facts) == before
    assert seed["call"]("update-profile").status_code == 403


def test_confirmation_for_another_plan_is_refused(seed: dict[str, Any], aws_client: Any) -> None:
    facts = seed["facts"]
    apigw = aws_client("apigateway")
    before = _dump(apigw, facts)
    plan = build_plan(_ttl_fix(), facts)
    other = build_plan(_ttl_fix(), {**facts, "stage": "other"})
    wrong = Confirmation.for_plan(other, by="tester", shown=other.cli)
    with pytest.raises(ConfirmationError, match="for another plan"):
        apply_plan(plan, wrong, aws_client)
    forged = Confirmation(plan.digest, "tester", "now", ("aws apigateway something-else",))
    with pytest.raises(ConfirmationError, match="not the commands"):
        apply_plan(plan, forged, aws_client)
    assert _dump(apigw, facts) == before
