"""The change an authorizer's Resource needs, derived from the policy it really returned."""

from __future__ import annotations

import pytest

from wizard.analysis.authorizer_resource import (
    corrected_resource,
    patch_resource_lines,
    wrong_parts,
)

CALL = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/DELETE/orders/42"
ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123"


@pytest.mark.parametrize(
    ("returned", "wrong", "corrected"),
    [
        (f"{ARN}/dev/*/*", [("stage", "dev", "prod")], f"{ARN}/prod/*/*"),
        (
            "arn:aws:execute-api:us-west-2:123456789012:abc123/prod/*/*",
            [("region", "us-west-2", "us-east-1")],
            f"{ARN}/prod/*/*",
        ),
        (
            "arn:aws:execute-api:us-east-1:999999999999:abc123/prod/*",
            [("account", "999999999999", "123456789012")],
            f"{ARN}/prod/*",
        ),
        (f"{ARN}/prod/GET/*", [("method", "GET", "DELETE")], f"{ARN}/prod/DELETE/*"),
        # the method-scoped Resource (the first call's ARN, cached): widened, not re-scoped
        (
            f"{ARN}/prod/GET/orders/42",
            [("method", "GET", "*"), ("path", "orders/42", "*")],
            f"{ARN}/prod/*/*",
        ),
        (f"{ARN}/prod/*/*", [], None),
        (f"{ARN}/*", [], None),
        ("not an arn", [], None),
    ],
)
def test_wrong_parts_and_the_corrected_resource(returned, wrong, corrected) -> None:
    assert [(w.part, w.returned, w.wanted) for w in wrong_parts(returned, CALL)] == wrong
    assert corrected_resource(returned, CALL) == corrected


def test_only_the_wrong_part_of_resource_lines_changes() -> None:
    source = (
        'REGION = "us-west-2"  # where the audit log goes\n'
        'resource = f"arn:aws:execute-api:us-west-2:{account}:{api}/{stage}/*/*"\n'
    )
    wrong = wrong_parts("arn:aws:execute-api:us-west-2:123456789012:abc123/prod/*/*", CALL)
    patched, changed = patch_resource_lines(source, wrong)
    assert changed == 1
    assert patched.splitlines()[0] == source.splitlines()[0]
    assert "execute-api:us-east-1:{account}" in patched.splitlines()[1]


def test_a_stage_in_a_policy_template_is_corrected_between_its_slashes() -> None:
    env = '[{"Effect": "Allow", "Resource": "{api_arn}/dev/*/*", "Sid": "dev/devices"}]'
    patched, changed = patch_resource_lines(env, wrong_parts(f"{ARN}/dev/*/*", CALL))
    assert changed == 1
    assert '"{api_arn}/prod/*/*"' in patched and '"Sid": "dev/devices"' in patched
