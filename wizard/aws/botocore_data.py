"""botocore's data files (endpoints, partitions, service models, rule sets) parsed once per machine.

Every botocore session builds its own data `Loader`, and every process parses the same JSON
again: endpoints.json (1.2 MB, decoded with an OrderedDict hook), each service's model and rule
set, and a listing of ~400 service directories to learn which services exist. A live `diagnose`
paid that for two sessions (the clients' and the command renderer's) before its first request.

- One `CachedLoader` per process (per AWS_DATA_PATH) is the `data_loader` of every session the
  wizard makes (`share_loader`), so each file is parsed at most once per process.
- Each parsed file is kept as a pickle in the wizard's cache directory (the one
  wizard.validated_cache uses: same `APIGW_WIZARD_CACHE_DIR=off`, same ownership checks). An
  entry is named after botocore's version and the file's path and holds that key plus the file's
  size and mtime, so an edited or replaced file is parsed afresh and its entry overwritten.
- An entry is only unpickled when this user owns it and its directory, nobody else may write
  either, and its stored key is the file's key now; anything else (absent, corrupt, foreign,
  stale) is parsed from the JSON as botocore would and rewritten. A failure is never an error.
- The data is the same as botocore's own loader returns, OrderedDicts included (a test compares).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import threading
from pathlib import Path
from typing import Any

import botocore
import botocore.session
from botocore import loaders as _botocore_loaders
from botocore.loaders import JSONFileLoader, Loader, create_loader

from wizard.validated_cache import cache_dir, store_pickle

_ENTRY_VERSION = 1  # bump when what an entry holds changes shape
_loaders: dict[str | None, CachedLoader] = {}
_loaders_lock = threading.Lock()


def _private(path: Path) -> bool:
    """Owned by this user and writable by nobody else (a pickle is code)."""
    try:
        st = path.stat()
    except OSError:
        return False
    own = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return own and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _entry(kind: str, name: str) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(f"{botocore.__version__}\0{kind}\0{name}".encode()).hexdigest()
    return directory / f"botocore-{kind}-{digest[:32]}.pickle"


def _read(file: Path, key: tuple[Any, ...]) -> tuple[bool, Any]:
    """(True, value) when `file` is a private entry written for exactly `key`."""
    if not (_private(file.parent) and _private(file) and file.is_file()):
        return False, None
    try:
        with file.open("rb") as fh:
            stored_key, value = pickle.load(fh)  # our own private file, checked above
    except Exception:  # truncated, corrupt or not ours in shape: parse afresh
        return False, None
    return (True, value) if stored_key == key else (False, None)


def cached_value(kind: str, name: str, key: tuple[Any, ...], build: Any) -> Any:
    """`build()`, or what an earlier run stored for (kind, name) under the same `key`."""
    file = _entry(kind, name)
    if file is None:
        return build()
    full_key = (_ENTRY_VERSION, botocore.__version__, kind, name, *key)
    hit, value = _read(file, full_key)
    if hit:
        return value
    value = build()
    if value is not None:
        store_pickle(file, (full_key, value))
    return value


class CachedFileLoader(JSONFileLoader):
    """botocore's JSON file loader, reading each file's parsed form from the cache."""

    def load_file(self, file_path: str) -> Any:
        # The same search as JSONFileLoader.load_file: the first extension whose file exists.
        for ext, open_method in _botocore_loaders._JSON_OPEN_METHODS.items():
            full = file_path + ext
            try:
                st = os.stat(full)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            return cached_value(
                "file",
                os.path.abspath(full),
                (st.st_size, st.st_mtime_ns),
                lambda full=full, open_method=open_method: self._load_file(full, open_method),
            )
        return None


class CachedLoader(Loader):
    """A botocore Loader whose files are parsed once per machine, shared by every session of
    this process. boto3 appends its own data path to `search_paths` for every boto3 Session it
    builds; the shared list keeps one copy of each path."""

    FILE_LOADER_CLASS = CachedFileLoader

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._search_paths: list[str] = _PathList(self.search_paths)
        self._services: dict[str, list[str]] = {}

    def list_available_services(self, type_name: str) -> list[str]:
        # botocore lists ~400 directories and stats a file in each; the listing only changes
        # when botocore (or boto3) is reinstalled, which changes its version or the directories'
        # mtimes. Paths the user adds (~/.aws/models, AWS_DATA_PATH) are listed every time.
        if type_name not in self._services:
            roots = [p for p in self.search_paths if os.path.isdir(p)]
            listing = super().list_available_services
            if all(_installed(p) for p in roots):
                key = tuple((p, os.stat(p).st_mtime_ns) for p in roots)
                found = cached_value("services", type_name, key, lambda: listing(type_name))
            else:
                found = listing(type_name)
            self._services[type_name] = list(found)
        return self._services[type_name]


def _installed(path: str) -> bool:
    """botocore's or boto3's own data directory (part of an installed package)."""
    parent = Path(path).parent
    return (
        Path(path).name == "data"
        and (parent / "__init__.py").is_file()
        and parent.name
        in (
            "botocore",
            "boto3",
        )
    )


class _PathList(list[str]):
    """A search path list that ignores a path it already holds."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


def shared_loader(data_path: str | None = None) -> CachedLoader:
    """The process's loader for this AWS_DATA_PATH setting (botocore's `data_path`)."""
    with _loaders_lock:
        loader = _loaders.get(data_path)
        if loader is None:
            # botocore's own reading of the setting, then the same paths in a CachedLoader
            paths = list(create_loader(data_path).search_paths)
            loader = CachedLoader(extra_search_paths=paths, include_default_search_paths=False)
            _loaders[data_path] = loader
        return loader


def share_loader(session: Any) -> Any:
    """Make `session` (a botocore Session) load its data through the process's shared loader."""
    session.register_component(
        "data_loader", shared_loader(session.get_config_variable("data_path"))
    )
    return session


def botocore_session(profile: str | None = None) -> Any:
    """A new botocore Session (for `profile`) that shares the process's cached data loader."""
    return share_loader(botocore.session.Session(profile=profile))
