"""From the policy an authorizer really returned to the change its code needs (pure, no I/O).

An Allow that does not cover the request's method ARN is wrong in one or more parts: a region,
account, API id or stage typed in instead of taken from `event.methodArn`, a method, or a
Resource scoped to the first method called (cached, then reused for every route). Each part is
compared on its own (IAM glob rules, `*` kept where it already matches); the wrong ones are
named with the value they should have, and the Resource is rebuilt with those replaced. A
Resource that is exactly the method ARN of another call is the method-scoped bug: its method and
path become `*`, so the stage-wide Allow survives the authorizer cache.

`patch_resource_lines` applies the same correction to the text that builds the Resource (the
authorizer's source, or the policy it reads from its configuration): only lines that set a
Resource are touched, and only the wrong part's text in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.analysis.arn import arn_matches, glob_matches

_HEAD = ("arn", "partition", "service", "region", "account")
_PARTS = ("api", "stage", "method", "path")
_RESOURCE_LINE = re.compile(r"""\bresource\b["']?\s*[:=]""", re.IGNORECASE)


@dataclass(frozen=True)
class WrongPart:
    part: str  # region, account, api, stage, method or path
    returned: str  # what the Allow says
    wanted: str  # what would cover the request

    def to_dict(self) -> dict[str, str]:
        return {"part": self.part, "returned": self.returned, "wanted": self.wanted}


def _split(arn: str) -> tuple[list[str], list[str]] | None:
    sections = arn.split(":", 5)
    if len(sections) != 6:
        return None
    resource = sections[5].split("/", 3)
    return sections[:5], resource + [""] * (4 - len(resource))


def wrong_parts(resource: str, method_arn: str) -> list[WrongPart]:
    """The parts of `resource` (an Allow's Resource) that do not cover `method_arn`."""
    got, want = _split(resource), _split(method_arn)
    if got is None or want is None or arn_matches(resource, method_arn):
        return []
    (g_head, g_res), (w_head, w_res) = got, want
    out = [
        WrongPart(label, g, w)
        for label, g, w in zip(_HEAD, g_head, w_head, strict=True)
        if label in ("region", "account") and not glob_matches(g, w, ignore_case=True)
    ]
    if resource == _scoped_twin(resource, method_arn):
        # The method-scoped Resource: exactly another call's method ARN.
        return [*out, WrongPart("method", g_res[2], "*"), WrongPart("path", g_res[3], "*")]
    for label, g, w in zip(_PARTS, g_res, w_res, strict=True):
        if label == "path":
            if g and not glob_matches(g, w):
                out.append(WrongPart(label, g, "*"))
        elif not glob_matches(g, w):
            out.append(WrongPart(label, g, w))
    return out


def _scoped_twin(resource: str, method_arn: str) -> str | None:
    """`resource` when it is a wildcard-free method ARN of the same API and stage, other call."""
    got, want = _split(resource), _split(method_arn)
    if got is None or want is None or "*" in resource or resource == method_arn:
        return None
    same_stage = got[1][:2] == want[1][:2] and got[0][3:] == want[0][3:]
    return resource if same_stage else None


def corrected_resource(resource: str, method_arn: str) -> str | None:
    """`resource` with its wrong parts replaced; None when it already covers `method_arn`."""
    wrong = wrong_parts(resource, method_arn)
    if not wrong:
        return None
    sections = resource.split(":", 5)
    fix = {w.part: w.wanted for w in wrong}
    head = [fix.get(label, value) for label, value in zip(_HEAD, sections[:5], strict=True)]
    pieces = sections[5].split("/", 3)
    res = [fix.get(label, value) for label, value in zip(_PARTS, pieces, strict=False)]
    if len(res) < 4 and "path" in fix:
        res += ["*"] * (4 - len(res))
    return ":".join(head) + ":" + "/".join(res)


def _part_pattern(part: str, text: str) -> re.Pattern[str]:
    """Where `text` stands as that part in an ARN or ARN template: between its separators."""
    sep = r"[:]" if part in ("region", "account") else r"[/]"
    end = r"(?=[:]|$|[\"'])" if part in ("region", "account") else r"(?=[/]|$|[\"'])"
    return re.compile(rf"(?<={sep}){re.escape(text)}{end}")


def patch_resource_lines(text: str, wrong: list[WrongPart]) -> tuple[str, int]:
    """`text` with each wrong part corrected on the lines that set a Resource; lines changed."""
    out: list[str] = []
    changed = 0
    for line in text.splitlines(keepends=True):
        new = line
        if _RESOURCE_LINE.search(line):
            for w in wrong:
                new = _part_pattern(w.part, w.returned).sub(w.wanted, new)
        changed += new != line
        out.append(new)
    return "".join(out), changed
