"""execute-api ARNs: parse, build, match (IAM glob rules) and explain a mismatch.

A method ARN names one call: ``arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH``.
Lambda authorizers receive it as ``event.methodArn`` and must return a policy whose Resource
covers it; resource policies name it (or its ``execute-api:/STAGE/METHOD/PATH`` shorthand).

Matching follows IAM: an ARN has six colon-separated sections, each compared on its own; ``*``
matches any run of characters (``/`` included) and ``?`` exactly one. The resource section is
case-sensitive (``/Prod/`` is not ``/prod/``); the ``arn``, partition and service sections are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "SEGMENTS",
    "MethodArn",
    "arn_matches",
    "build_method_arn",
    "expand_resource",
    "first_mismatch",
    "glob_matches",
    "match_resource_path",
    "parse_method_arn",
]

# Names of the parts a method ARN is made of, in order (first_mismatch reports one of them).
SEGMENTS = ("partition", "service", "region", "account", "api", "stage", "method", "path")

_SHORTHAND_PREFIX = "execute-api:"


@dataclass(frozen=True)
class MethodArn:
    """One execute-api method ARN; ``path`` has no leading slash ("" for the root resource)."""

    region: str
    account: str
    api_id: str
    stage: str
    method: str
    path: str
    partition: str = "aws"

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:execute-api:{self.region}:{self.account}:"
            f"{self.api_id}/{self.stage}/{self.method}/{self.path}"
        )

    @property
    def request_path(self) -> str:
        """The request path after the stage, with its leading slash (the shared fact `path`)."""
        return "/" + self.path


def parse_method_arn(text: str) -> MethodArn:
    """Parse a method ARN; raise ValueError with a one-line reason when it is not one.

    WebSocket route ARNs (``api/stage/$connect``) parse with the route key as ``method`` and an
    empty ``path``. A trailing slash after the method (the root resource) gives ``path == ""``.
    """
    if not isinstance(text, str):
        raise ValueError("a method ARN must be a string")
    return _parse_method_arn(text)


@lru_cache(maxsize=2048)
def _parse_method_arn(text: str) -> MethodArn:
    arn = text.strip()
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0].lower() != "arn":
        raise ValueError(
            f"not an ARN: {_short(arn)!r} (expected arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH)"
        )
    _, partition, service, region, account, resource = parts
    if service.lower() != "execute-api":
        raise ValueError(f"not an execute-api ARN: service is {service!r}, expected 'execute-api'")
    if not partition:
        raise ValueError("the ARN has an empty partition (expected aws, aws-cn or aws-us-gov)")
    if not region:
        raise ValueError("the ARN has an empty region")
    if not re.fullmatch(r"\d{12}", account):
        raise ValueError(f"the ARN's account {account!r} is not a 12-digit account id")
    pieces = resource.split("/", 3)
    if len(pieces) < 3:
        raise ValueError(
            f"the ARN's resource {_short(resource)!r} is not API_ID/STAGE/METHOD[/PATH]"
        )
    api_id, stage, method = pieces[0], pieces[1], pieces[2]
    path = pieces[3] if len(pieces) == 4 else ""
    for name, value in (("API id", api_id), ("stage", stage), ("method", method)):
        if not value:
            raise ValueError(f"the ARN's {name} is empty in {_short(resource)!r}")
    return MethodArn(region, account, api_id, stage, method, path, partition.lower())


def build_method_arn(
    region: str,
    account: str,
    api_id: str,
    stage: str,
    method: str,
    path: str,
    partition: str = "aws",
) -> str:
    """Build the method ARN API Gateway passes to authorizers; ``path`` with or without '/'."""
    return str(MethodArn(region, account, api_id, stage, method, path.lstrip("/"), partition))


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(out), flags)


def glob_matches(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """IAM glob: ``*`` any run of characters (including none and '/'), ``?`` one character."""
    return _glob_regex(pattern, ignore_case).fullmatch(text) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    """Does an IAM Resource pattern cover this ARN?

    ``*`` alone matches everything. Otherwise both are split into their six colon-separated
    sections and each is glob-matched on its own (a ``*`` in the region section does not run
    into the account). A pattern with fewer sections (``arn:aws:execute-api:*``) matches its
    last section against the whole rest of the ARN.
    """
    if not isinstance(pattern, str) or not isinstance(arn, str):
        return False
    if pattern == "*":
        return True
    return _arn_matches(pattern, arn)


@lru_cache(maxsize=8192)
def _arn_matches(pattern: str, arn: str) -> bool:
    a_parts = arn.split(":", 5)
    p_parts = pattern.split(":", 5)
    if len(a_parts) != 6 or len(p_parts) != 6:
        # Rare shapes (not an ARN, or a short pattern such as arn:aws:execute-api:*): the
        # exact, slower walk.
        return _section_mismatch(pattern, arn) is None
    return all(
        glob_matches(p, a, ignore_case=i < 3)
        for i, (p, a) in enumerate(zip(p_parts, a_parts, strict=True))
    )


def _section_mismatch(pattern: str, arn: str) -> str | None:
    """The label of the first ARN part the pattern cannot cover, or None when it matches."""
    a_parts = arn.split(":", 5)
    if len(a_parts) != 6:
        return None if glob_matches(pattern, arn) else "arn"
    p_parts = pattern.split(":", 5)
    fixed = len(p_parts) - 1  # sections compared one to one; the last takes the rest
    for i in range(fixed):
        if not glob_matches(p_parts[i], a_parts[i], ignore_case=i < 3):
            return _HEAD_LABELS[i]
    last = p_parts[-1]
    if fixed < 3:
        # The tail pattern also covers case-insensitive sections: compare those lowered.
        head = ":".join(a_parts[fixed:3]).lower()
        chunks = [(_HEAD_LABELS[fixed], head)] if head else []
        tail_from = 3
        sep = ":" if head else ""
    else:
        chunks, tail_from, sep = [], fixed, ""
    for i in range(tail_from, 5):
        chunks.append((_HEAD_LABELS[i], sep + a_parts[i]))
        sep = ":"
    resource = a_parts[5]
    pieces = resource.split("/", 3)
    for idx, piece in enumerate(pieces):
        chunks.append((_RESOURCE_LABELS[idx], (sep if idx == 0 else "/") + piece))
    states: set[int] = {0}
    for label, text in chunks:
        states = _advance(last, states, text)
        if not states:
            return label
    if len(last) in states:
        return None
    return chunks[-1][0]


_HEAD_LABELS = ("partition", "partition", "service", "region", "account")
_RESOURCE_LABELS = ("api", "stage", "method", "path")


def expand_resource(
    resource: str, *, region: str, account: str, api_id: str, partition: str = "aws"
) -> str:
    """Expand the resource-policy shorthand ``execute-api:/STAGE/METHOD/PATH`` to a full ARN.

    API Gateway expands it when the policy is saved, with the API's own region, account and id.
    Anything else (a full ARN, ``*``) is returned unchanged.
    """
    if resource.lower().startswith(_SHORTHAND_PREFIX) and resource[len(_SHORTHAND_PREFIX) :][
        :1
    ] in ("/", ""):
        rest = resource[len(_SHORTHAND_PREFIX) :]
        return f"arn:{partition}:execute-api:{region}:{account}:{api_id}{rest}"
    return resource


def first_mismatch(pattern: str, arn: str) -> str | None:
    """Name the first part of ``arn`` that ``pattern`` cannot cover, or None when it matches.

    Parts are "partition", "service", "region", "account", "api", "stage", "method", "path".
    The resource is read part by part while asking whether any ARN starting with what has been
    read so far could still match, so a ``*`` spanning several parts is handled exactly. When
    every part fits but the pattern wants more, the last part read is named.
    """
    if not isinstance(pattern, str) or not isinstance(arn, str) or pattern == "*":
        return None
    return _first_mismatch(pattern, arn)


@lru_cache(maxsize=4096)
def _first_mismatch(pattern: str, arn: str) -> str | None:
    found = _section_mismatch(pattern, arn)
    if found not in ("stage", "method", "path"):
        return found
    # A '*' may span '/', so the glob alone often blames the path; when the pattern spells the
    # API, stage and method as separate parts, compare those one by one for a clearer answer.
    p_res = pattern.split(":", 5)[-1].split("/", 3)
    a_res = arn.split(":", 5)[-1].split("/", 3)
    for idx in range(1, min(len(p_res), len(a_res), 4) - 1):
        if not glob_matches(p_res[idx], a_res[idx]):
            return _RESOURCE_LABELS[idx]
    return found


def _advance(pattern: str, states: set[int], text: str) -> set[int]:
    """NFA step of the glob over ``text``: the set of pattern positions still alive."""
    cur = _closure(pattern, states)
    for ch in text:
        nxt: set[int] = set()
        for s in cur:
            if s >= len(pattern):
                continue
            p = pattern[s]
            if p == "*":
                nxt.add(s)
            elif p == "?" or p == ch:
                nxt.add(s + 1)
        cur = _closure(pattern, nxt)
        if not cur:
            break
    return cur


def _closure(pattern: str, states: set[int]) -> set[int]:
    out = set(states)
    for s in sorted(states):
        t = s
        while t < len(pattern) and pattern[t] == "*":
            t += 1
            out.add(t)
    return out


def match_resource_path(template: str, path: str) -> dict[str, str] | None:
    """Match a request path against an API Gateway resource path template.

    ``{name}`` matches one non-empty segment, ``{name+}`` (greedy, last only) one or more
    segments. Returns the captured parameters, or None when the template does not match.
    A trailing slash is ignored on both sides; the root is "/".
    """
    t_segs = [s for s in template.strip().strip("/").split("/") if s != ""]
    p_segs = [s for s in path.split("?", 1)[0].strip().strip("/").split("/") if s != ""]
    params: dict[str, str] = {}
    for i, seg in enumerate(t_segs):
        greedy = re.fullmatch(r"\{([^{}]+)\+\}", seg)
        if greedy:
            rest = p_segs[i:]
            if not rest or i != len(t_segs) - 1:
                return None
            params[greedy.group(1)] = "/".join(rest)
            return params
        if i >= len(p_segs):
            return None
        single = re.fullmatch(r"\{([^{}+]+)\}", seg)
        if single:
            params[single.group(1)] = p_segs[i]
        elif seg != p_segs[i]:
            return None
    if len(p_segs) != len(t_segs):
        return None
    return params


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
