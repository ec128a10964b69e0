"""The report model from real offline walks of the main playbook: summary, status, evidence
with sources, path, prevention from the catalogue; the schema; damaged sessions."""

from __future__ import annotations

import copy
import itertools
import json
import re
from typing import Any

import pytest

from tests.report import sessions
from tests.report.schema_check import errors
from wizard.catalogue.model import load_catalogue
from wizard.investigation import Investigation
from wizard.investigation.report import render_report, report_from_session
from wizard.outcome import Outcome
from wizard.report.build import mask_account_id
from wizard.report.common import ReportError
from wizard.report.model import Report
from wizard.report.render import render_outcome
from wizard.report.render_json import SCHEMA_FILE, published_schema, schema_text


def _report(data: dict[str, Any], **kw: Any) -> Report:
    return report_from_session(
        data, catalogue=load_catalogue(), generated_at="2026-11-21T10:00:00+00:00", **kw
    )


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return sessions.seed_session().to_dict()


def test_seed_summary_names_request_cause_and_open_status(seed: dict[str, Any]) -> None:
    report = _report(seed)
    s = report.summary
    assert s.failing_request == (
        "POST https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/dashboard/update-profile"
    )
    assert s.response == "403 AccessDeniedException: User is not authorized to access this resource"
    assert s.cause_id == "authz-cache-scoped-policy"
    assert "GET/dashboard" in s.root_cause and "POST/dashboard/update-profile" in s.root_cause
    assert (s.status, s.status_reason) == ("open", "the fix has not been applied yet")
    # the response's request id and the failing request read from the logs
    assert s.request_ids == [
        "5b1f0c3e-2a4d-4e6f-8a9b-1c2d3e4f5a6b",
        "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f",
    ]
    assert s.finished and s.questions_answered == seed["question_count"]


def test_seed_evidence_has_sources_policy_beside_method_arn_and_logs(seed: dict[str, Any]) -> None:
    report = _report(seed, mask_account=False)
    kinds = [e.kind for e in report.evidence]
    assert {"error_response", "request", "policy", "logs", "raw"} <= set(kinds)
    assert all(e.source for e in report.evidence)
    policy = next(e for e in report.evidence if e.kind == "policy")
    assert policy.source == "worked out by p_eval_cached_logged/eval_policy"  # the walk's record
    assert policy.method_arn == (
        "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/POST/dashboard/update-profile"
    )
    assert policy.decision and policy.decision.startswith("implicit deny")
    (statement,) = policy.statements
    # an implicit deny: no statement decided, and the Allow is silent because of its Resource
    assert not statement.decisive and statement.covers_method_arn is False
    assert statement.outcome == "silent" and "differs in the method" in (statement.reason or "")
    assert statement.resources == [
        "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/dashboard"
    ]
    logs = next(e for e in report.evidence if e.kind == "logs")
    ids = [r.request_id for r in logs.requests]
    # the failing request, and the earlier one whose authorizer answer the cache reused
    assert ids == ["7f3a1c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f"]
    failing = logs.requests[1]
    assert failing.status == 403 and failing.authorizer_invoked is False
    assert failing.role == "the failing request"
    # the seed walk decodes no token (the cache decides it): the report decodes none either
    assert "jwt_claims" not in kinds


def test_token_claims_come_from_the_walk() -> None:
    """The HTTP JWT walk decoded the token: its claims are a fact the report lays out."""
    data = sessions.jwt_scope_session().to_dict()
    assert data["facts"]["jwt_claims"]["value"]["analysis"] == "token_claims"
    claims = next(e for e in _report(data).evidence if e.kind == "jwt_claims")
    assert claims.claims is not None and claims.claims["claims"]["username"] == "alice"
    assert set(claims.claims["header"]) <= {"alg", "kid", "typ"}
    assert any("orders/read" in n for n in claims.notes) or claims.claims["claims"]["scope"]


def test_decisive_facts_first_and_unknowns_listed(seed: dict[str, Any]) -> None:
    report = _report(seed)
    decisive = [f.name for f in report.facts if f.decisive]
    evidence = seed["diagnosis"]["evidence"]
    assert set(decisive) == {e["name"] for e in evidence if e["known"]}
    unknown = {e["name"] for e in evidence if not e["known"]}
    assert unknown <= {u.split(" ")[0] for u in report.unknown_facts}
    assert [f.decisive for f in report.facts] == sorted(
        (f.decisive for f in report.facts), reverse=True
    )
    # offline: live facts are unknown, and said so, never shown as false
    assert any(u.startswith("authorizer_id") for u in report.unknown_facts)
    assert "authorizer_id" not in {f.name for f in report.facts}


def test_prevention_comes_from_the_catalogue_for_the_cause(seed: dict[str, Any]) -> None:
    cause = load_catalogue().get("authz-cache-scoped-policy")
    report = _report(seed)
    assert report.prevention == list(cause.prevention) and report.prevention
    assert report.verify_hint == cause.verify
    assert report.further_reading == list(cause.sources)


def test_path_tree_and_mermaid_follow_the_walk(seed: dict[str, Any]) -> None:
    report = _report(seed)
    nodes = [p["node"] for p in seed["path"]]
    assert [s.node for s in report.path.steps] == nodes
    heads = [re.match(r"^\s*(?:└─ )?(\S+) \[(\w+)\]", ln) for ln in report.path.tree.splitlines()]
    assert [m.group(1) for m in heads if m] == nodes
    # each decision opens a branch: what follows it is indented one level deeper
    depth = [
        len(ln) - len(ln.lstrip())
        for ln, m in zip(report.path.tree.splitlines(), heads, strict=True)
        if m
    ]
    assert depth == sorted(depth) and depth[-1] > depth[0]
    lines = report.path.mermaid.splitlines()
    assert lines[0] == "flowchart TD"
    assert sum(1 for ln in lines if "-->" in ln) == len(nodes) - 1
    assert f"n{len(nodes) - 1}([" in report.path.mermaid  # the end node is drawn as the conclusion


def test_timeline_has_answers_probes_finding_and_end_in_order(seed: dict[str, Any]) -> None:
    report = _report(seed)
    kinds = [t.kind for t in report.timeline]
    for kind in ("question", "answer", "probe", "step", "finding", "fix", "end"):
        assert kind in kinds
    assert kinds[-1] == "end"
    times = [t.at for t in report.timeline]
    assert times == sorted(times)


def test_inconclusive_walk_reports_open_with_candidates() -> None:
    report = _report(sessions.inconclusive_session().to_dict())
    assert report.summary.cause_id is None
    assert report.summary.root_cause.startswith("Inconclusive")
    assert report.summary.status == "open"
    assert report.prevention == [] and report.proposed_fixes == []
    assert report.title.endswith("Inconclusive")


def test_proposed_fix_commands_are_rendered_with_the_facts(seed: dict[str, Any]) -> None:
    report = _report(seed)
    ttl = next(f for f in report.proposed_fixes if f.fix_id == "fix-cache-ttl-zero")
    assert ttl.commands[0].startswith("aws apigateway update-authorizer --rest-api-id a1b2c3d4e5")
    # the authorizer id was not known offline: a marker stays for the reader to fill
    assert "'<authorizer_id>'" in ttl.commands[0]  # the marker diagnose shows too
    assert ttl.needs_redeploy and ttl.needs_cache_flush
    assert ttl.commands[-1] == (
        "aws apigateway flush-stage-authorizers-cache --rest-api-id a1b2c3d4e5 "
        "--stage-name prod --region eu-west-1"
    )


# --------------------------------------------------------------------------- fixes applied


def _applied(session: Any, **kw: Any) -> dict[str, Any]:
    session.record_fix_applied("fix-cache-ttl-zero", cause="authz-cache-scoped-policy", **kw)
    return session.to_dict()


@pytest.mark.parametrize(
    ("records", "status"),
    [
        ([{"outcome": "applied", "verified": True}], "resolved"),
        ([{"outcome": "verified", "verified": True}], "resolved"),
        ([{"outcome": "applied", "verified": False}], "mitigated"),
        ([{"outcome": "applied"}], "mitigated"),
        ([{"outcome": "failed"}], "open"),
        ([{"outcome": "declined"}], "open"),
        ([{"outcome": "applied", "verified": True}, {"outcome": "rolled_back"}], "open"),
    ],
)
def test_status_is_derived_from_fixes_applied_and_verified(
    records: list[dict[str, Any]], status: str
) -> None:
    session = sessions.seed_session()
    for r in records:
        session.record_fix_applied("fix-cache-ttl-zero", cause="authz-cache-scoped-policy", **r)
    assert _report(session.to_dict()).summary.status == status


def test_change_shows_driver_record_commands_results_verification_rollback() -> None:
    cli = "aws apigateway update-authorizer --rest-api-id a1b2c3d4e5 --authorizer-id abc123 --patch-operations op=replace,path=/authorizerResultTtlInSeconds,value=0"
    back = "aws apigateway update-authorizer --rest-api-id a1b2c3d4e5 --authorizer-id abc123 --patch-operations op=replace,path=/authorizerResultTtlInSeconds,value=300"
    record = {
        "status": "applied",
        "detail": "verified",
        "plan": {
            "fix_id": "fix-cache-ttl-zero",
            "title": "Turn authorizer caching off (TTL 0)",
            "cli": [cli],
        },
        "changes": [
            {
                "what": "authorizer abc123 authorizerResultTtlInSeconds",
                "before": 300,
                "after": 0,
                "diff": None,
            }
        ],
        "confirmation": {
            "confirmed_by": "alice",
            "confirmed_at": "2026-11-21T10:00:00+00:00",
            "commands_shown": [cli],
        },
        "result": {"steps": [{"cli": cli, "status": "applied", "message": "ok"}]},
        "verification": {
            "verified": True,
            "message": "the request now succeeds (200)",
            "checks": [
                {"what": "authorizerResultTtlInSeconds", "expected": 0, "actual": 0, "ok": True}
            ],
            "replay": {"status_code": 200},
        },
        "rollback": {"cli": [back], "notes": ["redeploy the stage after rolling back"]},
    }
    data = _applied(
        sessions.seed_session(),
        outcome="verified",
        detail="the request now succeeds (200)",
        commands=[cli],
        rollback=[back],
        by="alice",
        verified=True,
        record=record,
    )
    report = _report(data)
    (change,) = report.changes
    assert change.title == "Turn authorizer caching off (TTL 0)"
    assert change.commands == [cli] and change.rollback == [back]
    assert [(r.command, r.status) for r in change.results] == [(cli, "applied")]
    assert change.changes[0].text == "300 → 0"
    assert change.verification is not None and change.verification.verified is True
    assert change.verification.replay_status == 200
    assert change.rollback_notes == ["redeploy the stage after rolling back"]
    assert report.summary.status == "resolved" and report.summary.confirmed_by == ["alice"]
    assert [f.applied for f in report.proposed_fixes if f.fix_id == "fix-cache-ttl-zero"] == [True]
    md = render_report(data, "md")
    for text in (cli, back, "Verified", "(the request now returns 200)", "Rollback"):
        assert text in md
    # the first page says it in words: what changed, verified, and when the impact ended
    brief = report.brief
    assert brief.what_changed == [
        "Turn authorizer caching off (TTL 0): applied and verified "
        f"({brief.impact_window.split('Resolved at ')[1].split(',')[0]} by alice)."
    ]
    assert (
        brief.verified == "Yes: after the fix the failing request was sent again and returned 200."
    )
    assert "Resolved at " in brief.impact_window and brief.next_step is None


def test_change_without_driver_record_still_shows_commands_and_rollback() -> None:
    data = _applied(
        sessions.seed_session(),
        outcome="applied",
        commands=[
            "aws apigateway flush-stage-authorizers-cache --rest-api-id a1 --stage-name prod"
        ],
        rollback=[],
        by="bob",
    )
    (change,) = _report(data).changes
    assert change.commands and change.verification is None and change.by == "bob"


# --------------------------------------------------------------------------- account masking


def test_account_id_masked_everywhere_by_default(seed: dict[str, Any]) -> None:
    assert mask_account_id("123456789012") == "1234****9012"
    for fmt in ("md", "html", "json"):
        text = render_report(seed, fmt)
        assert sessions.ACCOUNT not in text, fmt
        assert "1234****9012" in text
    shown = render_report(seed, "json", mask_account=False)
    assert sessions.ACCOUNT in shown


# --------------------------------------------------------------------------- schema


def test_published_schema_has_not_drifted() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "wizard/report/report.schema.json is stale: run `python -m wizard.report.render_json`"
    )


@pytest.mark.parametrize("name", ["seed", "jwt-scope", "apikey", "inconclusive"])
def test_json_report_validates_against_the_schema(name: str) -> None:
    session = sessions.all_sessions()[name]
    doc = json.loads(render_report(session.to_dict(), "json"))
    assert errors(doc, published_schema()) == []


def test_schema_check_rejects_a_broken_report(seed: dict[str, Any]) -> None:
    doc = json.loads(render_report(seed, "json"))
    bad = copy.deepcopy(doc)
    bad["summary"]["status"] = "fixed"
    bad["surprise"] = 1
    del bad["timeline"]
    found = errors(bad, published_schema())
    assert len(found) >= 3, found


# --------------------------------------------------------------------------- damaged sessions


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("timeline"), "it has no 'timeline'"),
        (lambda d: d.update(facts=[1, 2]), "'facts' is not a JSON object"),
        (lambda d: d.update(format="something-else"), "not an apigw-wizard session"),
        (lambda d: d.update(applied="yes"), "'applied' is not a JSON list"),
    ],
)
def test_damaged_session_is_one_line_error(seed: dict[str, Any], mutate: Any, message: str) -> None:
    data = copy.deepcopy(seed)
    mutate(data)
    with pytest.raises(ReportError) as info:
        _report(data)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_odd_shapes_inside_a_session_never_crash(seed: dict[str, Any]) -> None:
    """A saved session with odd shapes inside is refused in one line (it cannot be restored
    into an Outcome); the odd shapes an Outcome can hold (any fact value, a change record's
    free-form parts) are rendered."""
    data = copy.deepcopy(seed)
    data["timeline"] = [1, None, "x", {"event": "Finding"}, {"event": "FixApplied", "commands": 3}]
    data["path"] = [None, {"node": 5}]
    data["visits"] = [{"results": {"a": {"result": "nope"}}}]
    data["applied"] = [{"record": {"plan": "x", "result": {"steps": [1]}}}]
    for fmt in ("md", "html", "json"):
        with pytest.raises(ReportError, match=r"^the session (is damaged|does not match)") as err:
            render_report(data, fmt)
        assert "\n" not in str(err.value)
    outcome = Investigation.from_session(sessions.seed_session()).outcome().to_dict()
    outcome["evidence"].append({**outcome["evidence"][0], "name": "weird"})
    outcome["evidence"][-1]["value"] = {"Statement": "x"}
    outcome["changes"] = [
        {
            "fix": "f",
            "outcome": "applied",
            "at": "x",
            "record": {"plan": "x", "result": {"steps": [1]}},
        }
    ]
    for fmt in ("md", "html", "json"):
        assert render_outcome(Outcome.model_validate(outcome), fmt)


# --------------------------------------------------------------------------- policies, timeline


def _rp_walk(policy: dict[str, Any]) -> dict[str, Any]:
    """The resource-policy walk (a signed caller's POST /orders refused) with `policy` pasted:
    the walk's eval_policy probe evaluates it, and the report lays out that record."""
    from tests.playbooks.walking import WALKS, load_walk, run_walk

    walk = copy.deepcopy(load_walk(WALKS / "rp-explicit-deny-principal.yaml"))
    walk["answers"]["q_rp_principal"] = json.dumps(policy)
    return run_walk(walk).to_dict()


def _policy_item(report: Report) -> Any:
    return next(e for e in report.evidence if e.kind == "policy")


def test_resource_policy_statements_beside_the_method_arn() -> None:
    arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*",
             "Action": "execute-api:Invoke", "Resource": f"{arn}/*"},
            {"Sid": "DenyAllButGet", "Effect": "Deny", "Principal": "*",
             "Action": "execute-api:Invoke", "NotResource": f"{arn}/prod/GET/*"},
            {"Sid": "DenyOffice", "Effect": "Deny", "Principal": "*",
             "Action": "execute-api:Invoke", "Resource": f"{arn}/prod/GET/*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
        ],
    }  # fmt: skip
    data = _rp_walk(policy)
    assert data["facts"]["rp_evaluation"]["value"]["analysis"] == "policy_evaluation"
    report = _report(data, mask_account=False)
    item = _policy_item(report)
    assert item.title == "The API's resource policy, evaluated for the failing call"
    by = {s.label: s for s in item.statements}
    assert by["AllowAll"].covers_method_arn is True and not by["AllowAll"].decisive
    # NotResource: the Deny applies to every ARN except GET ones — so to this POST
    deny = by["DenyAllButGet"]
    assert deny.covers_method_arn is True and deny.decisive and deny.outcome == "deny"
    assert deny.resources == [f"NOT {arn}/prod/GET/*"]
    assert by["DenyOffice"].covers_method_arn is False and by["DenyOffice"].has_condition
    assert item.decision == "explicit deny: a Deny statement applies to this call"
    md = render_report(data, "md")
    assert "Decisive statement `DenyAllButGet`" in md


def test_a_conditional_deny_is_decided_by_its_condition() -> None:
    """The evaluator, not a second matcher, decides: a Deny whose condition does not hold for
    this caller does not apply, and the report says what the evaluator said."""
    arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"
    policy = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": arn},
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "999999999999"}},
            },
        ]
    }
    item = _policy_item(_report(_rp_walk(policy)))
    deny = item.statements[1]
    assert deny.has_condition and deny.covers_method_arn is True and not deny.decisive
    assert deny.outcome == "silent" and "Condition" in (deny.reason or "")
    assert item.decision is not None and item.decision.startswith("allow")


def test_a_session_saved_before_the_records_still_renders(seed: dict[str, Any]) -> None:
    """An old saved session: its probe results have the flat decision but no record. The
    report shows what it recorded and says what it did not; it evaluates nothing again."""
    data = copy.deepcopy(seed)
    for name in ("policy_evaluation", "log_findings", "live_policy_evaluation"):
        data["facts"].pop(name)
    for visit in data["visits"]:
        for outcome in visit["results"].values():
            for key in ("evaluation", "findings", "claims"):
                (outcome.get("result") or {}).pop(key, None)
    report = _report(data)
    policy = _policy_item(report)
    assert policy.decision and policy.decision.startswith("implicit deny")
    assert policy.statements == []
    assert "what each statement did: not recorded in this session" in policy.notes
    assert "logs" not in {e.kind for e in report.evidence}
    assert any("log scan" in n for n in report.not_recorded)
    assert any(e.kind == "raw" and e.title == "Raw: logs text" for e in report.evidence)
    for fmt in ("md", "html"):
        assert "Not recorded in this session" in render_report(data, fmt)


def test_offline_skips_are_folded_into_one_line_per_node(seed: dict[str, Any]) -> None:
    entries = _report(seed).timeline
    folded = [e for e in entries if e.kind == "probe" and "probes skipped (" in e.title]
    assert folded and all("needs an AWS connection" in e.title for e in folded)
    assert any("get_rest_api" in e.title and "get_stage" in e.title for e in folded)
    titles = [e.title for e in entries]
    assert not any(" skipped: " in a and " skipped: " in b for a, b in itertools.pairwise(titles))


# --------------------------------------------------------------------------- every walk


@pytest.mark.slow
def test_every_shipped_walk_reports_in_every_format() -> None:
    """Each answer file of tests/playbooks/walks walked by the real engine: a report in every
    format, valid against the schema, naming the diagnosed cause (or saying inconclusive)."""
    from tests.playbooks.walking import load_walk, run_walk, walk_files

    schema = published_schema()
    catalogue = load_catalogue()
    for path in walk_files():
        data = run_walk(load_walk(path)).to_dict()
        report = report_from_session(data, catalogue=catalogue, generated_at="2026-11-21T10:00:00Z")
        cause = data["diagnosis"]["cause"] if data["diagnosis"] else None
        assert report.summary.cause_id == cause, path.name
        if cause is not None:
            assert report.prevention, f"{path.name}: no prevention for {cause}"
        doc = json.loads(render_report(data, "json", catalogue=catalogue))
        assert errors(doc, schema) == [], path.name
        for fmt in ("md", "html"):
            assert render_report(data, fmt, catalogue=catalogue), path.name


def test_resource_policy_deny_walk_names_the_failing_caller_and_the_deciding_statement() -> None:
    """rp-explicit-deny-principal: the policy uses the execute-api:/ shorthand; the evaluator's
    deciding statement is the one marked, and the caller in the error is the FAILING caller,
    not who ran the wizard (offline: nobody known)."""
    from tests.playbooks.walking import WALKS, load_walk, run_walk

    data = run_walk(load_walk(WALKS / "rp-explicit-deny-principal.yaml")).to_dict()
    report = _report(data, mask_account=False)
    assert report.summary.failing_caller == (
        "arn:aws:sts::123456789012:assumed-role/app-role/session-1"
    )
    assert report.summary.caller_arn is None and report.environment.caller_arn is None
    policy = next(e for e in report.evidence if e.kind == "policy")
    assert [s.label for s in policy.statements if s.decisive] == ["NoWrites"]
    assert all(s.covers_method_arn for s in policy.statements)  # shorthand expanded
    assert policy.decision is not None and policy.decision.startswith("explicit deny")


def test_front_end_entry_points(tmp_path: Any) -> None:
    """What the TUI, --plain and diagnose --report call: a live Session object (offline here:
    no AWS connection, so no caller) and a file whose suffix picks the format."""
    import wizard.investigation.report as inv_report
    from wizard.investigation import Investigation
    from wizard.report.render import local_user

    session = sessions.seed_session()
    md = inv_report.render_investigation(Investigation.from_session(session), "md")

    assert md.startswith("# API Gateway 403 incident")
    if local_user() is not None:  # some containers have no user name
        assert f"report by {local_user()}" in md
    for name, marker in (
        ("r.html", "<!DOCTYPE html>"),
        ("r.json", '"format": "apigw-wizard-report"'),
    ):
        written = inv_report.write_report(
            Investigation.from_session(session), tmp_path / "out" / name
        )
        assert marker in written.read_text(encoding="utf-8")
    assert inv_report.render_report(session.to_dict(), "json").startswith("{")
    with pytest.raises(ReportError, match="unknown report format 'pdf'"):
        inv_report.render_report(session.to_dict(), "pdf")


# --------------------------------------------------------------------------- the first page


def _first_page_texts(data: dict[str, Any]) -> dict[str, str]:
    """The manager's page as each format shows it: the model's brief, the Markdown before the
    appendix, the HTML's #brief section."""
    from tests.report.inert import parse

    report = _report(data)
    md = render_report(data, "md", catalogue=load_catalogue())
    html = render_report(data, "html", catalogue=load_catalogue())
    section = html.split('<section id="brief"', 1)[1].split("</section>", 1)[0]
    return {
        "model": json.dumps(report.brief.model_dump(), ensure_ascii=False),
        "md": md.split("## Engineer appendix", 1)[0],
        "html": "".join(parse("<x" + section).text),
    }


@pytest.mark.parametrize("name", ["seed", "jwt-scope", "apikey", "inconclusive"])
def test_the_first_page_names_no_internals(name: str) -> None:
    """No node ids, fix ids, fact names or edge names (`choices.0`) before the appendix:
    they are the engineer's vocabulary, and all of them are in the appendix."""
    session = sessions.all_sessions()[name]
    data = session.to_dict()
    internals = set(session.playbook.nodes) | {f["name"] for f in data["facts"].values()}
    internals |= {str(f["fix"]) for f in data["fixes"]}
    internals = {n for n in internals if "_" in n or "-" in n}  # "method", "path": plain words
    for fmt, text in _first_page_texts(data).items():
        words = set(re.findall(r"[\w.-]+", text.replace("\\_", "_")))
        assert not words & internals, f"{name}/{fmt}: {sorted(words & internals)}"
        assert "choices." not in text, f"{name}/{fmt}"
    appendix = render_report(data, "md").split("## Engineer appendix", 1)[1]
    assert all(
        n in appendix for n in ("choices.", *session.playbook.nodes) if n in str(data["path"])
    )


def test_the_first_page_says_what_a_manager_asks(seed: dict[str, Any]) -> None:
    brief = _report(seed).brief
    assert brief.what_broke.startswith("Calls to POST https://a1b2c3d4e5.execute-api.")
    assert "403" in brief.what_broke
    assert brief.impact_window.startswith(
        "The logs read show 1 refused request at 2026-11-21 09:14 UTC."
    )
    assert "Not resolved" in brief.impact_window
    assert brief.root_cause.startswith("Authorizer cache serves a policy")
    assert brief.what_changed == ["Nothing was changed in the AWS account."]
    assert brief.verified == "No: no fix has been applied yet."
    assert brief.prevention == list(load_catalogue().get("authz-cache-scoped-policy").prevention)
    assert brief.next_step and brief.next_step.startswith("Apply the recommended fix: Return a")


def test_markdown_keeps_code_spans_and_links(seed: dict[str, Any]) -> None:
    """Backticks in the catalogue's prose are code spans, not escaped literally; further
    reading is links."""
    from wizard.report.render_md import prose

    assert prose("set `authorizerResultTtlInSeconds` to 0") == (
        "set `authorizerResultTtlInSeconds` to 0"
    )
    assert prose("a ` lone <b>") == "a \\` lone &lt;b&gt;"
    md = render_report(seed, "md")
    assert "\\`" not in md.split("## Engineer appendix", 1)[0]
    reading = md.split("## Further reading", 1)[1]
    links = re.findall(r"^- \[(.+?)\]\(<(https://[^>]+)>\)$", reading, re.M)
    assert links and len(links) == len(_report(seed).further_reading)


def test_a_saved_session_keeps_the_decoded_claims_not_the_token(tmp_path: Any) -> None:
    """The token is redacted when a session is saved; the claims the walk decoded are a fact,
    so a report made later from the file still shows them (and never the token)."""
    path = tmp_path / "jwt.json"
    sessions.jwt_scope_session().save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    claims = next(e for e in _report(data).evidence if e.kind == "jwt_claims").claims
    assert claims is not None and claims["claims"]["scope"] == "orders/read"
    assert all(secret not in render_report(data, "json") for secret in sessions.secrets())


def test_the_root_cause_is_said_once() -> None:
    """A diagnosis sentence that restates the cause's title is not preceded by the title."""
    brief = _report(sessions.apikey_session().to_dict()).brief
    assert brief.root_cause.count("The API key is missing") == 1
