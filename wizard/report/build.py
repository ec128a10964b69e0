"""Build a `Report` from an investigation's Outcome (a saved session becomes an Outcome first:
wizard.investigation.report).

Pure: no files, no network, no clock (the caller passes `generated_at`); the catalogue is passed
in. Redaction (tokens, keys, signatures, secret-named facts) and account-id masking are applied
to the finished model, so every renderer gets the same safe data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wizard import __version__
from wizard.analysis.redact import REDACTED, is_sensitive_key, redact_obj
from wizard.outcome import Outcome
from wizard.report import brief as brief_mod
from wizard.report import changes as changes_mod
from wizard.report import exhibits as ex
from wizard.report import story
from wizard.report.common import ReportError, as_list, as_map, show, text_or_none
from wizard.report.model import Candidate, Environment, Report, Status, Summary

_ARN_ACCOUNT = re.compile(r"\barn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):")


def report_from_outcome(
    outcome: Outcome,
    *,
    catalogue: Any = None,
    generated_at: str | None = None,
    generated_by: str | None = None,
    redact: bool = True,
    mask_account: bool = True,
    tool_version: str | None = None,
    live: Mapping[str, Any] | None = None,
) -> Report:
    """The incident report of an investigation's Outcome: every section is read from it.
    `live`: what the front end knows of the AWS connection that the Outcome does not hold
    (caller_arn, account_id, region, endpoint_url). Raises ReportError (one line)."""
    source = _sections_source(outcome)
    try:
        report = _build(source, catalogue, generated_at, generated_by, tool_version, live or {})
    except ReportError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportError(f"the outcome is damaged: {type(exc).__name__}: {exc}") from None
    return protect(report, source, redact=redact, mask_account=mask_account)


def _sections_source(outcome: Outcome) -> dict[str, Any]:
    """The Outcome's parts under the names the section builders (exhibits, story, changes)
    read: nothing here comes from anywhere but the Outcome."""
    facts: dict[str, Any] = {
        f.name: {**f.model_dump(mode="json"), "known": True} for f in outcome.evidence
    }
    for u in outcome.unknown:
        facts.setdefault(u.name, {"name": u.name, "value": None, "known": False, "note": u.note})
    return {
        "format_version": outcome.session_format_version,
        "playbook": outcome.playbook.model_dump(mode="json"),
        "started_at": outcome.started_at or "",
        "inputs": dict(outcome.inputs),
        "current": outcome.current,
        "ended": outcome.ended,
        "question_count": outcome.questions,
        "probe_results": [r.model_dump(mode="json") for r in outcome.probe_results],
        "facts": facts,
        "path": [step.model_dump(mode="json") for step in outcome.path],
        "diagnosis": outcome.diagnosis.model_dump(mode="json") if outcome.diagnosis else None,
        "fixes": [_with_commands(p.model_dump(mode="json"), outcome) for p in outcome.proposals],
        "ranking": [c.model_dump(mode="json") for c in outcome.ranking],
        "applied": [c.model_dump(mode="json") for c in outcome.changes],
        "timeline": [event.model_dump(mode="json") for event in outcome.timeline],
    }


def _with_commands(proposal: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
    """A proposal with the exact commands its Outcome fix shows (region, endpoint included)
    and its fix state, so the report prints what the TUI, prompt mode and headless print: a
    declined fix is in the changes record too, but it changed nothing."""
    for fix in outcome.fixes:
        if fix.fix == proposal.get("fix") and fix.cause == proposal.get("cause"):
            shown = {**proposal, "applied": fix.applied}
            if fix.corrected_request is not None:
                shown["corrected_request"] = fix.corrected_request.model_dump(mode="json")
            return {**shown, "cli": list(fix.cli)} if fix.cli else shown
    return proposal


def _build(
    session: Mapping[str, Any],
    catalogue: Any,
    generated_at: str | None,
    generated_by: str | None,
    tool_version: str | None,
    live: Mapping[str, Any],
) -> Report:
    facts = ex.fact_map(session)
    diagnosis = as_map(session.get("diagnosis"))
    cause_id = text_or_none(diagnosis.get("cause"))
    cause = _cause(catalogue, cause_id)
    results = _probe_results(session)
    request_ids = ex.request_ids(facts, results)
    started = str(session.get("started_at", ""))
    ended = _ended_at(session)
    inputs = as_map(session.get("inputs"))
    values = {n: ex.known(facts, n) for n in facts if ex.known(facts, n) is not None}
    region = _first_str(
        values.get("region"), inputs.get("region"), live.get("region"), _arn_region(values)
    )

    # The analyzers ran during the walk: their records are facts, laid out here as they are.
    policies = ex.policy_evidence(facts) or ex.legacy_policy_evidence(results)
    evidence = [
        *ex.error_evidence(facts),
        *ex.token_evidence(facts),
        *policies,
        *ex.log_evidence(facts),
        *ex.raw_evidence(facts, shown=set(ex.ERROR_NAMES + ex.REQUEST_NAMES)),
    ]
    decisive = {str(as_map(f).get("name")) for f in as_list(diagnosis.get("evidence"))}
    rows, unknown = ex.fact_rows(facts, decisive)
    changes = changes_mod.change_records(session)
    status, reason = _status(session, changes, cause_id)
    playbook = as_map(session.get("playbook"))
    # caller_arn facts are the FAILING request's identity (read from its error or logs); who ran
    # the wizard is the live connection's identity
    caller = _first_str(live.get("caller_arn"), inputs.get("caller_arn"))

    summary = Summary(
        failing_request=_failing_request(values, inputs),
        response=_response(values),
        request_ids=request_ids,
        root_cause=_root_cause(session, diagnosis),
        cause_id=cause_id,
        cause_title=text_or_none(diagnosis.get("title"))
        or (str(cause.title) if cause is not None else None),
        status=status,
        status_reason=reason,
        failing_caller=_first_str(values.get("caller_arn")),
        caller_arn=caller,
        confirmed_by=list(dict.fromkeys(c.by for c in changes if c.by)),
        generated_by=generated_by,
        started_at=started,
        ended_at=ended,
        generated_at=generated_at or ended or started,
        questions_answered=int(session.get("question_count") or 0),
        finished=bool(session.get("ended")),
    )
    environment = Environment(
        tool_version=tool_version or __version__,
        playbook_id=text_or_none(playbook.get("id")),
        playbook_version=text_or_none(playbook.get("version")),
        playbook_title=text_or_none(playbook.get("title")),
        region=region,
        account_id=_account_id(values) or _first_str(live.get("account_id")),
        endpoint_url=_first_str(live.get("endpoint_url")),
        caller_arn=caller,
        api_id=_first_str(values.get("api_id"), inputs.get("api_id")),
        stage=_first_str(values.get("stage"), inputs.get("stage")),
        session_format_version=session.get("format_version")
        if isinstance(session.get("format_version"), int)
        else None,
    )
    proposed = changes_mod.proposed_fixes(session, cause_id, values, region)
    prevention = [str(p) for p in getattr(cause, "prevention", [])]
    return Report(
        title=_title(summary),
        redacted=False,
        account_id_masked=False,
        brief=brief_mod.brief(summary, changes, proposed, prevention, ex.records(facts, ex.LOGS)),
        summary=summary,
        explanation=_explanation(session, cause_id, cause),
        timeline=story.timeline(session),
        path=story.path_view(session),
        evidence=evidence,
        facts=rows,
        unknown_facts=unknown,
        not_recorded=ex.not_recorded(facts, results),
        changes=changes,
        proposed_fixes=proposed,
        prevention=prevention,
        verify_hint=text_or_none(getattr(cause, "verify", None)) or None,
        further_reading=[str(s) for s in getattr(cause, "sources", [])],
        candidates=[
            Candidate(
                id=str(c.get("id")),
                title=str(c.get("title", "")),
                confidence=float(c.get("confidence") or 0.0),
            )
            for c in map(as_map, as_list(session.get("ranking"))[:5])
        ],
        environment=environment,
    )


# --------------------------------------------------------------------------- pieces


def _cause(catalogue: Any, cause_id: str | None) -> Any:
    if catalogue is None or cause_id is None:
        return None
    try:
        return catalogue.get(cause_id)
    except KeyError:
        return None


def _probe_results(source: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every probe's result (the raw outputs the facts were selected from), tagged with where
    it came from."""
    return [
        {**as_map(r.get("result")), "_source": str(r.get("source"))}
        for r in map(as_map, as_list(source.get("probe_results")))
    ]


def _ended_at(session: Mapping[str, Any]) -> str | None:
    for event in reversed(as_list(session.get("timeline"))):
        event = as_map(event)
        if event.get("at"):
            return str(event["at"])
    return None


def _first_str(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return v
    return None


def _failing_request(values: Mapping[str, Any], inputs: Mapping[str, Any]) -> str | None:
    method = _first_str(values.get("method"), inputs.get("method"))
    url = _first_str(inputs.get("url"), values.get("request_url"), values.get("url"))
    if url is None and values.get("api_id") and values.get("path") is not None:
        host = values.get("domain_name") or (
            f"{values['api_id']}.execute-api.{values.get('region') or '<region>'}.amazonaws.com"
        )
        stage = f"/{values['stage']}" if values.get("stage") else ""
        url = f"https://{host}{stage}{values['path']}"
    if url is not None:
        return f"{method} {url}" if method else url
    text = _first_str(values.get("request_text"))
    return show(text.strip().splitlines()[0], 300) if text and text.strip() else None


def _response(values: Mapping[str, Any]) -> str | None:
    status = values.get("status_code") or values.get("live_status")
    parts = [str(status)] if status is not None else []
    if values.get("error_type"):
        parts.append(str(values["error_type"]))
    message = values.get("error_message")
    text = " ".join(parts)
    if message:
        text = f"{text}: {show(message, 200)}" if text else show(message, 200)
    return text or None


def _root_cause(session: Mapping[str, Any], diagnosis: Mapping[str, Any]) -> str:
    if not diagnosis:
        current = session.get("current")
        return f"Not concluded yet: the walk stopped at '{current}' before reaching a diagnosis."
    summary = show(diagnosis.get("summary") or diagnosis.get("title") or "", 600)
    if diagnosis.get("cause") is None:
        return f"Inconclusive: {summary}" if summary else "Inconclusive: no cause was confirmed."
    return summary or str(diagnosis.get("title") or diagnosis.get("cause"))


def _explanation(session: Mapping[str, Any], cause_id: str | None, cause: Any) -> str | None:
    """The finding's explanation with this incident's facts filled in, else the catalogue's."""
    if cause_id is None:
        return None
    for event in reversed(as_list(session.get("timeline"))):
        event = as_map(event)
        if event.get("event") == "Finding" and event.get("cause") == cause_id:
            text = text_or_none(event.get("explanation"))
            if text:
                return text
    return text_or_none(getattr(cause, "explanation", None))


def _status(
    session: Mapping[str, Any], changes: list[Any], cause_id: str | None
) -> tuple[Status, str]:
    """resolved: a fix was applied and verified (and not rolled back); mitigated: applied but
    not verified; open: nothing is in place yet."""
    active: dict[str, Any] = {}
    for change in changes:
        if change.outcome in ("applied", "verified"):
            active[change.fix_id] = change
        elif change.outcome == "rolled_back":
            active.pop(change.fix_id, None)
    verified = [
        c for c in active.values() if c.verification is not None and c.verification.verified
    ]
    if verified:
        return "resolved", f"fix {verified[-1].fix_id} was applied and verified"
    if active:
        last = list(active.values())[-1]
        return "mitigated", f"fix {last.fix_id} was applied but not verified"
    if not session.get("ended"):
        return "open", "the walk has not reached a conclusion"
    if cause_id is None:
        return "open", "no cause was confirmed"
    if any(c.outcome == "rolled_back" for c in changes):
        return "open", "the fix applied was rolled back"
    if any(c.outcome == "failed" for c in changes):
        return "open", "applying the fix failed"
    return "open", "the fix has not been applied yet"


_ARN_REGION = re.compile(r"\barn:aws[\w-]*:execute-api:([a-z]{2}(?:-[a-z]+)+-\d):")


def _arn_region(values: Mapping[str, Any]) -> str | None:
    """The region named in the method ARN (an emulator URL does not carry one)."""
    for name in ("method_arn", "cached_method_arn", "denied_resource_arn"):
        m = _ARN_REGION.search(str(values.get(name) or ""))
        if m:
            return m.group(1)
    return None


def _account_id(values: Mapping[str, Any]) -> str | None:
    account = values.get("account_id")
    if isinstance(account, str) and account.strip():
        return account
    for name in ("caller_arn", "method_arn", "authorizer_function_arn"):
        m = _ARN_ACCOUNT.search(str(values.get(name) or ""))
        if m:
            return m.group(1)
    return None


def _title(summary: Summary) -> str:
    what = summary.cause_title or ("Inconclusive" if summary.finished else "In progress")
    return f"API Gateway 403 incident: {what}"


# --------------------------------------------------------------------------- safety


def mask_account_id(account: str) -> str:
    """1234****9012: enough to tell accounts apart, not enough to target one."""
    return account[:4] + "****" + account[-4:] if len(account) >= 8 else "****"


def protect(
    report: Report, session: Mapping[str, Any], *, redact: bool, mask_account: bool
) -> Report:
    """Redact secrets and mask account ids everywhere in the report (every string of it)."""
    data: Any = report.model_dump(mode="json")
    if redact:
        secret_facts = {row["name"] for row in data["facts"] if is_sensitive_key(row["name"])}
        for row in data["facts"]:
            if row["name"] in secret_facts and row["value"] not in ("", "none"):
                row["value"] = REDACTED
        secret_nodes = _secret_nodes(session, is_sensitive_key)
        for step in data["path"]["steps"]:
            if step["node"] in secret_nodes and step["answer"] is not None:
                step["answer"] = REDACTED
        for entry in data["timeline"]:
            if entry["kind"] == "answer" and entry["node"] in secret_nodes:
                entry["title"] = entry["title"].split(" = ", 1)[0] + f" = {REDACTED}"
        data = redact_obj(data)
        data["redacted"] = True
    if mask_account:
        accounts = _accounts(data)
        if accounts:
            data = _replace_accounts(data, accounts)
        data["account_id_masked"] = True
    return Report.model_validate(data)


def _secret_nodes(session: Mapping[str, Any], is_secret: Any) -> set[str]:
    nodes: set[str] = set()
    for event in map(as_map, as_list(session.get("timeline"))):
        if event.get("event") == "AnswerRecorded" and is_secret(str(event.get("fact", ""))):
            nodes.add(str(event.get("node")))
    return nodes


def _accounts(data: Any) -> set[str]:
    found: set[str] = set()
    env_account = data["environment"].get("account_id")
    if isinstance(env_account, str) and re.fullmatch(r"\d{12}", env_account):
        found.add(env_account)

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(_ARN_ACCOUNT.findall(value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(data)
    return found


def _replace_accounts(value: Any, accounts: set[str]) -> Any:
    if isinstance(value, str):
        for account in accounts:
            if account in value:
                value = value.replace(account, mask_account_id(account))
        return value
    if isinstance(value, dict):
        return {k: _replace_accounts(v, accounts) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_accounts(v, accounts) for v in value]
    return value
