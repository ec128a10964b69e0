"""The AWS CLI command a user can run by hand instead of a read the wizard could not make.

A probe that fails names its manual path (`aws_errors(..., manual=...)`): that command is
copy-pasteable, so it is rendered like every fix and rollback - from (service, operation,
params) through botocore's model by the one renderer, each value quoted - never an f-string.
It carries the session's region, profile and endpoint, so a command shown during the demo
reaches the emulator, not real AWS.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wizard.aws.fixes.render import CliTarget, render_argv, render_cli
from wizard.aws.loopback import is_loopback_host
from wizard.aws.session import AwsSession


def manual_command(aws: Any, service: str, operation: str, **params: Any) -> str:
    """`aws SERVICE OPERATION --param value ...` for one boto3 read (params by their API names),
    as one line a user can paste. `aws` is the run's session or the boto3 client of the read
    (None: no global options)."""
    return render_cli(service, operation, params, _target(aws))


def manual_argv(aws: Any, service: str, operation: str, **params: Any) -> list[str]:
    """The same command as an argv list, for a hint that adds CLI-only arguments (an outfile,
    `--query`) before it is joined with `shlex.join`."""
    return render_argv(service, operation, params, _target(aws))


def _target(aws: Any) -> CliTarget:
    if isinstance(aws, AwsSession):
        return CliTarget(
            region=aws.region, profile=aws.settings.profile, endpoint_url=aws.endpoint_url
        )
    meta = getattr(aws, "meta", None)  # a boto3 client
    if meta is None:
        return CliTarget()
    endpoint = str(getattr(meta, "endpoint_url", "") or "")
    local = is_loopback_host(urlsplit(endpoint).hostname or "")
    return CliTarget(region=meta.region_name, endpoint_url=endpoint if local else None)
