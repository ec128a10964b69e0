"""One paste, whatever its shape, as the text the evidence parser reads.

A curl `-i`/`-v` paste is read as it is. Two other shapes are rewritten first, so they give the
same typed observations a curl paste of the same response would:

- an SDK or HTTP-client exception dump (sdk_dumps.py): its status, error type, request id and
  the service's message are written as a curl -i block *before* the paste, which is kept whole
  after it (the prose around a dump is evidence too);
- a HAR document pasted as text (har.py), alone or inside a description: replaced by its failing
  entry, rendered as curl -v (a HAR file is thousands of lines of other requests that are not
  evidence); the prose around it is kept.

`normalise(text)` returns the text to parse and the observations the shape itself adds
(`paste:har`, `paste:sdk-botocore`, the service an SDK dump names). Pure and bounded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache

from wizard.analysis.bounded import BoundedParseError, check_depth
from wizard.analysis.diagnosis import har, sdk_dumps

# A HAR document is parsed only up to this size when pasted (explain --har reads files itself).
MAX_HAR_PASTE = 10 * 1024 * 1024


def _may_be_dump(text: str) -> bool:
    head = text[:100_000]
    return any(t in head for t in sdk_dumps.SDK_TRIGGERS)


@dataclass(frozen=True)
class Paste:
    text: str
    form: str = "text"  # text | har | sdk-<form>
    observations: frozenset[str] = field(default_factory=frozenset)


def normalise(text: str) -> Paste:
    """The paste as the evidence parser should read it. Never raises."""
    if not isinstance(text, str) or not text:
        return Paste("" if not isinstance(text, str) else text)
    if '"entries"' in text[:MAX_HAR_PASTE]:
        rendered = _har_paste(text)
        if rendered is not None:
            return rendered
    if not _may_be_dump(text):
        return Paste(text)

    dump = sdk_dumps.read_sdk_dump(text)
    if dump is not None:
        block = sdk_dumps.as_http(dump)
        if block:
            return Paste(
                block + "\n\n" + text,
                f"sdk-{dump.form}",
                frozenset(sdk_dumps.observations_of(dump)),
            )
    return Paste(text)


@cache
def _har_start() -> re.Pattern[str]:
    return re.compile(r'\{\s*"log"\s*:')


def _har_paste(text: str) -> Paste | None:
    """The first HAR document in `text` (a JSON object whose first key is "log") replaced by its
    failing entry; None when there is none, or it does not parse, or nothing in it failed."""

    m = _har_start().search(text[:MAX_HAR_PASTE])
    if m is None:
        return None
    try:
        doc, end = json.JSONDecoder().raw_decode(text[:MAX_HAR_PASTE], m.start())
        check_depth(doc, what="the pasted HAR")
        entry = har.pick_failing_entry(doc)
    except (BoundedParseError, ValueError, RecursionError):
        return None
    before, after = text[: m.start()].strip(), text[end:].strip()
    rendered = har.render(entry)
    # The rendered entry leads (observations.py reads its mark); the prose follows it.
    return Paste(
        "\n\n".join(p for p in (rendered, before, after) if p), "har", frozenset({"paste:har"})
    )


def observations_of(text: str) -> frozenset[str]:
    """The shape observations of a paste, read again from the text `normalise` returned (the
    classifier hands the observers only that text)."""
    if text.startswith(har.HAR_MARK):
        return frozenset({"paste:har"})
    if not _may_be_dump(text):
        return frozenset()

    dump = sdk_dumps.read_sdk_dump(text)
    return frozenset(sdk_dumps.observations_of(dump)) if dump is not None else frozenset()
