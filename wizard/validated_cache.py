"""Validated playbooks and catalogues kept between runs: a start reads the pickled models instead
of parsing, validating and linting the same YAML again (measured in benchmarks/bench_cli_start.py).

- The key is a SHA-256 of the source files' bytes, everything else the result depends on (the
  probe names a playbook is linted against) and the wizard's own code (size and mtime of every
  module in the package, and the pydantic version), so an edited playbook, catalogue or model
  is parsed afresh.
- Only what validated is stored; a playbook with lint errors is never cached, so the errors are
  reported every time.
- The files live in the platformdirs user cache directory (`APIGW_WIZARD_CACHE_DIR` overrides
  it; `APIGW_WIZARD_CACHE_DIR=off` turns the cache off), created on the first write, never at
  import. A file is only read when this user owns it and nobody else may write it (a pickle is
  code); a file that cannot be read, or written, is a cache miss, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pydantic
from platformdirs import user_cache_path

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent
_ENV = "APIGW_WIZARD_CACHE_DIR"
_code_signature: str | None = None


def cache_dir() -> Path | None:
    """Where validated models are kept (not created here); None when the cache is off."""
    given = os.environ.get(_ENV)
    if given is not None:
        return None if given.strip().lower() in ("", "off", "0") else Path(given)

    return user_cache_path("apigw-wizard", appauthor=False) / "validated"


def _code() -> str:
    """What the wizard's code looks like now: a changed module invalidates every entry."""
    global _code_signature
    if _code_signature is None:
        h = hashlib.sha256(pydantic.VERSION.encode())
        for module in sorted(_PACKAGE.rglob("*.py")):
            st = module.stat()
            h.update(f"{module.relative_to(_PACKAGE)}:{st.st_size}:{st.st_mtime_ns};".encode())
        _code_signature = h.hexdigest()
    return _code_signature


def _readable(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    own = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return own and stat.S_ISREG(st.st_mode) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cached(kind: str, sources: Iterable[bytes], build: Callable[[], T]) -> T:
    """`build()`'s result for these source bytes, from the cache when an earlier run stored it."""
    directory = cache_dir()
    if directory is None:
        return build()
    h = hashlib.sha256(_code().encode())
    for part in sources:
        h.update(hashlib.sha256(part).digest())
    file = directory / f"{kind}-{h.hexdigest()[:32]}.pickle"
    if _readable(file):
        try:
            with file.open("rb") as fh:
                value: T = pickle.load(fh)  # our own file, checked above
            return value
        except Exception:  # a truncated or stale entry: parse afresh and overwrite it
            pass
    value = build()
    _store(file, value)
    return value


def _store(file: Path, value: object) -> None:
    tmp = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
        tmp = None
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def store_pickle(file: Path, value: object) -> None:
    """Write `value` to `file` atomically in a directory only this user can enter; a failure
    leaves no file (other caches of the wizard keep their entries beside these)."""
    _store(file, value)
