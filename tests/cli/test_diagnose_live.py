"""`apigw-wizard diagnose` live against MiniStack over real HTTP: the seed incident end to end.

A REST API with GET /dashboard and POST /dashboard/update-profile behind a TOKEN Lambda
authorizer (TTL 300) that allows exactly event.methodArn. GET works; the POST is refused from
the authorizer cache. `diagnose` must name authz-cache-scoped-policy with no question asked;
without --apply nothing changes; with --apply --yes the POST then succeeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.aws.aws_probe_helpers import emulator_env, seed_diagnose_argv
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator


def _seed(aws_client: Any, ministack: Any) -> tuple[Any, Provisioned]:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    get, _ = scenario.requests
    assert send_request(get, out).status_code == 200  # caches a GET-only Allow
    return scenario, out


def _diagnose(
    out: Provisioned, endpoint: str, *extra: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *seed_diagnose_argv(out, endpoint), *extra],
        capture_output=True,
        text=True,
        env=emulator_env(),
        input=stdin,
        timeout=180,
    )


def _ttl(aws_client: Any, out: Provisioned) -> int:
    authorizer_id = out.authorizer_ids["jwt-authorizer"]
    got = aws_client("apigateway").get_authorizer(restApiId=out.api_id, authorizerId=authorizer_id)
    return int(got["authorizerResultTtlInSeconds"])


def test_seed_diagnosed_live_without_questions_and_nothing_changes(
    aws_client: Any, ministack: Any
) -> None:
    scenario, out = _seed(aws_client, ministack)
    proc = _diagnose(out, ministack.endpoint_url)
    assert proc.returncode == 1, proc.stderr  # diagnosed, fix pending
    assert "Running as" in proc.stderr  # the caller is shown before anything runs
    data: dict[str, Any] = json.loads(proc.stdout)
    assert data["diagnosis"]["cause"] == "authz-cache-scoped-policy"
    assert data["causes"][0]["id"] == "authz-cache-scoped-policy"
    assert data["questions"] == 0
    evidence = {e["name"]: e["value"] for e in data["evidence"]}
    assert evidence["authorizer_ttl"] == 300
    assert evidence["live_status"] == 403
    assert evidence["live_policy_scoped"] is True
    assert evidence["cached_method_arn"] == out.method_arn("GET", "/dashboard")
    why = data["fixes"][0]["explanation"]
    assert out.method_arn("POST", "/dashboard/update-profile") in why
    assert "300 s" in why
    ttl_fix = next(f for f in data["fixes"] if f["fix"] == "fix-cache-ttl-zero")
    assert ttl_fix["applicable"] is True and ttl_fix["applied"] is False
    assert out.authorizer_ids["jwt-authorizer"] in ttl_fix["cli"][0]
    # Without --apply nothing changed: the TTL is still 300 and the POST still fails.
    assert _ttl(aws_client, out) == 300
    _, post = scenario.requests
    assert send_request(post, out).status_code == 403


def test_seed_apply_yes_fixes_it(aws_client: Any, ministack: Any) -> None:
    scenario, out = _seed(aws_client, ministack)
    proc = _diagnose(out, ministack.endpoint_url, "--apply", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "Applying (--yes)." in proc.stderr
    data = json.loads(proc.stdout)
    applied = [f for f in data["fixes"] if f["applied"]]
    assert [f["fix"] for f in applied] == ["fix-cache-ttl-zero"]
    assert applied[0]["verified"] is True
    assert any("authorizerResultTtlInSeconds,value=300" in c for c in applied[0]["rollback"])
    assert _ttl(aws_client, out) == 0
    _, post = scenario.requests
    assert send_request(post, out).status_code == 200


def test_apply_declined_changes_nothing(aws_client: Any, ministack: Any) -> None:
    scenario, out = _seed(aws_client, ministack)
    proc = _diagnose(out, ministack.endpoint_url, "--apply", stdin="n\n")
    assert proc.returncode == 1, proc.stderr
    assert "[y/N]" in proc.stderr and "Not applied." in proc.stderr
    data = json.loads(proc.stdout)
    assert not any(f["applied"] for f in data["fixes"])
    assert _ttl(aws_client, out) == 300
    _, post = scenario.requests
    assert send_request(post, out).status_code == 403


def test_unreachable_endpoint_is_exit_3(ministack: Any) -> None:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "wizard",
            "diagnose",
            "--api-id",
            "abc123defg",
            "--stage",
            "prod",
            "--path",
            "/x",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",  # nothing listens on the discard port
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert proc.returncode == 3, proc.stderr
    # Progress lines (each failed attempt) come first; the one-line error ends it.
    assert proc.stderr.splitlines()[-1].startswith("apigw-wizard: AWS:")
    assert "Traceback" not in proc.stderr
