"""Regex families kept compiled between runs: the rebuilt patterns are re.compile's, match for
match, a hit does not compile, and a bad entry falls back to compiling."""

from __future__ import annotations

import pickle
import re
from pathlib import Path
from typing import Any

import pytest

from wizard import regex_cache
from wizard.analysis.symptoms import CONCEPTS
from wizard.catalogue.families import load_families

REPORTS = Path(__file__).resolve().parents[1] / "analysis" / "reports"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("APIGW_WIZARD_CACHE_DIR", str(directory))
    return directory


def _shape(p: re.Pattern[Any]) -> tuple[Any, ...]:
    return (p.pattern, p.flags, p.groups, dict(p.groupindex))


def _texts() -> list[str]:
    texts = [f.read_text(errors="replace") for f in sorted(REPORTS.rglob("*")) if f.is_file()]
    assert len(texts) > 20, "the report corpus moved: this test would compare nothing"
    return texts


def _sources() -> list[tuple[str, int]]:
    lexicon = [(p, re.IGNORECASE) for c in CONCEPTS for p in c.sources]
    families = [(f.source, re.IGNORECASE) for f in load_families().families if f.source]
    return lexicon + families + [(r"(?P<a>x)(?P<b>y)?|\d{2,}", re.MULTILINE)]


def test_cached_patterns_match_as_re_compile_does(cache_dir: Path) -> None:
    sources = _sources()
    fresh = regex_cache.compile_all("t", sources)  # a miss: builds and stores
    again = regex_cache.compile_all("t", sources)  # a hit: read back
    assert list(cache_dir.glob("regex-t-*.pickle"))
    reference = [re.compile(p, f) for p, f in sources]
    texts = _texts()
    for got in (fresh, again):
        assert [_shape(p) for p in got] == [_shape(p) for p in reference]
        for text in texts:
            for mine, ref in zip(got, reference, strict=True):
                assert [m.span() for m in mine.finditer(text)] == [
                    m.span() for m in ref.finditer(text)
                ], ref.pattern


def test_a_hit_compiles_nothing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [(r"\bforbidden\b", re.IGNORECASE), (r"(\d+) ms", 0)]
    regex_cache.compile_all("hit", sources)

    def no_compile(*_: Any) -> None:
        raise AssertionError("compiled on a hit")

    monkeypatch.setattr(regex_cache, "_record", no_compile)
    monkeypatch.setattr(re, "compile", no_compile)
    got = regex_cache.compile_all("hit", sources)
    assert got[1].search("took 12 ms") is not None and got[1].search("took 12 ms")[1] == "12"


def test_a_corrupt_entry_falls_back_to_compiling(cache_dir: Path) -> None:
    sources = [(r"not\s+authori[sz]ed", re.IGNORECASE)]
    regex_cache.compile_all("bad", sources)
    (entry,) = cache_dir.glob("regex-bad-*.pickle")
    records = pickle.loads(entry.read_bytes())
    pattern, flags, final, _, groups, gi, ig = records[0]
    entry.write_bytes(pickle.dumps([(pattern, flags, final, b"\xff" * 8, groups, gi, ig)]))
    (got,) = regex_cache.compile_all("bad", sources)
    assert got.search("User is NOT authorized") is not None


def test_the_cache_off_compiles_as_re_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGW_WIZARD_CACHE_DIR", "off")
    (got,) = regex_cache.compile_all("off", [(r"a+b", 0)])
    assert _shape(got) == _shape(re.compile(r"a+b"))
