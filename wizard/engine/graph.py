"""A playbook as a picture: an indented text tree or a Mermaid flowchart."""

from __future__ import annotations

import re

from wizard.engine.conditions import describe
from wizard.engine.models import (
    DecisionNode,
    EndNode,
    FixNode,
    Node,
    Playbook,
    ProbeNode,
    QuestionNode,
)


def label(node_id: str, node: Node) -> str:
    """One line saying what a node is."""
    if isinstance(node, QuestionNode):
        text = f"ask: {node.title or node.prompt} → {node.sets}"
    elif isinstance(node, ProbeNode):
        names = ", ".join(call.label for call in node.probes)
        text = f"probe: {node.title + ' — ' if node.title else ''}{names}"
    elif isinstance(node, DecisionNode):
        text = f"decide: {node.title or node_id}"
    elif isinstance(node, FixNode):
        text = f"fix: {node.cause}"
    else:
        assert isinstance(node, EndNode)
        text = f"end: {node.diagnosis or 'inconclusive'}"
    return text


def _edges(node: Node) -> list[tuple[str, str]]:
    """(edge label, target) for display."""
    if isinstance(node, DecisionNode):
        out = [(f"when {describe(b.when)}", b.goto) for b in node.choices]
        out.append(("otherwise", node.default.goto))
        if node.on_unknown is not None:
            verb = "ask" if node.on_unknown.ask else "go to"
            out.append((f"if unknown, {verb}", node.on_unknown.target))
        return out
    if isinstance(node, QuestionNode | ProbeNode | FixNode):
        return [("", node.next)]
    return []


def text_tree(playbook: Playbook) -> str:
    """An indented tree from `start`; a node already drawn is referenced, not repeated."""
    lines = [f"{playbook.title} ({playbook.id} {playbook.version})"]
    shown: set[str] = set()

    def draw(node_id: str, depth: int, via: str) -> None:
        pad = "  " * depth
        prefix = f"{via} → " if via else ""
        node = playbook.nodes.get(node_id)
        if node is None:
            lines.append(f"{pad}{prefix}{node_id} (missing)")
            return
        if node_id in shown:
            lines.append(f"{pad}{prefix}{node_id} (see above)")
            return
        shown.add(node_id)
        lines.append(f"{pad}{prefix}{node_id} [{label(node_id, node)}]")
        for edge, target in _edges(node):
            draw(target, depth + 1, edge)

    draw(playbook.start, 1, "")
    unreachable = [n for n in playbook.nodes if n not in shown]
    if unreachable:
        lines.append(f"  unreachable: {', '.join(unreachable)}")
    return "\n".join(lines)


def _mermaid_id(node_id: str) -> str:
    # `end` and other words are reserved in Mermaid; hyphens confuse some renderers.
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def _mermaid_text(text: str) -> str:
    text = text.replace('"', "#quot;").replace("\n", " ")
    return f'"{text}"'


_SHAPES = {
    "question": ("[/", "/]"),
    "probe": ("[[", "]]"),
    "decision": ("{", "}"),
    "fix": ("([", "])"),
    "end": ("(((", ")))"),
}


def mermaid(playbook: Playbook) -> str:
    """A Mermaid flowchart (paste into a Markdown file or mermaid.live)."""
    out = ["flowchart TD"]
    for node_id, node in playbook.nodes.items():
        left, right = _SHAPES[node.kind]
        text = _mermaid_text(f"{node_id}: {label(node_id, node)}")
        out.append(f"    {_mermaid_id(node_id)}{left}{text}{right}")
    for node_id, node in playbook.nodes.items():
        for edge, target in _edges(node):
            arrow = f"-->|{_mermaid_text(edge)}|" if edge else "-->"
            if edge.startswith("if unknown"):
                arrow = f"-.->|{_mermaid_text(edge)}|"
            out.append(f"    {_mermaid_id(node_id)} {arrow} {_mermaid_id(target)}")
    return "\n".join(out)
