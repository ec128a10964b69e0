"""The Textual wizard: `WizardApp` and `run(args)`, the entry point of `apigw-wizard` (no command).

The app holds no diagnostic logic. It owns the screens, the bindings shared by all of them, and
one `SessionDriver` (wizard.ui.tui.driver) through which screens read engine state and call
engine methods. Quitting (q, ctrl+c) always saves the session first.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from wizard import exitcodes
from wizard.aws.fixes.journal_state import maybe_unfinished
from wizard.engine.probes import ProbeError
from wizard.ui.tui.app_bindings import APP_BINDINGS
from wizard.ui.tui.commands import WizardCommands
from wizard.ui.tui.config import TuiConfig, load_config
from wizard.ui.tui.markup import escape
from wizard.ui.tui.screens.interrupted import InterruptedFixScreen
from wizard.ui.tui.screens.report import ReportScreen
from wizard.ui.tui.screens.start import StartScreen
from wizard.ui.tui.start_input import StartEvidence

if TYPE_CHECKING:
    import argparse

    from wizard.ui.tui.driver import SessionDriver

# The imports left inside methods below are what first paint must not wait for: the backend
# (driver, restore, fix_flow, the findings/step/rollback screens) and the help and stage screens.
# Each is loaded when first needed. Figures: -X importtime, cumulative, imported after this
# module, median of 7 runs on the shared 2-core machine; the ratio to this module's own import is
# the steady part.

DARK, LIGHT = "textual-dark", "textual-light"


class WizardApp(App[int]):
    """A guided 403 troubleshooting session."""

    TITLE = "apigw-wizard"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {WizardCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        evidence: StartEvidence | None = None,
        *,
        driver: SessionDriver | None = None,
        session_path: Path | None = None,
        probe_aws: bool = True,
        config: TuiConfig | None = None,
        config_error: str | None = None,
    ) -> None:
        super().__init__()
        self.evidence = evidence or StartEvidence()
        self.driver = driver
        self.session_path = session_path
        self.probe_aws = probe_aws  # False in tests/snapshots: keep the user's ~/.aws out
        # The user's config (wizard.ui.tui.config): remapped bindings and a theme; a config
        # that could not be used arrives as `config_error` and is shown once the app is up.
        config = config or TuiConfig()
        self.set_keymap(config.keymap)
        self.theme = config.theme or DARK
        self.config_error = config_error

    def on_mount(self) -> None:
        if self.config_error:
            self.notify(escape(self.config_error), title="Config", severity="error", timeout=12)
        if self.driver is not None and self.driver.started:
            self.show_current()
        else:
            self.push_screen(StartScreen(self.evidence, probe_aws=self.probe_aws))
        self._offer_interrupted_rollback()  # above the first screen: it is read first

    # ---- the walk -----------------------------------------------------------------------------

    def on_start_screen_begin(self, message: StartScreen.Begin) -> None:
        self.evidence = message.evidence
        self.start_walk(message.evidence)

    class WalkStarted(Message):
        """The worker built the session (or could not: `error` is one line for the user)."""

        def __init__(self, driver: SessionDriver | None, error: str | None) -> None:
            super().__init__()
            self.driver = driver
            self.error = error

    @work(thread=True, exclusive=True, exit_on_error=False, group="start")
    def start_walk(self, evidence: StartEvidence) -> None:
        """Load the playbook, open the AWS session (boto3) and start the walk, off the UI thread."""
        # lazy: wizard.ui.tui.driver, the whole backend ~1.6-4 s (2.9x this module's import)
        from wizard.ui.tui.driver import SessionDriver, StartError

        try:
            if self.driver is None:
                driver = SessionDriver.create(evidence)
            else:
                driver = self.driver
                driver.restart(evidence)
        except StartError as exc:
            self.post_message(self.WalkStarted(None, str(exc)))
            return
        self.post_message(self.WalkStarted(driver, None))

    def on_wizard_app_walk_started(self, message: WalkStarted) -> None:
        if message.error is not None or message.driver is None:
            self.notify(
                escape(str(message.error)), title="Cannot start", severity="error", timeout=8
            )
            return
        self.driver = message.driver
        if self.driver.investigation is not None:
            # Fixes run in a worker: the journal's path reaches the user as a notification.
            self.driver.investigation.announce = lambda line: self.call_from_thread(
                self.notify, escape(line), title="Change journal", timeout=12
            )
        self.show_current()

    def _offer_interrupted_rollback(self) -> None:
        """An earlier fix stopped half-way (its journal is unfinished): a dialog says what
        was interrupted and what a rollback would do, before anything else."""
        if not maybe_unfinished():  # nothing to offer: the first paint does not wait on botocore
            return
        # lazy: investigation.restore pulls aws.fixes and botocore ~1.2-2.8 s (2.5x this module)
        from wizard.investigation.restore import interrupted

        try:
            found = interrupted()
        except (OSError, KeyError, TypeError):
            return
        if not found:
            return

        def answered(roll_back: bool | None) -> None:
            if roll_back:
                self.restore_interrupted(found[0])
            else:
                self.notify(
                    "Left as it is: nothing was changed. `apigw-wizard rollback` can restore it.",
                    title="Interrupted fix",
                )

        self.push_screen(InterruptedFixScreen(found[0], more=len(found) - 1), answered)

    class AskRestore(Message):
        """The restore worker waits for the user's yes to the exact restore commands."""

        def __init__(self, fix: Any, answer: Future[Any]) -> None:
            super().__init__()
            self.fix = fix
            self.answer = answer

    class Restored(Message):
        def __init__(self, status: str, detail: str) -> None:
            super().__init__()
            self.status = status
            self.detail = detail

    @work(thread=True, exclusive=True, exit_on_error=False, group="restore")
    def restore_interrupted(self, found: Any) -> None:
        """Read the state, show the exact restore in the rollback dialog, run it if confirmed
        (wizard.investigation.restore: the core `apigw-wizard rollback` runs too)."""
        # lazy: loaded by _offer_interrupted_rollback before this worker runs (see there)
        from wizard.investigation.restore import connect_for, restore
        from wizard.ui.tui.fix_flow import confirm_with  # lazy: the backend too (2.6x this module)
        from wizard.ui.tui.view import FixView  # lazy: ~60 ms (9% of this module); fix_flow has it

        given = self.evidence

        def ask(fix: FixView) -> Any:
            answer: Future[Any] = Future()
            self.post_message(self.AskRestore(fix, answer))
            return answer.result()

        shown = FixView(
            cause_id="",
            fix_id=f"{found.fix_id}.rollback",
            title=f"restore what “{found.title}” changed",
            explanation="Restores the state saved before the interrupted fix.",
            applicable=True,
        )
        try:
            aws = connect_for(
                found.journal,
                profile=given.profile or None,
                region=given.region or None,
                endpoint=given.endpoint_url or None,
            )
            result = restore(found.journal, confirm_with(shown, ask), aws=aws)
        except ProbeError as exc:
            self.post_message(self.Restored("failed", f"AWS: {exc}"))
            return
        except Exception as exc:  # a session that cannot be opened: one line, nothing changed
            self.post_message(self.Restored("failed", str(exc)))
            return
        self.post_message(self.Restored(result.status, result.detail))

    def on_wizard_app_ask_restore(self, message: AskRestore) -> None:
        # lazy: the rollback screen pulls fix_flow and the backend (2.5x this module's import)
        from wizard.ui.tui.screens.rollback import RollbackScreen

        def answered(confirmation: Any) -> None:
            if not message.answer.done():
                message.answer.set_result(confirmation)

        self.push_screen(RollbackScreen(message.fix, replays=False), answered)

    def on_wizard_app_restored(self, message: Restored) -> None:
        said = {
            "restored": "Restored",
            "nothing_to_undo": "Nothing to undo",
            "declined": "Not rolled back: nothing was changed",
            "failed": "The rollback did not complete",
        }[message.status]
        severity: Any = "error" if message.status == "failed" else "information"
        self.notify(f"{said}: {escape(message.detail)}", title="Interrupted fix", severity=severity)

    def show_current(self) -> None:
        """Show the screen for where the walk is now: a stage the probes answered that the
        user has not seen yet, else the question, else the findings at the end."""
        # lazy: the findings screen pulls the backend ~1.4-4 s (2.1x this module's import)
        from wizard.ui.tui.screens.findings import FindingsScreen
        from wizard.ui.tui.screens.step import StepScreen  # lazy: imports the findings screen

        assert self.driver is not None
        page = self.driver.next_stage_page()
        if page is not None:
            self.show_page(self.driver.stage_page(page))
            return
        target: Screen[None] = (
            FindingsScreen(self.driver) if self.driver.finished else StepScreen(self.driver)
        )
        self._show(target)

    def show_page(self, page: Any) -> None:
        """One stage's page (wizard.ui.tui.screens.stage)."""
        # lazy: the stage screen and its evidence widgets ~110 ms (11% of this module's import)
        from wizard.ui.tui.screens.stage import StageScreen

        assert self.driver is not None
        self._show(StageScreen(self.driver, page))

    def _show(self, target: Screen[None]) -> None:
        # One step, stage or findings screen at a time above the start screen.
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2 and not isinstance(self.screen, StartScreen):
            self.switch_screen(target)
        else:
            self.push_screen(target)

    # ---- actions shared by every screen --------------------------------------------------------

    def action_help(self) -> None:
        # lazy: Markdown (markdown_it, pygments) ~195 ms (18% of this module's import)
        from wizard.ui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        text = getattr(self.screen, "HELP", None) or "## apigw-wizard"
        help_for = getattr(self.screen, "help_text", None)
        if callable(help_for):
            text = help_for()
        self.push_screen(HelpScreen(text, screen_keys(self.screen)))

    def action_report(self) -> None:
        if self.driver is None or not self.driver.started:
            self.notify("Start the diagnosis first: there is nothing to export yet.")
            return
        if not isinstance(self.screen, ReportScreen):
            self.push_screen(ReportScreen(self.driver))

    def action_export_md(self) -> None:
        self.export_report("md")

    def action_export_html(self) -> None:
        self.export_report("html")

    class Exported(Message):
        def __init__(self, path: Path | None, error: str | None) -> None:
            super().__init__()
            self.path = path
            self.error = error

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export_report(self, fmt: str) -> None:
        """Write the report next to the user (cwd), named after the session's start."""
        if self.driver is None or not self.driver.started:
            self.post_message(self.Exported(None, "start the diagnosis first"))
            return
        path = self.driver.default_export_stem().with_suffix("." + fmt)
        try:
            written = self.driver.export(path, fmt)
        except (OSError, ValueError) as exc:
            self.post_message(self.Exported(None, str(exc)))
            return
        self.post_message(self.Exported(written, None))

    def on_wizard_app_exported(self, message: Exported) -> None:
        if message.error:
            self.notify(f"Not exported: {escape(message.error)}", severity="error")
        else:
            self.notify(f"Report written to {escape(str(message.path))}", title="Exported")

    def action_start_over(self) -> None:
        """Back to the start screen with the evidence given; the current walk is saved first."""
        self.save_session()
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, StartScreen):
            self.switch_screen(StartScreen(self.evidence, probe_aws=self.probe_aws))
        self.session_path = None  # the next walk is a new session file

    def can_run(self, action: str) -> bool:
        if action in ("report", "start_over", "save", "export_md", "export_html"):
            return self.driver is not None and self.driver.started
        return True

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def action_save(self) -> None:
        path = self.save_session()
        if path is not None:
            self.notify(f"Session saved to {escape(str(path))}", title="Saved")

    def save_session(self) -> Path | None:
        """Save the session (tokens redacted by the engine); None if nothing to save yet."""
        if self.driver is None or not self.driver.started:
            return None
        if self.session_path is None:
            # lazy: wizard.ui.tui.driver, the backend; a session exists only once it is loaded
            from wizard.ui.tui.driver import default_session_path

            self.session_path = default_session_path()
        try:
            self.driver.save(self.session_path)
        except OSError as exc:
            self.notify(f"Could not save the session: {escape(str(exc))}", severity="error")
            return None
        return self.session_path

    def action_quit_saving(self) -> None:
        path = self.save_session()
        if path is not None:
            self.saved_on_exit = path
        self.exit(self.exit_code_for_session())

    saved_on_exit: Path | None = None

    def exit_code_for_session(self) -> int:
        if self.driver is None or not self.driver.started:
            return exitcodes.OK
        return self.driver.exit_code()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Keep Textual's theme / keys / screenshot commands, drop its plain "Quit" (ours saves).
        for command in super().get_system_commands(screen):
            if command.title.lower() != "quit":
                yield command


def run(args: argparse.Namespace) -> int:
    """Entry point for `apigw-wizard` with no command (called by wizard.commands.interactive)."""
    # Here, not at the top: `import wizard.ui.tui.app` for WizardApp alone (demo, serve, tests).
    # lazy: wizard.ui.tui.driver, the whole backend (2.9x this module's import)
    from wizard.ui.tui.driver import SessionDriver, StartError

    def arg(name: str) -> str:
        return str(getattr(args, name, None) or "")

    # The connection flags, and the request if the command line carries it (`diagnose`-style
    # names, so a demo can open the wizard on its own incident).
    evidence = StartEvidence(
        profile=arg("profile"),
        region=arg("region"),
        endpoint_url=arg("endpoint_url"),
        url=arg("url"),
        method=arg("method"),
        api_id=arg("api_id"),
        stage=arg("stage"),
        path=arg("path"),
        token=arg("token"),
    )
    evidence.offline = not (evidence.profile or evidence.endpoint_url)
    driver: SessionDriver | None = None
    session_path: Path | None = None
    resume = getattr(args, "resume", None)
    try:
        if resume:
            session_path = Path(resume)
            driver = SessionDriver.resume(
                session_path, playbook=getattr(args, "playbook", None), connection=evidence
            )
        elif getattr(args, "playbook", None):
            driver = SessionDriver.unstarted(playbook=args.playbook)
    except StartError as exc:
        sys.stderr.write(f"apigw-wizard: error: {exc}\n")
        return exitcodes.USAGE
    config, config_error = load_config(getattr(args, "config", None))
    app = WizardApp(
        evidence,
        driver=driver,
        session_path=session_path,
        config=config,
        config_error=config_error,
    )
    code = app.run()
    if config_error:  # also in the scrollback: the notification left with the screen
        sys.stderr.write(f"apigw-wizard: {config_error}\n")
    if app.saved_on_exit is not None:
        sys.stderr.write(f"Session saved to {app.saved_on_exit} (resume with --resume)\n")
    return int(code) if code is not None else exitcodes.OK


def screen_keys(screen: Any) -> list[tuple[str, str]]:
    """The keys `screen` answers to now (its own, its focused widget's and the app's), one row
    per action with all its keys, and the binding's tooltip or description."""
    rows: dict[str, tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        does = binding.tooltip or binding.description
        if not does or binding.system:
            continue
        keys, _ = rows.setdefault(binding.action, ([], does))
        shown = screen.app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [(" / ".join(keys), does) for keys, does in rows.values()]
