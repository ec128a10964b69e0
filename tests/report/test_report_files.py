"""One report file-name scheme (wizard/report/files.py) for every front end: the TUI's export,
prompt mode's offer, `diagnose --report DIR` and `report -o DIR` name one incident's report
the same way, from the walk's start."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.report import sessions
from wizard.report.files import report_name, report_path, report_stem

NAME = re.compile(r"apigw-403-(\d{8})-(\d{6})\.md")


def test_the_stem_is_the_walks_start_in_utc() -> None:
    at = datetime(2026, 12, 2, 9, 5, 7, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert report_stem(at) == "apigw-403-20261202-070507"
    assert report_stem(at.isoformat()) == "apigw-403-20261202-070507"
    assert report_stem("2026-12-02T07:05:07Z") == "apigw-403-20261202-070507"
    assert report_name(at, "html") == "apigw-403-20261202-070507.html"
    assert NAME.fullmatch(report_name("not a time"))  # unreadable: now, still the scheme


def test_a_directory_gets_the_scheme_and_a_file_is_kept(tmp_path: Path) -> None:
    at = datetime(2026, 12, 2, 7, 5, 7, tzinfo=UTC)
    assert report_path(tmp_path, at, "json") == tmp_path / "apigw-403-20261202-070507.json"
    assert report_path(f"{tmp_path}/new/", at) == tmp_path / "new" / "apigw-403-20261202-070507.md"
    assert report_path(tmp_path / "mine.html", at, "md") == tmp_path / "mine.html"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    session = sessions.seed_session()
    path = tmp_path_factory.mktemp("saved") / "seed.json"
    session.save(path)
    return path, report_stem(session.started_at)


def test_tui_prompt_and_report_command_name_one_session_alike(
    saved: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.engine.test_prompt import FakePrompter
    from wizard.investigation import Investigation
    from wizard.ui.prompt import PromptWalk
    from wizard.ui.tui.driver import SessionDriver

    path, stem = saved
    monkeypatch.chdir(tmp_path)
    # the TUI's export dialog offers this stem
    assert SessionDriver.resume(path).default_export_stem() == tmp_path / stem
    # prompt mode offers the same name, and Enter writes it
    driver = SessionDriver.resume(path)
    prompter = FakePrompter("yes", "")
    assert driver.investigation is not None
    inv = Investigation.from_session(driver.investigation.session)
    walk = PromptWalk(inv, prompter, save_dir=lambda: tmp_path / "sessions")
    walk.write_report()
    assert prompter.prompts[-1]["default"] == f"{stem}.md"
    assert (tmp_path / f"{stem}.md").is_file()
    # the report command, given a directory
    out = tmp_path / "reports"
    out.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "wizard", "report", str(path), "-o", str(out), "--format", "html"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in out.iterdir()] == [f"{stem}.html"]


def test_diagnose_report_to_a_directory_uses_the_scheme(tmp_path: Path) -> None:
    from tests.cli.test_diagnose_offline import run, seed_answers

    before = datetime.now(UTC).replace(microsecond=0)
    proc = run("--offline", "--answers", str(seed_answers(tmp_path)), "--report", f"{tmp_path}/")
    assert proc.returncode == 1, proc.stderr  # diagnosed, the fix not applied
    (written,) = [p for p in tmp_path.iterdir() if p.suffix == ".md"]
    m = NAME.fullmatch(written.name)
    assert m, written.name
    started = datetime.strptime("".join(m.groups()), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    assert before <= started <= datetime.now(UTC)
    assert str(written) in proc.stderr
