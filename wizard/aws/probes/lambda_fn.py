"""The Lambda function behind an authorizer or integration (configuration only, no code)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client
from wizard.engine.probes import REGISTRY, ProbeContext


@REGISTRY.probe(
    "lambda_configuration",
    "Read the Lambda function's configuration: runtime, handler, last change, state, timeout "
    "(environment variable names only: their values may be secrets)",
    iam_actions=("lambda:GetFunctionConfiguration",),
    needs_aws=True,
)
def lambda_configuration(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    fn = arg(ctx, params, "function_arn", None) or arg(ctx, params, "authorizer_function_arn")
    manual = manual_command(ctx.aws, "lambda", "GetFunctionConfiguration", FunctionName=fn)
    with aws_errors("lambda:GetFunctionConfiguration", manual=manual):
        c = client(ctx, "lambda").get_function_configuration(FunctionName=fn)
    env = (c.get("Environment") or {}).get("Variables") or {}
    name = c.get("FunctionName")
    return {
        "function_name": name,
        "function_arn": c.get("FunctionArn"),
        "function_runtime": c.get("Runtime"),
        "function_handler": c.get("Handler"),
        "function_last_modified": c.get("LastModified"),
        "function_state": c.get("State"),
        "function_last_update_status": c.get("LastUpdateStatus"),
        "function_timeout": c.get("Timeout"),
        "function_role": c.get("Role"),
        "function_env_names": sorted(env),
        "function_log_group": (c.get("LoggingConfig") or {}).get("LogGroup")
        or f"/aws/lambda/{name}",
    }
