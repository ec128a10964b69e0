"""Writing log events into MiniStack's CloudWatch Logs store, in-process.

Called inside the API owner's account/region scope. API Gateway writes execution logs to a
group it creates itself, and access logs only to a group that already exists.
"""

from __future__ import annotations

import uuid
from typing import Any

# One stream per (group, stage) for the emulator's lifetime, named like API Gateway's (hex).
_STREAMS: dict[str, str] = {}
MAX_MESSAGE = 64 * 1024


def put(group: str, messages: list[str], *, create_group: bool, started: float) -> bool:
    """Append `messages` (one event each, 1 ms apart from `started`) to `group`; False when the
    group does not exist and may not be created."""
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.services import cloudwatch_logs as logs

    if group not in logs._log_groups:
        if not create_group:
            return False
        logs._create_log_group({"logGroupName": group})
    stream = _STREAMS.setdefault(group, uuid.uuid4().hex)
    if stream not in logs._log_groups[group]["streams"]:
        logs._create_log_stream({"logGroupName": group, "logStreamName": stream})
    base = int(started * 1000)
    events: list[dict[str, Any]] = [
        {"timestamp": base + i, "message": m[:MAX_MESSAGE]} for i, m in enumerate(messages)
    ]
    if events:
        logs._put_log_events({"logGroupName": group, "logStreamName": stream, "logEvents": events})
    return True
