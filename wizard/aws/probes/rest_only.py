"""REST-only reads run on an API id that turns out to be an HTTP or WebSocket API's.

The live walk reads the REST API, its method and its stage beside the target resolution, before
it knows the API's type (that is what keeps the chain of calls short). On an HTTP API those
reads answer "not found", which is not a fault to show: "GetRestApi: Invalid API identifier"
under "could not read", with an `aws apigateway get-rest-api` to run instead, sends the engineer
after a command that fails too. `rest_only` turns that "not found" into NOT_APPLICABLE (the
runner shows it as skipped, with the reason) when the id names an HTTP or WebSocket API. The
GetApi read is the one the target resolution makes for such an id: the session's read cache
serves it, so this costs no call on an HTTP API and none at all on a REST API.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client
from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind

_NAMES = {"HTTP": "an HTTP API", "WEBSOCKET": "a WebSocket API"}

ProbeFn = Callable[[ProbeContext, Mapping[str, Any]], dict[str, Any]]


def other_api_type(ctx: ProbeContext, api_id: str) -> str | None:
    """ "HTTP" or "WEBSOCKET" when `api_id` names such an API; None when it does not or when
    that cannot be read (the REST read's own failure then stands)."""
    manual = manual_command(ctx.aws, "apigatewayv2", "GetApi", ApiId=api_id)
    try:
        with aws_errors("apigateway:GET", manual=manual):
            api = client(ctx, "apigatewayv2").get_api(ApiId=api_id)
    except ProbeError:
        return None
    kind = str(api.get("ProtocolType") or "").upper()
    return kind if kind in ("HTTP", "WEBSOCKET") else None


def rest_only(fn: ProbeFn) -> ProbeFn:
    """`fn`, with its "not found" on an HTTP or WebSocket API's id made NOT_APPLICABLE."""

    @functools.wraps(fn)
    def probe(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return fn(ctx, params)
        except ProbeError as err:
            if err.kind is not ProbeErrorKind.NOT_FOUND:
                raise
            api_id = arg(ctx, params, "api_id", None)
            kind = other_api_type(ctx, str(api_id)) if api_id else None
            if kind is None:
                raise
            raise ProbeError(
                ProbeErrorKind.NOT_APPLICABLE,
                f"a REST API read; {api_id} is {_NAMES[kind]}, read by its own probes",
            ) from None

    return probe
