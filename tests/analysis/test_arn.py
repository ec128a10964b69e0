"""execute-api ARNs: parse, build, IAM matching, shorthand, mismatch naming, path templates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.analysis.arn import (
    MethodArn,
    arn_matches,
    build_method_arn,
    expand_resource,
    first_mismatch,
    match_resource_path,
    parse_method_arn,
)

A = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/users/42"
BASE = "arn:aws:execute-api:us-east-1:123456789012:abc123"


def test_parse_and_str_round_trip() -> None:
    m = parse_method_arn(A)
    assert m == MethodArn("us-east-1", "123456789012", "abc123", "prod", "GET", "users/42")
    assert str(m) == A
    assert m.request_path == "/users/42"


@pytest.mark.parametrize(
    ("text", "method", "path"),
    [
        (f"{BASE}/prod/GET/", "GET", ""),  # root resource
        (f"{BASE}/prod/GET", "GET", ""),
        (f"{BASE}/prod/$connect", "$connect", ""),  # WebSocket route
        (f"{BASE}/prod/POST/@connections/abc=", "POST", "@connections/abc="),
        (f"{BASE}/prod/GET/a:b/c", "GET", "a:b/c"),  # colons in the path stay in the path
    ],
)
def test_parse_shapes(text: str, method: str, path: str) -> None:
    m = parse_method_arn(text)
    assert (m.method, m.path) == (method, path)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not an ARN"),
        ("abc123/prod/GET/x", "not an ARN"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f", "not an execute-api ARN"),
        ("arn:aws:execute-api:us-east-1:12345:abc/prod/GET/x", "12-digit"),
        ("arn:aws:execute-api:us-east-1:123456789012:abc", "API_ID/STAGE/METHOD"),
        ("arn:aws:execute-api::123456789012:abc/prod/GET/x", "empty region"),
        ("arn:aws:execute-api:us-east-1:123456789012:abc//GET/x", "stage is empty"),
    ],
)
def test_parse_errors_are_one_line(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as info:
        parse_method_arn(text)
    assert "\n" not in str(info.value)


def test_build() -> None:
    assert build_method_arn("us-east-1", "123456789012", "abc123", "prod", "GET", "/users/42") == A
    assert build_method_arn("r", "123456789012", "x", "s", "GET", "/").endswith("x/s/GET/")


@pytest.mark.parametrize(
    ("pattern", "expected", "mismatch"),
    [
        ("*", True, None),
        ("arn:aws:execute-api:*:*:*", True, None),
        ("arn:aws:execute-api:*", True, None),
        (f"{BASE}/*", True, None),
        (f"{BASE}/prod/*", True, None),
        (f"{BASE}/prod/GET/*", True, None),
        (f"{BASE}/*/*/users/*", True, None),
        (f"{BASE}/prod/GET/users/4?", True, None),
        (f"{BASE}/prod/GET/users/?", False, "path"),
        ("ARN:AWS:EXECUTE-API:us-east-1:123456789012:abc123/*", True, None),
        (f"{BASE}/Prod/*", False, "stage"),
        (f"{BASE}/prod/get/*", False, "method"),
        (f"{BASE}/dev/GET/users/42", False, "stage"),
        (f"{BASE}/*/POST/*", False, "method"),
        (f"{BASE}/prod/GET/users", False, "path"),
        (f"{BASE}/prod/GET/users/42/extra", False, "path"),
        ("arn:aws:execute-api:us-west-2:123456789012:abc123/*", False, "region"),
        ("arn:aws:execute-api:us-east-1:999999999999:abc123/*", False, "account"),
        ("arn:aws:execute-api:us-east-1:123456789012:zzz/*", False, "api"),
        ("arn:aws:execute-api:us-west-2:*", False, "region"),
        ("arn:aws-cn:execute-api:*:*:*", False, "partition"),
        ("arn:aws:lambda:*:*:*", False, "service"),
        ("arn:aws:execute-api:*:*:abc123/null/*/*", False, "stage"),
        # '*' in the region section must not run into the account section
        ("arn:aws:execute-api:*:999999999999:*", False, "account"),
    ],
)
def test_arn_matches_and_first_mismatch(pattern: str, expected: bool, mismatch: str | None) -> None:
    assert arn_matches(pattern, A) is expected
    assert first_mismatch(pattern, A) == mismatch


def test_expand_shorthand() -> None:
    kw = {"region": "us-east-1", "account": "123456789012", "api_id": "abc123"}
    assert expand_resource("execute-api:/*", **kw) == f"{BASE}/*"
    assert expand_resource("execute-api:/prod/GET/users/*", **kw) == f"{BASE}/prod/GET/users/*"
    assert expand_resource(f"{BASE}/x", **kw) == f"{BASE}/x"
    assert expand_resource("*", **kw) == "*"


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("/", "/", {}),
        ("/items", "/items", {}),
        ("/items", "/items/", {}),
        ("/items/{id}", "/items/42", {"id": "42"}),
        ("/items/{id}", "/items", None),
        ("/items/{id}", "/items/42/x", None),
        ("/{proxy+}", "/a/b/c", {"proxy": "a/b/c"}),
        ("/{proxy+}", "/", None),
        ("/api/{proxy+}", "/api/v1", {"proxy": "v1"}),
        ("/users/{uid}/orders/{oid}", "/users/7/orders/9?x=1", {"uid": "7", "oid": "9"}),
        ("/Items", "/items", None),
    ],
)
def test_match_resource_path(template: str, path: str, expected: dict[str, str] | None) -> None:
    assert match_resource_path(template, path) == expected


@given(st.text(max_size=200))
def test_parse_method_arn_raises_only_value_error(text: str) -> None:
    try:
        m = parse_method_arn(text)
    except ValueError:
        return
    assert parse_method_arn(str(m)) == m


ARNISH = st.text(alphabet="arn:aws-execute-api*?/12345:GETprod", max_size=80)


@given(st.one_of(st.text(max_size=120), ARNISH), st.one_of(st.text(max_size=120), ARNISH))
def test_arn_matches_never_raises(pattern: str, arn: str) -> None:
    result = arn_matches(pattern, arn)
    assert isinstance(result, bool)
    mismatch = first_mismatch(pattern, arn)
    if result:
        assert mismatch is None


@given(st.integers(min_value=0, max_value=len(A)))
def test_prefix_plus_star_matches_unless_cut_in_head(cut: int) -> None:
    # The ARN's own prefix followed by '*' covers it whenever the cut leaves the six
    # sections intact (a '*' stands for the rest of the resource section only after the
    # fifth colon; before it, the short-pattern rule still lets it cover the rest).
    assert arn_matches(A[:cut] + "*", A)
    assert not arn_matches(A[:cut] + "#", A)
