"""Send a corrected request the wizard printed, as a user pastes it into a shell.

A `curl` line runs in `sh -c` (the shell must expand the credential variables the line names,
and nothing else) with only PATH, HOME and the credentials in the environment, and must target
loopback. curl signs it itself (`--aws-sigv4`, curl >= 7.75). When no such curl is on PATH, the
documented fallback signs the same argv's method, URL and region with botocore and sends it.
An `aws` line runs through aws_cli.run_printed (the real AWS CLI).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aws_cli import run_printed

from wizard.aws.reproduce import send

CURL_SIGV4 = (7, 75)  # the first curl with --aws-sigv4
_STATUS = re.compile(r"^HTTP/[\d.]+ (\d{3})", re.MULTILINE)


def curl_signs() -> bool:
    """Is a curl that can sign SigV4 (`--aws-sigv4`) on PATH?"""
    curl = shutil.which("curl")
    if curl is None:
        return False
    out = subprocess.run([curl, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.match(r"curl (\d+)\.(\d+)", out)
    return bool(found) and (int(found.group(1)), int(found.group(2))) >= CURL_SIGV4


def run_corrected(corrected: dict[str, Any], credentials: Any, home: Path) -> int:
    """The HTTP status the printed corrected request gets (200 for an AWS CLI call that exits 0;
    a failing one raises aws_cli.CliFailed)."""
    argv, command = corrected["argv"], corrected["command"]
    assert shlex.split(command) == argv, "the printed line is not the argv"
    if argv[0] == "aws":
        run_printed(command, home)
        return 200
    assert argv[0] == "curl", argv
    host = urlsplit(argv[-1]).hostname
    assert host in ("127.0.0.1", "localhost"), f"{argv[-1]} is not loopback"
    if not curl_signs():
        return _fallback(argv, credentials)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    if credentials is not None:
        env["AWS_ACCESS_KEY_ID"] = credentials.access_key
        env["AWS_SECRET_ACCESS_KEY"] = credentials.secret_key
        if credentials.token:
            env["AWS_SESSION_TOKEN"] = credentials.token
    done = subprocess.run(
        ["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-800:]
    statuses = _STATUS.findall(done.stdout)
    assert statuses, done.stdout[-800:]
    return int(statuses[-1])


def _fallback(argv: list[str], credentials: Any) -> int:
    """No signing curl: the same method, URL, headers and SigV4 scope, signed by botocore."""
    method = argv[argv.index("-X") + 1]
    headers = dict(
        argv[i + 1].split(": ", 1)
        for i, word in enumerate(argv)
        if word == "-H" and "$" not in argv[i + 1]
    )
    signed = "--aws-sigv4" in argv
    region = argv[argv.index("--aws-sigv4") + 1].split(":")[2] if signed else "us-east-1"
    result = send(
        method,
        argv[-1],
        headers=headers,
        sign_with=credentials if signed else None,
        region=region,
    )
    return result.status_code
