"""Every hazard of the campaign, per command that reads a file: deep JSON and YAML, PyYAML
constructor errors, a ten-line billion laughs, /dev/zero. Each ends in one line, exit 2, no
traceback, within its subprocess bound (the bound is a hang guard, not a speed assertion)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wizard.analysis.bounded import BoundedParseError, check_yaml_events, load_json, load_yaml
from wizard.cli import main

ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/x"
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "\n".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)
)
HAZARDS = {
    "deep-json": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "deep-yaml": "a:\n" + "".join("  " * i + "- \n" for i in range(1, 2000)),
    "deep-flow-yaml": "[" * 50_000,
    "timestamp": "when: 9999-99-99\n",
    "big-int": "n: " + "1" * 5000 + "\n",
    "laughs": LAUGHS,
    "complex-key": "? [a, b]\n: c\n",
}

# command line for a hazard file, by command; {f} is the file
COMMANDS = {
    "policy eval": ["policy", "eval", "--policy", "{f}", "--arn", ARN],
    "policy combine": ["policy", "combine", "--resource-policy", "{f}", "--arn", ARN],
    "jwt --jwks": ["jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "--jwks", "{f}"],
    "report": ["report", "{f}"],
    "cache simulate": ["cache", "simulate", "--scenario", "{f}"],
    "playbook validate": ["playbook", "validate", "{f}"],
    "playbook graph": ["playbook", "graph", "{f}"],
    "diagnose --playbook": ["diagnose", "--offline", "--playbook", "{f}"],
    "diagnose --answers": ["diagnose", "--offline", "--answers", "{f}"],
}
YAML_COMMANDS = {
    "cache simulate",
    "playbook validate",
    "playbook graph",
    "diagnose --playbook",
    "diagnose --answers",
}


def run_cli(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wizard.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[bytes]) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-2000:]
    assert proc.returncode in (1, 2, 4), (proc.returncode, err[-500:])
    assert err.strip(), "no message"
    assert len(err) < 4000


CASES = [
    (command, hazard)
    for command in sorted(COMMANDS)
    for hazard in sorted(HAZARDS)
    if command in YAML_COMMANDS or hazard in ("deep-json", "deep-object")
]


@pytest.mark.parametrize(("command", "hazard"), CASES)
def test_hazard_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, hazard: str
) -> None:
    # In process (an exception would fail the test): the same main() the console script runs.
    f = tmp_path / ("input.yaml" if command in YAML_COMMANDS else "input.json")
    f.write_text(HAZARDS[hazard])
    code = main([a.replace("{f}", str(f)) for a in COMMANDS[command]])
    err = capsys.readouterr().err
    assert code in (1, 2, 4), (code, err[-500:])
    assert err.strip() and len(err) < 4000


@pytest.mark.parametrize("hazard", ["laughs", "deep-flow-yaml"])
def test_as_a_process_too(tmp_path: Path, hazard: str) -> None:
    f = tmp_path / "input.yaml"
    f.write_text(HAZARDS[hazard])
    assert_one_line_error(run_cli(["playbook", "validate", str(f)]))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_dev_zero_is_refused(command: str) -> None:
    proc = run_cli([a.replace("{f}", "/dev/zero") for a in COMMANDS[command]])
    assert_one_line_error(proc)


@pytest.mark.parametrize(
    ("loader", "text"),
    [
        (load_json, "[" * 65 + "]" * 65),
        (load_yaml, "a: " + "[" * 65 + "]" * 65),
        (load_yaml, LAUGHS),
        (load_yaml, "when: 9999-99-99"),
        (load_yaml, "*x : 1"),
    ],
)
def test_the_bounds_themselves(loader: object, text: str) -> None:
    with pytest.raises(BoundedParseError):
        loader(text)  # type: ignore[operator]


def test_ordinary_anchors_are_fine() -> None:
    assert load_yaml("base: &b {x: 1}\nother: *b\n") == {"base": {"x": 1}, "other": {"x": 1}}
    check_yaml_events(Path("playbooks/api-gateway-403.yaml").read_text())
    assert load_json("[" * 64 + "]" * 64)
