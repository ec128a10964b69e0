"""What a playbook load reports and where: the error with its `file:line: dotted.path`, the line
numbers of a YAML document by path, and the nearest valid name to suggest. Its own module because
the loader and the graph lint (wizard.engine.lint) both report them, and the loader runs the lint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class LintError:
    """One problem in a playbook: `file:line: dotted.path: message`."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PlaybookError(Exception):
    """A playbook that cannot be used; `errors` lists every problem found."""

    def __init__(self, errors: Sequence[LintError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = list(errors)


class Lines:
    """Line numbers (1-based) of every key and list item, by their path in the document."""

    def __init__(self, by_path: Mapping[Loc, int]) -> None:
        self._by_path = dict(by_path)

    def line(self, path: Iterable[str | int]) -> int:
        """The line of `path`, or of its nearest ancestor that has one (e.g. for a missing key)."""
        loc = tuple(path)
        while loc:
            if loc in self._by_path:
                return self._by_path[loc]
            as_text = (*loc[:-1], str(loc[-1]))  # a YAML key like `1:` is an int in the data
            if as_text in self._by_path:
                return self._by_path[as_text]
            loc = loc[:-1]
        return self._by_path.get((), 1)


def _suggest(name: str, valid: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _one_of(names: Sequence[str]) -> str:
    return f"; expected one of: {', '.join(names)}" if names else ""


def suggest(name: str, valid: Iterable[str]) -> str:
    """` (did you mean 'X'?)` for the nearest valid name, or an empty string."""
    return _suggest(name, valid)
