"""A manual hint is a command the user pastes when the wizard could not make a read: it must run
as printed with the AWS CLI the project tests against (awscli v1, the test dependency; the hint
avoids options only v2 knows).

The authorizer Lambda's invoke is refused by the fault proxy in front of MiniStack, the probe
names its manual path, and that command, run by the real AWS CLI once the refusal is lifted,
returns the authorizer's answer."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aws_probe_helpers import emulator_env, provision_seed, run_probe, wizard_session
from faultproxy import FORWARD, FaultProxy, Request, aws_error

from wizard.aws.session import sandbox_session
from wizard.engine.probes import ProbeError

pytestmark = pytest.mark.emulator

DENIED = (
    "User: arn:aws:iam::000000000000:user/dev is not authorized to perform: "
    "lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:x"
)


def test_the_authorizer_invoke_hint_runs_with_the_aws_cli(
    aws: Any, ministack: Any, tmp_path: Path
) -> None:
    out = provision_seed(ministack, wizard_session(ministack))
    method_arn = out.method_arn("GET", "/dashboard")
    token = out.tokens["alice"]
    with FaultProxy(ministack.endpoint_url) as proxy:
        refuse = aws_error(403, "AccessDeniedException", DENIED)
        proxy.rule = lambda r: refuse if r.path.endswith("/invocations") else FORWARD
        with pytest.raises(ProbeError) as caught:
            run_probe(
                "authorizer_policy",
                sandbox_session(proxy.url),
                {
                    "authorizer_id": out.authorizer_ids["jwt-authorizer"],
                    "token": token,
                    "method_arn": method_arn,
                },
                {"api_id": out.api_id, "stage": out.stage, "region": out.region},
            )
        assert any(
            isinstance(r, Request) and r.path.endswith("/invocations") for r in proxy.arrived
        )
        hint = caught.value.manual_hint or ""
        assert "lambda:InvokeFunction" in hint  # the permission the user can ask for
        command = hint.partition("paste the output of: ")[2]
        assert command.startswith("aws lambda invoke ")

        proxy.rule = lambda r: FORWARD
        # The event the user writes: the TOKEN authorizer's input.
        event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
        (tmp_path / "event.json").write_text(json.dumps(event))
        argv = shlex.split(command)
        cli = str(Path(sys.executable).with_name("aws"))
        done = subprocess.run(
            [cli, *argv[1:]], cwd=tmp_path, env=emulator_env(), capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr
    answer = json.loads((tmp_path / "out.json").read_text())
    assert answer["principalId"] == "alice"
