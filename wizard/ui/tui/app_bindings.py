"""The bindings every screen shares (help, save, theme, quit): `WizardApp.BINDINGS`.

They live below the app so that the config (wizard.ui.tui.config), which the app imports, can
check a keymap's binding ids against them without importing the app.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding(
        "f1,question_mark",
        "help",
        "Help",
        id="app.help",
        tooltip="Explain this screen and list its keys",
    ),
    Binding(
        "ctrl+s",
        "save",
        "Save",
        id="session.save",
        tooltip="Save the session to a JSON file you can resume with --resume",
    ),
    Binding(
        "ctrl+t",
        "toggle_theme",
        "Theme",
        id="app.theme",
        tooltip="Switch between the light and the dark theme",
    ),
    Binding(
        "q",
        "quit_saving",
        "Quit",
        id="app.quit",
        tooltip="Quit; the session is saved first and can be resumed",
    ),
    Binding(
        "ctrl+c",
        "quit_saving",
        "Quit",
        show=False,
        priority=True,
        id="app.quit_interrupt",
        tooltip="Quit at once; the session is saved first",
    ),
]
