"""Core packages never import a UI toolkit (checked in a clean subprocess), and `--help`
imports nothing heavy."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

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
