"""Reports are safe to share: no raw token, signature or API key in any format (real-looking
signed JWTs and keys in the input), and hostile names are inert in HTML and Markdown, quoted in
shell commands."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest

from tests.report import sessions
from tests.report.inert import (
    HTML_ATTRS,
    HTML_TAGS,
    MD_ATTRS,
    MD_TAGS,
    foreign_markup,
    hrefs,
    markdown_to_html,
    parse,
)
from wizard.investigation import Investigation
from wizard.investigation.report import render_report
from wizard.outcome import Outcome
from wizard.report.render import render_outcome

FORMATS = ("md", "html", "json")


@pytest.fixture(scope="module")
def session_dicts() -> dict[str, dict[str, Any]]:
    return {name: s.to_dict() for name, s in sessions.all_sessions().items()}


@pytest.fixture(scope="module")
def live_sessions() -> dict[str, Any]:
    return sessions.all_sessions()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["seed", "jwt-scope", "apikey", "inconclusive"])
def test_no_raw_token_or_key_in_any_format(
    session_dicts: dict[str, dict[str, Any]], live_sessions: dict[str, Any], name: str, fmt: str
) -> None:
    data = sessions.with_secret_fact(session_dicts[name])
    text = render_report(data, fmt)
    for secret in sessions.secrets():
        assert secret not in text, f"{name}/{fmt} leaks {secret[:12]}…"
    # an Outcome that kept its secrets (as --no-redact builds it) is redacted by the report
    raw = sessions.outcome_with_secret_fact(live_sessions[name], keep_secrets=True)
    text = render_outcome(raw, fmt)
    for secret in sessions.secrets():
        assert secret not in text, f"{name}/{fmt} outcome leaks {secret[:12]}…"


@pytest.mark.parametrize("name", ["seed", "jwt-scope", "apikey"])
def test_the_secrets_really_are_in_the_input(
    session_dicts: dict[str, dict[str, Any]], live_sessions: dict[str, Any], name: str
) -> None:
    """Without redaction they show: the test above is not passing on empty input."""
    raw = sessions.outcome_with_secret_fact(live_sessions[name], keep_secrets=True)
    assert sessions.API_KEY in render_outcome(raw, "json", redact=False)
    text = render_report(sessions.with_secret_fact(session_dicts[name]), "json", redact=False)
    if name != "apikey":
        assert sessions.token() in text


def test_jwt_claims_are_shown_but_never_the_signature(
    session_dicts: dict[str, dict[str, Any]],
) -> None:
    for fmt in FORMATS:
        text = render_report(session_dicts["jwt-scope"], fmt)
        assert "cognito-idp.us-east-1.amazonaws.com" in text  # the iss claim
        assert "orders/read" in text  # the scope claim that decided it
    doc = json.loads(render_report(session_dicts["jwt-scope"], "json", redact=False))
    claims = [e for e in doc["evidence"] if e["kind"] == "jwt_claims"]
    assert claims and all(set(c["claims"]) == {"header", "claims"} for c in claims)
    signature = sessions.token().split(".")[2]
    assert all(signature not in json.dumps(c) for c in claims)


def test_redacted_flag_and_warning_text(session_dicts: dict[str, dict[str, Any]]) -> None:
    data = session_dicts["seed"]
    assert json.loads(render_report(data, "json"))["redacted"] is True
    assert json.loads(render_report(data, "json", redact=False))["redacted"] is False
    assert "NOT redacted" in render_report(data, "md", redact=False)
    assert "NOT redacted" in render_report(data, "html", redact=False)


# --------------------------------------------------------------------------- hostile input

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SHELL = "$(touch /tmp/pwned)`id`"
FENCE = "```\n# injected heading\n[x](javascript:alert(1))\n```"
PIPES = "| a | b |"
LONG = "L" * 10_240
HOSTILE = [SCRIPT, IMG, SHELL, FENCE, PIPES, 'it\'s "quoted"', LONG, "bad \ufffd\ufffd bytes"]


def _hostile_outcome() -> Outcome:
    """The seed walk's Outcome with hostile text wherever untrusted data can reach a report:
    what the engineer pasted, names read from AWS (API id, stage, authorizer), log lines, fix
    records (the Outcome is what the report renders)."""
    data = Investigation.from_session(sessions.seed_session()).outcome().to_dict()
    joined = " ".join(HOSTILE)
    facts = {f["name"]: f for f in data["evidence"]}
    facts["api_id"]["value"] = f"a1b2{SHELL}"
    facts["stage"]["value"] = f"prod{IMG}"
    facts["error_text"]["value"] += "\n" + "\n".join(HOSTILE)
    facts["logs_text"]["value"] += "".join(
        f"\n2026-11-21T09:14:31.873000+00:00 3c59dc048e8850243be8079a5c74d079 "
        f"(c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f) {h}"
        for h in HOSTILE
    )
    if "authorizer_id" in facts:
        facts["authorizer_id"]["value"] = SCRIPT
    else:
        data["unknown"] = [u for u in data["unknown"] if u["name"] != "authorizer_id"]
        data["evidence"].append({**facts["stage"], "name": "authorizer_id", "value": SCRIPT})
    # the analyzers' records, as the walk stored them, with hostile text in every string
    evaluation = facts["policy_evaluation"]["value"]
    evaluation["explanation"] = joined
    for st in evaluation["statements"]:
        st.update(label=IMG, reason=joined, json=FENCE, resources=[SCRIPT, PIPES])
    for request in facts["log_findings"]["value"]["requests"]:
        request["resource_path"] = IMG
        for line in request["lines"]:
            line["text"] += " " + joined
    data["diagnosis"]["title"] = SCRIPT
    data["diagnosis"]["summary"] = joined
    data["playbook"]["title"] = IMG
    for step in data["path"]:
        step["title"] = joined
        step["reason"] = FENCE
    for event in data["timeline"]:
        if event["event"] == "Finding":
            event["explanation"] = joined
    data["changes"] = [
        {
            "fix": SCRIPT,
            "cause": "authz-cache-scoped-policy",
            "outcome": "applied",
            "at": data["started_at"],
            "detail": joined,
            "commands": [f"aws apigateway get-rest-api --rest-api-id {shlex.quote(SHELL)}"],
            "rollback": [FENCE],
            "by": IMG,
            "verified": None,
            "record": {"plan": {"title": SCRIPT}, "changes": [{"what": IMG, "diff": FENCE}]},
        }
    ]
    return Outcome.model_validate(data)


@pytest.fixture(scope="module")
def hostile() -> Outcome:
    return _hostile_outcome()


def test_hostile_html_is_escaped_and_shown_as_text(hostile: Outcome) -> None:
    html = render_outcome(hostile, "html")
    assert foreign_markup(html, HTML_TAGS, HTML_ATTRS) == []
    assert hrefs(html) and all(h.startswith("https://") for h in hrefs(html))
    assert "<script" not in html.lower() and "<img" not in html.lower()
    text = "".join(parse(html).text)
    for h in (SCRIPT, IMG, SHELL):
        assert h in text  # shown to the reader, as text
    assert LONG in text  # not truncated away where it was pasted
    assert "overflow-wrap: anywhere" in html and "white-space: pre-wrap" in html
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert "default-src 'none'" in html  # the page may not load anything, even if injected


def test_hostile_markdown_renders_to_nothing_active(hostile: Outcome) -> None:
    md = render_outcome(hostile, "md")
    html = markdown_to_html(md)
    assert foreign_markup(html, MD_TAGS, MD_ATTRS) == []
    assert hrefs(html) and all(h.startswith("https://") for h in hrefs(html))
    assert html.count("<h1>") == 1  # the injected '# heading' stays inside its code block
    assert "javascript:" not in "".join(v or "" for _, a in parse(html).tags for _, v in a)
    text = "".join(parse(html).text)
    assert SCRIPT in text and SHELL in text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        'https://example.com/"><script>alert(1)</script>',
        "https://example.com/a b",
        "https://example.com/)<x>",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_only_plain_web_addresses_become_links(url: str) -> None:
    """Further reading is catalogue data, but a link is only made of a plain http(s) address;
    anything else is shown as inert code."""
    from wizard.report.render_html import link as html_link
    from wizard.report.render_md import link as md_link

    assert "<a" not in html_link(url) and "<script" not in html_link(url)
    html = markdown_to_html(f"- {md_link(url)}\n")
    assert hrefs(html) == [] and foreign_markup(html, MD_TAGS, MD_ATTRS) == []


def test_hostile_values_are_one_shell_argument_in_commands(hostile: Outcome) -> None:
    # the Outcome's own commands were rendered before the hostile api_id was put in: without
    # them the report renders the proposals' operations with the facts it holds
    bare = hostile.model_copy(
        update={"fixes": [f.model_copy(update={"cli": []}) for f in hostile.fixes]}
    )
    doc = json.loads(render_outcome(bare, "json"))
    commands = [c for f in doc["proposed_fixes"] for c in f["commands"]]
    assert commands
    for command in commands:
        argv = shlex.split(command)
        assert argv[argv.index("--rest-api-id") + 1] == f"a1b2{SHELL}"


def test_hostile_json_round_trips(hostile: Outcome) -> None:
    doc = json.loads(render_outcome(hostile, "json"))
    assert doc["summary"]["cause_title"] == SCRIPT
    assert any(SHELL in c for c in doc["changes"][0]["commands"])
