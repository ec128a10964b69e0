"""Fixes the wizard cannot apply: the commands their guidance asks for, and a patch for the
authorizer's own code.

The commands a guidance text refers to are catalogue operations (`Fix.commands`), rendered here
with the session's facts by the one renderer (`render.render_cli`): a stage named
`$(touch x)` is quoted, never pasted into a shell line. A fact not known yet shows as `<name>`.

The seed incident's real fix is in the Lambda authorizer: it returns an Allow whose Resource
is exactly `event["methodArn"]`, and API Gateway caches that policy per token for every route.
The patch widens the Resource to the whole stage (`arn:...:{api_id}/{stage}/*/*`), derived
from the incoming methodArn so it stays right in every stage and region. Given the user's
source it patches every line that uses methodArn; without it, it shows the patch against the
typical authorizer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wizard.aws.fixes.bind import bind_params, placeholders
from wizard.aws.fixes.errors import FixError
from wizard.aws.fixes.render import CliTarget, render_cli

Language = Literal["python", "node"]

_PY_REF = re.compile(r"""event(?:\[\s*(["'])methodArn\1\s*\]|\.get\(\s*(["'])methodArn\2\s*\))""")
_NODE_REF = re.compile(r"""event(?:\.methodArn|\[\s*(["'])methodArn\1\s*\])""")

# A line that sets a policy Resource: `resource = ...`, `"Resource": ...`, `Resource: ...`.
_RESOURCE = re.compile(r"""\bresource\b["']?\s*[:=]""", re.IGNORECASE)
_COMMENT = {
    "python": "# API Gateway caches this policy per token and reuses it for every route:\n"
    "# allow the whole stage (arn:...:{api}/{stage}/*/*), not just the first method.",
    "node": "// API Gateway caches this policy per token and reuses it for every route:\n"
    "// allow the whole stage (arn:...:{api}/{stage}/*/*), not just the first method.",
}

TYPICAL: dict[Language, str] = {
    "python": """import jwt


def handler(event, context):
    token = event["authorizationToken"].removeprefix("Bearer ")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    resource = event["methodArn"]
    return {
        "principalId": claims["sub"],
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}],
        },
    }
""",
    "node": """const jwt = require("jsonwebtoken");

exports.handler = async (event) => {
  const token = event.authorizationToken.replace(/^Bearer /, "");
  const claims = jwt.verify(token, process.env.SECRET, { algorithms: ["HS256"] });
  const resource = event.methodArn;
  return {
    principalId: claims.sub,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: resource }],
    },
  };
};
""",
}

FILENAMES: dict[Language, str] = {"python": "authorizer.py", "node": "index.js"}


@dataclass(frozen=True)
class CodePatch:
    language: Language
    diff: str  # unified diff, empty when nothing matched
    lines_changed: int
    example: bool  # True when patched against the typical authorizer, not the user's code

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "diff": self.diff,
            "lines_changed": self.lines_changed,
            "example": self.example,
        }


def stage_wide_resource(facts: Mapping[str, Any]) -> str:
    """The Resource the authorizer should return for this API, e.g. for the report."""
    return (
        f"arn:aws:execute-api:{facts.get('region', '{region}')}:"
        f"{facts.get('account_id', '{account_id}')}:{facts.get('api_id', '{api_id}')}/"
        f"{facts.get('stage', '{stage}')}/*/*"
    )


def _wide(language: Language, base: str) -> str:
    if language == "python":
        return f'"/".join({base}.split("/")[:2] + ["*", "*"])'
    return f'{base}.split("/").slice(0, 2).concat(["*", "*"]).join("/")'


def _alias(ref: re.Pattern[str], line: str) -> str | None:
    """`arn` for a line like `arn = event["methodArn"]` (not itself a Resource line)."""
    found = ref.search(line)
    if not found or _RESOURCE.search(line):
        return None
    target = re.search(r"(\w+)\s*=\s*$", line[: found.start()])
    return target.group(1) if target else None


def patch_source(language: Language, text: str) -> tuple[str, int]:
    """`text` with every Resource built from methodArn widened to the stage; lines changed.

    Only lines that set a Resource are touched (a methodArn in a log line stays as it is):
    `resource = event["methodArn"]`, `"Resource": event["methodArn"]`, or `"Resource": arn`
    where `arn = event["methodArn"]` earlier.
    """
    ref = _PY_REF if language == "python" else _NODE_REF
    lines = text.splitlines(keepends=True)
    aliases = {alias for line in lines if (alias := _alias(ref, line))}
    out: list[str] = []
    changed = 0
    for line in lines:
        new = line
        found = _RESOURCE.search(line)
        if found and not line.lstrip().startswith(("#", "//")):
            head, tail = line[: found.end()], line[found.end() :]
            tail = ref.sub(lambda m: _wide(language, m.group(0)), tail)
            for alias in aliases:
                tail = re.sub(rf"\b{re.escape(alias)}\b", _wide(language, alias), tail)
            new = head + tail
        if new != line:
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + c + "\n" for c in _COMMENT[language].splitlines()]
            changed += 1
        out.append(new)
    return "".join(out), changed


def authorizer_patch(
    language: Language, source: str | None = None, filename: str | None = None
) -> CodePatch:
    """A unified diff that makes the authorizer return a stage-wide Resource."""
    text = TYPICAL[language] if source is None else source
    patched, changed = patch_source(language, text)
    name = filename or FILENAMES[language]
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            patched.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
    return CodePatch(language, diff, changed, source is None)


def widens_authorizer_resource(fix: Any) -> bool:
    """True for a catalogue fix whose manual step is "return a stage-wide Resource" (its
    guidance or example code shows the `.../{stage}/*/*` form)."""
    texts = [getattr(fix, "guidance", None) or "", *(getattr(fix, "code", None) or {}).values()]
    return any("/*/*" in text or "stage-wide resource" in text.lower() for text in texts)


def patches_for_fix(fix: Any, sources: Mapping[Language, str] | None = None) -> list[CodePatch]:
    """The authorizer patches (Python and Node) that go with `fix`, or none. `sources`: the
    user's own authorizer code by language, patched instead of the typical one."""
    if not widens_authorizer_resource(fix):
        return []
    sources = sources or {}
    return [authorizer_patch(lang, sources.get(lang)) for lang in ("python", "node")]


def manual_commands(
    fix: Any, facts: Mapping[str, Any], target: CliTarget | None = None
) -> list[str]:
    """The commands `fix`'s guidance asks the user to run, each one line for a POSIX shell,
    with the known facts bound and the unknown ones shown as `<name>`."""
    out = []
    for i, op in enumerate(getattr(fix, "commands", None) or []):
        missing = {n: f"<{n}>" for n in placeholders(op.params) if facts.get(n) is None}
        try:
            params = bind_params(op.params, {**facts, **missing}, where=f"fix {fix.id} command")
            out.append(render_cli(op.service, op.operation, params, target))
        except FixError as exc:  # a catalogue slip: say so rather than show a wrong command
            out.append(f"(command {i + 1} cannot be shown: {exc})")
    return out


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def fill_placeholders(text: str, facts: Mapping[str, Any]) -> str:
    """Put the known facts into prose or example code's `{placeholders}`; unknown ones stay
    visible. Never used for a command: those are rendered from operations."""

    def sub(m: re.Match[str]) -> str:
        value = facts.get(m.group(1))
        return (
            str(value)
            if isinstance(value, str | int) and not isinstance(value, bool)
            else m.group(0)
        )

    return _PLACEHOLDER.sub(sub, text)


def guidance_text(
    fix: Any, facts: Mapping[str, Any], target: CliTarget | None = None
) -> str | None:
    """The guidance prose (facts filled in) followed by its commands, one per line, or None."""
    prose = getattr(fix, "guidance", None)
    commands = manual_commands(fix, facts, target)
    if not prose and not commands:
        return None
    lines = [fill_placeholders(str(prose), facts)] if prose else []
    return "\n".join([*lines, *(f"  {c}" for c in commands)])
