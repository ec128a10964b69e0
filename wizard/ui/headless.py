"""The non-interactive front end: the investigation's Outcome as text for people.

`apigw-wizard diagnose` opens one investigation (`wizard.investigation`), drives it with the
answers given up front and prints its Outcome: as JSON (`Outcome.to_json`, for scripts) or as
the short text below. Every decision lives in the playbook, the engine and the investigation;
this module only renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ALSO_POSSIBLE = 0.1  # below this a classifier candidate is noise next to a walked diagnosis


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
    lines.extend(next_step_lines(result.get("next_step")))
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
        state = _state_words(fix)
        lines.append(f"  {i}. {fix['title']} [{fix['fix']}] — {state}")
        for cmd in fix.get("cli") or []:
            lines.append(f"       $ {cmd}")
        if fix.get("missing"):
            lines.append(f"       (fill in: {', '.join(fix['missing'])})")
        corrected = fix.get("corrected_request")
        if corrected:
            lines.append("       The corrected request (send it yourself):")
            lines.append(f"       $ {corrected['command']}")
            lines.extend(f"       - {change}" for change in corrected.get("changes") or [])
            if corrected.get("note"):
                lines.append(f"       note: {corrected['note']}")
        if fix.get("why_not") and corrected is not None:
            lines.append(f"       {fix['why_not']}")
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
    probe_failures = result.get("probe_failures") or []
    if probe_failures:
        lines.append("")
        lines.append("Probes that could not read (and the way around it):")
        for f in probe_failures:
            lines.append(f"  - {f.get('probe')}: {f.get('fault')}: {f.get('message')}")
            if f.get("manual"):
                lines.append(f"      instead: {f['manual']}")
    if offline:
        lines.append("")
        lines.append(
            f"Not read in this offline run: {len(offline)} facts the live probes would read "
            "(run with --url or --api-id and AWS credentials)."
        )
    lines.append("")
    lines.append("Path: " + " → ".join(step["node"] for step in result.get("path", [])))
    return "\n".join(lines)


def next_step_lines(step: Mapping[str, Any] | None) -> list[str]:
    """The question (with what each answer points to) or check that best separates the ranked
    causes, when the diagnosis is inconclusive (the Outcome's next_step)."""
    if not step:
        return []
    heading = (
        "The question that would settle it:"
        if step["kind"] == "question"
        else ("The check that would settle it:")
    )
    lines = ["", heading, f"  {step['text']}"]
    for answer in step.get("answers") or []:
        lines.append(f"    - {answer['label']} -> {answer.get('points_to') or 'none of these'}")
    return lines


# How each applicability status reads next to "not applied" (applicability.assess decides).
_APPLICABILITY_WORDS = {
    "applicable": " (the wizard can apply it: --apply)",
    "manual": " (a manual step)",
    "maybe": " (maybe: check first, never applied automatically)",
    "needs_facts": " (a value is missing)",
    "refused": " (run it yourself)",
    "offline": " (apply it in a live run)",
}


# How each lifecycle state reads (wizard.investigation.lifecycle decides the state).
_STATE_WORDS = {
    "declined": "not applied (declined)",
    "applied": "applied",
    "verified": "applied, verified",
    "failed": "applied, but the request still fails",
    "rolled_back": "rolled back",
}


def _state_words(fix: Mapping[str, Any]) -> str:
    state = str(fix.get("state") or "proposed")
    if state == "failed" and not fix.get("applied"):
        return "failed"
    if state in _STATE_WORDS:
        return _STATE_WORDS[state]
    return "not applied" + _APPLICABILITY_WORDS.get(fix.get("applicability") or "", "")
