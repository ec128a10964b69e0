"""Authorizer cache simulator: the first-works-then-403 sequence, its fixes, stale decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.analysis.cache_sim import ScenarioError, load_scenario, replay_same_token, simulate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cache"
API = {"region": "us-east-1", "account": "111122223333", "api_id": "a1b2c3", "stage": "prod"}


def scenario(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "api": API,
        "authorizer": {"type": "TOKEN", "ttl": 300},
        "returns": {"resource": "{methodArn}"},
        "requests": [
            {"at": 0, "token": "tok-A", "method": "GET", "path": "/profile"},
            {"at": 5, "token": "tok-A", "method": "POST", "path": "/profile"},
            {"at": 10, "token": "tok-A", "method": "GET", "path": "/profile"},
            {"at": 20, "token": "tok-B", "method": "POST", "path": "/profile"},
            {"at": 301, "token": "tok-A", "method": "POST", "path": "/profile"},
        ],
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


def rows(data: dict[str, Any]) -> list[tuple[str, bool, int]]:
    result = simulate(load_scenario(data))
    return [(s.cache, s.lambda_invoked, s.status) for s in result.steps]


def test_first_call_works_other_routes_403_from_cache() -> None:
    result = simulate(load_scenario(scenario()))
    assert [(s.cache, s.lambda_invoked, s.status) for s in result.steps] == [
        ("miss", True, 200),  # GET: Lambda runs, Allow for GET/profile cached
        ("hit", False, 403),  # POST: cached GET-only policy, Lambda NOT invoked
        ("hit", False, 200),  # GET again: the cached policy covers it
        ("miss", True, 200),  # another token: its own cache entry
        ("miss", True, 200),  # after the TTL: the Lambda runs again for POST
    ]
    denied = result.steps[1]
    assert denied.decision == "implicit_deny"
    assert denied.error_type == "AccessDeniedException"
    assert denied.message == "User is not authorized to access this resource"
    assert denied.policy_resources == [
        "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/profile"
    ]
    assert "authz-cache-scoped-policy" in " ".join(result.findings)
    assert "Request 1" in result.moral and "TTL to 0" in result.moral
    assert result.invocations == 3


def test_fix_ttl_zero_invokes_every_time() -> None:
    assert rows(scenario(authorizer={"ttl": 0})) == [("disabled", True, 200)] * 5


def test_fix_wildcard_resource() -> None:
    data = scenario(returns={"resource": "{apiArn}/{stage}/*/*"})
    assert [r[2] for r in rows(data)] == [200] * 5
    assert [r[1] for r in rows(data)] == [True, False, False, True, True]


def test_fix_flush_empties_the_cache_at_t() -> None:
    data = scenario(flushes=[3])
    assert rows(data)[:3] == [("miss", True, 200), ("miss", True, 200), ("hit", False, 403)]


def test_token_expired_cached_allow_served_until_ttl_ends() -> None:
    data = scenario(
        returns={"resource": "{apiArn}/*", "expires": {"tok-A": 100}},
        requests=[
            {"at": 0, "token": "tok-A", "method": "GET", "path": "/a"},
            {"at": 150, "token": "tok-A", "method": "GET", "path": "/b"},
            {"at": 300, "token": "tok-A", "method": "GET", "path": "/a"},
        ],
    )
    result = simulate(load_scenario(data))
    assert [(s.cache, s.status) for s in result.steps] == [
        ("miss", 200),
        ("hit", 200),
        ("miss", 401),
    ]
    assert "expired" in result.steps[1].note
    assert result.steps[2].lambda_invoked and result.steps[2].message == "Unauthorized"
    assert "outlives the token" in result.moral


def test_expired_token_deny_is_cached_under_a_shared_key() -> None:
    data = scenario(
        authorizer={"type": "REQUEST", "identity_sources": ["method.request.header.X-Tenant"]},
        returns={"resource": "{apiArn}/*", "deny": ["old"]},
        requests=[
            {
                "at": 0,
                "identity": {"x-tenant": "acme", "Authorization": "old"},
                "method": "GET",
                "path": "/i",
            },
            {
                "at": 9,
                "identity": {"X-Tenant": "acme", "Authorization": "new"},
                "method": "GET",
                "path": "/i",
            },
        ],
    )
    result = simulate(load_scenario(data))
    assert [(s.cache, s.decision) for s in result.steps] == [
        ("miss", "explicit_deny"),
        ("hit", "explicit_deny"),
    ]
    assert result.steps[1].message.endswith("with an explicit deny")  # type: ignore[union-attr]
    assert "authz-cache-stale-decision" in " ".join(result.findings)


def test_missing_identity_source_is_401_without_invoking() -> None:
    data = scenario(requests=[{"at": 0, "method": "GET", "path": "/a"}])
    (step,) = simulate(load_scenario(data)).steps
    assert (step.status, step.lambda_invoked, step.cache) == (401, False, "skipped")


def test_token_validation_regex() -> None:
    data = scenario(
        authorizer={"token_validation": "^Bearer .+$"},
        requests=[
            {"at": 0, "token": "tok", "method": "GET", "path": "/a"},
            {"at": 1, "token": "Bearer x", "method": "GET", "path": "/a"},
        ],
    )
    assert [r[1:] for r in rows(data)] == [(False, 401), (True, 200)]


def test_token_validation_runs_in_linear_time_on_a_catastrophic_pattern() -> None:
    # `^(a+)+$` against a long non-matching token backtracks for ages in Python's `re`; RE2
    # answers at once. The 60 a's make `re` take longer than this whole test suite.
    data = scenario(
        authorizer={"token_validation": "^(a+)+$"},
        requests=[
            {"at": 0, "token": "a" * 60 + "b", "method": "GET", "path": "/a"},
            {"at": 1, "token": "a" * 60, "method": "GET", "path": "/a"},
        ],
    )
    assert [r[1:] for r in rows(data)] == [(False, 401), (True, 200)]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"^(Bearer) \1$", "invalid escape sequence"),
        (r"^(?=Bearer).+$", "invalid perl operator"),
        ("x" * 3000, "longer than 2048 characters"),
        ("(", "missing )"),
    ],
)
def test_token_validation_refused_with_a_one_line_reason(pattern: str, reason: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenario(authorizer={"token_validation": pattern}))
    message = str(err.value)
    assert message.startswith("authorizer.token_validation: ")
    assert reason in message and "\n" not in message


def test_json_and_yaml_texts_give_the_same_simulation() -> None:
    import json

    import yaml

    data = scenario(authorizer={"token_validation": "^tok-[AB]$"})
    from_json = simulate(load_scenario(json.dumps(data))).to_dict()
    from_yaml = simulate(load_scenario(yaml.safe_dump(data))).to_dict()
    assert from_json == from_yaml == simulate(load_scenario(data)).to_dict()


def test_repeated_requests_reuse_decisions_without_changing_them() -> None:
    # The memoised policy decisions: a run answered from the memo equals a run with the memo
    # emptied first, and a different policy (Deny) is not answered from the Allow's entries.
    from wizard.analysis import cache_sim

    requests = [
        {"at": i, "token": f"tok-{i % 3}", "method": "GET", "path": f"/r{i % 4}"}
        for i in range(200)
    ]
    allowed = load_scenario(scenario(requests=requests))
    warm = simulate(allowed).to_dict()
    cache_sim._evaluate_text.cache_clear()
    cache_sim._identity_values_of.cache_clear()
    assert simulate(allowed).to_dict() == warm
    denied = simulate(load_scenario(scenario(requests=requests, returns={"effect": "Deny"})))
    assert {s.decision for s in denied.steps} == {"explicit_deny", "implicit_deny"}


def test_fixed_policy_with_placeholders_and_arn_requests() -> None:
    arn = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/DELETE/items/1"
    data = scenario(
        returns={
            "resource": None,
            "policy": {
                "principalId": "u",
                "policyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "execute-api:Invoke",
                            "Resource": "{apiArn}/*/GET/*",
                        },
                        {
                            "Effect": "Deny",
                            "Action": "execute-api:Invoke",
                            "Resource": "{apiArn}/*/DELETE/*",
                        },
                    ],
                },
            },
        },
        requests=[
            {"at": 0, "token": "t", "method": "GET", "path": "/items/1"},
            {"at": 1, "token": "t", "arn": arn},
        ],
    )
    result = simulate(load_scenario(data))
    assert [s.decision for s in result.steps] == ["allow", "explicit_deny"]


def test_tokens_are_not_shown_in_full() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNlY3JldA"
    data = scenario(requests=[{"at": 0, "token": jwt, "method": "GET", "path": "/a"}])
    out = simulate(load_scenario(data)).to_dict()
    assert jwt not in str(out)
    assert out["steps"][0]["identity"].startswith("sha256:")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"requests": []}, "requests"),
        (scenario(authorizer={"ttl": 4000}), "authorizer.ttl"),
        (scenario(authorizer={"type": "COGNITO"}), "authorizer.type"),
        (scenario(authorizer={"identity_sources": ["a", "b"]}), "exactly one identity source"),
        (scenario(api={"account": "12"}), "api.account: must be a 12-digit"),
        (
            scenario(requests=[{"at": 0, "token": "t"}]),
            "requests.0: give 'arn', or 'method' and 'path'",
        ),
        (scenario(requests=[{"at": 0, "token": "t", "arn": "nope"}]), "requests.0: not an ARN"),
        (
            scenario(
                requests=[
                    {"at": 5, "token": "t", "arn": None, "method": "GET", "path": "/"},
                    {"at": 1, "token": "t", "method": "GET", "path": "/"},
                ]
            ),
            "earlier than",
        ),
        (scenario(returns={"policy": {}, "resource": "x"}), "either 'policy' or 'resource'"),
        (scenario(bogus=1), "bogus: Extra inputs are not permitted"),
    ],
)
def test_bad_scenarios_name_the_place(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(data)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_yaml_names_line() -> None:
    with pytest.raises(ScenarioError, match="line 3 column 1"):
        load_scenario("requests:\n  - at: [0\n")


def test_example_files_all_load_and_run() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) >= 5
    for f in files:
        result = simulate(load_scenario(f.read_text()))
        assert result.moral


_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5000), st.text(max_size=12)),
    lambda c: st.one_of(
        st.lists(c, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "authorizer",
                    "returns",
                    "requests",
                    "ttl",
                    "type",
                    "at",
                    "token",
                    "method",
                    "path",
                    "arn",
                    "resource",
                    "policy",
                    "identity",
                    "flushes",
                    "api",
                    "x",
                ]
            ),
            c,
            max_size=4,
        ),
    ),
    max_leaves=15,
)


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=200), _values))
def test_load_and_simulate_raise_only_scenario_error(source: Any) -> None:
    try:
        result = simulate(load_scenario(source))
    except ScenarioError as exc:
        assert "\n" not in str(exc)
        return
    assert len(result.steps) >= 1


@settings(max_examples=100)
@given(
    st.integers(0, 600),
    st.lists(
        st.tuples(
            st.integers(0, 900), st.sampled_from(["a", "b"]), st.sampled_from(["GET", "POST"])
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_invocations_never_exceed_requests_and_ttl0_always_invokes(
    ttl: int, reqs: list[tuple[int, str, str]]
) -> None:
    reqs = sorted(reqs)
    data = scenario(
        authorizer={"ttl": ttl},
        requests=[{"at": t, "token": tok, "method": m, "path": "/x"} for t, tok, m in reqs],
    )
    result = simulate(load_scenario(data))
    assert result.invocations <= len(reqs)
    if ttl == 0:
        assert all(s.lambda_invoked and s.status == 200 for s in result.steps)
    # A hit is only ever served for an identity seen within the last `ttl` seconds.
    for s in result.steps:
        if s.cache == "hit":
            assert s.cached_at is not None and s.at - s.cached_at < ttl


def test_fix_route_in_identity_sources_caches_per_route() -> None:
    data = scenario(
        authorizer={
            "type": "REQUEST",
            "identity_sources": [
                "method.request.header.Authorization",
                "context.httpMethod",
                "context.resourcePath",
            ],
        }
    )
    assert rows(data) == [
        ("miss", True, 200),
        ("miss", True, 200),  # POST has its own cache entry now
        ("hit", False, 200),
        ("miss", True, 200),  # another token
        ("hit", False, 200),  # t=301: the POST entry cached at t=5 lives until t=305
    ]


def test_http_api_simple_response_false_blocks_every_route() -> None:
    data = scenario(
        api={**API, "stage": "$default"},
        authorizer={
            "api_type": "HTTP",
            "simple_responses": True,
            "identity_sources": ["$request.header.Authorization"],
        },
        returns={"resource": None, "deny": ["DELETE"]},
        requests=[
            {"at": 0, "token": "t", "method": "DELETE", "path": "/admin"},
            {"at": 5, "token": "t", "method": "GET", "path": "/orders"},
            {"at": 6, "token": "u", "method": "GET", "path": "/orders"},
        ],
    )
    result = simulate(load_scenario(data))
    assert [(s.cache, s.status, s.message) for s in result.steps] == [
        ("miss", 403, "Forbidden"),
        ("hit", 403, "Forbidden"),
        ("miss", 200, None),
    ]
    assert result.steps[1].error_type is None
    assert "$context.routeKey" in result.moral and "no cache flush" in result.moral


def test_http_route_key_identity_source() -> None:
    data = scenario(
        authorizer={
            "api_type": "HTTP",
            "identity_sources": ["$request.header.Authorization", "$context.routeKey"],
        },
        requests=[
            {"at": 0, "token": "t", "method": "GET", "path": "/a"},
            {"at": 1, "token": "t", "method": "POST", "path": "/a"},
        ],
    )
    assert [r[0] for r in rows(data)] == ["miss", "miss"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"authorizer": {"api_type": "HTTP"}, "flushes": [3]}, "HTTP APIs have no flush"),
        ({"authorizer": {"simple_responses": True}}, "simple_responses exist only for HTTP"),
    ],
)
def test_http_only_settings(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(scenario(**overrides))


def test_replay_same_token_for_playbooks() -> None:
    from wizard.analysis.cache_sim import replay_same_token

    a = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/profile"
    b = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/POST/profile"
    scoped = replay_same_token([a, b], ttl=300)
    assert [s.status for s in scoped.steps] == [200, 403]
    assert [s.lambda_invoked for s in scoped.steps] == [True, False]
    assert [s.status for s in replay_same_token([a, b], ttl=0).steps] == [200, 200]
    wide = replay_same_token([a, b], ttl=300, returned="{apiArn}/{stage}/*/*")
    assert [s.status for s in wide.steps] == [200, 200]
    with pytest.raises(ScenarioError):
        replay_same_token([], ttl=1)


VPCE_ONLY = {
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
        },
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*/GET/*",
        },
    ]
}


def test_resource_policy_deny_answers_before_the_cache_and_lambda() -> None:
    data = scenario(
        resource_policy=VPCE_ONLY,
        requests=[
            {"at": 0, "method": "GET", "path": "/a", "vpce": "vpce-2"},  # no token even: 403 first
            {"at": 1, "token": "t", "method": "GET", "path": "/a", "vpce": "vpce-1"},
            {"at": 2, "token": "t", "method": "POST", "path": "/a", "vpce": "vpce-1"},
        ],
    )
    result = simulate(load_scenario(data))
    first, second, third = result.steps
    assert (first.status, first.lambda_invoked, first.cache) == (403, False, "skipped")
    assert first.message is not None and first.message.endswith("with an explicit deny")
    assert (second.status, second.cache) == (200, "miss")
    # POST: the cached GET-only authorizer policy is silent, the resource policy is silent: 403.
    assert (third.cache, third.status, third.decision) == ("hit", 403, "implicit_deny")
    assert "rp-explicit-deny" in " ".join(result.findings)


def test_resource_policy_allow_rescues_a_scoped_cached_policy() -> None:
    data = scenario(resource_policy={"Statement": VPCE_ONLY["Statement"][1]})
    steps = simulate(load_scenario(data)).steps
    # GET routes are allowed by the resource policy even when the cached policy is for POST.
    data2 = scenario(
        resource_policy={"Statement": VPCE_ONLY["Statement"][1]},
        requests=[
            {"at": 0, "token": "t", "method": "POST", "path": "/p"},
            {"at": 1, "token": "t", "method": "GET", "path": "/p"},
        ],
    )
    rescued = simulate(load_scenario(data2))
    assert [s.status for s in rescued.steps] == [200, 200]
    assert rescued.steps[1].cache == "hit"
    assert "either side allowing" in " ".join(rescued.findings)
    assert steps[1].status == 403  # POST after GET: neither side allows


def test_resource_policy_is_validated() -> None:
    with pytest.raises(ScenarioError, match="resource_policy"):
        load_scenario(scenario(resource_policy={"Statement": [{"Effect": "Allow"}]}))
    with pytest.raises(ScenarioError, match="HTTP APIs have no resource policies"):
        load_scenario(scenario(resource_policy=VPCE_ONLY, authorizer={"api_type": "HTTP"}))


def test_replay_explains_with_the_users_own_api_not_a_placeholder() -> None:
    arns = [
        "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/prod/GET/dashboard",
        "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/prod/POST/dashboard/update-profile",
    ]
    moral = replay_same_token(arns, ttl=300).moral
    assert "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/prod/*/*" in moral
    assert "a1b2c3d4e5" not in moral
