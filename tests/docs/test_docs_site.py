"""The docs: a short README whose links all resolve, and the mkdocs site built strictly (a broken
link or a page missing from the build fails), with one generated page per catalogue cause."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from wizard.catalogue import load_catalogue
from wizard.sandbox.coverage import README_END, README_START

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "causes_hook", ROOT / "docs" / "hooks" / "causes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_is_short_and_its_links_resolve() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # The causes table (a row per catalogue cause, generated) is the one long part by design.
    start, end = text.index(README_START), text.index(README_END)
    assert len((text[:start] + text[end:]).splitlines()) <= 150
    targets = [t for t in LINK.findall(text) if not t.startswith(("http://", "https://"))]
    assert targets, "the README links into docs/"
    for target in targets:
        path = ROOT / target.replace("%5B", "[").replace("%5D", "]")
        assert path.exists(), f"README links to {target}, which is not in the repo"


def test_every_catalogue_cause_has_a_generated_page() -> None:
    hook = _hook()
    causes = hook.load_causes()
    assert [c["id"] for c in causes] == load_catalogue().ids()
    index = hook.render_index(causes)
    for cause in causes:
        assert f"]({cause['id']}.md)" in index
        page = hook.render_cause(cause)
        assert page.startswith(f"# {cause['title']}\n") and f"`{cause['id']}`" in page
        for fix in cause.get("fixes") or []:
            assert f"## Fix: {fix['title']}" in page
        for source in cause.get("sources") or []:
            if source.startswith("https://"):
                assert f"[{source}]({source})" in page  # sources are links, not text


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (site / "index.html").exists()
    assert (site / "exit-codes" / "index.html").exists()
    built = sorted(p.parent.name for p in (site / "causes").glob("*/index.html"))
    assert built == sorted(load_catalogue().ids())
