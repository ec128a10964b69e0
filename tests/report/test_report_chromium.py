"""The HTML report in a real browser: headless Chromium (Debian's `chromium` package) loads the
file, the page's text is there, hostile names stay text, and the page made no network request.

Nothing is installed here: without Chromium the tests skip and say why. The browser runs with
its own throw-away profile, every host name mapped to "not found", and a net log; requests the
PAGE made are told apart from Chromium's own background calls by their network isolation key
(the file:// site of the page). A control page with an <img> proves the check sees them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.report import sessions
from tests.report.inert import parse
from tests.report.test_report_safety import IMG, SCRIPT, SHELL, _hostile_outcome
from wizard.investigation.report import render_report
from wizard.report.render import render_outcome

pytestmark = pytest.mark.slow


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.skip(
        "Chromium is not installed (Debian: apt-get install chromium); the test installs nothing"
    )


def _load(page: Path, tmp_path: Path) -> tuple[str, list[dict[str, Any]]]:
    """Load `page` headless; return the DOM after load and the page's own URL requests."""
    netlog = tmp_path / f"{page.stem}.netlog.json"
    proc = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--log-net-log={netlog}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, _page_requests(netlog)


def _page_requests(netlog: Path) -> list[dict[str, Any]]:
    data = json.loads(netlog.read_text(encoding="utf-8", errors="replace"))
    start_job = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    out = []
    for event in data["events"]:
        params = event.get("params") or {}
        if event.get("type") != start_job or "url" not in params:
            continue
        if str(params.get("network_isolation_key", "")).startswith("file://"):
            out.append(params)
    return out


def test_the_network_check_sees_a_page_request(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text(
        '<html><body><p>control</p><img src="http://report-canary.invalid/x.png"></body></html>'
    )
    _, requests = _load(control, tmp_path)
    assert [r["url"] for r in requests] == ["http://report-canary.invalid/x.png"]


@pytest.mark.parametrize("which", ["seed", "hostile"])
def test_report_renders_offline_with_its_text(which: str, tmp_path: Path) -> None:
    if which == "seed":
        html = render_report(sessions.seed_session().to_dict(), "html")
    else:
        html = render_outcome(_hostile_outcome(), "html")
    page = tmp_path / f"{which}.html"
    page.write_text(html, encoding="utf-8")
    dom, requests = _load(page, tmp_path)
    assert requests == [], f"the report made network requests: {[r['url'] for r in requests]}"
    parsed = parse(dom)
    text = "".join(parsed.text)
    for heading in (
        "Incident summary",
        "Engineer appendix",
        "Details",
        "Evidence",
        "Timeline",
        "Path through the playbook",
        "Environment",
    ):
        assert heading in text
    assert not [t for t, _ in parsed.tags if t in ("script", "img", "iframe", "object", "embed")]
    if which == "seed":
        assert "How to prevent it" in text
        assert "POST https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com" in text
    else:
        for hostile in (SCRIPT, IMG, SHELL):
            assert hostile in text
