"""The claim-name detector on the bundled WebSocket $connect authorizers' code (pure)."""

from __future__ import annotations

from pathlib import Path

from wizard.analysis.authorizer_claims import ClaimRename, rename_claim_reads, wrong_claim_reads

AUTHORIZERS = Path(__file__).resolve().parents[2] / "wizard" / "sandbox" / "authorizers"


def test_a_cognito_groups_claim_read_as_groups_is_renamed_on_its_one_line() -> None:
    source = (AUTHORIZERS / "ws_group_claim_typo.py").read_text()
    claims = {"sub": "carol", "cognito:groups": ["chat-users"], "exp": 1, "iat": 0}
    renames = wrong_claim_reads(source, claims)
    # `query.get("token")` is the identity source's read, no claim has a close name: left alone
    assert renames == [ClaimRename("groups", "cognito:groups")]
    patched, changed = rename_claim_reads(source, renames)
    assert changed == 1
    assert 'claims.get("cognito:groups")' in patched and 'claims.get("groups")' not in patched


def test_the_rest_shaped_connect_authorizer_reads_only_claims_the_token_carries() -> None:
    # ws-connect-denied: its Deny is the Resource it allows, not a claim: no rename is offered
    source = (AUTHORIZERS / "policy_from_env.py").read_text()
    assert wrong_claim_reads(source, {"sub": "alice", "exp": 1, "iat": 0}) == []
