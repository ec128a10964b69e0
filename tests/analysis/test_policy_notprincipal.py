"""NotPrincipal with Allow and with Deny, case by case from the IAM reference.

Written from "AWS JSON policy elements: NotPrincipal",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html:
- "NotPrincipal With Allow": the statement allows all principals *except* the ones named — and
  "you might grant access to anonymous (unauthenticated) users";
- "NotPrincipal With Deny": it denies all principals except the ones named, and "you must also
  specify the account ARN of the not-denied principal"; for an assumed-role user AWS "might
  validate the account first, then the role, and then the assumed-role user", so the page lists
  the session, the role and the account.
Each case also checks the sentence that explains it.
"""

from __future__ import annotations

from typing import Any

import pytest

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.request import RequestContext

DOC = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
)
ACCT = "444455556666"
ARN = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets"
BOB = f"arn:aws:iam::{ACCT}:user/Bob"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
ROOT = f"arn:aws:iam::{ACCT}:root"
ROLE = f"arn:aws:iam::{ACCT}:role/cross-account-read-only-role"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/cross-account-read-only-role/cross-account-audit-app"
OTHER_SESSION = f"arn:aws:sts::{ACCT}:assumed-role/cross-account-read-only-role/other-app"

ALLOW_ALL = {
    "Effect": "Allow",
    "Principal": "*",
    "Action": "execute-api:Invoke",
    "Resource": "execute-api:/*",
}


def not_principal(effect: str, *names: str) -> dict[str, Any]:
    return {
        "Effect": effect,
        "NotPrincipal": {"AWS": list(names)},
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# (id, policy, caller, decision, words the deciding or closest statement's reason must hold)
CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    # --- NotPrincipal with Allow: everyone except the named ones.
    (
        "allow-other-user-allowed",
        policy(not_principal("Allow", BOB)),
        ALICE,
        "allow",
        "allows every principal except the ones it names",
    ),
    (
        # The issue: the listed user used to be allowed (the Deny-only account rule applied).
        "allow-named-user-not-allowed",
        policy(not_principal("Allow", BOB)),
        BOB,
        "implicit_deny",
        "NotPrincipal names caller " + BOB,
    ),
    (
        "allow-named-user-and-account-not-allowed",
        policy(not_principal("Allow", BOB, ROOT)),
        BOB,
        "implicit_deny",
        "NotPrincipal names",
    ),
    (
        "allow-anonymous-allowed",
        policy(not_principal("Allow", BOB)),
        "anonymous",
        "allow",
        "anonymous callers included",
    ),
    (
        "allow-named-account-excludes-its-users",
        policy(not_principal("Allow", ROOT)),
        BOB,
        "implicit_deny",
        "NotPrincipal names",
    ),
    (
        "allow-named-role-excludes-its-sessions",
        policy(not_principal("Allow", ROLE)),
        SESSION,
        "implicit_deny",
        "NotPrincipal names",
    ),
    (
        "allow-named-session-only-that-session",
        policy(not_principal("Allow", SESSION)),
        OTHER_SESSION,
        "allow",
        "is not named in NotPrincipal",
    ),
    # --- NotPrincipal with Deny: everyone except the named ones, account included.
    (
        "deny-user-and-account-listed-escapes",
        policy(ALLOW_ALL, not_principal("Deny", BOB, ROOT)),
        BOB,
        "allow",
        "allows",
    ),
    (
        "deny-user-without-account-still-denied",
        policy(ALLOW_ALL, not_principal("Deny", BOB)),
        BOB,
        "explicit_deny",
        "IAM checks the account too",
    ),
    (
        "deny-other-user-denied",
        policy(ALLOW_ALL, not_principal("Deny", BOB, ROOT)),
        ALICE,
        "explicit_deny",
        "denies every principal except the ones it names",
    ),
    (
        "deny-anonymous-denied",
        policy(ALLOW_ALL, not_principal("Deny", BOB, ROOT)),
        "anonymous",
        "explicit_deny",
        "denies every principal except the ones it names",
    ),
    (
        "deny-session-role-and-account-escapes",
        policy(ALLOW_ALL, not_principal("Deny", SESSION, ROLE, ROOT)),
        SESSION,
        "allow",
        "allows",
    ),
    (
        "deny-role-and-account-covers-its-sessions",
        policy(ALLOW_ALL, not_principal("Deny", ROLE, ROOT)),
        OTHER_SESSION,
        "allow",
        "allows",
    ),
    (
        # "If the NotPrincipal element was missing the ARN of the role, the effect of the
        # policy might be to explicitly deny access to the role."
        "deny-session-and-account-without-role-denied",
        policy(ALLOW_ALL, not_principal("Deny", SESSION, ROOT)),
        SESSION,
        "explicit_deny",
        "the session is listed, but IAM checks the role and the account too",
    ),
    (
        "deny-session-only-denied",
        policy(ALLOW_ALL, not_principal("Deny", SESSION)),
        SESSION,
        "explicit_deny",
        "IAM checks the role and the account too",
    ),
    (
        "deny-account-caller-with-account-listed-escapes",
        policy(ALLOW_ALL, not_principal("Deny", ROOT)),
        ROOT,
        "allow",
        "allows",
    ),
]


@pytest.mark.parametrize(
    ("doc", "caller", "expected", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_notprincipal_as_the_reference_says(
    doc: dict[str, Any], caller: str, expected: str, words: str
) -> None:
    decision = evaluate_policy(doc, RequestContext(method_arn=ARN, principal=caller))
    assert decision.decision == expected, decision.explanation
    said = " ".join([decision.explanation, *(s.reason for s in decision.statements)])
    assert words in said, said


def test_allow_with_notprincipal_is_warned_about() -> None:
    """ "We strongly recommend that you do not use NotPrincipal in the same policy statement as
    "Effect": "Allow"" — the evaluator says so whatever the decision."""
    decision = evaluate_policy(
        policy(not_principal("Allow", BOB)), RequestContext(method_arn=ARN, principal=ALICE)
    )
    assert any("strongly recommends against" in w for w in decision.warnings)


def test_allow_notprincipal_suggestion_says_take_the_caller_out() -> None:
    decision = evaluate_policy(
        policy(not_principal("Allow", BOB)), RequestContext(method_arn=ARN, principal=BOB)
    )
    assert decision.suggestion is not None
    assert "take the caller out of it" in decision.suggestion
