"""Answer sources: where the drive loop gets the answer to a question.

A source is asked for the current question and replies with a value, `UNKNOWN` ("I don't
know"), or one of the controls `BACK` / `QUIT` / `WAIT` (the TUI: the user answers later, through
`Investigation.answer`). A source that gets an answer rejected is told (`rejected`) and asked
again. The scripted source (headless, tests), the questionary source (prompt mode) and the
TUI all implement this one protocol.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from enum import Enum
from typing import Any, Protocol

from wizard.engine.events import Event
from wizard.engine.facts import UNKNOWN
from wizard.engine.models import Playbook, QuestionNode
from wizard.engine.views import Current
from wizard.investigation.errors import InvestigationError


class Control(Enum):
    """What a source may reply instead of an answer."""

    BACK = "back"  # to the previous question actually asked
    QUIT = "quit"  # stop here (the front end saves the session)
    WAIT = "wait"  # the answer comes later (event-driven front ends)


BACK, QUIT, WAIT = Control.BACK, Control.QUIT, Control.WAIT
UNKNOWN_ANSWERS = frozenset({"?"})


class AnswerSource(Protocol):
    def ask(self, question: Current) -> Any:
        """The answer to `question` (a value, UNKNOWN, or a Control)."""
        ...

    def rejected(self, question: Current, error: str) -> None:
        """The last answer did not fit (`error` is one line); the question is asked again."""
        ...

    def notice(self, events: list[Event]) -> None:
        """What just happened (probe results, transitions, findings), to teach as we go."""
        ...


class MissingAnswer(InvestigationError):
    """A scripted walk reached a question its answers do not cover (a usage error naming it)."""

    def __init__(self, node_id: str, node: QuestionNode) -> None:
        self.node_id = node_id
        self.node = node
        hint = ""
        if node.input == "choice":
            hint = " (one of: " + ", ".join(str(c.value) for c in node.choices) + ")"
        super().__init__(
            f"no answer for question '{node_id}' ({node.prompt.strip()}){hint}; "
            f"give it with --answer {node_id}=VALUE or in the answers file"
        )


class BadAnswer(InvestigationError):
    """An answer does not fit its question (wrong choice, not a number...)."""


def check_answer_keys(playbook: Playbook, answers: Mapping[str, Any]) -> None:
    """Refuse answers no question of the playbook takes (a typo would be silently ignored)."""
    questions = {
        node_id: node for node_id, node in playbook.nodes.items() if isinstance(node, QuestionNode)
    }
    valid = set(questions) | {node.sets for node in questions.values()}
    for key in answers:
        if key not in valid:
            near = difflib.get_close_matches(key, sorted(valid), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise BadAnswer(f"no question '{key}' in playbook {playbook.id}{hint}")


class ScriptedAnswers:
    """Answers given up front, keyed by question id (`q_ttl`) or by the fact the question sets
    (`authorizer_ttl`); None or `?` means "I don't know". A question without an answer raises
    MissingAnswer; an answer that does not fit raises BadAnswer."""

    def __init__(self, answers: Mapping[str, Any]) -> None:
        self.answers = dict(answers)

    def ask(self, question: Current) -> Any:
        node = question.node
        assert isinstance(node, QuestionNode)
        for key in (question.node_id, node.sets):
            if key in self.answers:
                return self._value(node, self.answers[key])
        raise MissingAnswer(question.node_id, node)

    @staticmethod
    def _value(node: QuestionNode, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip() in UNKNOWN_ANSWERS):
            return UNKNOWN
        if isinstance(value, dict | list) and node.fact_type == "string":
            # A policy written as YAML/JSON structure in the answers file: the paste it means.
            return json.dumps(value)
        return value

    def rejected(self, question: Current, error: str) -> None:
        raise BadAnswer(f"answer to question '{question.node_id}': {error}")

    def notice(self, events: list[Event]) -> None:
        return None
