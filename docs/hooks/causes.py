"""mkdocs hook: one page per catalogue cause, generated from wizard/catalogue/causes.yaml, and an
index of them (docs/causes/*.md are never written to disk: the catalogue is the one source).

`render_cause` and `render_index` are plain functions so a test can hold every cause to a page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).resolve().parents[2] / "wizard" / "catalogue" / "causes.yaml"


def load_causes(path: Path = CATALOGUE) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["causes"])


def _code(value: str) -> str:
    return "`" + value.replace("`", "'") + "`"


def _bullets(items: list[str], *, code: bool = False) -> list[str]:
    return [f"- {_code(i) if code else i}" for i in items]


def _link(url: str) -> str:
    return f"[{url}]({url})" if url.startswith(("http://", "https://")) else url


def render_cause(cause: dict[str, Any]) -> str:
    lines = [f"# {cause['title']}", "", f"`{cause['id']}` · {cause.get('category', '')}", ""]
    lines += [cause.get("summary", ""), "", "## What happens", "", cause.get("explanation", "")]
    status = cause.get("status")
    seen = [f"Status: {status}" if status else "Status: not a 403 from API Gateway itself"]
    if cause.get("error_types"):
        seen.append("`x-amzn-ErrorType`: " + ", ".join(_code(t) for t in cause["error_types"]))
    lines += ["", "## How it shows", "", *[f"- {s}" for s in seen]]
    if cause.get("messages"):
        lines += ["", "Messages:", "", *_bullets(cause["messages"], code=True)]
    if cause.get("log_lines"):
        lines += ["", "Log lines:", "", *_bullets(cause["log_lines"], code=True)]
    for key, title in (("confirms", "What confirms it"), ("rules_out", "What rules it out")):
        if cause.get(key):
            lines += ["", f"## {title}", "", *_bullets(cause[key])]
    if cause.get("detect"):
        lines += ["", "## How the wizard checks it", "", *_bullets(cause["detect"], code=True)]
    for fix in cause.get("fixes") or []:
        lines += ["", f"## Fix: {fix['title']}", "", fix.get("explanation", "")]
        ops = [f"{op['service']} {op['operation']}" for op in fix.get("operations") or []]
        if ops:
            lines += [
                "",
                "Applied by the wizard (after you confirm) as: " + ", ".join(_code(o) for o in ops),
            ]
        if fix.get("guidance"):
            lines += ["", "By hand:", "", fix["guidance"]]
    if cause.get("verify"):
        lines += ["", "## Verify", "", cause["verify"]]
    if cause.get("prevention"):
        lines += ["", "## Prevent it", "", *_bullets(cause["prevention"])]
    if cause.get("sources"):
        lines += ["", "## Sources", "", *[f"- {_link(s)}" for s in cause["sources"]]]
    return "\n".join(lines).rstrip() + "\n"


def render_index(causes: list[dict[str, Any]]) -> str:
    lines = [
        "# Causes of a 403",
        "",
        f"Every cause the wizard knows ({len(causes)}), generated from the catalogue "
        "(`wizard/catalogue/causes.yaml`). The ids are the vocabulary of every output, JSON included.",
        "",
        "| id | cause | category |",
        "| --- | --- | --- |",
    ]
    for c in causes:
        lines.append(f"| [`{c['id']}`]({c['id']}.md) | {c['title']} | {c.get('category', '')} |")
    return "\n".join(lines) + "\n"


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    causes = load_causes()
    files.append(File.generated(config, "causes/index.md", content=render_index(causes)))
    for cause in causes:
        files.append(
            File.generated(config, f"causes/{cause['id']}.md", content=render_cause(cause))
        )
    return files
