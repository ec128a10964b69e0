"""Build the Outcome from an investigation's session, once (the only place the session's state
is shaped for views): ranked causes with the walk's diagnosis first, known and unknown facts,
the fixes with their lifecycle, the path, probe failures, the timeline; secrets redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.analysis.diagnosis import next_question
from wizard.analysis.next_checks import fill
from wizard.aws.errors import fault_name
from wizard.engine.events import ProbeFailed
from wizard.engine.session import Session, is_secret_name, redact
from wizard.investigation.exit import decide, has_aws_faults
from wizard.investigation.outcome_analysis import analyse_evidence
from wizard.outcome.analysis import EvidenceAnalysis, LogLine
from wizard.outcome.model import (
    DiagnosisOut,
    FixOut,
    NextStep,
    Outcome,
    PlaybookRef,
    Target,
)

if TYPE_CHECKING:  # the investigation builds its outcome with this module (no import cycle)
    from wizard.investigation.investigation import Investigation

REDACTED = "[redacted]"
DIAGNOSED_CONFIDENCE = 0.9  # a cause the walk reached through its decisions ranks first


def build_outcome(inv: Investigation, *, keep_secrets: bool = False) -> Outcome:
    """The Outcome, redacted. `keep_secrets`: only for `report --no-redact` (the user asked for
    the raw values, warned on stderr); no front end shows or sends that Outcome."""
    session = inv.session
    diagnosis = session.diagnosis()
    fixes = [slot.out.model_copy(deep=True) for slot in inv.fix_slots()]
    target = inv.target()
    record = session.to_dict()
    data: dict[str, Any] = {
        "playbook": {
            "id": session.playbook.id,
            "version": session.playbook.version,
            "title": session.playbook.title,
        },
        "target": {
            "mode": "live" if inv.live else "offline",
            "region": target.region,
            "profile": target.profile,
            "endpoint_url": target.endpoint_url,
        },
        "ended": session.ended,
        "diagnosis": diagnosis.to_dict() if diagnosis else None,
        "causes": causes(session),
        "evidence": _evidence(session, keep_secrets),
        "unknown": [
            {"name": f.name, "note": f.note} for f in session.facts.values() if not f.known
        ],
        "fixes": [f.model_dump(mode="json") for f in fixes],
        "questions": session.question_count,
        "path": [step.to_dict() for step in session.path],
        "probe_failures": probe_failures(session),
        "timeline": _timeline(record["timeline"], keep_secrets),
        "inputs": dict(record["inputs"] or {}),
        "ranking": record["ranking"],
        "probe_results": probe_results(record["visits"]),
        "changes": record["applied"],
        "proposals": record["fixes"],
    }
    redacted: dict[str, Any] = data if keep_secrets else redact(data)
    # Example code from the catalogue holds no secrets, and redaction would mangle it
    # (`token = event["authorizationToken"]` reads like an assignment of a secret).
    for out, fix in zip(redacted["fixes"], fixes, strict=True):
        out["code"], out["patches"] = dict(fix.code), list(fix.patches)
    # The proposals' operations are the catalogue's templates (`{api_key_id}` placeholders, an
    # `apiKey` parameter): key-based redaction would turn the commands into '[redacted]'.
    redacted["proposals"] = data["proposals"]
    diagnosis_out = DiagnosisOut(**redacted["diagnosis"]) if redacted["diagnosis"] else None
    fix_outs = [FixOut(**f) for f in redacted["fixes"]]
    inconclusive = diagnosis_out is None or diagnosis_out.inconclusive
    return Outcome(
        playbook=PlaybookRef(**redacted["playbook"]),
        target=Target(**redacted["target"]),
        ended=redacted["ended"],
        diagnosis=diagnosis_out,
        causes=redacted["causes"],
        evidence=redacted["evidence"],
        unknown=redacted["unknown"],
        fixes=fix_outs,
        questions=redacted["questions"],
        path=redacted["path"],
        probe_failures=redacted["probe_failures"],
        timeline=redacted["timeline"],
        analysis=_analysis(session),
        exit_code=decide(
            session.ended,
            diagnosis_out,
            fix_outs,
            aws_faults=has_aws_faults(data["probe_failures"]),
        ),
        next_step=next_step(redacted["causes"], target.region) if inconclusive else None,
        started_at=record["started_at"],
        current=record["current"],
        session_format_version=record["format_version"],
        inputs=redacted["inputs"],
        ranking=redacted["ranking"],
        probe_results=redacted["probe_results"],
        changes=redacted["changes"],
        proposals=redacted["proposals"],
    )


def probe_results(visits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every probe's raw result, tagged with the node and probe it came from."""
    out = []
    for visit in visits:
        for label, run in (visit.get("results") or {}).items():
            result = (run or {}).get("result") if isinstance(run, dict) else None
            if result:
                out.append({"source": f"{visit.get('node')}/{label}", "result": dict(result)})
    return out


def _analysis(session: Session) -> EvidenceAnalysis:
    """The analyzers' answers for the views. Not redacted as a whole: the token's claims are what
    it says, not the token (which is never kept), and key-based redaction would hide them under
    `token`; the log lines, pasted or read from AWS, are redacted like any other text."""
    analysis = analyse_evidence(session.known_facts(), now=session.clock())
    return analysis.model_copy(
        update={
            "log_lines": [
                LogLine(**redact(line.model_dump(mode="json"))) for line in analysis.log_lines
            ]
        }
    )


def next_step(ranked: list[dict[str, Any]], region: str | None) -> NextStep | None:
    """The separator that best tells the ranked causes apart, its placeholders filled with what
    is known; None when no step could change the leading cause (or nothing is ranked)."""
    _settled, step = next_question.plan({c["id"]: c["confidence"] for c in ranked})
    if step is None:
        return None
    out = step.as_dict()
    answers = [
        {"label": a["label"], "points_to": a["points_to"]}
        for a in out.get("answers", [])  # type: ignore[attr-defined]
        if a["value"] != "<none of these>"
    ]
    text = fill(str(out["text"]), {"region": region})
    return NextStep(kind=str(out["kind"]), id=str(out["id"]), text=text, answers=answers)


def _evidence(session: Session, keep_secrets: bool = False) -> list[dict[str, Any]]:
    evidence = [
        {k: v for k, v in f.to_dict().items() if k not in ("known", "at")}
        for f in session.facts.values()
        if f.known
    ]
    for item in evidence:
        if not keep_secrets and is_secret_name(str(item["name"])):  # evidence, never output
            item["value"] = REDACTED
    return evidence


def _timeline(events: list[dict[str, Any]], keep_secrets: bool = False) -> list[dict[str, Any]]:
    """The engine's events (the session record's, already turned into dicts: not built a second
    time); a secret fact's value (the token, an API key) never appears."""
    for event in events:
        if not keep_secrets and "value" in event and is_secret_name(str(event.get("fact") or "")):
            event["value"] = REDACTED
    return events


def causes(session: Session) -> list[dict[str, Any]]:
    """The classifier's ranking (same shape as `explain`), with the walk's diagnosis first."""
    ranking = [c.to_dict() for c in session.ranking()]
    diagnosis = session.diagnosis()
    if diagnosis is None or diagnosis.cause is None:
        return ranking
    found = next((c for c in ranking if c["id"] == diagnosis.cause), None)
    ranking = [c for c in ranking if c["id"] != diagnosis.cause]
    walk_evidence = [diagnosis.summary] + [
        f"{step.node}: {step.reason}"
        for step in session.path
        if step.kind == "decision" and step.reason
    ]
    top = {
        "id": diagnosis.cause,
        "title": diagnosis.title or (found or {}).get("title") or diagnosis.cause,
        "confidence": max(DIAGNOSED_CONFIDENCE, float((found or {}).get("confidence") or 0.0)),
        "evidence": walk_evidence + [e for e in (found or {}).get("evidence", [])],
        "next_checks": list((found or {}).get("next_checks", [])),
    }
    return [top, *ranking]


def probe_failures(session: Session) -> list[dict[str, Any]]:
    """Each probe that failed, naming the fault kind and the missing permission."""
    out = []
    for event in session.timeline:
        if isinstance(event, ProbeFailed):
            d = event.to_dict()
            entry = {
                k: d.get(k)
                for k in ("node", "probe", "error_kind", "message", "missing_permission")
            }
            entry["fault"] = fault_name(str(d.get("error_kind")))
            entry["manual"] = d.get("manual_hint")
            out.append(entry)
    return out
