"""The user's TUI config: a TOML file remaps bindings by id and picks a theme; a bad one is one
line naming the file and the key, and the app runs with the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import run_async, seed_app

from wizard.ui.tui.config import ENV_VAR, binding_ids, load_config
from wizard.ui.tui.screens.help import HelpScreen
from wizard.ui.tui.screens.start import StartScreen

GOOD = """
theme = "textual-light"

[keys]
"app.help" = "f2"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@run_async
async def test_a_config_remaps_a_binding_and_picks_the_light_theme(tmp_path: Path) -> None:
    config, error = load_config(str(_write(tmp_path, GOOD)))
    assert error is None
    app = seed_app(config=config)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert isinstance(app.screen, StartScreen)
        await pilot.press("f1")  # the old key does nothing now
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[keys]\n"app.hlep" = "f2"\n', "keys.app.hlep"),
        ('[keys]\n"app.help" = "ctrl+nosuchkey"\n', "keys.app.help"),
        ('[keys]\n"app.help" = 2\n', "keys.app.help"),
        ('theme = "solarised-neon"\n', "theme"),
        ("colour = 'blue'\n", "'colour'"),
        ("[keys\n", "not valid TOML"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_file_and_the_key(
    tmp_path: Path, text: str, named: str
) -> None:
    path = _write(tmp_path, text)
    config, error = load_config(str(path))
    assert error is not None and "\n" not in error
    assert str(path) in error and named in error
    assert config.keymap == {} and config.theme is None  # the defaults, whole


@run_async
async def test_the_app_starts_with_the_defaults_and_says_why(tmp_path: Path) -> None:
    config, error = load_config(str(_write(tmp_path, '[keys]\n"app.help" = "ctrl+nosuchkey"\n')))
    app = seed_app(config=config, config_error=error)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("keys.app.help" in str(n.message) for n in app._notifications)
        await pilot.press("f1")  # the default key still works
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_the_env_var_points_at_the_file_and_a_missing_named_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(_write(tmp_path, GOOD)))
    config, error = load_config()
    assert error is None and config.theme == "textual-light"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing.toml"))
    config, error = load_config()
    assert error is not None and "missing.toml" in error and "no such file" in error


def test_no_file_at_the_default_place_is_the_defaults_and_nothing_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    config, error = load_config()
    assert error is None and config.keymap == {} and config.theme is None
    assert not (tmp_path / "xdg").exists()


def test_every_documented_binding_id_is_a_real_one() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "tui.md").read_text(encoding="utf-8")
    ids = binding_ids()
    assert {"app.help", "step.back", "findings.report"} <= ids
    for binding_id in ids:
        assert f"`{binding_id}`" in doc, f"docs/tui.md does not list the binding id {binding_id}"


def _code_keys() -> dict[str, list[str]]:
    """binding id -> its default keys, as the docs spell them (Esc, ?)."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    from wizard.ui.tui.app import WizardApp
    from wizard.ui.tui.config import _subclasses

    binding_ids()  # imports every screen and widget module
    shown = {"escape": "Esc", "question_mark": "?"}
    out: dict[str, list[str]] = {}
    for node in [WizardApp, *_subclasses(DOMNode)]:
        if not node.__module__.startswith("wizard."):
            continue
        for binding in node.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                out[binding.id] = [shown.get(k.strip(), k.strip()) for k in binding.key.split(",")]
    return out


def test_the_binding_table_gives_each_id_its_keys_and_what_it_does() -> None:
    """The docs' binding-id table is the code's: the same ids with the same default keys."""
    import re

    doc = (Path(__file__).parents[2] / "docs" / "tui.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): [k.strip() for k in m.group(2).split(",")]
        for m in re.finditer(r"^\| `([a-z]+\.[a-z0-9_]+)` \| ([^|]+?) \| [^|]+ \|$", doc, re.M)
    }
    assert rows == _code_keys()
