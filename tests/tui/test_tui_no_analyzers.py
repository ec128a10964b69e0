"""The front ends render the Outcome: no module of wizard/ui runs the JWT, policy, ARN or log
analyzers itself (their answers are in `Outcome.analysis`, built in wizard.investigation)."""

from __future__ import annotations

import ast
from pathlib import Path

import wizard.ui

ANALYZERS = (
    "wizard.analysis.jwt_inspect",
    "wizard.analysis.jwt_claims",
    "wizard.analysis.jwt_findings",
    "wizard.analysis.jwt_signature",
    "wizard.analysis.policy",
    "wizard.analysis.logs",
    "wizard.analysis.arn",
)
UI = Path(wizard.ui.__file__).parent


def imported_modules(source: str) -> set[str]:
    """Every module an import names, function-local ones included (`from a import b` counts
    as a and a.b, since b may be a submodule)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def is_analyzer(module: str) -> bool:
    return any(module == a or module.startswith(a + ".") for a in ANALYZERS)


def test_the_check_sees_an_analyzer_import_in_every_form() -> None:
    for line in (
        "from wizard.analysis.jwt_inspect import inspect_token",
        "import wizard.analysis.policy.evaluate",
        "from wizard.analysis import logs",
        "def f():\n    from wizard.analysis.arn import first_mismatch",
    ):
        assert any(is_analyzer(m) for m in imported_modules(line)), line
    assert not any(
        is_analyzer(m) for m in imported_modules("from wizard.analysis.inert import inert")
    )


def test_no_ui_module_imports_an_analyzer() -> None:
    files = sorted(UI.rglob("*.py"))
    assert UI / "tui" / "fact_views.py" in files  # the module that used to run them is checked
    offenders = {
        str(path.relative_to(UI)): sorted(
            m for m in imported_modules(path.read_text()) if is_analyzer(m)
        )
        for path in files
    }
    assert {p: m for p, m in offenders.items() if m} == {}
