"""`apigw-wizard playbook validate|graph`: check a playbook, or look at it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard import exitcodes
from wizard.commands._io import guarded, missing_action


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "playbook",
        help="validate a playbook or draw its decision tree",
        description="Check playbooks (schema, graph, facts, probe and cause names) or draw one.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    v = actions.add_parser(
        "validate",
        help="check playbooks; exit 2 on any error",
        description=(
            "Check each playbook: schema, every target exists, every node reachable, no cycles, "
            "facts produced before they are read, probe names and catalogue ids. "
            "With no PATH (the shipped playbooks) or with --evidence, the diagnosis data is "
            "checked too: evidence.yaml against the catalogue, the observation vocabulary and "
            "families.yaml. "
            "Prints 'ok PATH (N nodes)' or one 'file:line: path: message' per problem."
        ),
    )
    v.add_argument(
        "--evidence",
        metavar="FILE",
        help="also check this evidence file (default with no PATH: the packaged evidence.yaml)",
    )
    v.add_argument(
        "paths", nargs="*", metavar="PATH", help="playbook files (default: the shipped ones)"
    )
    v.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON"
    )
    v.set_defaults(func=_validate)
    g = actions.add_parser(
        "graph",
        help="draw a playbook as a tree or a Mermaid flowchart",
        description="Print the decision tree of a playbook: an indented tree, or Mermaid.",
    )
    g.add_argument("path", metavar="PATH", help="playbook file")
    g.add_argument(
        "--format",
        choices=("text", "mermaid"),
        default="text",
        help="text tree (default) or mermaid",
    )
    g.set_defaults(func=_graph)
    p.set_defaults(func=missing_action("playbook: choose an action: validate or graph"))


def probe_registry() -> Any:
    """The process registry with the offline and live probes registered, or None (with a note on
    stderr) when they cannot be imported: then probe names are not checked."""
    import importlib

    from wizard.engine.probes import REGISTRY

    for module in ("wizard.engine.offline_probes", "wizard.aws.probes"):
        try:
            register_all = getattr(importlib.import_module(module), "register_all", None)
            if callable(register_all):  # live probe modules register on demand
                register_all()
        except ImportError as exc:
            sys.stderr.write(f"note: probe names not checked ({module} unavailable: {exc})\n")
            return None
        except Exception as exc:  # a broken probe module must not hide playbook errors
            sys.stderr.write(f"note: probe names not checked ({module} failed: {exc})\n")
            return None
    return REGISTRY


@guarded
def _validate(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from wizard.engine.loader import PlaybookError, load_playbook
    from wizard.paths import shipped_playbooks

    paths = [Path(p) for p in args.paths] or shipped_playbooks()
    if not paths:
        sys.stderr.write("apigw-wizard: error: no playbooks found to validate\n")
        return exitcodes.USAGE
    registry = probe_registry()
    report: list[dict[str, Any]] = []
    for path in paths:
        try:
            playbook = load_playbook(path, registry=registry)
        except PlaybookError as exc:
            report.append({"path": str(path), "ok": False, "errors": exc.errors})
        else:
            report.append(
                {"path": str(path), "ok": True, "nodes": len(playbook.nodes), "errors": []}
            )
    evidence = Path(args.evidence) if args.evidence else None
    if evidence is None and not args.paths:
        from wizard.catalogue.evidence import EVIDENCE_FILE

        evidence = EVIDENCE_FILE
    if evidence is not None:
        report.append(_evidence_report(evidence))
    failed = any(not r["ok"] for r in report)
    if args.format == "json":
        for r in report:
            r["errors"] = [
                {"file": e.file, "line": e.line, "path": e.path, "message": e.message}
                for e in r["errors"]
            ]
        sys.stdout.write(json.dumps({"ok": not failed, "playbooks": report}, indent=2) + "\n")
    else:
        for r in report:
            if r["ok"]:
                size = f"{r['causes']} causes" if "causes" in r else f"{r['nodes']} nodes"
                sys.stdout.write(f"ok {r['path']} ({size})\n")
            else:
                for error in r["errors"]:
                    sys.stdout.write(f"{error}\n")
        if failed:
            count = sum(len(r["errors"]) for r in report)
            sys.stderr.write(f"{count} problem{'s' if count != 1 else ''} found\n")
    return exitcodes.USAGE if failed else exitcodes.OK


def _evidence_report(path: Any) -> dict[str, Any]:
    """The diagnosis data's lint as one report entry: the same checks the wizard runs when it
    loads the file, so a bad id or family fails here instead of at the first `explain`."""
    from wizard.analysis.diagnosis.observations import diagnosis_data_errors
    from wizard.engine.errors import LintError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        error = LintError(str(path), 0, "", f"cannot read: {exc.strerror or exc}")
        return {"path": str(path), "ok": False, "errors": [error]}
    errors = []
    for line in diagnosis_data_errors(raw, str(path)):
        file, _, rest = line.partition(": ")
        where, _, message = rest.partition(": ")
        errors.append(
            LintError(file, 0, where, message) if message else LintError(file, 0, "", rest)
        )
    if errors:
        return {"path": str(path), "ok": False, "errors": errors}
    causes = len(_causes_in(raw))
    return {"path": str(path), "ok": True, "causes": causes, "errors": []}


def _causes_in(raw: bytes) -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(raw)
    causes = data.get("causes") if isinstance(data, dict) else None
    return causes if isinstance(causes, dict) else {}


@guarded
def _graph(args: argparse.Namespace) -> int:
    from wizard.engine.graph import mermaid, text_tree
    from wizard.engine.loader import PlaybookError, load_playbook

    try:
        playbook = load_playbook(args.path, check=False)
    except PlaybookError as exc:
        for error in exc.errors:
            sys.stderr.write(f"{error}\n")
        return exitcodes.USAGE
    render = mermaid if args.format == "mermaid" else text_tree
    sys.stdout.write(render(playbook) + "\n")
    return exitcodes.OK
