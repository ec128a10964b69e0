"""How the AWS CLI names operations and parameters, read from botocore's service model.

The CLI spells an operation and each top-level input member with botocore's `xform_name(...,
"-")` (UpdateAuthorizer → update-authorizer, restApiId → --rest-api-id) and, for a few members
that clash with its own options, renames them (its `argrename` customisation). Booleans get a
`--no-` twin. Both the renderer and the parser use this one table so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore import xform_name

from wizard.aws.fixes.errors import RenderError

# The AWS CLI renames these members because `--version` is one of its own global options.
_CLI_RENAMES: dict[tuple[str, str, str], str] = {
    ("apigateway", "CreateRestApi", "version"): "api-version",
    ("apigatewayv2", "CreateApi", "Version"): "api-version",
    ("apigatewayv2", "UpdateApi", "Version"): "api-version",
}

# Values the CLI would read from a file or URL instead of taking literally ("paramfile").
PARAMFILE_PREFIXES = ("file://", "fileb://", "http://", "https://")


@dataclass(frozen=True)
class CliParam:
    member: str  # the botocore member name, e.g. restApiId
    cli_name: str  # without the leading dashes, e.g. rest-api-id
    shape: Any  # botocore Shape


@cache
def _session() -> Any:
    # lazy and shared: the clients' sessions parse the same models through the same loader
    from wizard.aws.botocore_data import botocore_session  # lazy: botocore.session ~60 ms

    return botocore_session()


@cache
def service_model(service: str) -> Any:
    try:
        return _session().get_service_model(service)
    except Exception as exc:  # botocore raises UnknownServiceError, DataNotFoundError
        raise RenderError(f"unknown AWS service {service!r}: {exc}") from None


@cache
def operation_model(service: str, operation: str) -> Any:
    model = service_model(service)
    if operation not in model.operation_names:
        raise RenderError(f"{service} has no operation {operation!r}")
    return model.operation_model(operation)


def cli_operation_name(operation: str) -> str:
    return str(xform_name(operation, "-"))


@cache
def operation_from_cli(service: str, cli_name: str) -> str:
    for name in service_model(service).operation_names:
        if cli_operation_name(name) == cli_name:
            return str(name)
    raise RenderError(f"{service} has no command {cli_name!r}")


@cache
def cli_params(service: str, operation: str) -> tuple[CliParam, ...]:
    """The operation's input members in model order, with their CLI names."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return ()
    return tuple(
        CliParam(
            member,
            _CLI_RENAMES.get((service, operation, member), str(xform_name(member, "-"))),
            member_shape,
        )
        for member, member_shape in shape.members.items()
    )


def is_scalar(shape: Any) -> bool:
    return shape.type_name in {
        "string",
        "integer",
        "long",
        "boolean",
        "double",
        "float",
        "timestamp",
    }
