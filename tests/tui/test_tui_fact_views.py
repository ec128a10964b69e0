"""The evidence views are built from facts by the analyzers; the widgets only show them."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt

from wizard.ui.tui.fact_views import (
    authorizer_policy_view,
    build_evidence,
    jwt_view,
    resource_policy_view,
)
from wizard.ui.tui.widgets.arn_text import arn_parts, highlight_part

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
GET_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/dashboard"
POST_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/dashboard/update-profile"


def _allow(resource: str) -> dict[str, object]:
    return {
        "principalId": "alice",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": resource}
            ],
        },
    }


def test_cached_policy_scoped_to_get_misses_the_post_method() -> None:
    view = authorizer_policy_view({"cached_policy": _allow(GET_ARN), "method_arn": POST_ARN})
    assert view is not None
    assert view.method_arn == POST_ARN
    [row] = view.rows
    assert row.resource == GET_ARN
    assert row.mismatch == "method"
    assert "implicit deny" in view.verdict.lower()


def test_wildcard_policy_covers_the_post() -> None:
    wildcard = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*/*"
    view = authorizer_policy_view({"cached_policy": _allow(wildcard), "method_arn": POST_ARN})
    assert view is not None
    assert view.rows[0].mismatch is None
    assert view.verdict.lower().startswith("allowed")


def test_policy_given_as_json_text_and_wrong_stage() -> None:
    import json

    other_stage = GET_ARN.replace("/prod/", "/dev/").replace("GET/dashboard", "*")
    view = authorizer_policy_view(
        {"authorizer_policy": json.dumps(_allow(other_stage)), "method_arn": POST_ARN}
    )
    assert view is not None
    assert view.rows[0].mismatch == "stage"


def test_no_policy_view_without_a_method_arn_or_with_garbage() -> None:
    assert authorizer_policy_view({"cached_policy": _allow(GET_ARN)}) is None
    assert authorizer_policy_view({"cached_policy": "not json", "method_arn": POST_ARN}) is None


def test_resource_policy_statements_marked_allow_deny_silent() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowAll",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
            },
            {
                "Sid": "DenyOffice",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            },
            {
                "Sid": "OtherApi",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "arn:aws:execute-api:eu-west-1:123456789012:zzz999/*",
            },
        ],
    }
    facts = {"resource_policy": policy, "method_arn": POST_ARN, "source_ip": "198.51.100.7"}
    view = resource_policy_view(facts, now=NOW)
    assert view is not None
    verdicts = {s.label: s.verdict for s in view.statements}
    assert verdicts == {"AllowAll": "allow", "DenyOffice": "deny", "OtherApi": "silent"}
    assert "explicit deny" in view.decision.lower()


def test_jwt_view_sets_expiry_against_the_ttl() -> None:
    token = jwt.encode(
        {"sub": "alice", "exp": int(NOW.timestamp()) + 120, "iat": int(NOW.timestamp()) - 60},
        "secret-for-tests-only-32-bytes-long!",
        algorithm="HS256",
    )
    view = jwt_view({"token": "Bearer " + token, "authorizer_ttl": 300}, now=NOW)
    assert view is not None
    assert view.claims["sub"] == "alice"
    assert view.expires_in == 120
    assert view.authorizer_ttl == 300

    from wizard.ui.tui.widgets.jwt_claims import expiry_verdict

    severity, sentence = expiry_verdict(view)
    assert severity == "warning"
    assert "300 s" in sentence and "outlive" in sentence


def test_jwt_view_ignores_a_non_token() -> None:
    assert jwt_view({"token": "hello"}, now=NOW) is None


def test_build_evidence_empty_when_nothing_known() -> None:
    assert build_evidence({}, now=NOW).is_empty()


def test_arn_parts_join_back_and_highlight_names_the_part() -> None:
    parts = arn_parts(POST_ARN)
    assert "".join(text for _, text in parts) == POST_ARN
    assert ("method", "POST") in parts
    marked = highlight_part(POST_ARN, "method")
    assert "[b $error underline]POST[/]" in marked
    assert highlight_part(POST_ARN, None) == POST_ARN


def test_log_lines_mark_the_refusal_and_the_authorizer_evidence() -> None:
    from pathlib import Path

    from wizard.ui.tui.fact_views import log_lines

    log = Path(__file__).parents[1] / "analysis" / "logs_data" / "seed_execution.log"
    lines = log_lines({"logs_text": log.read_text()})
    by_text = {line.text.split(") ", 1)[-1][:40]: line for line in lines}
    refusal = by_text["The client is not authorized to perform "]
    assert refusal.kind == "error" and refusal.note
    started = next(line for line in lines if "Starting authorizer" in line.text)
    assert started.kind == "success"
    result = next(line for line in lines if "Authorizer result body" in line.text)
    assert result.kind == "warning" and "policy" in result.note
    plain = next(line for line in lines if "Extended Request Id" in line.text)
    assert plain.kind is None
    # Tokens in the excerpt are redacted before they reach the screen.
    assert not any("eyJzdWIiOiJ1c2VyLTQyIn0" in line.text for line in lines)


def test_untrusted_text_is_shown_exactly_not_as_markup() -> None:
    import asyncio

    from textual.app import App, ComposeResult

    from wizard.ui.tui.view import LogLineView
    from wizard.ui.tui.widgets.log_excerpt import LogExcerpt

    tricky = "[$error]ERROR[/] [b]bold?[/b] list[str] C:\\logs\\"

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield LogExcerpt((LogLineView(tricky, "error", "a [note]"),))

    async def run() -> list[str]:
        app = Host()
        async with app.run_test() as pilot:
            await pilot.pause()
            return [str(w.render()) for w in app.query("LogExcerpt Static")]

    shown = asyncio.run(run())
    assert shown[0] == tricky
    assert shown[1] == "↳ a [note]"
