"""The cached botocore data loader (wizard.aws.botocore_data) against botocore's own Loader."""

from __future__ import annotations

import json
import os
import pickle
from collections import OrderedDict
from pathlib import Path

import pytest
from botocore.loaders import Loader

from wizard.aws import botocore_data
from wizard.aws.botocore_data import CachedLoader

# Every service the wizard makes a client of or renders a command for.
SERVICES = ("apigateway", "apigatewayv2", "apigatewaymanagementapi", "sts", "logs", "lambda", "iam")
TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2")
FILES = ("endpoints", "partitions", "_retry", "sdk-default-configuration")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("APIGW_WIZARD_CACHE_DIR", str(directory))
    return directory


def _same(ours: object, theirs: object) -> None:
    # Equal, in the same order, with the same container types (botocore builds OrderedDicts).
    assert ours == theirs
    assert json.dumps(ours) == json.dumps(theirs)
    assert type(ours) is type(theirs)


def _everything(loader: Loader) -> dict[tuple[str, str], object]:
    got: dict[tuple[str, str], object] = {}
    for service in SERVICES:
        for type_name in TYPES:
            if service in loader.list_available_services(type_name):
                got[(service, type_name)] = loader.load_service_model(service, type_name)
    for name in FILES:
        got[(name, "")] = loader.load_data(name)
    return got


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("botocore-*.pickle"))


def test_cold_and_warm_data_equal_botocores(cache: Path) -> None:
    theirs = _everything(Loader())
    cold = _everything(CachedLoader())
    assert _entries(cache), "the first load writes entries"
    warm = _everything(CachedLoader())
    assert cold.keys() == theirs.keys() == warm.keys()
    assert ("apigateway", "service-2") in theirs and ("sts", "endpoint-rule-set-1") in theirs
    for key, value in theirs.items():
        _same(cold[key], value)
        _same(warm[key], value)
    for type_name in TYPES:
        assert CachedLoader().list_available_services(
            type_name
        ) == Loader().list_available_services(type_name)


def test_warm_load_reads_the_entries_not_the_json(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _everything(CachedLoader())

    def refuse(*_: object) -> None:
        raise AssertionError("parsed a file the cache holds")

    monkeypatch.setattr(botocore_data.CachedFileLoader, "_load_file", refuse)
    monkeypatch.setattr(Loader, "list_available_services", refuse)
    assert _everything(CachedLoader())[("endpoints", "")] == Loader().load_data("endpoints")


def _data_path(tmp_path: Path, payload: object) -> Path:
    root = tmp_path / "models"
    root.mkdir(exist_ok=True)
    (root / "mydata.json").write_text(json.dumps(payload))
    return root


def test_a_changed_file_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    root = _data_path(tmp_path, {"b": 1, "a": [1, 2]})
    assert CachedLoader(extra_search_paths=[str(root)]).load_data("mydata") == {"b": 1, "a": [1, 2]}
    entries = _entries(cache)
    _data_path(tmp_path, {"b": 2})
    assert CachedLoader(extra_search_paths=[str(root)]).load_data("mydata") == {"b": 2}
    assert _entries(cache) == entries, "the entry is overwritten, not added to"
    # Same size, new content: the mtime alone tells them apart.
    _data_path(tmp_path, {"b": 3})
    st = (root / "mydata.json").stat()
    os.utime(root / "mydata.json", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert CachedLoader(extra_search_paths=[str(root)]).load_data("mydata") == {"b": 3}


@pytest.mark.parametrize(
    "spoil",
    [
        lambda f: f.write_bytes(b"\x80\x05not a pickle"),
        lambda f: f.write_bytes(f.read_bytes()[:20]),
        # a well-formed entry written for another file: its key does not match
        lambda f: f.write_bytes(pickle.dumps(((1, "x", "file", "/elsewhere", 1, 1), {"b": 9}))),
        lambda f: f.write_bytes(pickle.dumps({"b": 9})),
    ],
    ids=["garbage", "truncated", "other-key", "no-key"],
)
def test_a_corrupt_or_foreign_entry_is_rebuilt(cache: Path, tmp_path: Path, spoil: object) -> None:
    root = _data_path(tmp_path, {"b": 1})
    CachedLoader(extra_search_paths=[str(root)]).load_data("mydata")
    (entry,) = _entries(cache)
    spoil(entry)  # type: ignore[operator]
    assert CachedLoader(extra_search_paths=[str(root)]).load_data("mydata") == {"b": 1}
    with entry.open("rb") as fh:
        key, value = pickle.load(fh)
    assert value == {"b": 1} and str(root / "mydata.json") in key, "rewritten by this run"


def test_an_entry_others_may_write_is_not_unpickled(cache: Path, tmp_path: Path) -> None:
    root = _data_path(tmp_path, {"b": 1})
    CachedLoader(extra_search_paths=[str(root)]).load_data("mydata")
    (entry,) = _entries(cache)
    with entry.open("rb") as fh:
        key, _ = pickle.load(fh)
    entry.write_bytes(pickle.dumps((key, {"b": "planted"})))
    entry.chmod(0o666)
    assert CachedLoader(extra_search_paths=[str(root)]).load_data("mydata") == {"b": 1}
    # ... nor one in a directory others may write
    entry.write_bytes(pickle.dumps((key, {"b": "planted"})))
    entry.chmod(0o600)
    cache.chmod(0o777)
    try:
        assert CachedLoader(extra_search_paths=[str(root)]).load_data("mydata") == {"b": 1}
    finally:
        cache.chmod(0o700)


def test_cache_off_loads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGW_WIZARD_CACHE_DIR", "off")
    _same(CachedLoader().load_data("partitions"), Loader().load_data("partitions"))


def test_sessions_share_one_loader_and_one_copy_of_each_path(cache: Path) -> None:
    from wizard.aws.fixes import cli_model
    from wizard.aws.session import AwsSession, sandbox_session

    first = AwsSession().boto3_session._session.get_component("data_loader")
    second = sandbox_session("http://127.0.0.1:4566").boto3_session._session
    assert isinstance(first, CachedLoader)
    assert second.get_component("data_loader") is first
    assert cli_model._session().get_component("data_loader") is first
    assert len(first.search_paths) == len(set(first.search_paths))
    model = cli_model.service_model("apigateway")
    assert model.operation_model("GetRestApi").input_shape.members.keys() == {"restApiId"}
    assert isinstance(first.load_data("endpoints"), OrderedDict)
