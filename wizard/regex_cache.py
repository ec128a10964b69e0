"""Families of regular expressions compiled once per machine, not once per run.

Compiling a pattern is pure Python (the `re` parser and code generator): the symptom lexicon's
~260 patterns cost ~0.2 s of every cold `explain` and `diagnose` (benchmarks/bench_cli_start.py).
What the compiler produces is a list of integers that the C engine validates and runs; that list
is kept in the validated cache (wizard.validated_cache: same directory, same ownership checks,
same `APIGW_WIZARD_CACHE_DIR=off`), keyed by the patterns, their flags and the interpreter's
version and regex engine, and turned back into pattern objects with the engine's own constructor.

The patterns are the same objects `re.compile` returns (same code, flags and groups; tests compare
their matches). Anything unexpected - another interpreter, an engine that rejects the code - falls
back to `re.compile`, so the cache can only make a start faster, never change a match.
"""

from __future__ import annotations

import importlib
import re
import sys
from array import array
from collections.abc import Sequence
from typing import Any

from wizard.validated_cache import cached

# CPython's regex engine and the `re` compiler's two halves: private modules without stubs, so
# typed Any; their compile() takes the code the compiler generates.
_sre: Any
_parser: Any
_compiler: Any
try:
    _sre = importlib.import_module("_sre")
    _parser = importlib.import_module("re._parser")
    _compiler = importlib.import_module("re._compiler")
except ImportError:  # pragma: no cover - another interpreter: plain re.compile
    _sre = None

# (pattern, flags as passed, flags as compiled, code, groups - 1, groupindex, indexgroup)
_Record = tuple[str, int, int, bytes, int, dict[str, int], tuple[str | None, ...]]


def _engine() -> bytes:
    """What a record is valid for: the code format is private to one interpreter version."""
    magic = getattr(_sre, "MAGIC", None)
    return f"{sys.implementation.name}:{sys.version}:{magic}:{getattr(_sre, 'CODESIZE', None)}".encode()


def _record(pattern: str, flags: int) -> _Record:
    """What re.compile(pattern, flags) hands the engine (re._compiler.compile, taken apart)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (
        pattern,
        flags,
        flags | parsed.state.flags,
        array("I", code).tobytes(),
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _build(rec: _Record) -> re.Pattern[str]:
    pattern, _, flags, code, groups, groupindex, indexgroup = rec
    words = array("I")
    words.frombytes(code)
    built: re.Pattern[str] = _sre.compile(
        pattern, flags, words.tolist(), groups, groupindex, indexgroup
    )
    return built


def compile_all(kind: str, sources: Sequence[tuple[str, int]]) -> tuple[re.Pattern[str], ...]:
    """`re.compile(p, flags)` for every (p, flags) of `sources`, in order; `kind` names the file."""
    if _sre is None or not sources:
        return tuple(re.compile(p, f) for p, f in sources)
    try:
        key = [_engine(), repr(list(sources)).encode()]
        records: list[_Record] = cached(
            f"regex-{kind}", key, lambda: [_record(p, f) for p, f in sources]
        )
        if [(r[0], r[1]) for r in records] != list(sources):
            raise ValueError("a record for other patterns")
        return tuple(_build(r) for r in records)
    except Exception:  # anything at all: the engine's own compile, as without the cache
        return tuple(re.compile(p, f) for p, f in sources)
