"""The scenario file format rejects broken references with one line naming the place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wizard.sandbox.scenario import ScenarioError, load_scenario, scenario_path
from wizard.sandbox.tokens import mint_hs256


def _seed() -> dict:
    return yaml.safe_load(scenario_path("authz-cache-scoped-policy").read_text())


def _write(tmp_path, data) -> str:
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(data))
    return str(p)


def test_unknown_authorizer_is_named(tmp_path):
    data = _seed()
    data["api"]["resources"][0]["methods"]["GET"]["authorizer"] = "nope"
    with pytest.raises(ScenarioError, match="unknown authorizer 'nope'"):
        load_scenario(_write(tmp_path, data))


def test_unknown_field_is_rejected_with_its_path(tmp_path):
    data = _seed()
    data["api"]["stagee"] = "prod"
    with pytest.raises(ScenarioError, match=r"api\.stagee"):
        load_scenario(_write(tmp_path, data))


def test_symptom_must_name_a_request(tmp_path):
    data = _seed()
    data["symptom"] = "missing"
    with pytest.raises(ScenarioError, match="symptom 'missing'"):
        load_scenario(_write(tmp_path, data))


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(ScenarioError, match="authz-cache-scoped-policy"):
        load_scenario("does-not-exist")


# Each authorizer is zipped and deployed as one standalone file (the code the wizard reads,
# patches and shows as a diff is that one file), so each carries its own copy of the HS256
# check: every copy is held to the same behaviour here.
_HS256_COPIES = sorted(
    p.stem
    for p in (Path(__file__).parents[2] / "wizard/sandbox/authorizers").glob("*.py")
    if "def verify_hs256(" in p.read_text()
)


def test_every_hs256_copy_is_checked():
    assert len(_HS256_COPIES) >= 6, _HS256_COPIES


@pytest.mark.parametrize("module", _HS256_COPIES)
def test_minted_token_verifies_with_the_authorizer_code(module):
    import importlib

    verify_hs256 = importlib.import_module(f"wizard.sandbox.authorizers.{module}").verify_hs256
    token = mint_hs256("s3cret", {"sub": "bob"}, expires_in=60)
    assert verify_hs256(token, "s3cret")["sub"] == "bob"
    with pytest.raises(ValueError, match="bad signature"):
        verify_hs256(token, "other")
    expired = mint_hs256("s3cret", {"sub": "bob"}, expires_in=-1)
    with pytest.raises(ValueError, match="expired"):
        verify_hs256(expired, "s3cret")
    with pytest.raises(ValueError, match="malformed"):
        verify_hs256("not-a-jwt", "s3cret")


def test_a_live_connection_needs_the_connection_id_backend(tmp_path):
    data = yaml.safe_load(scenario_path("ws-mgmt-no-permission").read_text())
    assert load_scenario(_write(tmp_path, data)).api.live_connection
    data["api"]["routes"][1]["integration"] = {"type": "MOCK"}  # nothing would tell the id
    with pytest.raises(ScenarioError, match="live_connection"):
        load_scenario(_write(tmp_path, data))
    rest = _seed()
    rest["api"]["live_connection"] = True
    with pytest.raises(ScenarioError, match="live_connection"):
        load_scenario(_write(tmp_path, rest))


def test_another_accounts_signature_needs_emulator_auth(tmp_path):
    data = yaml.safe_load(scenario_path("rp-cross-account-iam").read_text())
    partner = next(r for r in data["requests"] if r.get("sigv4_as") == "partner_user")
    assert load_scenario(_write(tmp_path, data)).symptom == partner["name"]
    data["emulator"] = {"auth": False}  # without AUTH no key chooses the account
    with pytest.raises(ScenarioError, match="partner_user"):
        load_scenario(_write(tmp_path, data))
