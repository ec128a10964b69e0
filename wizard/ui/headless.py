"""The non-interactive front end: walk a playbook with answers given up front, print the result.

`apigw-wizard diagnose` drives the same engine as the prompt mode and the TUI. This module only
turns answers into `Session.answer` calls, runs probe nodes, and shapes the outcome (diagnosis,
ranked causes, evidence, unknown facts, fixes with their CLI commands, the path) as plain data
and as text. Every decision lives in the playbook and the engine.

Answers are keyed by question id (`q_ttl`) or by the fact the question sets (`authorizer_ttl`);
`null` / `?` means "I don't know" (only where the question allows it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from wizard import exitcodes
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import QuestionNode
from wizard.engine.probes import ProbeRegistry
from wizard.engine.session import AnswerError, Session, is_secret_name, redact

UNKNOWN_ANSWERS = frozenset({"?"})
REDACTED = "[redacted]"
MAX_STEPS = 1000  # far more nodes than any path has; guards against an engine that stalls
ALSO_POSSIBLE = 0.1  # below this a classifier candidate is noise next to a walked diagnosis
DIAGNOSED_CONFIDENCE = 0.9  # a cause the walk reached through its decisions ranks first


class MissingAnswer(Exception):
    """The walk reached a question the answers do not cover (a usage error naming it)."""

    def __init__(self, node_id: str, node: QuestionNode) -> None:
        self.node_id = node_id
        self.node = node
        hint = ""
        if node.input == "choice":
            hint = " (one of: " + ", ".join(str(c.value) for c in node.choices) + ")"
        super().__init__(
            f"no answer for question '{node_id}' ({node.prompt.strip()}){hint}; "
            f"give it with --answer {node_id}=VALUE or in the answers file"
        )


class BadAnswer(Exception):
    """An answer does not fit its question (wrong choice, not a number...)."""


@dataclass
class FixOutcome:
    """What happened to one proposed fix in this run (plain data for the JSON output)."""

    cause: str
    fix: str
    title: str
    explanation: str
    cli: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    applicable: bool = False
    # why (not): applicable, manual, maybe, needs_facts, refused, offline (applicability.assess)
    applicability: str = "manual"
    guidance: str | None = None
    code: dict[str, str] = field(default_factory=dict)
    needs_redeploy: bool = False
    needs_cache_flush: bool = False
    applied: bool = False
    verified: bool | None = None
    detail: str | None = None
    rollback: list[str] = field(default_factory=list)
    patches: list[dict[str, Any]] = field(default_factory=list)  # authorizer code diffs

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# Probes that send traffic without an AWS session (the failing request itself).
NETWORK_PROBES = frozenset({"reproduce"})


def offline_registry(registry: ProbeRegistry) -> ProbeRegistry:
    """The probes of an offline walk: no AWS calls and no traffic to the API at all.

    Probes that send the failing request are marked as needing AWS, so an offline session
    skips them like the AWS probes (their facts are unknown) instead of running them.
    """
    offline = ProbeRegistry()
    for spec in registry:
        if spec.name in NETWORK_PROBES:
            spec = replace(spec, needs_aws=True)
        offline.register(spec)
    return offline


def check_answer_keys(playbook: Any, answers: Mapping[str, Any]) -> None:
    """Refuse answers no question of the playbook takes (a typo would be silently ignored)."""
    import difflib

    questions = {
        node_id: node for node_id, node in playbook.nodes.items() if isinstance(node, QuestionNode)
    }
    valid = set(questions) | {node.sets for node in questions.values()}
    for key in answers:
        if key not in valid:
            near = difflib.get_close_matches(key, sorted(valid), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise BadAnswer(f"no question '{key}' in playbook {playbook.id}{hint}")


def _lookup(answers: Mapping[str, Any], node_id: str, node: QuestionNode) -> tuple[bool, Any]:
    for key in (node_id, node.sets):
        if key in answers:
            return True, answers[key]
    return False, None


def walk(
    session: Session,
    answers: Mapping[str, Any],
    *,
    cancel: threading.Event | None = None,
) -> Session:
    """Drive `session` to its end node with `answers`. Raises MissingAnswer or BadAnswer."""
    cancel = cancel or threading.Event()
    for _ in range(MAX_STEPS):
        if session.ended:
            return session
        current = session.current()
        if current is None:
            return session
        if current.kind == "question":
            node = current.node
            assert isinstance(node, QuestionNode)
            found, value = _lookup(answers, current.node_id, node)
            if not found:
                raise MissingAnswer(current.node_id, node)
            if value is None or (isinstance(value, str) and value.strip() in UNKNOWN_ANSWERS):
                value = UNKNOWN
            elif isinstance(value, dict | list) and node.fact_type == "string":
                # A policy written as YAML/JSON structure in the answers file: the paste it means.
                value = json.dumps(value)
            try:
                session.answer(value)
            except AnswerError as exc:
                raise BadAnswer(f"answer to question '{current.node_id}': {exc}") from None
        elif current.kind == "probe":
            session.run_probes(cancel)
        else:
            session.advance()
    raise RuntimeError(f"the walk did not end after {MAX_STEPS} steps")


# --------------------------------------------------------------------------- fixes


def plan_fixes(session: Session, target: Any = None) -> list[FixOutcome]:
    """Each proposed fix with its CLI lines rendered from its operations (G's renderer).

    Placeholders the walk could not fill (offline: the authorizer id...) stay visible as
    `<name>` in the command and are listed in `missing`; such a plan is never applicable.
    """
    facts = session.known_facts()
    out: list[FixOutcome] = []
    for proposal in session.fixes():
        fix = proposal.fix
        outcome = FixOutcome(
            cause=proposal.cause,
            fix=proposal.fix_id,
            title=proposal.title,
            explanation=proposal.explanation,
        )
        if fix is not None:
            from wizard.aws.fixes.guidance import fill_placeholders, guidance_text

            outcome.guidance = guidance_text(fix, facts, target)
            outcome.code = {k: fill_placeholders(v, facts) for k, v in fix.code.items()}
            outcome.needs_redeploy = bool(fix.needs_redeploy)
            outcome.needs_cache_flush = bool(fix.needs_cache_flush)
            if fix.operations:
                _render(outcome, fix, facts, target, live=session.aws is not None)
            if proposal.applies == "unknown":
                outcome.applicability, outcome.applicable = "maybe", False
                outcome.detail = f"maybe: {proposal.applies_note}"
            outcome.patches = _patches(fix)
        out.append(outcome)
    return out


def _patches(fix: Any) -> list[dict[str, Any]]:
    """Unified diffs (Python, Node) for fixes that change the authorizer's code."""
    try:
        from wizard.aws.fixes.guidance import patches_for_fix
    except ImportError:  # pragma: no cover - the fixes package ships with the wizard
        return []
    return [p.to_dict() for p in patches_for_fix(fix) if p.diff]


def _render(
    outcome: FixOutcome, fix: Any, facts: Mapping[str, Any], target: Any, *, live: bool
) -> None:
    try:
        from wizard.aws.fixes.applicability import assess, missing_facts
        from wizard.aws.fixes.plan import build_plan
    except ImportError as exc:  # pragma: no cover - the fixes package ships with the wizard
        outcome.detail = f"cannot render commands: {exc}"
        return
    missing = missing_facts(fix, facts)
    filled = {**facts, **{n: f"<{n}>" for n in missing}}
    try:
        plan = build_plan(fix, filled, target)
    except Exception as exc:  # BindError/RenderError: show why instead of a command
        outcome.detail = f"cannot render the command: {exc}"
        outcome.missing = missing
        return
    outcome.cli = list(plan.cli)
    outcome.missing = missing
    verdict = assess(fix, facts, refused=plan.refused, live=live)
    outcome.applicable = verdict.applicable
    outcome.applicability = verdict.status
    if verdict.status in ("refused", "maybe"):
        outcome.detail = verdict.reason


# --------------------------------------------------------------------------- result


def _causes(session: Session) -> list[dict[str, Any]]:
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


def build_result(session: Session, fixes: list[FixOutcome]) -> dict[str, Any]:
    """The JSON document `diagnose --format json` prints (tokens and secrets redacted)."""
    diagnosis = session.diagnosis()
    facts = session.facts
    evidence = [
        {k: v for k, v in f.to_dict().items() if k not in ("known", "at")}
        for f in facts.values()
        if f.known
    ]
    for item in evidence:
        if is_secret_name(str(item["name"])):  # a token or key is evidence, never output
            item["value"] = REDACTED
    unknown = [{"name": f.name, "note": f.note} for f in facts.values() if not f.known]
    data = {
        "playbook": {"id": session.playbook.id, "version": session.playbook.version},
        "diagnosis": diagnosis.to_dict() if diagnosis else None,
        "causes": _causes(session),
        "evidence": evidence,
        "unknown": unknown,
        "fixes": [f.to_dict() for f in fixes],
        "questions": session.question_count,
        "path": [{k: v for k, v in step.to_dict().items() if k != "at"} for step in session.path],
        "probe_failures": _probe_failures(session),
    }
    redacted: dict[str, Any] = redact(data)
    # Example code from the catalogue holds no secrets, and redaction would mangle it
    # (`token = event["authorizationToken"]` reads like an assignment of a secret).
    for out, fix in zip(redacted["fixes"], fixes, strict=True):
        out["code"], out["patches"] = dict(fix.code), list(fix.patches)
    return redacted


def _probe_failures(session: Session) -> list[dict[str, Any]]:
    out = []
    for event in session.timeline:
        if event.name == "ProbeFailed":
            d = event.to_dict()
            out.append(
                {
                    k: d.get(k)
                    for k in ("node", "probe", "error_kind", "message", "missing_permission")
                }
            )
    return out


def exit_code(result: Mapping[str, Any]) -> int:
    """0 diagnosed (fixes applied or none to apply), 1 a fix is pending, 4 inconclusive."""
    diagnosis = result.get("diagnosis")
    if not diagnosis or diagnosis.get("inconclusive"):
        return exitcodes.INCONCLUSIVE
    fixes = result.get("fixes") or []
    applied = [f for f in fixes if f.get("applied")]
    if fixes and not applied:
        return exitcodes.FIX_PENDING  # nothing applied
    if any(f.get("verified") is True for f in applied):
        return exitcodes.OK  # a later fix worked where an earlier one could not
    if any(f.get("verified") is False for f in applied):
        return exitcodes.FIX_PENDING  # applied, but the call still fails
    return exitcodes.OK


# --------------------------------------------------------------------------- text


def render_text(result: Mapping[str, Any]) -> str:
    """A short report for people: the cause and why, what to run, what is still unknown."""
    lines: list[str] = []
    diagnosis = result.get("diagnosis") or {}
    if diagnosis and not diagnosis.get("inconclusive"):
        lines.append(f"Diagnosis: {diagnosis.get('title') or diagnosis.get('cause')}")
        lines.append(f"  [{diagnosis.get('cause')}] {diagnosis.get('summary', '')}")
    else:
        lines.append("Inconclusive: the evidence does not single out one cause.")
        if diagnosis:
            lines.append(f"  {diagnosis.get('summary', '')}")
    lines.append(f"  ({result.get('questions', 0)} questions answered)")
    causes = list(result.get("causes") or [])
    if diagnosis and not diagnosis.get("inconclusive"):
        others = [c for c in causes[1:4] if c["confidence"] >= ALSO_POSSIBLE]
        if others:
            lines.append("")
            lines.append("Also possible (from the classifier):")
            lines.extend(f"  - {c['id']} ({c['confidence']:.2f}): {c['title']}" for c in others)
    elif causes:
        lines.append("")
        lines.append("Most likely, from what you gave:")
        checks: list[str] = []
        for c in causes[:3]:
            lines.append(f"  - {c['id']} ({c['confidence']:.2f}): {c['title']}")
            checks.extend(x for x in c.get("next_checks", [])[:1] if x not in checks)
        if checks:
            lines.append("Check next:")
            lines.extend(f"  - {check}" for check in checks)
    fixes = result.get("fixes") or []
    if fixes:
        lines.append("")
        lines.append(f"Why: {fixes[0]['explanation']}")
        moral = next(
            (e["value"] for e in result.get("evidence", []) if e["name"] == "replay_moral"), None
        )
        if moral:
            lines.append(f"Replayed through the authorizer-cache model: {moral}")
        lines.append("")
        lines.append("Fixes (pick one):")
    for i, fix in enumerate(fixes, 1):
        state = "applied" if fix.get("applied") else "not applied"
        if not fix.get("applied"):
            state += _APPLICABILITY_WORDS.get(fix.get("applicability") or "", "")
        if fix.get("verified") is True:
            state += ", verified"
        lines.append(f"  {i}. {fix['title']} [{fix['fix']}] — {state}")
        for cmd in fix.get("cli") or []:
            lines.append(f"       $ {cmd}")
        if fix.get("missing"):
            lines.append(f"       (fill in: {', '.join(fix['missing'])})")
        if fix.get("guidance"):
            lines.append(f"       {fix['guidance']}")
        python = next((p for p in fix.get("patches") or [] if p["language"] == "python"), None)
        if python:
            lines.append("       Python authorizer (Node in --format json):")
            lines.extend(f"         {line}" for line in python["diff"].splitlines())
        elif fix.get("code"):
            kind, code = next(iter(fix["code"].items()))
            more = " (more in --format json)" if len(fix["code"]) > 1 else ""
            lines.append(f"       {kind}{more}:")
            lines.extend(f"         {line}" for line in code.splitlines())
        if fix.get("detail"):
            lines.append(f"       note: {fix['detail']}")
    unknown = result.get("unknown") or []
    offline = [u for u in unknown if "offline" in (u.get("note") or "")]
    failed = [u for u in unknown if u not in offline]
    if failed:
        lines.append("")
        lines.append("Unknown (a probe could not read it, or you did not know):")
        by_note: dict[str, list[str]] = {}
        for u in failed:
            by_note.setdefault(u.get("note") or "unknown", []).append(u["name"])
        lines.extend(f"  - {', '.join(names)}: {note}" for note, names in by_note.items())
    if offline:
        lines.append("")
        lines.append(
            f"Not read in this offline run: {len(offline)} facts the live probes would read "
            "(run with --url or --api-id and AWS credentials)."
        )
    lines.append("")
    lines.append("Path: " + " → ".join(step["node"] for step in result.get("path", [])))
    return "\n".join(lines)


Confirm = Callable[[FixOutcome], bool]

# How each applicability status reads next to "not applied" (applicability.assess decides).
_APPLICABILITY_WORDS = {
    "applicable": " (the wizard can apply it: --apply)",
    "manual": " (a manual step)",
    "maybe": " (maybe: check first, never applied automatically)",
    "needs_facts": " (a value is missing)",
    "refused": " (run it yourself)",
    "offline": " (apply it in a live run)",
}
