"""Hostile names created on MiniStack — `$(…)`, backticks, quotes, newlines, `<script>`, an
OSC 52 clipboard write, `ESC[2J` — reach every output of `diagnose` inert: each command is
quoted (one shell word per argument), no control byte reaches stdout, stderr or the Markdown
report, and the HTML report shows `<script>` as text."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.aws.aws_probe_helpers import emulator_env, seed_diagnose_argv
from wizard.analysis.inert import has_control
from wizard.sandbox.provision import Provisioned, provision
from wizard.sandbox.replay import send_request
from wizard.sandbox.scenario import load_scenario

pytestmark = pytest.mark.emulator

EVIL = "x$(touch /tmp/pwned)`id`'\"\n<script>alert(1)</script>\x1b]52;c;aGk=\x07\x1b[2J"
STAGE = "prod$(touch /tmp/pwned)`id`'\"\x1b[2J"


@pytest.fixture
def hostile_api(aws_client: Any, ministack: Any) -> Provisioned:
    """The seed incident (a cached, method-scoped Allow) on an API and a stage with hostile
    names, so the diagnosis, its fix and rollback commands and the report all carry them."""
    seed = load_scenario("authz-cache-scoped-policy")
    # The emulator's data plane cannot route a stage named like STAGE (the fix commands' quoting
    # of such a stage is tested in test_commands_rendered); the API's name and the token's claims
    # (shown as evidence) carry the payload.
    api = seed.api.model_copy(update={"name": EVIL})
    alice = seed.tokens["alice"]
    token = alice.model_copy(update={"claims": {**alice.claims, "name": EVIL, "org": STAGE}})
    scenario = seed.model_copy(update={"api": api, "tokens": {**seed.tokens, "alice": token}})
    out = provision(scenario, aws_client, endpoint_url=ministack.endpoint_url)
    assert send_request(scenario.requests[0], out).status_code == 200  # the cached GET Allow
    return out


def _diagnose(
    out: Provisioned, endpoint: str, fmt: str, report: Path
) -> subprocess.CompletedProcess[bytes]:
    argv = [*seed_diagnose_argv(out, endpoint, fmt), "--timeout", "60", "--report", str(report)]
    return subprocess.run(
        [sys.executable, "-m", "wizard", *argv],
        capture_output=True,
        timeout=180,
        env=emulator_env(),
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_hostile_names_are_inert_everywhere(
    hostile_api: Provisioned, ministack: Any, tmp_path: Path, fmt: str
) -> None:
    for suffix in ("md", "html"):
        report = tmp_path / f"report.{suffix}"
        proc = _diagnose(hostile_api, ministack.endpoint_url, fmt, report)
        out, err = proc.stdout.decode(), proc.stderr.decode()
        assert "Traceback" not in err, err[-2000:]
        assert report.exists(), (proc.returncode, err[-1500:], out[-1500:])
        assert not has_control(out) and not has_control(err)
        text = report.read_text()
        assert not has_control(text)
        assert "\\u001b]52" in text or "\\u001b]52" in out  # it did reach the output, inert
        if suffix == "html":
            assert "<script>alert(1)" not in text
        if fmt == "json":
            doc = json.loads(out)
            for fix in doc.get("fixes", []):
                for line in [*fix.get("cli", []), *fix.get("rollback", [])]:
                    argv = shlex.split(line)  # quoted: nothing in it is evaluated
                    assert argv[0] == "aws"
                    if "--stage-name" in argv:
                        assert argv[argv.index("--stage-name") + 1] == hostile_api.stage
    assert not Path("/tmp/pwned").exists()
