"""Saving and resuming sessions: redaction of tokens and secrets, finding the playbook again."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wizard.analysis.redact import REDACTED, is_sensitive_key, redact_obj
from wizard.engine.loader import PlaybookError, load_playbook
from wizard.engine.models import Playbook, QuestionNode
from wizard.paths import playbooks_dir


def redact(data: Any) -> Any:
    """Redact tokens and secrets (wizard.analysis.redact.redact_obj: JWTs anywhere, values under
    secret-looking keys, Bearer tokens, signatures...)."""
    return redact_obj(data)


def is_secret_name(name: str) -> bool:
    """Is a fact with this name a secret (token, api_key, password...)? Its value is never saved."""
    return bool(is_sensitive_key(name))


def redact_secret_facts(
    data: dict[str, Any], playbook: Playbook, fact_names: list[str]
) -> dict[str, Any]:
    """Facts named like secrets (token, api_key...) are saved as [redacted] wherever their value
    appears in a session's `to_dict()`: the facts, the answers, the remembered answers and the
    timeline. (Generic redaction cannot know that `"value": "abc123"` under fact `api_key` is a
    secret.)"""
    secret_nodes = {
        node_id
        for node_id, node in playbook.nodes.items()
        if isinstance(node, QuestionNode) and is_secret_name(node.sets)
    }
    secret_facts = {n for n in fact_names if is_secret_name(n)}

    def hide(value: Any) -> Any:
        return REDACTED if value not in (None, "") else value

    for name, fact in data["facts"].items():
        if name in secret_facts:
            fact["value"] = hide(fact["value"])
    for visit in data["visits"]:
        if visit["node"] in secret_nodes:
            visit["answer"] = hide(visit["answer"])
    for step in data["path"]:
        if step["node"] in secret_nodes:
            step["answer"] = hide(step["answer"])
    for node_id in list(data["remembered"]):
        if node_id in secret_nodes:
            data["remembered"][node_id] = hide(data["remembered"][node_id])
    for event in data["timeline"]:
        if event.get("fact") in secret_facts and "value" in event:
            event["value"] = hide(event["value"])
    return data


def find_playbook(meta: Mapping[str, Any]) -> Playbook:
    candidates: list[Path] = []
    if meta.get("path"):
        candidates.append(Path(str(meta["path"])))
    candidates.append(playbooks_dir() / f"{meta.get('id')}.yaml")
    for candidate in candidates:
        if candidate.is_file():
            try:
                return load_playbook(candidate, check=False)
            except PlaybookError:
                continue
    raise LookupError(f"cannot find playbook '{meta.get('id')}' for this session")
