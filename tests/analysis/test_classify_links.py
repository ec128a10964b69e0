"""Root-cause links: a cause that produces another's message ranks above it when its own evidence
is present (the `explains:` of wizard/catalogue/evidence.yaml), and only then."""

from __future__ import annotations

import pytest

from wizard.analysis.classify import classify, scoring_inputs
from wizard.analysis.diagnosis import scoring

RP_DENY = (
    "HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: AccessDeniedException\n"
    '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: '
    'arn:aws:execute-api:us-east-1:123456789012:abc1234567/prod/GET/items with an explicit deny"}'
)
MAT = (
    "HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: MissingAuthenticationTokenException\n"
    '{"message":"Missing Authentication Token"}\n'
    "GET https://abc1234567.execute-api.us-east-1.amazonaws.com/prod/orders"
)
AUTHZ = (
    'HTTP/1.1 403 Forbidden\n{"Message":"User is not authorized to access this resource"}\n'
    "The first call to /profile works, later calls to /orders fail; authorizer TTL 300."
)
KEY = (
    'HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: ForbiddenException\n{"message":"Forbidden"}\n'
    'curl -H "x-api-key: abc123" https://abc1234567.execute-api.us-east-1.amazonaws.com/prod/items'
)

# (paste, session facts, root cause, the cause whose message it produces)
LINKED = [
    pytest.param(
        RP_DENY,
        {"latest_deployment_id": "d2", "deployment_id": "d1"},
        "rp-not-redeployed",
        "rp-explicit-deny",
        id="policy-changed-not-deployed",
    ),
    pytest.param(
        RP_DENY + "\nI updated the resource policy to allow our IP but still get the same error.",
        None,
        "rp-not-redeployed",
        "rp-explicit-deny",
        id="policy-changed-in-prose",
    ),
    pytest.param(
        MAT + "\nThe resource definitely exists in the API.",
        None,
        "mat-not-deployed",
        "mat-route-not-found",
        id="route-exists",
    ),
    pytest.param(
        MAT,
        {"authorization_type": "NONE"},
        "mat-not-deployed",
        "mat-route-not-found",
        id="method-settings-readable",
    ),
    pytest.param(
        KEY + "\nThe key is valid and enabled.",
        None,
        "apikey-not-in-usage-plan-stage",
        "apikey-missing-or-invalid",
        id="key-known-valid",
    ),
    pytest.param(
        MAT,
        {"authorization_type": "AWS_IAM"},
        "mat-iam-unsigned",
        "mat-route-not-found",
        id="iam-method-unsigned",
    ),
    pytest.param(
        AUTHZ, None, "authz-cache-scoped-policy", "authz-implicit-deny-arn-mismatch", id="cached"
    ),
    pytest.param(AUTHZ, None, "authz-cache-scoped-policy", "authz-explicit-deny", id="cached-deny"),
]


def _rank(result_ids: list[str], cause: str) -> int:
    return result_ids.index(cause)


@pytest.mark.parametrize(("text", "facts", "root", "visible"), LINKED)
def test_root_cause_ranks_above_the_cause_whose_message_it_produces(
    text: str, facts: dict[str, object] | None, root: str, visible: str
) -> None:
    result = classify(text, facts=facts)
    ids = result.ids()
    assert _rank(ids, root) < _rank(ids, visible), ids[:5]
    top = result.causes[_rank(ids, root)]
    # The root cause says first that it explains the message, and why.
    assert any(w in top.evidence[0] for w in ("so", "does not run", "cached", "not SigV4")), (
        top.evidence
    )
    assert (root, visible) in scoring_inputs(text, facts=facts).links


@pytest.mark.parametrize(
    ("text", "facts", "root", "visible"),
    [p for p in LINKED if p.id in ("policy-changed-not-deployed", "route-exists")],
)
def test_the_link_is_what_lifts_the_root_cause(
    text: str, facts: dict[str, object] | None, root: str, visible: str
) -> None:
    """Without the link the visible cause wins on these: the link is doing the work."""
    inputs = scoring_inputs(text, facts=facts)
    plain = scoring.confidences(inputs.rule_scores, inputs.observations)
    assert plain[visible] > plain[root]
    linked = scoring.confidences(inputs.rule_scores, inputs.observations, links=inputs.links)
    assert linked[root] > linked[visible]


@pytest.mark.parametrize(
    ("text", "facts", "visible", "root"),
    [
        (RP_DENY, None, "rp-explicit-deny", "rp-not-redeployed"),
        (MAT, None, "mat-route-not-found", "mat-not-deployed"),
        (KEY, None, "apikey-missing-or-invalid", "apikey-not-in-usage-plan-stage"),
        # caching known off: a cached decision cannot be the root cause
        (
            AUTHZ.replace("; authorizer TTL 300", ""),
            {"authorizer_ttl": 0},
            "authz-implicit-deny-arn-mismatch",
            "authz-cache-scoped-policy",
        ),
        # the key is in the query string: API Gateway never read it, so it is not "known valid"
        (
            KEY.replace('-H "x-api-key: abc123" ', "")
            + "?api_key=abc123\nI am sending the api key, it is valid.",
            None,
            "apikey-missing-or-invalid",
            "apikey-not-in-usage-plan-stage",
        ),
    ],
)
def test_without_its_own_evidence_the_root_cause_is_not_lifted(
    text: str, facts: dict[str, object] | None, visible: str, root: str
) -> None:
    inputs = scoring_inputs(text, facts=facts)
    assert (root, visible) not in inputs.links
    ids = classify(text, facts=facts).ids()
    assert _rank(ids, visible) < _rank(ids, root), ids[:5]


def test_links_settle_along_a_chain() -> None:
    values = {"a": 0.0, "b": 1.0, "c": 5.0}
    out = scoring.with_links(values, [("a", "b"), ("b", "c")], margin=0.5)
    assert out["b"] == pytest.approx(5.5)
    assert out["a"] == pytest.approx(6.0)
    assert out["c"] == 5.0
    # a root already above is left alone
    assert scoring.with_links({"a": 9.0, "b": 1.0}, [("a", "b")], margin=0.5) == {
        "a": 9.0,
        "b": 1.0,
    }
