"""The report's first page fits one A4 page, in real headless Chromium (Debian's `chromium`,
driven by playwright, which downloads nothing: `executable_path`).

Two checks on the seed's HTML report, each of which fails when the manager's page grows past A4:
- printed to PDF (A4, the report's own @page margins), the page with the engineer appendix
  removed is exactly one page, and the full report starts the appendix on a later page;
- laid out for print at 96 dpi in the width of an A4 page's text area, the manager section
  ends above the bottom of that area; a screenshot of it is kept beside the test's files.

Without Chromium or playwright the tests skip and say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report import sessions
from tests.report.test_report_chromium import _chromium
from wizard.investigation.report import render_report

pytestmark = pytest.mark.slow

# A4 is 210 x 297 mm; the report's @page margin is 15 mm; CSS has 96 px per inch.
MM = 96 / 25.4
TEXT_WIDTH = round((210 - 30) * MM)  # 680 px
TEXT_HEIGHT = round((297 - 30) * MM)  # 1009 px
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="module", params=["open", "resolved"])
def seed_page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's report as the walk leaves it (open: the fix proposed), and after the fix was
    applied and verified (resolved: the first page then says what changed)."""
    session = sessions.seed_session()
    if request.param == "resolved":
        session.record_fix_applied(
            "fix-cache-ttl-zero",
            cause="authz-cache-scoped-policy",
            outcome="verified",
            verified=True,
            by="alice",
            detail="the request now succeeds (200)",
        )
    page = tmp_path_factory.mktemp("a4") / f"seed-{request.param}.html"
    page.write_text(render_report(session.to_dict(), "html"), encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra)")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=chromium,
            headless=True,
            args=FLAGS,
            viewport={"width": TEXT_WIDTH, "height": TEXT_HEIGHT},
        )
        try:
            yield context
        finally:
            context.close()


def _pages(pdf: bytes) -> int:
    """Page objects in a PDF Chromium wrote (`/Type /Page`, not the `/Pages` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_manager_page_prints_on_one_a4_page(seed_page: Path, browser: Any) -> None:
    page = browser.new_page()
    page.goto(seed_page.as_uri())
    whole = page.pdf(format="A4", prefer_css_page_size=True)
    assert _pages(whole) >= 2  # the appendix follows on later pages (the count sees pages)
    page.evaluate("document.getElementById('appendix').remove()")
    alone = page.pdf(format="A4", prefer_css_page_size=True)
    assert _pages(alone) == 1, "the incident summary does not fit on one A4 page"


def test_the_manager_section_fits_the_a4_text_area(
    seed_page: Path, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(seed_page.as_uri())
    brief = page.locator("#brief")
    box = brief.bounding_box()
    assert box is not None
    bottom = box["y"] + box["height"]  # from the top of the page: title and safety note too
    shot = tmp_path / "first-page.png"
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": TEXT_WIDTH, "height": bottom})
    assert shot.stat().st_size > 0
    assert bottom <= TEXT_HEIGHT, (
        f"the incident summary is {bottom:.0f}px tall: A4 holds {TEXT_HEIGHT}"
    )
    # it is the manager's page: every part is on it, and nothing of the appendix
    text = brief.inner_text()
    for part in ("What broke", "Impact window", "Root cause", "What changed", "Verified"):
        assert part in text
    assert "How to prevent it" in text
    appendix = page.locator("#appendix").bounding_box()
    assert appendix is not None and appendix["y"] >= bottom
