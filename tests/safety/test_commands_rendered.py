"""Every copy-pasteable command comes from an argv list through the one renderer: the
catalogue's guidance and example code spell out no command with a fact in it, no module of the
package builds a command with an f-string (fixes, and the manual path of every probe), and a
hostile stage name stays one quoted word."""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path

import pytest

from wizard.aws.fixes.guidance import guidance_text, manual_commands
from wizard.aws.manual import manual_command
from wizard.aws.session import sandbox_session
from wizard.catalogue.model import load_catalogue

# `aws <service> <operation> ... {fact}` in one command (up to `)`, `;` or the line's end).
_FILLED_COMMAND = re.compile(r"\baws [a-z0-9-]+ [a-z][a-z0-9-]*[^)\n;]*\{[a-z_]+\}")
_COMMAND_TEXT = re.compile(r"\baws [a-z0-9-]+ [a-z]+-[a-z-]+")
PACKAGE = Path(__file__).parents[2] / "wizard"
HOSTILE = "$(touch /tmp/pwned)`id`'\"\n;x"


def _fixes() -> list:
    return [f for cause in load_catalogue().causes for f in cause.fixes]


@pytest.mark.parametrize("fix", _fixes(), ids=lambda f: f.id)
def test_no_catalogue_text_builds_a_command_from_facts(fix: object) -> None:
    texts = [getattr(fix, "guidance", None) or "", *getattr(fix, "code", {}).values()]
    for text in texts:
        found = _FILLED_COMMAND.search(" ".join(text.split()))
        assert found is None, f"{fix.id}: spell the command as `commands:`: {found.group(0)!r}"  # type: ignore[attr-defined, union-attr]


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_f_string_command_in_the_package(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            assert not _COMMAND_TEXT.search(text), f"{path}:{node.lineno}: {text!r}"


@pytest.mark.parametrize("fix", [f for f in _fixes() if f.commands], ids=lambda f: f.id)
def test_each_guidance_command_renders_and_quotes_hostile_facts(fix: object) -> None:
    facts = {"api_id": HOSTILE, "stage": HOSTILE, "api_key_id": HOSTILE, "route_id": HOSTILE}
    commands = manual_commands(fix, facts)
    assert len(commands) == len(fix.commands)  # type: ignore[attr-defined]
    for line in commands:
        assert "cannot be shown" not in line
        argv = shlex.split(line)  # one POSIX word per argument: nothing is evaluated
        assert argv[0] == "aws"
        assert any(HOSTILE in a or json.dumps(HOSTILE)[1:-1] in a for a in argv)


def test_fix_plan_create_stage_is_one_quoted_json_argument() -> None:
    fix = next(f for f in _fixes() if f.id == "fix-plan-create")
    text = guidance_text(fix, {"api_id": "a1b2c3", "stage": "$(touch /tmp/x)", "api_key_id": "k1"})
    assert text is not None
    line = next(s for s in text.splitlines() if "create-usage-plan " in s)
    argv = shlex.split(line)
    stages = json.loads(argv[argv.index("--api-stages") + 1])
    assert stages == [{"apiId": "a1b2c3", "stage": "$(touch /tmp/x)"}]


def test_a_probes_manual_path_is_rendered_quoted_with_the_sessions_target() -> None:
    session = sandbox_session("http://127.0.0.1:9")
    line = manual_command(session, "apigateway", "GetStage", restApiId="a1", stageName=HOSTILE)
    argv = shlex.split(line)
    assert argv[:3] == ["aws", "apigateway", "get-stage"]
    assert argv[argv.index("--stage-name") + 1] == HOSTILE  # one word, nothing evaluated
    # a command shown during the demo reaches the emulator, never real AWS
    assert argv[argv.index("--endpoint-url") + 1] == "http://127.0.0.1:9"
    assert "--region" in argv
