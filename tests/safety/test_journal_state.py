"""The start-up pre-check agrees with the journal module: it says "nothing to offer" only when
the full check would find no unfinished journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.aws.fixes.journal import JOURNAL_FORMAT, JOURNAL_VERSION, unfinished_journals
from wizard.aws.fixes.journal_state import UNFINISHED, maybe_unfinished


def _journal(directory: Path, name: str, state: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    data = {"format": JOURNAL_FORMAT, "version": JOURNAL_VERSION, "state": state}
    (directory / f"{name}.json").write_text(json.dumps(data))


def test_no_directory_and_finished_journals_need_no_full_check(tmp_path: Path) -> None:
    assert maybe_unfinished(tmp_path / "none") is False
    _journal(tmp_path, "a", "applied")
    _journal(tmp_path, "b", "rolled-back")
    assert maybe_unfinished(tmp_path) is False
    assert unfinished_journals(tmp_path) == []


@pytest.mark.parametrize("state", UNFINISHED)
def test_an_unfinished_journal_is_seen(tmp_path: Path, state: str) -> None:
    _journal(tmp_path, "a", "applied")
    _journal(tmp_path, "b", state)
    assert maybe_unfinished(tmp_path) is True
    assert [j.state for j in unfinished_journals(tmp_path)] == [state]


def test_a_damaged_file_leaves_the_decision_to_the_full_check(tmp_path: Path) -> None:
    tmp_path.joinpath("x.json").write_text("{not json")
    assert maybe_unfinished(tmp_path) is True
    assert unfinished_journals(tmp_path) == []
