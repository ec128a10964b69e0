"""Core packages never import a UI toolkit (checked in a clean subprocess), and `--help`
imports nothing heavy."""

from __future__ import annotations

import ast
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import wizard

CORE = (
    "wizard.engine",
    "wizard.analysis",
    "wizard.aws",
    "wizard.report",
    "wizard.catalogue",
    "wizard.sandbox",
    "wizard.investigation",  # the layer every front end runs on: headless and MCP too
)
UI = ("textual", "questionary", "rich")


def _core_modules() -> list[str]:
    names: list[str] = []
    for pkg in CORE:
        names.append(pkg)
        mod = __import__(pkg, fromlist=["_"])
        for info in pkgutil.walk_packages(mod.__path__, prefix=f"{pkg}."):
            names.append(info.name)
    return names


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_core_packages_import_no_ui_toolkit() -> None:
    modules = _core_modules()
    assert len(modules) > len(CORE), "walk found the core modules"
    code = "\n".join(f"import {m}" for m in modules)
    loaded = _loaded_after(code)
    leaked = sorted(m for m in loaded if m.split(".")[0] in UI)
    assert not leaked, f"core packages pulled in UI modules: {leaked[:10]}"


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\nfrom wizard.cli import build_parser\n"
        "try:\n    build_parser().parse_args(['--help'])\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    heavy = sorted(
        m
        for m in loaded
        if m.split(".")[0]
        in {"boto3", "botocore", "textual", "pydantic", "yaml", "jwt", "questionary", "rich"}
    )
    assert not heavy, f"--help imported {heavy[:10]}"


def test_package_has_version() -> None:
    assert wizard.__version__


# --- issue 10: no function-local imports without a measured reason ---------------------------

# cli.py and commands/ are the entry points: their imports pick the sub-command's dependencies.
EXEMPT = ("wizard/cli.py", "wizard/commands/")
LAZY_MARK = re.compile(r"#\s*lazy:\s*\S")


def unmarked_local_imports(source: str) -> list[int]:
    """Line numbers of imports inside a def or class body without a `# lazy: <reason>` comment on
    their line or the line above. Module-level `if TYPE_CHECKING:` and try blocks are fine."""
    lines = source.splitlines()
    found: list[int] = []

    def marked(lineno: int) -> bool:
        here = lines[lineno - 1]
        above = lines[lineno - 2] if lineno > 1 else ""
        return bool(LAZY_MARK.search(here) or LAZY_MARK.search(above))

    def walk(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                if local and not marked(child.lineno):
                    found.append(child.lineno)
                continue
            inner = isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
            )
            walk(child, local or inner)

    walk(ast.parse(source), local=False)
    return found


def _checked_files() -> list[Path]:
    root = Path(wizard.__file__).parent
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = "wizard/" + path.relative_to(root).as_posix()
        if rel.startswith(EXEMPT):
            continue
        out.append(path)
    return out


def test_no_unmarked_function_local_imports() -> None:
    files = _checked_files()
    assert len(files) > 50, "the walk found the wizard's modules"
    bad = [
        f"{path.relative_to(Path(wizard.__file__).parent.parent)}:{line}"
        for path in files
        for line in unmarked_local_imports(path.read_text(encoding="utf-8"))
    ]
    assert not bad, "function-local imports need '# lazy: <measured reason>': " + ", ".join(bad)


def test_checker_catches_a_planted_violation() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import json\n"
        "try:\n    import re2\nexcept ImportError:\n    re2 = None\n"
        "def f():\n    import os\n"
        "    # lazy: boto3 ~90 ms, only on the live path\n    import boto3\n"
        "    import yaml  # lazy: PyYAML 12 ms\n"
        "    x = 1\n    import csv  # lazy:\n"
        "class C:\n    def g(self):\n        from x import y\n"
    )
    assert unmarked_local_imports(source) == [9, 14, 17]
