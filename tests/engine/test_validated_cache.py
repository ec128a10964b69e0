"""Validated playbooks and catalogues kept between runs: a hit skips parsing, a change misses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard import validated_cache
from wizard.engine.loader import PlaybookError, load_playbook
from wizard.paths import main_playbook


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("APIGW_WIZARD_CACHE_DIR", str(directory))
    return directory


def _counting(value: object) -> tuple[list[int], object]:
    built: list[int] = []

    def build() -> object:
        built.append(1)
        return value

    return built, build


def test_a_second_load_comes_from_the_cache_and_a_change_misses(cache_dir: Path) -> None:
    built, build = _counting({"parsed": True})
    assert validated_cache.cached("t", [b"v1"], build) == {"parsed": True}
    assert validated_cache.cached("t", [b"v1"], build) == {"parsed": True}
    assert built == [1]
    validated_cache.cached("t", [b"v2"], build)
    assert built == [1, 1]
    assert not cache_dir.exists() or all(p.stat().st_mode & 0o077 == 0 for p in cache_dir.iterdir())


def test_entries_others_may_write_or_that_are_broken_are_not_read(cache_dir: Path) -> None:
    built, build = _counting("fresh")
    validated_cache.cached("t", [b"x"], build)
    (entry,) = cache_dir.glob("t-*.pickle")
    os.chmod(entry, 0o666)
    assert validated_cache.cached("t", [b"x"], build) == "fresh"
    entry.write_bytes(b"not a pickle")
    os.chmod(entry, 0o600)
    assert validated_cache.cached("t", [b"x"], build) == "fresh"
    assert len(built) == 3


def test_off_and_an_unwritable_directory_only_cost_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, build = _counting(1)
    monkeypatch.setenv("APIGW_WIZARD_CACHE_DIR", "off")
    validated_cache.cached("t", [b"x"], build)
    validated_cache.cached("t", [b"x"], build)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("APIGW_WIZARD_CACHE_DIR", str(blocker / "cache"))
    validated_cache.cached("t", [b"x"], build)
    assert len(built) == 3


def test_the_shipped_playbook_loads_the_same_from_the_cache(cache_dir: Path) -> None:
    first = load_playbook(main_playbook())
    assert list(cache_dir.glob("playbook-*.pickle"))
    again = load_playbook(main_playbook())
    assert again == first and again is not first


def test_a_playbook_with_lint_errors_is_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = main_playbook().read_text(encoding="utf-8")
    broken.write_text(text.replace("goto: fix_stage", "goto: fix_stagee", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PlaybookError, match="fix_stagee"):
            load_playbook(broken)
    assert not list(cache_dir.glob("playbook-*.pickle"))
