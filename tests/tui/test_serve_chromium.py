"""`apigw-wizard serve` in a real browser: Debian's headless Chromium (driven by playwright, which
downloads nothing: `executable_path`) opens the page, the seed incident is pasted into the
served wizard and walked offline to the findings, read from xterm's own buffer in the page.

Without Chromium or playwright the test skips and says why. The server is started on a free
loopback port in its own process group and stopped by its PID; Chromium resolves no name but
127.0.0.1 and keeps a throw-away profile. Every wait is on a condition, with a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import SEED_POLICY, SEED_RESPONSE, SEED_URL

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Defence in depth: the page asks for nothing but its server (test below), and no other
    # name would resolve if it did.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# textual.js keeps its xterm Terminal in a closure; catch it as it is assigned (`x.terminal =
# new Terminal(...)`) so the test reads the text the page's terminal really holds.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    if (!window.__wizardTerminal) { window.__wizardTerminal = value; }
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
  },
});
"""
SCREEN_TEXT = """() => {
  const term = window.__wizardTerminal;
  if (!term) { return ""; }
  const buffer = term.buffer.active, lines = [];
  for (let i = 0; i < buffer.length; i++) { lines.push(buffer.getLine(i).translateToString(true)); }
  return lines.join("\\n");
}"""
PASTE = """(text) => {
  window.__wizardTerminal.focus();  // what a click on the terminal does, without clicking a widget
  const data = new DataTransfer();
  data.setData("text/plain", text);
  document.querySelector(".xterm-helper-textarea").dispatchEvent(
    new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""
WAIT_MS = 60_000
SERVE = [sys.executable, "-m", "wizard.cli", "serve"]
DIAGNOSIS = "Authorizer cache serves a policy that only allows the first method called"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium); nothing installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            # Not open yet: wait a moment on the process itself (returns at once if it died).
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.2)
    raise AssertionError(f"serve did not answer on {url} within {timeout}s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`apigw-wizard serve` on a free loopback port, with the seed's URL and method."""
    port = _free_port()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}  # sessions land in tmp
    env.pop("APIGW_WIZARD_CONFIG", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*SERVE, "--port", str(port), "--url", SEED_URL, "--method", "POST"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # its own group: the wizards it started go with it
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, proc)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        log.close()


def _screen_has(page: Any, text: str) -> str:
    """Wait until the terminal shows `text`; return the whole screen (on a timeout, say what
    the screen showed instead)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"() => ({SCREEN_TEXT})().includes({text!r})", timeout=WAIT_MS)
    except PlaywrightTimeout:
        raise AssertionError(
            f"the page never showed {text!r}; it shows:\n{page.evaluate(SCREEN_TEXT)}"
        ) from None
    return str(page.evaluate(SCREEN_TEXT))


STAGE_HEADER = re.compile(r"Stage (\d+) of \d+:")  # a stage the wizard answered: Enter moves on


def _past_stage_pages(page: Any, text: str) -> str:
    """Press Enter on each stage page, as a reader moves on, until the terminal shows `text`;
    return the whole screen."""
    either = f"() => {{ const s = ({SCREEN_TEXT})(); return s.includes({text!r}) || /Stage \\d+ of/.test(s); }}"
    for _ in range(12):
        page.wait_for_function(either, timeout=WAIT_MS)
        screen = str(page.evaluate(SCREEN_TEXT))
        stage = STAGE_HEADER.search(screen)
        if stage is None:
            return _screen_has(page, text)
        page.keyboard.press("Enter")
        gone = json.dumps(stage.group(0))
        page.wait_for_function(f"() => !({SCREEN_TEXT})().includes({gone})", timeout=WAIT_MS)
    raise AssertionError(f"still on stage pages, never {text!r}:\n{page.evaluate(SCREEN_TEXT)}")


def _screen_matches(page: Any, shown: str) -> str:
    """Wait until the terminal's text matches the regex `shown`; return the whole screen."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    test = f"() => new RegExp({json.dumps(shown)}).test(({SCREEN_TEXT})())"
    try:
        page.wait_for_function(test, timeout=WAIT_MS)
    except PlaywrightTimeout:
        raise AssertionError(
            f"never shown {shown!r}; the page shows:\n{page.evaluate(SCREEN_TEXT)}"
        ) from None
    return str(page.evaluate(SCREEN_TEXT))


def test_the_page_loads_its_font_from_the_server_not_a_third_party(served: str) -> None:
    with urllib.request.urlopen(served, timeout=30) as response:
        page = response.read().decode()
    assert "googleapis" not in page and "https://" not in page
    font = re.search(r'url\("(?P<url>[^"]+\.ttf)"\)', page)
    assert font is not None, page
    with urllib.request.urlopen(font.group("url"), timeout=30) as response:
        assert response.status == 200 and len(response.read()) > 10_000  # the font file itself


def test_serve_walks_the_seed_to_the_findings_in_chromium(served: str, tmp_path: Path) -> None:
    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh --user-data-dir
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            page = browser.new_page()
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url))
            page.add_init_script(CATCH_TERMINAL)
            page.goto(served)
            # The served app got serve's flags: the start screen has the seed's URL filled in.
            assert SEED_URL in _screen_has(page, "Diagnose")
            page.evaluate(PASTE, SEED_RESPONSE)  # focus starts in the response field
            _screen_has(page, "never logs the failing calls")  # its last line: the field scrolls
            page.keyboard.press("Control+r")
            _past_stage_pages(page, "TTL in seconds")
            # Typed the instant the question shows, given once: the step screen draws a question
            # only after its field has the focus, so nothing typed is lost.
            page.keyboard.type("300")
            _screen_matches(page, r"▊\s+300\s")  # in the field
            page.keyboard.press("Control+n")
            _screen_has(page, "principalId and policyDocument")
            page.evaluate(PASTE, SEED_POLICY)  # pasted once, as soon as the question shows
            _screen_matches(page, "prod/GET/dashboard")
            page.keyboard.press("Control+n")
            screen = _past_stage_pages(page, DIAGNOSIS)
            assert "POST/dashboard/update-profile" in screen  # the failing call, named
            # every request the page made went to this machine's server
            others = [u for u in asked if urllib.parse.urlsplit(u).hostname != "127.0.0.1"]
            assert asked and not others, others
        finally:
            browser.close()
