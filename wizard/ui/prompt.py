"""Prompt mode (`apigw-wizard --plain`): the walk with plain questionary prompts.

Each question is rendered from its playbook declaration (choice → select, text → text, paste →
multi-line text that ends on an empty line or Esc+Enter, confirm → confirm); its help is shown on
`?`. Back and quit are offered at every prompt; Ctrl-C saves the session and says where.

The widgets sit behind the `Prompter` protocol so the walk can be driven by a fake in tests;
`QuestionaryPrompter` is the real one. `PromptWalk` is an answer source of the one
investigation (`wizard.investigation`): the walk, the fixes and the exit code live there.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

from wizard import exitcodes
from wizard.analysis.inert import inert
from wizard.aws.fixes.driver import default_who, format_plan
from wizard.aws.fixes.plan import Confirmation
from wizard.aws.resend_consent import needs_resend_consent
from wizard.engine.events import (
    OFFLINE_SKIP_REASON,
    AnswerRecorded,
    Event,
    Finding,
    ProbeFailed,
    ProbeSkipped,
    Transition,
)
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import QuestionNode
from wizard.engine.session import UNKNOWN_TEXT, Current, display
from wizard.investigation import Control, FailingRequest, FixOut, Investigation
from wizard.investigation.investigation import FIRST_QUESTION
from wizard.report.files import report_name, report_path
from wizard.ui.headless import next_step_lines

# What the user can say instead of an answer, at any prompt (typed at text prompts; offered as
# entries of a select; single keys at a confirm).
BACK = ":back"
QUIT = ":quit"
HELP = ":help"
DONT_KNOW = ":unknown"
COMMANDS = (BACK, QUIT, HELP, DONT_KNOW)
_ALIASES = {"?": HELP, ":?": HELP, ":b": BACK, ":q": QUIT, ":u": DONT_KNOW}


@dataclass(frozen=True)
class Option:
    """One entry of a select: `value` is returned when picked."""

    value: str
    title: str


class Prompter(Protocol):
    """The four widgets prompt mode needs, plus output. Each returns the answer as text, or one
    of COMMANDS; Ctrl-C raises KeyboardInterrupt."""

    def select(self, message: str, options: Sequence[Option], default: str | None) -> str: ...

    def text(self, message: str, default: str | None, instruction: str) -> str: ...

    def paste(self, message: str, instruction: str) -> str: ...

    def confirm(self, message: str, default: bool | None, instruction: str) -> str:
        """'yes', 'no', or one of COMMANDS."""
        ...

    def secret(self, message: str, instruction: str) -> str:
        """Like text, but not echoed (tokens)."""
        ...

    def show(self, text: str) -> None: ...


class QuestionaryPrompter:
    """The real prompts (questionary over prompt_toolkit)."""

    def __init__(self, out: TextIO | None = None, **io: Any) -> None:
        self.out = out or sys.stdout
        self.io = io  # `input=` / `output=` for prompt_toolkit, used by tests

    def select(self, message: str, options: Sequence[Option], default: str | None) -> str:
        choices = [questionary.Choice(title=o.title, value=o.value) for o in options]
        picked = next((c for c in choices if c.value == default), None)
        result = questionary.select(
            message, choices=choices, default=picked, **self.io
        ).unsafe_ask()
        return str(result)

    def text(self, message: str, default: str | None, instruction: str) -> str:
        question = questionary.text(
            message, default=default or "", instruction=instruction, **self.io
        )
        return str(question.unsafe_ask())

    def paste(self, message: str, instruction: str) -> str:
        # The question is printed as plain text: prompt_toolkit draws nothing at all for a
        # multi-line prompt whose message wraps past the terminal width (seen in a pty test).
        self.show(f"? {message}\n  {instruction}")
        question = questionary.text(
            "Paste:",
            multiline=True,
            instruction="",
            qmark="›",
            key_bindings=_paste_bindings(),
            **self.io,
        )
        return str(question.unsafe_ask())

    def confirm(self, message: str, default: bool | None, instruction: str) -> str:
        question = questionary.confirm(
            message, default=bool(default), instruction=instruction, **self.io
        )
        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, _command_keys()])  # type: ignore[list-item]
        result = question.unsafe_ask()
        if isinstance(result, str):
            return result
        return "yes" if result else "no"

    def secret(self, message: str, instruction: str) -> str:
        return str(questionary.password(message, instruction=instruction, **self.io).unsafe_ask())

    def show(self, text: str) -> None:
        # Where every line of the walk leaves prompt mode: made inert (prompt_toolkit shows
        # control characters in its own prompts as ^[, but this is a plain write).
        self.out.write(inert(text.rstrip("\n")) + "\n")
        self.out.flush()


def _paste_bindings() -> Any:
    """Enter on an empty last line finishes a paste (so does Esc+Enter); a bracketed paste keeps
    its blank lines (an HTTP response has one between headers and body)."""
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event: Any) -> None:
        buffer = event.current_buffer
        if buffer.document.is_cursor_at_the_end and buffer.text.endswith("\n"):
            buffer.text = buffer.text.rstrip("\n")
            buffer.validate_and_handle()
        elif buffer.document.is_cursor_at_the_end and not buffer.text:
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return bindings


def _command_keys() -> Any:
    """Single keys at a yes/no prompt: b back, ? help, u don't know, q quit."""
    bindings = KeyBindings()
    for key, command in (("b", BACK), ("?", HELP), ("u", DONT_KNOW), ("q", QUIT)):

        def exit_with(event: Any, command: str = command) -> None:
            event.app.exit(result=command)

        bindings.add(key)(exit_with)
    return bindings


# --------------------------------------------------------------------------- the walk


class PromptWalk:
    """Prompt mode's answer source: drives an Investigation with a Prompter until the end, a
    quit, or Ctrl-C, then renders its Outcome."""

    def __init__(
        self,
        investigation: Investigation,
        prompter: Prompter,
        *,
        save_dir: Callable[[], Path],
        cancel: threading.Event | None = None,
        clock: Callable[[], datetime] | None = None,
        offer_report: bool = False,
    ) -> None:
        """`offer_report`: at the end, offer to write the incident report (the interactive
        front ends turn it on)."""
        self.investigation = investigation
        self.session = investigation.session
        self.offer_report = offer_report
        self.prompter = prompter
        self.save_dir = save_dir
        self.cancel = cancel or threading.Event()
        self.clock = clock or self.session.clock

    def run(self) -> int:
        """Walk to the end; returns the exit code (the investigation's; 130 quit or
        interrupted, with the session saved)."""
        self.say_intro()
        try:
            end = self.investigation.drive(self, self.cancel, replay_remembered=False)
        except KeyboardInterrupt:
            self.cancel.set()
            return self.stop("Interrupted.")
        if end != "ended":
            return self.stop("You chose to quit.")
        code = self.conclude()
        if self.offer_report:
            self.write_report()
        return code

    # ------------------------------------------------------------------ the answer source

    def say_intro(self) -> None:
        pb = self.session.playbook
        self.prompter.show(f"{pb.title} (playbook {pb.id} {pb.version})")
        self.prompter.show(
            "At any prompt: ? for help, :back to go back, :quit to stop (the session is saved)."
        )

    def probing(self, current: Current) -> None:
        node = current.node
        names = ", ".join(call.label for call in getattr(node, "probes", []))
        title = node.title or current.node_id
        self.prompter.show(f"… {title}: {names}")

    def ask(self, current: Current) -> Any:
        """The answer to the current question, UNKNOWN, BACK or QUIT (help is shown here)."""
        node = current.node
        assert isinstance(node, QuestionNode)
        self.prompter.show(f"\nWhy we ask: {node.help.why}")
        while True:
            raw = self.prompt(current, node)
            command = _ALIASES.get(raw.strip(), raw.strip()) if isinstance(raw, str) else raw
            if command == QUIT:
                return Control.QUIT
            if command == HELP:
                self.prompter.show(help_text(node))
                continue
            if command == BACK:
                return Control.BACK
            value: Any = UNKNOWN if command == DONT_KNOW else self.value(node, raw)
            if value is UNKNOWN and not node.allow_unknown:
                self.prompter.show("This question needs an answer (? shows where to find it).")
                continue
            return value

    def rejected(self, current: Current, error: str) -> None:
        self.prompter.show(error if error == FIRST_QUESTION else f"! {error}")

    def notice(self, events: list[Event]) -> None:
        self.report(events)
        for event in events:
            if isinstance(event, AnswerRecorded) and event.fact in self.investigation.prefilled:
                self.prompter.show(f"(answered from what you gave at the start: {event.fact})")

    def prompt(self, current: Current, node: QuestionNode) -> str:
        default = None if current.default is UNKNOWN else current.default
        message = node.prompt
        if node.input == "choice":
            options = [Option(str(c.value), c.label) for c in node.choices]
            if node.allow_unknown:
                options.append(Option(DONT_KNOW, "I don't know"))
            options += [
                Option(HELP, "? Why this question, and where to find the answer"),
                Option(BACK, "← Back"),
                Option(QUIT, "Quit (save the session)"),
            ]
            return self.prompter.select(message, options, None if default is None else str(default))
        if node.input == "confirm":
            keys = "b back, ? help, q quit" + (", u don't know" if node.allow_unknown else "")
            return self.prompter.confirm(message, default, f"(y/n; {keys}) ")
        commands = "? help, :back, :quit" + (", :unknown" if node.allow_unknown else "")
        if node.input == "paste":
            instruction = f"(paste, then Enter on an empty line or Esc+Enter; {commands})"
            return self.prompter.paste(message, instruction)
        text_default = None if default is None else display(default)
        return self.prompter.text(message, text_default, f"({commands})")

    @staticmethod
    def value(node: QuestionNode, raw: str) -> Any:
        if node.input == "confirm":
            return raw == "yes"
        if node.input == "choice":
            for choice in node.choices:
                if str(choice.value) == raw:
                    return choice.value
        return raw

    def report(self, events: list[Event]) -> None:
        """Teach as we go: why each branch was taken, what could not be read and what to do."""
        skipped = [e for e in events if isinstance(e, ProbeSkipped)]
        offline = [e.label for e in skipped if e.reason == OFFLINE_SKIP_REASON]
        if offline:
            self.prompter.show(f"- Offline: not checked live: {', '.join(offline)}")
        for e in skipped:
            if e.reason != OFFLINE_SKIP_REASON:
                self.prompter.show(f"- Not needed: {e.label} ({e.reason})")
        for event in events:
            if isinstance(event, ProbeFailed) and event.error_kind == "missing_input":
                self.prompter.show(f"- Not run yet: {event.label} ({event.message})")
            elif isinstance(event, ProbeFailed):
                line = f"! Could not {event.label}: {event.message}"
                if event.missing_permission:
                    line += f" (needs {event.missing_permission})"
                self.prompter.show(line)
                if event.manual_hint:
                    self.prompter.show(f"  You can do it by hand: {event.manual_hint}")
            elif isinstance(event, Transition) and event.edge.startswith(
                ("choices", "default", "on_unknown")
            ):
                self.prompter.show(f"→ {event.reason}")
            elif isinstance(event, Finding):
                self.prompter.show(f"● Found: {event.title}")

    # ------------------------------------------------------------------ the end

    def conclude(self) -> int:
        """Render the Outcome (diagnosis, evidence, fixes), offer the fixes live; the exit code
        is the investigation's."""
        outcome = self.investigation.outcome()
        diagnosis = outcome.diagnosis
        if diagnosis is None:
            return outcome.exit_code
        self.prompter.show("")
        if diagnosis.cause is None:
            self.prompter.show("Inconclusive: the evidence does not single out one cause.")
        else:
            self.prompter.show(
                f"Diagnosis: {diagnosis.title or diagnosis.cause} ({diagnosis.cause})"
            )
        self.prompter.show(diagnosis.summary)
        if diagnosis.evidence:
            self.prompter.show("Evidence:")
            for fact in diagnosis.evidence:
                value = display(fact["value"]) if fact.get("known", True) else UNKNOWN_TEXT
                self.prompter.show(
                    f"  {fact['name']} = {value}  ({fact['source']}, {fact['origin']})"
                )
        if outcome.fixes:
            self.prompter.show("Fixes:")
            for i, fix in enumerate(outcome.fixes, 1):
                self.prompter.show(f"  {i}. {fix.title}{applicability_tag(fix)}")
                for detail in (fix.fix_explanation, fix.guidance):
                    if detail:
                        self.prompter.show(f"     {detail}")
                if fix.corrected_request is not None:
                    self.prompter.show("     The corrected request (send it yourself):")
                    self.prompter.show(f"     $ {fix.corrected_request.command}")
                    for change in fix.corrected_request.changes:
                        self.prompter.show(f"     - {change}")
            if self.investigation.live and diagnosis.cause is not None:
                self.offer_fixes()
                outcome = self.investigation.outcome()
            else:
                self.prompter.show(
                    "Nothing was changed in your account. To apply a fix after confirming it, "
                    "run the wizard against the live API (--profile, --region)."
                )
        if diagnosis.cause is None and outcome.causes:
            self.prompter.show("Most likely, from everything you told me:")
            for c in outcome.causes[:3]:
                self.prompter.show(f"  {c.title or c.id} ({c.confidence:.0%})")
        if outcome.next_step is not None:
            for line in next_step_lines(outcome.next_step.model_dump()):
                self.prompter.show(line)
        return outcome.exit_code

    def offer_fixes(self) -> None:
        """Live walks: show each fix's exact commands and what they change, apply the first one
        the user confirms (snapshot, apply, verify, rollback plan: the investigation's fix
        lifecycle)."""

        def confirm(plan: Any, changes: Any) -> Any:
            self.prompter.show("\n" + format_plan(plan, changes))
            answer = self.prompter.confirm(
                f"Apply these {len(plan.cli)} command(s) now?", False, "(y/n) "
            )
            if answer != "yes":
                self.prompter.show("Not applied.")
                return None
            return Confirmation.for_plan(plan, by=default_who(), shown=plan.cli)

        self.investigation.announce = self.prompter.show  # where the change journal is
        try:
            tried = self.investigation.apply_first(confirm)
        except Exception as exc:  # never a traceback mid-incident; nothing was confirmed blindly
            self.prompter.show(f"! Could not apply a fix: {exc}")
            return
        for slot in tried:
            fix = slot.out
            self.prompter.show(f"{fix.title}: {fix.state.value}. {fix.detail or ''}".rstrip())
            if fix.applied and fix.rollback:
                self.prompter.show("To undo it:")
                for line in fix.rollback:
                    self.prompter.show(f"  {line}")
        if not tried:
            self.prompter.show("No fix can be applied automatically here; follow the steps above.")

    def write_report(self) -> None:
        """Offer the incident report the TUI exports too (Markdown, HTML or JSON by the file's
        suffix). Written from the live session, so it still shows what a saved file redacts
        away, such as the token's claims; secrets stay redacted in it."""
        try:
            # Default no: a confirm answers on the y/n key alone, so the Enter a user types
            # after "n" at the previous question lands here and must not write a file.
            answer = self.prompter.confirm(
                "Write an incident report to hand on (for your lead or the postmortem)?",
                False,
                "(y/n) ",
            )
            if answer != "yes":
                return
            default = report_name(self.session.started_at, "md")  # the one report name scheme
            raw = self.prompter.text(
                "Report file (.md, .html or .json)", default, "(Enter for the default) "
            )
            target = (raw or "").strip() or default
            if target.startswith(":"):  # :back / :quit at this prompt: no report
                return
            # lazy: wizard.investigation.report pulls wizard.report.render, 330-750 ms (botocore via aws.fixes.render, the catalogue; -X importtime), paid only when a report is written
            from wizard.investigation.report import write_report

            path = write_report(
                self.investigation, report_path(target, self.session.started_at, "md")
            )
        except KeyboardInterrupt:
            return
        except (OSError, ValueError) as exc:  # ReportError is a ValueError
            self.prompter.show(f"! The report was not written: {exc}")
            return
        self.prompter.show(f"Report written to {path}")

    def stop(self, why: str) -> int:
        path = self.save()
        self.prompter.show(f"\n{why} Session saved to {path}")
        self.prompter.show(f"Resume with: apigw-wizard --plain --resume {path}")
        return exitcodes.INTERRUPTED

    def save(self) -> Path:
        stamp = self.clock().strftime("%Y%m%dT%H%M%S")
        return self.session.save(self.save_dir() / f"session-{stamp}.json")


def applicability_tag(fix: FixOut) -> str:
    """What the wizard can do with this fix (the investigation decided it, by the same rule
    as diagnose --apply and the TUI)."""
    if fix.applicable:
        return "  [the wizard can apply it, after you confirm]"
    if fix.applicability == "manual":
        return "  [a step you do yourself]"
    if fix.applicability == "offline":
        return ""  # said once below: nothing changes in an offline walk
    return f"  [{fix.why_not or fix.detail}]"


def help_text(node: QuestionNode) -> str:
    lines = [f"Why: {node.help.why}"]
    if node.help.where:
        lines.append(f"Where: {node.help.where}")
    for choice in node.choices:
        if choice.help:
            lines.append(f"  {choice.label}: {choice.help}")
    return "\n".join(lines)


HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"})


def ask_live_request(prompter: Prompter) -> FailingRequest | None:
    """A live walk replays the failing call: ask for it (and the token) before starting.
    Returns the failing request (its prefill answers the questions about it), or None when the
    user quits. Both answers may be skipped."""
    request = prompter.text(
        "Which call fails? The HTTP method and the full URL (Enter to skip)",
        None,
        "(e.g. POST https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/items)",
    ).strip()
    if _ALIASES.get(request, request) == QUIT:
        return None
    token = prompter.secret(
        "The token the client sends, if any (hidden; Enter to skip)",
        "(exactly as sent, e.g. 'Bearer eyJ…'; never shown or saved in clear)",
    ).strip()
    if _ALIASES.get(token, token) == QUIT:
        return None
    out = FailingRequest()
    words = request.split()
    if words and words[0].upper() in HTTP_METHODS and len(words) > 1:
        out.method, out.url = words[0].upper(), words[1]
    elif words and words[0].startswith(("http://", "https://")):
        out.url = words[0]
    if token and not token.startswith(":"):
        out.token = token
    if out.url and needs_resend_consent(out.method or "GET", out.url):
        consent = prompter.confirm(
            f"Send {out.method} {out.url} again to read its answer?",
            False,
            "(if it succeeds now it changes data, as the real call would; No: you paste the "
            "response instead)",
        )
        if _ALIASES.get(consent, consent) == QUIT:
            return None
        out.confirm_resend = consent == "yes"
    return out
