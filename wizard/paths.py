"""Where the wizard finds its shipped files and keeps the user's.

Nothing is created at import time: directories for saved sessions are made when first written.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path, user_state_path

_PACKAGE = Path(__file__).resolve().parent


def playbooks_dir() -> Path:
    """The shipped playbooks: `wizard/playbooks` inside a wheel (pyproject force-include), else
    `<repo>/playbooks` in a checkout or editable install."""
    inside = _PACKAGE / "playbooks"
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / "playbooks"


def shipped_playbooks() -> list[Path]:
    """Every shipped playbook file, sorted by name."""
    directory = playbooks_dir()
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def main_playbook() -> Path:
    """The 403 playbook walked when none is named."""
    return playbooks_dir() / "api-gateway-403.yaml"


def sessions_dir() -> Path:
    """Where interrupted sessions are saved (a platformdirs user data path; not created here)."""
    return user_data_path("apigw-wizard", appauthor=False) / "sessions"


def journal_dir() -> Path:
    """Where change journals live: `<user state dir>/apigw-wizard/journal` (XDG_STATE_HOME on
    Linux). Not created here: the first journal written creates it. Code artifacts live beside
    it (wizard.aws.fixes.code), which is why this sits below both."""
    return user_state_path("apigw-wizard") / "journal"
