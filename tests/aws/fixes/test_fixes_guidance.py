"""The authorizer-code patch: a unified diff for Python and Node that widens the Resource, and
— deployed into MiniStack — it really ends the seed incident."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from wizard.aws.fixes.guidance import authorizer_patch, patch_source, stage_wide_resource
from wizard.sandbox.provision import provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario
from wizard.sandbox.tokens import mint_hs256


@pytest.mark.parametrize(
    ("language", "line", "expected"),
    [
        (
            "python",
            '    resource = event["methodArn"]\n',
            'resource = "/".join(event["methodArn"].split("/")[:2] + ["*", "*"])',
        ),
        (
            "python",
            "    'Resource': event['methodArn'],\n",
            '"/".join(event[\'methodArn\'].split("/")[:2]',
        ),
        (
            "python",
            '    resource = event.get("methodArn")\n',
            '"/".join(event.get("methodArn").split("/")[:2]',
        ),
        (
            "node",
            "  const resource = event.methodArn;\n",
            'event.methodArn.split("/").slice(0, 2).concat(["*", "*"]).join("/")',
        ),
        ("node", '  Resource: event["methodArn"],\n', 'event["methodArn"].split("/").slice(0, 2)'),
    ],
)
def test_resource_lines_are_widened(language: Any, line: str, expected: str) -> None:
    patched, changed = patch_source(language, line)
    assert changed == 1
    assert expected in patched
    assert "caches this policy per token" in patched


def test_log_lines_and_comments_are_left_alone() -> None:
    source = (
        'print(json.dumps({"methodArn": event["methodArn"]}))\n'
        '# resource = event["methodArn"] was the bug\n'
    )
    assert patch_source("python", source) == (source, 0)


def test_alias_used_as_resource_is_widened_not_its_log_use() -> None:
    source = 'arn = event["methodArn"]\nlog(arn)\nstatement = {"Resource": arn}\n'
    patched, changed = patch_source("python", source)
    assert changed == 1
    assert "log(arn)\n" in patched
    assert '{"Resource": "/".join(arn.split("/")[:2] + ["*", "*"])}' in patched


def test_example_patch_is_a_unified_diff_for_both_languages() -> None:
    for language, name in (("python", "authorizer.py"), ("node", "index.js")):
        patch = authorizer_patch(language)  # type: ignore[arg-type]
        assert patch.example and patch.lines_changed == 1
        assert patch.diff.startswith(f"--- a/{name}\n+++ b/{name}\n@@")
        assert any(
            line.startswith("-") and "methodArn" in line for line in patch.diff.splitlines()[2:]
        )


def test_stage_wide_resource_from_facts() -> None:
    facts = {"region": "eu-west-1", "account_id": "123456789012", "api_id": "a1b2", "stage": "prod"}
    assert stage_wide_resource(facts) == "arn:aws:execute-api:eu-west-1:123456789012:a1b2/prod/*/*"


@pytest.mark.emulator
def test_patched_authorizer_ends_the_seed_incident(aws_client: Any, ministack: Any) -> None:
    scenario = load_scenario("authz-cache-scoped-policy")
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    spec = scenario.api.authorizers[0].function
    patched, changed = patch_source("python", spec.code_path.read_text())
    assert changed == 1
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(spec.code_path.name, patched)
    aws_client("lambda").update_function_code(FunctionName=spec.name, ZipFile=buf.getvalue())

    # A fresh token: MiniStack cannot flush the old scoped policy cached for the seed token.
    token = scenario.tokens["alice"]
    out.tokens["alice"] = token.prefix + mint_hs256(
        token.secret, {**token.claims, "sub": "alice-2"}
    )
    requests = {r.name: r for r in scenario.requests}
    assert send_request(requests["open-dashboard"], out).status_code == 200
    after = send_request(requests["update-profile"], out)
    assert after.status_code == 200, (after.error_type, after.error_message)


def test_catalogue_fixes_that_widen_the_resource_get_patches() -> None:
    from wizard.aws.fixes.guidance import patches_for_fix
    from wizard.catalogue.model import load_catalogue

    catalogue = load_catalogue()
    scoped = {f.id: f for f in catalogue.get("authz-cache-scoped-policy").fixes}
    mismatch = {f.id: f for f in catalogue.get("authz-implicit-deny-arn-mismatch").fixes}
    for fix in (
        scoped["fix-cache-wildcard-resource"],
        mismatch["fix-authorizer-resource-wildcard"],
    ):
        patches = patches_for_fix(fix)
        assert [p.language for p in patches] == ["python", "node"]
        assert all(p.lines_changed == 1 and p.diff for p in patches)
    assert patches_for_fix(scoped["fix-cache-ttl-zero"]) == []
    explicit = catalogue.get("authz-explicit-deny").fixes[0]
    assert patches_for_fix(explicit) == []
