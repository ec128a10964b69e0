"""CloudWatch Logs: the stage's execution logs and the authorizer's Lambda logs around the failure.

Small windows use filter_log_events (paginated, cancellable). Large windows (over
`INSIGHTS_WINDOW`) or `use_insights` run a Logs Insights query so the scanning happens on AWS's
side. Lines are redacted (tokens, keys, signatures) before they leave the probe.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Mapping
from typing import Any

from wizard.analysis.redact import redact_text
from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_argv, manual_command
from wizard.aws.prefetch import ahead
from wizard.aws.probes._base import arg, client, paginate, session
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

MAX_LINES = 2000
DEFAULT_WINDOW = 3600.0  # seconds
INSIGHTS_WINDOW = 6 * 3600.0
INSIGHTS_TIMEOUT = 60.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.I)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
_LOGS = "logs:FilterLogEvents"
_GROUPS_PAGE = 50  # DescribeLogGroups' largest page


def parse_duration(value: Any) -> float:
    """'15m', '2h', '1d', '90s' or a number of seconds → seconds."""
    if isinstance(value, int | float):
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ProbeError(
            ProbeErrorKind.INVALID_INPUT,
            f"cannot read the time window {value!r} (use e.g. 15m, 2h, 1d)",
        )
    return float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]


def _window(ctx: ProbeContext, params: Mapping[str, Any]) -> tuple[int, int]:
    """(start_ms, end_ms): explicit start/end (epoch ms) or `since` before now."""
    end = arg(ctx, params, "end_time", None)
    start = arg(ctx, params, "start_time", None)
    end_ms = int(end) if end is not None else int(time.time() * 1000) + 60_000
    if start is not None:
        return int(start), end_ms
    since = parse_duration(arg(ctx, params, "since", DEFAULT_WINDOW))
    return end_ms - 60_000 - int(since * 1000), end_ms


def prefetch_log_group(ctx: ProbeContext, group: str) -> None:
    """Start `_group_exists`'s first page now (same parameters), for a probe that reads the
    group later in the walk (wizard.aws.prefetch)."""
    ahead(ctx, "logs", "describe_log_groups", logGroupNamePrefix=group, limit=_GROUPS_PAGE)


def execution_log_group(api_id: str, stage: str) -> str:
    return f"API-Gateway-Execution-Logs_{api_id}/{stage}"


def _group_exists(ctx: ProbeContext, group: str) -> bool | None:
    """Whether the group exists; None when we may not list groups (then reading decides)."""
    manual = manual_command(ctx.aws, "logs", "DescribeLogGroups", logGroupNamePrefix=group)
    try:
        for g in paginate(
            ctx,
            client(ctx, "logs"),
            "describe_log_groups",
            "logGroups",
            action="logs:DescribeLogGroups",
            manual=manual,
            logGroupNamePrefix=group,
            limit=_GROUPS_PAGE,
        ):
            if g.get("logGroupName") == group:
                return True
    except ProbeError as err:
        if err.kind is ProbeErrorKind.ACCESS_DENIED:
            return None
        raise
    return False


def _filter(
    ctx: ProbeContext, group: str, start_ms: int, end_ms: int, pattern: str | None
) -> tuple[list[dict[str, Any]], bool]:
    # `limit`: a page holds no more than we keep (the default page is 10,000 events or 1 MB).
    kwargs: dict[str, Any] = {
        "logGroupName": group,
        "startTime": start_ms,
        "endTime": end_ms,
        "limit": MAX_LINES,
    }
    if pattern:
        kwargs["filterPattern"] = pattern
    manual = manual_command(
        ctx.aws, "logs", "FilterLogEvents", **{k: v for k, v in kwargs.items() if k != "limit"}
    )
    events: list[dict[str, Any]] = []
    for ev in paginate(
        ctx,
        client(ctx, "logs"),
        "filter_log_events",
        "events",
        action=_LOGS,
        manual=manual,
        max_pages=100,
        **kwargs,
    ):
        events.append(ev)
        if len(events) >= MAX_LINES:
            return events, True
    return events, False


def _insights(
    ctx: ProbeContext, group: str, start_ms: int, end_ms: int, needle: str | None
) -> tuple[list[dict[str, Any]], bool]:
    logs = client(ctx, "logs")
    query = "fields @timestamp, @message, @logStream"
    if needle:
        query += f" | filter @message like {_insights_literal(needle)}"
    query += f" | sort @timestamp asc | limit {MAX_LINES}"
    manual = manual_command(
        ctx.aws,
        "logs",
        "StartQuery",
        logGroupName=group,
        startTime=start_ms // 1000,
        endTime=end_ms // 1000 + 1,
        queryString=query,
    )
    with aws_errors("logs:StartQuery", manual=manual):
        qid = logs.start_query(
            logGroupName=group,
            startTime=start_ms // 1000,
            endTime=end_ms // 1000 + 1,
            queryString=query,
            limit=MAX_LINES,
        )["queryId"]
    deadline = time.monotonic() + INSIGHTS_TIMEOUT
    while True:
        if ctx.cancel.is_set():
            with aws_errors("logs:StopQuery"):
                logs.stop_query(queryId=qid)
            ctx.check_cancelled()
        with aws_errors(
            "logs:GetQueryResults",
            manual=manual_command(ctx.aws, "logs", "GetQueryResults", queryId=qid),
        ):
            res = logs.get_query_results(queryId=qid)
        status = res.get("status")
        if status in ("Complete", "Failed", "Cancelled", "Timeout", "Unknown"):
            break
        if time.monotonic() > deadline:
            raise ProbeError(
                ProbeErrorKind.TIMEOUT, f"the Logs Insights query on {group} did not finish in time"
            )
        time.sleep(0.5)
    if status != "Complete":
        raise ProbeError(ProbeErrorKind.ERROR, f"the Logs Insights query on {group} ended {status}")
    events = []
    for row in res.get("results") or []:
        fields = {f["field"]: f.get("value") for f in row}
        events.append(
            {
                "message": fields.get("@message", ""),
                "timestamp": fields.get("@timestamp"),
                "logStreamName": fields.get("@logStream"),
            }
        )
    return events, len(events) >= MAX_LINES


def _insights_literal(text: str) -> str:
    """A regex literal matching `text` exactly (`like /.../` works on AWS and in MiniStack,
    which does not implement the `like "string"` form)."""
    return "/" + re.escape(text).replace("/", "\\/") + "/"


def read_log_group(
    ctx: ProbeContext, params: Mapping[str, Any], group: str, needle: str | None
) -> dict[str, Any]:
    start_ms, end_ms = _window(ctx, params)
    missing: dict[str, Any] = {
        "log_group": group,
        "log_group_exists": False,
        "lines": [],
        "count": 0,
        "truncated": False,
        "mode": None,
    }
    if _group_exists(ctx, group) is False:
        return missing
    use_insights = (
        bool(arg(ctx, params, "use_insights", False))
        or (end_ms - start_ms) / 1000 > INSIGHTS_WINDOW
    )
    try:
        if use_insights:
            events, truncated = _insights(ctx, group, start_ms, end_ms, needle)
        else:
            pattern = f'"{needle}"' if needle else None
            events, truncated = _filter(ctx, group, start_ms, end_ms, pattern)
    except ProbeError as err:
        if err.kind is ProbeErrorKind.NOT_FOUND:
            return missing
        raise
    lines = [redact_text(str(e.get("message", "")).rstrip("\n")) for e in events]
    return {
        "log_group": group,
        "log_group_exists": True,
        "lines": lines,
        "count": len(lines),
        "truncated": truncated,
        "mode": "insights" if use_insights else "filter",
        "window_start_ms": start_ms,
        "window_end_ms": end_ms,
    }


# What every log-reading probe needs: find the group, filter it, or let Logs Insights scan it.
_READ_LOGS = (
    "logs:DescribeLogGroups",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:StopQuery",
)


@REGISTRY.probe(
    "execution_logs",
    "Read the stage's execution logs (API-Gateway-Execution-Logs_{api_id}/{stage}) in the time "
    "window, or for one request id",
    iam_actions=_READ_LOGS,
    needs_aws=True,
)
def execution_logs(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    api_id = arg(ctx, params, "api_id")
    stage = arg(ctx, params, "stage")
    request_id = arg(ctx, params, "request_id", None)
    session(ctx)
    r = read_log_group(ctx, params, execution_log_group(api_id, stage), request_id)
    return {
        "execution_log_group": r["log_group"],
        "execution_log_group_exists": r["log_group_exists"],
        "execution_log_lines": r["lines"],
        "execution_log_count": r["count"],
        "execution_log_truncated": r["truncated"],
        "execution_log_text": "\n".join(r["lines"]),
        "logs_query_mode": r["mode"],
        "request_id": request_id,
    }


def lambda_log_group(fn: str) -> str:
    """The default log group of a Lambda function, from its ARN
    (`arn:aws:lambda:r:a:function:NAME[:qualifier]`) or its name."""
    if fn.startswith("arn:"):
        parts = fn.split(":")
        fn = parts[6] if len(parts) > 6 else fn
    return f"/aws/lambda/{fn}"


@REGISTRY.probe(
    "authorizer_logs",
    "Read the authorizer Lambda's logs in the time window: was it invoked for the failing "
    "call, and what did it log (decisions, policies)?",
    iam_actions=_READ_LOGS,
    needs_aws=True,
)
def authorizer_logs(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    group = arg(ctx, params, "log_group", None)
    if group is None:
        fn = str(arg(ctx, params, "authorizer_function_arn"))
        group = lambda_log_group(fn)
    r = read_log_group(ctx, params, str(group), arg(ctx, params, "needle", None))
    starts = [line for line in r["lines"] if line.startswith("START RequestId:")]
    return {
        "authorizer_log_group": r["log_group"],
        "authorizer_log_group_exists": r["log_group_exists"],
        "authorizer_log_lines": r["lines"],
        "authorizer_log_text": "\n".join(r["lines"]),
        "authorizer_invocations": len(starts),
        # Unknown (None) when the group is missing: no logs is not proof of no invocation.
        "authorizer_invoked_in_window": (len(starts) > 0) if r["log_group_exists"] else None,
        "logs_query_mode": r["mode"],
    }


def log_group_from_arn(arn: str) -> str:
    """`arn:aws:logs:{region}:{account}:log-group:{name}[:*]` → name (a bare name passes)."""
    if not arn.startswith("arn:"):
        return arn
    name = arn.split(":log-group:", 1)[-1]
    return name[:-2] if name.endswith(":*") else name


@REGISTRY.probe(
    "access_logs",
    "Read the stage's access logs (the destination its access-log settings name) in the time "
    "window, or for one request id — REST, HTTP and WebSocket APIs",
    iam_actions=_READ_LOGS,
    needs_aws=True,
)
def access_logs(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    destination = arg(ctx, params, "access_log_destination", None)
    if not destination:
        # "Not configured" only when get_stage read the settings and found none; a stage we
        # could not read leaves it unknown, never "no access logs".
        if arg(ctx, params, "access_logging_enabled", None) is False:
            return {"access_logging_enabled": False, "access_log_lines": [], "access_log_count": 0}
        raise ProbeError(
            ProbeErrorKind.MISSING_INPUT,
            "the stage's access-log destination is not known (read the stage first)",
            manual_hint=shlex.join(
                [
                    *manual_argv(
                        ctx.aws, "apigateway", "GetStage", restApiId="ID", stageName="STAGE"
                    ),
                    "--query",
                    "accessLogSettings",
                ]
            ),
        )
    group = log_group_from_arn(str(destination))
    if group.startswith("arn:"):
        raise ProbeError(
            ProbeErrorKind.UNSUPPORTED,
            f"access logs go to {destination} (Kinesis Data Firehose?), not CloudWatch Logs",
            manual_hint="look the request up where that stream delivers",
        )
    r = read_log_group(ctx, params, group, arg(ctx, params, "request_id", None))
    return {
        "access_logging_enabled": True,
        "access_log_group": group,
        "access_log_group_exists": r["log_group_exists"],
        "access_log_lines": r["lines"],
        "access_log_count": r["count"],
        "access_log_text": "\n".join(r["lines"]),
        "logs_query_mode": r["mode"],
    }
