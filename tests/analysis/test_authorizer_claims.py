"""A read of a claim the token lacks, with one close claim of the token, is renamed; environment
and event reads, exact claims and ambiguous names are left alone."""

from __future__ import annotations

from pathlib import Path

from wizard.analysis.authorizer_claims import ClaimRename, rename_claim_reads, wrong_claim_reads

AUTHORIZERS = Path(__file__).parents[2] / "wizard" / "sandbox" / "authorizers"


def test_the_sandbox_typo_is_found_and_only_that_read_is_renamed() -> None:
    source = (AUTHORIZERS / "role_claim_typo.py").read_text()
    renames = wrong_claim_reads(source, {"sub": "erin", "role": "editor", "exp": 1})
    assert renames == [ClaimRename("roles", "role")]
    patched, changed = rename_claim_reads(source, renames)
    assert changed == 1
    assert 'claims.get("role", "")' in patched and 'claims.get("roles"' not in patched
    assert 'os.environ["JWT_SECRET"]' in patched and 'event["methodArn"]' in patched


def test_a_deliberate_deny_reads_only_claims_the_token_carries() -> None:
    source = (AUTHORIZERS / "policy_from_env.py").read_text()
    assert wrong_claim_reads(source, {"sub": "victor", "role": "viewer"}) == []


def test_namespaced_claims_match_and_ambiguity_proposes_nothing() -> None:
    code = 'groups = claims["groups"]\nsecret = os.environ["group"]\n'
    assert wrong_claim_reads(code, {"cognito:groups": ["a"]}) == [
        ClaimRename("groups", "cognito:groups")
    ]
    # two close claims: the wizard cannot tell which one was meant
    assert wrong_claim_reads(code, {"group": 1, "groupz": 2}) == []
    # the close claim is already read elsewhere: the other read is not a typo of it
    both = 'a = claims.get("roles")\nb = claims.get("role")\n'
    assert wrong_claim_reads(both, {"role": "x"}) == []
