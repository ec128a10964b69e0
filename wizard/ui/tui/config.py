"""The user's TUI config: a TOML file that remaps bindings by their id and picks a theme.

    theme = "textual-light"
    [keys]
    "step.back" = "ctrl+left"

It lives under the platformdirs user config dir (`…/apigw-wizard/config.toml`), or wherever
`--config FILE` or `APIGW_WIZARD_CONFIG` points. It is read when the app starts, never at import,
and nothing is ever created. A config that cannot be used is ignored whole (a half-applied
keymap is more confusing than the defaults): `load_config` returns the defaults and one line that
names the file and the key at fault, which the app shows once it is up.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS, Keys
from textual.theme import BUILTIN_THEMES

from wizard.ui.tui import screens, widgets
from wizard.ui.tui.app_bindings import APP_BINDINGS

ENV_VAR = "APIGW_WIZARD_CONFIG"
_SECTIONS = ("theme", "keys")
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# A config file is a few lines; a bigger one is a mistake (a log pasted into the wrong path).
_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class TuiConfig:
    """What the app applies: a keymap (binding id → key string) and a theme name (None: ours)."""

    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None


class ConfigError(ValueError):
    """One line for the user: the file and the key at fault."""


def default_config_path() -> Path:
    """`config.toml` in the platformdirs user config dir (not created here)."""
    return user_config_path("apigw-wizard", appauthor=False) / "config.toml"


def config_path(given: str | None = None) -> tuple[Path, bool]:
    """The file to read and whether the user named it (`--config`, then the env var)."""
    named = given or os.environ.get(ENV_VAR)
    if named:
        return Path(named).expanduser(), True
    return default_config_path(), False


def load_config(given: str | None = None) -> tuple[TuiConfig, str | None]:
    """The config to apply and, when the file cannot be used, the one line saying why (the app
    then runs with the defaults). A missing default file is no error: most users have none."""
    path, named = config_path(given)
    try:
        return parse_config(path, named=named), None
    except ConfigError as exc:
        return TuiConfig(), str(exc)


def parse_config(path: Path, *, named: bool = True) -> TuiConfig:
    where = f"config {path}"
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        if not named:
            return TuiConfig()
        raise ConfigError(f"{where}: no such file; using the default keys and theme") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read it ({exc.strerror}); using the defaults") from None
    if len(data) > _MAX_BYTES:
        raise ConfigError(f"{where}: larger than {_MAX_BYTES // 1024} KB; using the defaults")
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc}); using the defaults") from None
    for key in table:
        if key not in _SECTIONS:
            raise ConfigError(
                f"{where}: unknown key {key!r} (expected one of: {', '.join(_SECTIONS)}); "
                "using the defaults"
            )
    return TuiConfig(keymap=_keymap(table.get("keys", {}), where), theme=_theme(table, where))


def _theme(table: dict[str, object], where: str) -> str | None:
    if "theme" not in table:
        return None
    theme = table["theme"]
    if not isinstance(theme, str) or theme not in BUILTIN_THEMES:
        names = ", ".join(sorted(BUILTIN_THEMES))
        raise ConfigError(
            f"{where}: theme = {theme!r} is not a theme (one of: {names}); using the defaults"
        )
    return theme


def _keymap(keys: object, where: str) -> dict[str, str]:
    if not isinstance(keys, dict):
        raise ConfigError(f"{where}: [keys] must be a table of binding id = key; using defaults")
    known = binding_ids()
    keymap: dict[str, str] = {}
    for binding_id, value in keys.items():
        if binding_id not in known:
            raise ConfigError(
                f"{where}: keys.{binding_id} is not a binding id (see `docs/tui.md`, or "
                f"the palette's keys list); using the defaults"
            )
        if not isinstance(value, str) or not all(_is_key(k) for k in value.split(",")):
            raise ConfigError(
                f"{where}: keys.{binding_id} = {value!r} is not a key such as 'ctrl+b' or "
                "'f2' (several: 'f2,ctrl+b'); using the defaults"
            )
        keymap[binding_id] = value
    return keymap


def _is_key(key: str) -> bool:
    """A Textual key string: modifiers joined by '+' and one key ('ctrl+b', 'f2', 'escape')."""
    *modifiers, name = key.strip().split("+")
    if not name or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable()
    if name in {k.value for k in Keys} or name in KEY_NAME_REPLACEMENTS.values():
        return True
    try:  # a character by its Unicode name, as Textual spells it: 'question_mark'
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return True


def binding_ids() -> frozenset[str]:
    """Every binding id the TUI declares: the app's and each screen's and widget's BINDINGS."""
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")
    ids = {b.id for b in APP_BINDINGS if isinstance(b, Binding) and b.id}
    for node in _subclasses(DOMNode):
        if not node.__module__.startswith("wizard."):
            continue
        for binding in node.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return frozenset(ids)


def _subclasses(cls: type[DOMNode]) -> list[type[DOMNode]]:
    out: list[type[DOMNode]] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out
