"""Shipped playbooks are found in a checkout and in a wheel; nothing is created at import."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard import paths


def test_checkout_layout_finds_the_repo_playbooks() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert paths.playbooks_dir() == repo / "playbooks"
    assert paths.main_playbook() == repo / "playbooks" / "api-gateway-403.yaml"


def test_wheel_layout_finds_the_packaged_playbooks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "wizard"
    (package / "playbooks").mkdir(parents=True)
    (package / "playbooks" / "b.yaml").write_text("x")
    (package / "playbooks" / "a.yaml").write_text("x")
    (package / "playbooks" / "schema.json").write_text("{}")
    monkeypatch.setattr(paths, "_PACKAGE", package)
    assert paths.playbooks_dir() == package / "playbooks"
    assert [p.name for p in paths.shipped_playbooks()] == ["a.yaml", "b.yaml"]


def test_sessions_dir_is_a_user_data_path_not_created_eagerly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    where = paths.sessions_dir()
    assert where == tmp_path / "apigw-wizard" / "sessions"
    assert not where.exists()
