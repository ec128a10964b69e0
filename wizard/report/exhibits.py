"""The exhibits of the report: the facts the walk established, shown as evidence blocks and the
facts table, each with where it came from.

Nothing here analyses anything. The analyzers ran once, during the walk, and their structured
results are facts (self-describing records tagged `analysis`: the policy evaluator's
per-statement results, the decoded token's claims and findings, the log scan's findings); this
module lays those records out. A session saved before the walk recorded them (its probe results
carry only the flat decision) is shown with what it did record, and says, in `not_recorded`, what
it did not; its long texts (pasted logs, policies) appear as raw evidence, unparsed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from wizard.report.common import as_list, as_map, clip, humanize, show, text_or_none
from wizard.report.model import Evidence, FactRow, LogLine, LogRequest, PolicyStatement

MAX_BLOCK = 4000
MAX_STATEMENTS = 20
MAX_RAW_BLOCKS = 6

# The `analysis` tags of the records the probes store (wizard/engine/offline_probes: policies,
# tokens, log_scan). Read by shape, not by one playbook's fact names.
POLICY = "policy_evaluation"
TOKEN = "token_claims"
LOGS = "log_findings"
ANALYSES = (POLICY, TOKEN, LOGS)

_REQUEST_ID = re.compile(r"(?im)^\s*x-amzn-requestid\s*:\s*([0-9a-f-]{8,64})\s*$")
ERROR_NAMES = ("error_text", "error_response", "response_text")
REQUEST_NAMES = ("request_text", "request", "curl")


def fact_map(session: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(k): as_map(v) for k, v in as_map(session.get("facts")).items()}


def known(facts: Mapping[str, Mapping[str, Any]], name: str) -> Any:
    fact = facts.get(name)
    if fact is None or not fact.get("known", False):
        return None
    return fact.get("value")


def source_of(fact: Mapping[str, Any]) -> str:
    source, origin = fact.get("source"), fact.get("origin")
    words = {
        "answer": "answered at",
        "pasted": "pasted at",
        "analyzer": "worked out by",
        "probe": "read by",
        "input": "given as",
    }
    return f"{words.get(str(source), str(source))} {origin}" if origin else str(source)


def records(
    facts: Mapping[str, Mapping[str, Any]], kind: str
) -> list[tuple[str, Mapping[str, Any]]]:
    """The known facts holding an analyzer record of `kind`, as (fact name, record)."""
    out = []
    for name, fact in facts.items():
        value = fact.get("value") if fact.get("known") else None
        if isinstance(value, Mapping) and value.get("analysis") == kind:
            out.append((name, value))
    return out


def is_record(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("analysis") in ANALYSES


# --------------------------------------------------------------------------- error and request


def error_evidence(facts: Mapping[str, Mapping[str, Any]]) -> list[Evidence]:
    out = _first_text(facts, ERROR_NAMES, "error_response", "The error response")
    status = known(facts, "live_status")
    if status is not None:
        lines = [f"HTTP {status}"]
        if known(facts, "live_error_type"):
            lines.append(f"x-amzn-ErrorType: {known(facts, 'live_error_type')}")
        body = known(facts, "live_body")
        if isinstance(body, str) and body:
            lines += ["", body]
        out.append(
            Evidence(
                kind="error_response",
                title="The failing request, sent again by the wizard",
                source=source_of(facts["live_status"]),
                text=clip("\n".join(lines), MAX_BLOCK),
            )
        )
    out += _first_text(facts, REQUEST_NAMES, "request", "The request")
    return out


def _first_text(
    facts: Mapping[str, Mapping[str, Any]], names: Sequence[str], kind: Any, title: str
) -> list[Evidence]:
    """The first of `names` holding known, non-blank text, as one block of evidence (or none)."""
    for name in names:
        value = known(facts, name)
        if isinstance(value, str) and value.strip():
            text = clip(value.strip(), MAX_BLOCK)
            return [Evidence(kind=kind, title=title, source=source_of(facts[name]), text=text)]
    return []


def request_ids(
    facts: Mapping[str, Mapping[str, Any]], results: Sequence[Mapping[str, Any]]
) -> list[str]:
    """The x-amzn-RequestId of the response, then the failing request the log scan named."""
    ids: list[str] = []
    for name in ERROR_NAMES:
        value = known(facts, name)
        if isinstance(value, str):
            ids += _REQUEST_ID.findall(value)
    for result in results:
        rid = result.get("failing_request_id")
        if isinstance(rid, str) and rid:
            ids.append(rid)
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------- token


def token_evidence(facts: Mapping[str, Mapping[str, Any]]) -> list[Evidence]:
    """The token the walk decoded (header and claims; the signature was never kept)."""
    out: list[Evidence] = []
    seen: set[str] = set()
    for name, record in records(facts, TOKEN):
        key = json.dumps(record.get("claims"), sort_keys=True, default=str)
        if key in seen:
            continue
        seen.add(key)
        header = {
            k: v for k, v in as_map(record.get("header")).items() if k in ("alg", "kid", "typ")
        }
        notes = [show(n, 300) for n in as_list(record.get("findings"))[:8]]
        required = [str(s) for s in as_list(record.get("required_scopes"))]
        if required:
            notes.append(f"the route requires: {', '.join(required)}")
        out.append(
            Evidence(
                kind="jwt_claims",
                title="JWT claims (decoded without checking the signature)",
                source=source_of(facts[name]),
                claims={"header": header, "claims": dict(as_map(record.get("claims")))},
                notes=notes,
            )
        )
    return out


# --------------------------------------------------------------------------- policies

_DECISION_WORDS = {
    "explicit_deny": "explicit deny: a Deny statement applies to this call",
    "implicit_deny": "implicit deny: no statement allows this call",
    "allow": "allow: a statement allows this call and no Deny applies",
}
_KIND_TITLES = {
    "authorizer": "The authorizer's policy, evaluated for the failing call",
    "resource": "The API's resource policy, evaluated for the failing call",
}


def policy_evidence(facts: Mapping[str, Mapping[str, Any]]) -> list[Evidence]:
    """Each policy the walk evaluated, with what every statement did for the method ARN (the
    evaluator's record: its outcome and reason, whether its Resource covers the ARN, whether it
    decided)."""
    out: list[Evidence] = []
    seen: set[str] = set()
    for name, record in records(facts, POLICY):
        statements = [as_map(s) for s in as_list(record.get("statements"))]
        key = json.dumps(
            [
                record.get("method_arn"),
                record.get("principal"),
                [s.get("json") for s in statements],
            ],
            default=str,
        )
        if key in seen:
            continue
        seen.add(key)
        total = record.get("statements_total")
        more = (total if isinstance(total, int) else len(statements)) - min(
            len(statements), MAX_STATEMENTS
        )
        notes = [
            *(
                [f"first difference from the Allow: {record['first_mismatch']}"]
                if record.get("first_mismatch") and record.get("decision") == "implicit_deny"
                else []
            ),
            *(
                [f"what would change it: {show(record['suggestion'], 500)}"]
                if record.get("suggestion")
                else []
            ),
            *(f"warning: {show(w, 300)}" for w in as_list(record.get("warnings"))[:5]),
            *(show(n, 300) for n in as_list(record.get("notes"))[:5]),
            *([f"{more} more statements not shown"] if more > 0 else []),
        ]
        out.append(
            Evidence(
                kind="policy",
                title=_KIND_TITLES.get(
                    str(record.get("kind")), "A policy, evaluated for the failing call"
                ),
                source=source_of(facts[name]),
                method_arn=text_or_none(record.get("method_arn")),
                decision=_DECISION_WORDS.get(
                    str(record.get("decision")), text_or_none(record.get("decision"))
                ),
                text=show(record.get("explanation"), 1500) if record.get("explanation") else None,
                statements=[_statement(s) for s in statements[:MAX_STATEMENTS]],
                notes=notes,
            )
        )
    return out


def _statement(s: Mapping[str, Any]) -> PolicyStatement:
    covers = s.get("covers_method_arn")
    return PolicyStatement(
        label=str(s.get("label") or s.get("sid") or f"statement {s.get('index')}"),
        effect=str(s.get("effect", "?")),
        outcome=text_or_none(s.get("outcome")),
        reason=show(s.get("reason"), 500) if s.get("reason") else None,
        actions=[str(a) for a in as_list(s.get("actions"))],
        resources=[str(r) for r in as_list(s.get("resources"))],
        covers_method_arn=covers if isinstance(covers, bool) else None,
        has_condition=bool(s.get("has_condition")),
        decisive=bool(s.get("deciding")),
        json_text=clip(str(s.get("json") or ""), MAX_BLOCK),
    )


def legacy_policy_evidence(results: Sequence[Mapping[str, Any]]) -> list[Evidence]:
    """A session saved before the evaluator's record was kept: its policy probes' flat decision
    and sentence, as recorded (nothing is evaluated again)."""
    out = []
    for check in results:
        if not ("decision" in check and "deciding" in check and "method_arn" in check):
            continue
        if "evaluation" in check or check.get("decision") is None:
            continue
        out.append(
            Evidence(
                kind="policy",
                title="A policy, evaluated for the failing call",
                source=str(check.get("_source", "policy evaluator")),
                method_arn=text_or_none(check.get("method_arn")),
                decision=_DECISION_WORDS.get(
                    str(check.get("decision")), text_or_none(check.get("decision"))
                ),
                text=show(check.get("explanation"), 1500) if check.get("explanation") else None,
                notes=[
                    *(f"deciding statement: {d}" for d in as_list(check.get("deciding"))),
                    *(f"Allow Resource: {r}" for r in as_list(check.get("allow_resources"))[:5]),
                    "what each statement did: not recorded in this session",
                ],
            )
        )
    return out


# --------------------------------------------------------------------------- logs


def log_evidence(facts: Mapping[str, Mapping[str, Any]]) -> list[Evidence]:
    """What the log scan found: the failing request, the earlier request whose authorizer
    answer a cache hit reused, other denied requests, each with its notable lines."""
    out: list[Evidence] = []
    seen: set[str] = set()
    for name, record in records(facts, LOGS):
        shown = [as_map(r) for r in as_list(record.get("requests"))]
        key = json.dumps([r.get("request_id") for r in shown])
        if key in seen or not shown:
            continue
        seen.add(key)
        total = record.get("requests_total")
        denied = record.get("denied_total")
        notes = [f"{total} request(s) in the logs, {denied} refused, {len(shown)} shown"]
        out.append(
            Evidence(
                kind="logs",
                title="What the logs show, by request",
                source=source_of(facts[name]),
                requests=[_log_request(r) for r in shown],
                notes=notes,
            )
        )
    return out


_ROLES = {
    "failing": "the failing request",
    "cached_from": "the earlier request whose authorizer answer was cached",
    "denied": "another refused request",
}


def _log_request(r: Mapping[str, Any]) -> LogRequest:
    status = r.get("status")
    invoked = r.get("authorizer_invoked")
    return LogRequest(
        request_id=str(r.get("request_id", "?")),
        role=_ROLES.get(str(r.get("role")), text_or_none(r.get("role"))),
        status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        method=text_or_none(r.get("method")),
        resource_path=text_or_none(r.get("resource_path")),
        authorizer_invoked=invoked if isinstance(invoked, bool) else None,
        lines=[
            LogLine(
                time=text_or_none(as_map(ln).get("time")),
                kind=text_or_none(as_map(ln).get("kind")),
                text=show(as_map(ln).get("text"), 2000),
            )
            for ln in as_list(r.get("lines"))
        ],
        more_lines=r["more_lines"] if isinstance(r.get("more_lines"), int) else 0,
    )


# --------------------------------------------------------------------------- old sessions


def not_recorded(
    facts: Mapping[str, Mapping[str, Any]], results: Sequence[Mapping[str, Any]]
) -> list[str]:
    """What a session saved before the analyzers' records were kept did not record (its probe
    results have the flat facts but not the record)."""
    out: list[str] = []
    if any(
        "deciding" in r and "decision" in r and "evaluation" not in r and r.get("decision")
        for r in results
    ) and not records(facts, POLICY):
        out.append("what each policy statement did for the failing call")
    if any(
        "has_logs" in r and "findings" not in r and r.get("has_logs") for r in results
    ) and not records(facts, LOGS):
        out.append("the log scan's findings by request (the logs are under raw evidence)")
    if any(
        "token_use" in r and "scopes" in r and "claims" not in r for r in results
    ) and not records(facts, TOKEN):
        out.append("the decoded token's claims")
    return out


# --------------------------------------------------------------------------- facts table

_BIG = 300


def _big(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > _BIG or "\n" in value.strip())


def fact_rows(
    facts: Mapping[str, Mapping[str, Any]], decisive: set[str]
) -> tuple[list[FactRow], list[str]]:
    """Known facts with their sources (decisive ones first), and the names of unknown ones.
    Long texts (pastes, logs) are raw evidence instead, the analyzers' records are evidence
    blocks; facts known to be absent (none) are left out."""
    rows: list[FactRow] = []
    unknown: list[str] = []
    for name, fact in facts.items():
        if not fact.get("known"):
            note = fact.get("note")
            unknown.append(f"{name} ({show(note, 120)})" if note else name)
            continue
        value = fact.get("value")
        if is_record(value):
            continue
        if (value is None or value == "") and name not in decisive:
            continue
        if _big(value) and name not in decisive:
            continue
        rows.append(
            FactRow(
                name=name,
                value=show(value, _BIG),
                source=str(fact.get("source", "?")),
                origin=str(fact.get("origin", "?")),
                decisive=name in decisive,
            )
        )
    rows.sort(key=lambda r: not r.decisive)
    return rows, unknown


def raw_evidence(facts: Mapping[str, Mapping[str, Any]], shown: set[str]) -> list[Evidence]:
    """The long texts the walk was given or read (logs, policies, pastes), as they were, for the
    engineer who wants the source (the error and request already have their own blocks)."""
    out: list[Evidence] = []
    for name, fact in facts.items():
        value = fact.get("value") if fact.get("known") else None
        if name in shown or not _big(value) or fact.get("source") == "analyzer":
            continue  # an analyzer's sentence is a fact of the table, not a source text
        out.append(
            Evidence(
                kind="raw",
                title=f"Raw: {humanize(name)}",
                source=source_of(fact),
                text=clip(str(value).strip(), MAX_BLOCK),
            )
        )
        if len(out) >= MAX_RAW_BLOCKS:
            break
    return out
