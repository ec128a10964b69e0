"""Evidence for the report, read from the session's facts and probe results by their shape (not
by one playbook's fact names): the error response, the request, JWT claims (never the
signature), policies with the statements that decide the method ARN, log excerpts by request
id; and the table of facts, each with where it came from."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from wizard.report.common import as_list, as_map, clip, humanize, show, text_or_none
from wizard.report.model import Evidence, FactRow, LogLine, LogRequest, PolicyStatement

MAX_BLOCK = 4000
MAX_LOG_REQUESTS = 6
MAX_LOG_LINES = 15
MAX_STATEMENTS = 20

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_REQUEST_ID = re.compile(r"(?im)^\s*x-amzn-requestid\s*:\s*([0-9a-f-]{8,64})\s*$")
_ERROR_NAMES = ("error_text", "error_response", "response_text")
_REQUEST_NAMES = ("request_text", "request", "curl")


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


# --------------------------------------------------------------------------- error and request


def error_evidence(facts: Mapping[str, Mapping[str, Any]]) -> list[Evidence]:
    out = _first_text(facts, _ERROR_NAMES, "error_response", "The error response")
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
    out += _first_text(facts, _REQUEST_NAMES, "request", "The request")
    return out


def _first_text(
    facts: Mapping[str, Mapping[str, Any]], names: Sequence[str], kind: str, title: str
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
    ids: list[str] = []
    for name in _ERROR_NAMES:
        value = known(facts, name)
        if isinstance(value, str):
            ids += _REQUEST_ID.findall(value)
    for result in results:
        rid = result.get("failing_request_id")
        if isinstance(rid, str) and rid:
            ids.append(rid)
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------- JWT claims


def jwt_evidence(
    facts: Mapping[str, Mapping[str, Any]], inputs: Mapping[str, Any], now: datetime | None
) -> list[Evidence]:
    """Decode every JWT found in what was typed, pasted or read (no signature check), and keep
    its header and claims only: the signature never reaches the report."""
    from wizard.analysis.jwt_inspect import TokenError, inspect_token

    seen: set[str] = set()
    out: list[Evidence] = []
    places = [(name, f, f.get("value")) for name, f in facts.items() if f.get("known")]
    places += [(f"input {k}", {"source": "input", "origin": k}, v) for k, v in inputs.items()]
    for name, fact, value in places:
        for text in _strings(value):
            for token in _JWT.findall(text):
                payload = token.split(".")[1]
                if payload in seen:
                    continue
                seen.add(payload)
                try:
                    report = inspect_token(token, now=now.timestamp() if now else 0.0)
                except (TokenError, ValueError):
                    continue
                header = {k: v for k, v in report.header.items() if k in ("alg", "kid", "typ")}
                notes = [f.message for f in report.findings][:8]
                out.append(
                    Evidence(
                        kind="jwt_claims",
                        title="JWT claims (decoded without checking the signature)",
                        source=f"token found in {humanize(name)} ({source_of(fact)})",
                        claims={"header": header, "claims": report.claims},
                        notes=notes,
                    )
                )
    return out


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


# --------------------------------------------------------------------------- policies


def _policy_doc(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, Mapping):
        return None
    if isinstance(value.get("policyDocument"), Mapping):
        value = value["policyDocument"]
    return value if "Statement" in value else None


def policy_evidence(
    facts: Mapping[str, Mapping[str, Any]], checks: Sequence[Mapping[str, Any]]
) -> list[Evidence]:
    """Each policy the walk saw, with its statements beside the method ARN: which statements
    match it and which decide the outcome (a matching Deny; else the matching Allows; with none
    matching, every Allow — the implicit deny is about what they fail to cover)."""
    method_arn = known(facts, "method_arn")
    out: list[Evidence] = []
    seen: set[str] = set()
    for name, fact in facts.items():
        doc = _policy_doc(fact.get("value")) if fact.get("known") else None
        if doc is None:
            continue
        key = json.dumps(doc, sort_keys=True, default=str)
        if key in seen:
            continue
        seen.add(key)
        arn = method_arn if isinstance(method_arn, str) else _check_arn(checks)
        statements = _statements(doc, arn)
        decision = _decision(statements)
        verdict = _evaluator_verdict(statements, checks)
        if verdict is not None:
            # the policy evaluator also checked principals and conditions: its word decides
            decision, deciding = verdict
            for s in statements:
                s.decisive = s.label in deciding
        out.append(
            Evidence(
                kind="policy",
                title=f"Policy: {humanize(name)}",
                source=source_of(fact),
                method_arn=arn,
                decision=decision,
                statements=statements[:MAX_STATEMENTS],
                notes=[f"{len(statements) - MAX_STATEMENTS} more statements not shown"]
                if len(statements) > MAX_STATEMENTS
                else [],
            )
        )
    for check in checks:
        out.append(
            Evidence(
                kind="policy_check",
                title="Policy evaluation for the method ARN",
                source=str(check.get("_source", "policy evaluator")),
                method_arn=text_or_none(check.get("method_arn")),
                decision=text_or_none(check.get("decision")),
                text=show(check.get("explanation"), 1500) if check.get("explanation") else None,
                notes=[
                    *(f"deciding statement: {d}" for d in as_list(check.get("deciding"))),
                    *(f"Allow Resource: {r}" for r in as_list(check.get("allow_resources"))[:5]),
                    *(
                        [f"first difference: {check['first_mismatch']}"]
                        if check.get("first_mismatch") and check.get("decision") == "implicit_deny"
                        else []
                    ),
                    *(show(n, 300) for n in as_list(check.get("notes"))[:5]),
                ],
            )
        )
    return out


_EVALUATOR_WORDS = {
    "explicit_deny": "explicit deny (a Deny applies to this caller and method ARN)",
    "allow": "allow (an Allow applies to this caller and method ARN)",
}


def _evaluator_verdict(
    statements: list[PolicyStatement], checks: Sequence[Mapping[str, Any]]
) -> tuple[str, set[str]] | None:
    """The evaluator's decision for this policy, when one of its results names statements that
    are all in it (results carry no policy id: the deciding statement labels tie them)."""
    labels = {s.label for s in statements}
    for check in checks:
        deciding = {str(d) for d in as_list(check.get("deciding"))}
        decision = str(check.get("decision"))
        if deciding and deciding <= labels and decision in _EVALUATOR_WORDS:
            return _EVALUATOR_WORDS[decision], deciding
    return None


def _method_arn_parts(arn: str | None) -> dict[str, str] | None:
    m = re.match(r"^arn:([\w-]+):execute-api:([^:]*):([^:]*):([^/]+)/", arn or "")
    if m is None:
        return None
    return {"partition": m[1], "region": m[2], "account": m[3], "api_id": m[4]}


def _check_arn(checks: Sequence[Mapping[str, Any]]) -> str | None:
    for check in checks:
        if isinstance(check.get("method_arn"), str):
            return str(check["method_arn"])
    return None


def _statements(doc: Mapping[str, Any], arn: str | None) -> list[PolicyStatement]:
    from wizard.analysis.arn import arn_matches, expand_resource

    parts = _method_arn_parts(arn)

    raw = doc.get("Statement")
    items = [raw] if isinstance(raw, Mapping) else as_list(raw)
    out: list[PolicyStatement] = []
    for i, st in enumerate(items):
        st = as_map(st)
        negated = "Resource" not in st and "NotResource" in st
        resources = [str(r) for r in _listify(st.get("NotResource" if negated else "Resource"))]
        covers: bool | None = None
        if arn and resources:
            # `execute-api:/stage/METHOD/path` is shorthand for this API's own ARNs
            full = [expand_resource(r, **parts) for r in resources] if parts else resources
            try:
                matched = any(arn_matches(r, arn) for r in full)
            except ValueError:
                matched = None
            # NotResource applies to every ARN it does not name
            covers = None if matched is None else (not matched if negated else matched)
        out.append(
            PolicyStatement(
                label=str(st.get("Sid") or f"Statement[{i}]"),
                effect=str(st.get("Effect", "?")),
                actions=[str(a) for a in _listify(st.get("Action") or st.get("NotAction"))],
                resources=[f"NOT {r}" for r in resources] if negated else resources,
                covers_method_arn=covers,
                has_condition=bool(st.get("Condition")),
                decisive=False,
                json_text=json.dumps(st, indent=2, sort_keys=True, default=str),
            )
        )
    denies = [s for s in out if s.effect.lower() == "deny" and s.covers_method_arn]
    allows = [s for s in out if s.effect.lower() == "allow" and s.covers_method_arn]
    decisive = denies or allows or [s for s in out if s.effect.lower() == "allow"]
    for s in decisive:
        s.decisive = True
    return out


def _decision(statements: list[PolicyStatement]) -> str | None:
    if any(s.covers_method_arn is None for s in statements):
        return None
    denies = [s for s in statements if s.effect.lower() == "deny" and s.covers_method_arn]
    if denies and not all(s.has_condition for s in denies):
        return "explicit deny (a Deny matches the method ARN)"
    if denies:
        return "explicit deny if the Deny's conditions hold (see the policy evaluation)"
    if any(s.effect.lower() == "allow" and s.covers_method_arn for s in statements):
        conditional = any(s.has_condition for s in statements if s.covers_method_arn)
        return "allow" + (" (if its conditions hold)" if conditional else "")
    return "implicit deny (no statement allows the method ARN)"


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


# --------------------------------------------------------------------------- logs


def log_evidence(facts: Mapping[str, Mapping[str, Any]], wanted: list[str]) -> list[Evidence]:
    """Excerpts of every log text the walk saw, by request id: the failing request, the earlier
    request whose authorizer answer a cache hit reused, and other denied requests."""
    from wizard.analysis.logs import scan as logs

    out: list[Evidence] = []
    for name, fact in facts.items():
        value = fact.get("value")
        if not fact.get("known") or not isinstance(value, str) or "log" not in name.lower():
            continue
        if "\n" not in value.strip() and len(value) < 200:
            continue  # a value read from the logs (a response type), not the logs themselves
        result = logs.scan_lines(value.splitlines())
        requests = list(result.requests)
        chosen = _pick_requests(requests, wanted)
        if chosen:
            excerpts = [_log_request(r) for r in chosen]
            out.append(
                Evidence(
                    kind="logs",
                    title=f"Log excerpt: {humanize(name)}",
                    source=source_of(fact),
                    requests=excerpts,
                    notes=[f"{len(requests)} request(s) in the logs, {len(chosen)} shown"],
                )
            )
        else:
            lines = value.splitlines()
            text = "\n".join(lines[: MAX_LOG_LINES * 2])
            if len(lines) > MAX_LOG_LINES * 2:
                text += f"\n… ({len(lines) - MAX_LOG_LINES * 2} more lines)"
            out.append(
                Evidence(
                    kind="logs",
                    title=f"Log excerpt: {humanize(name)}",
                    source=source_of(fact),
                    text=clip(text, MAX_BLOCK),
                )
            )
    return out


def _pick_requests(requests: list[Any], wanted: list[str]) -> list[Any]:
    by_id = {r.request_id: r for r in requests}
    ids: list[str] = [w for w in wanted if w in by_id]
    denied = [r.request_id for r in requests if r.denied]
    ids += denied[-2:]
    for rid in list(ids):
        prior = getattr(by_id[rid], "prior_authorizer_run", None)
        if prior is not None and prior.request_id in by_id:
            ids.insert(ids.index(rid), prior.request_id)
    ordered = [r.request_id for r in requests if r.request_id in set(ids)]
    return [by_id[i] for i in ordered][-MAX_LOG_REQUESTS:]


def _log_request(req: Any) -> LogRequest:
    notable = list(req.notable)
    lines = [LogLine(time=n.time, kind=n.kind, text=show(n.text, 2000)) for n in notable]
    return LogRequest(
        request_id=str(req.request_id),
        status=req.status,
        method=req.method,
        resource_path=req.resource_path,
        authorizer_invoked=req.authorizer_invoked,
        lines=lines[:MAX_LOG_LINES],
        more_lines=max(0, len(lines) - MAX_LOG_LINES) + int(req.notable_dropped or 0),
    )


# --------------------------------------------------------------------------- facts table

_BIG = 300


def fact_rows(
    facts: Mapping[str, Mapping[str, Any]], decisive: set[str]
) -> tuple[list[FactRow], list[str]]:
    """Known facts with their sources (decisive ones first), and the names of unknown ones.
    Long texts (pastes, logs) are shown as evidence instead; facts known to be absent (none)
    are left out."""
    rows: list[FactRow] = []
    unknown: list[str] = []
    for name, fact in facts.items():
        if not fact.get("known"):
            note = fact.get("note")
            unknown.append(f"{name} ({show(note, 120)})" if note else name)
            continue
        value = fact.get("value")
        if (value is None or value == "") and name not in decisive:
            continue
        big = isinstance(value, str) and (len(value) > _BIG or "\n" in value.strip())
        if big and name not in decisive:
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
