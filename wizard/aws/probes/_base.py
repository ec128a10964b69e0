"""Helpers every live probe uses: parameters, clients, paginated reads with cancellation."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from wizard.analysis.invoke_url import InvokeUrlError, parse_invoke_url
from wizard.analysis.policy.parse import PolicyError, load_document
from wizard.aws.errors import aws_errors
from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind

_UNSET = object()


_PLACEHOLDER = re.compile(r"^\{[a-z_]+\}$")


def _blank(value: Any) -> bool:
    return value is None or (
        isinstance(value, str) and (not value.strip() or bool(_PLACEHOLDER.match(value.strip())))
    )


def arg(ctx: ProbeContext, params: Mapping[str, Any], name: str, default: Any = _UNSET) -> Any:
    """A parameter from the node's `with`, else a known fact, else a session input.

    An unresolved placeholder (`{api_id}` left as is) counts as missing.
    """
    for source in (params, ctx.facts, ctx.inputs):
        value = source.get(name)
        if not _blank(value):
            return value
    derived = _from_url(ctx, params, name)
    if derived is not None:
        return derived
    if default is not _UNSET:
        return default
    raise ProbeError(
        ProbeErrorKind.MISSING_INPUT,
        f"the probe needs `{name}`, which is not known yet",
        manual_hint=f"give {name} (e.g. through the invoke URL or --{name.replace('_', '-')})",
    )


_URL_PARTS = frozenset({"api_id", "stage", "path", "region", "vpce_id", "domain_name"})


def _from_url(ctx: ProbeContext, params: Mapping[str, Any], name: str) -> Any:
    """What an execute-api invoke URL names, when it is all we know yet (probes of one node run
    at once, so resolve_target's facts are not there for its siblings)."""
    if name not in _URL_PARTS:
        return None

    for source in (params, ctx.facts, ctx.inputs):
        url = source.get("url") or source.get("invoke_url")
        if isinstance(url, str) and url.strip():
            try:
                parsed = parse_invoke_url(url)
            except InvokeUrlError:
                return None
            if parsed.kind == "custom-domain" and name in ("api_id", "stage", "path"):
                return None  # only the base-path mapping can say (resolve_target)
            return getattr(parsed, name, None)
    return None


def session(ctx: ProbeContext) -> Any:
    if ctx.aws is None:
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT,
            "live AWS access is off (offline mode): this evidence has to be pasted",
        )
    return ctx.aws


def client(ctx: ProbeContext, service: str, region: str | None = None) -> Any:
    return session(ctx).client(service, region=region)


def fresh_reads(ctx: ProbeContext) -> contextlib.AbstractContextManager[None]:
    """Reads that bypass the session's read cache, for a probe watching AWS change."""
    cache = getattr(ctx.aws, "read_cache", None)
    return cache.fresh() if cache is not None else contextlib.nullcontext()


def paginate(
    ctx: ProbeContext,
    api: Any,
    op: str,
    key: str,
    *,
    action: str,
    manual: str | None = None,
    max_pages: int = 50,
    **kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """Yield items page by page, checking `ctx.cancel` between pages."""
    with aws_errors(action, manual=manual):
        if not api.can_paginate(op):
            ctx.check_cancelled()
            yield from getattr(api, op)(**kwargs).get(key, [])
            return
        for n, page in enumerate(api.get_paginator(op).paginate(**kwargs)):
            ctx.check_cancelled()
            yield from page.get(key, [])
            if n + 1 >= max_pages:
                return


def parse_policy(value: Any) -> dict[str, Any] | None:
    """A resource policy as API Gateway returns it (JSON with escaped quotes) → dict, or None
    when absent or unreadable (an unreadable policy is reported by the evaluator, not here)."""
    if value is None or value == "":
        return None
    try:
        return load_document(value if isinstance(value, dict) else str(value))
    except PolicyError:
        return None


def plain(value: Any) -> Any:
    """boto3 responses → JSON-able data (datetimes become ISO strings)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
