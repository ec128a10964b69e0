"""The scan's results: per-request summaries, authorizer Lambda invocations, counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from wizard.analysis.redact import redact_text

_DENIED_TYPES = frozenset({"ACCESS_DENIED", "EXPIRED_TOKEN", "INVALID_SIGNATURE"})


class NotableLine(NamedTuple):
    """One line worth showing. A named tuple, not a dataclass: the scan makes one for each of
    a request's first lines, and `tuple.__new__` builds it without a Python-level `__init__`
    (the scan's hot loop does that, see scan.py)."""

    kind: str
    text: str
    time: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "kind": self.kind, "text": redact_text(self.text)}


@dataclass
class Signal:
    code: str
    message: str
    cause_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "cause_ids": list(self.cause_ids)}


@dataclass(frozen=True)
class AuthorizerRun:
    """What an earlier request's authorizer returned: the decision a cache hit would reuse."""

    request_id: str
    effects: tuple[str, ...]
    resources: tuple[str, ...]


@dataclass(slots=True)
class RequestSummary:
    request_id: str
    first_time: str | None = None
    last_time: str | None = None
    lines: int = 0
    status: int | None = None
    method: str | None = None
    resource_path: str | None = None
    authorizer_started: bool = False
    authorizer_id: str | None = None
    principal_id: str | None = None
    method_arn: str | None = None
    method_arn_guess: str | None = None
    policy: Any = None
    policy_raw: str | None = None
    policy_effects: list[str] = field(default_factory=list)
    policy_resources: list[str] = field(default_factory=list)
    policy_problems: list[str] = field(default_factory=list)
    response_type: str | None = None
    error_message: str | None = None
    integration_status: int | None = None
    api_key: str | None = None
    api_stage: str | None = None
    access_log: dict[str, Any] | None = None
    kinds: set[str] = field(default_factory=set)
    notable: list[NotableLine] = field(default_factory=list)
    notable_dropped: int = 0
    execution_lines: int = 0
    signals: list[Signal] = field(default_factory=list)
    cached_policy_from: str | None = None
    prior_authorizer_run: AuthorizerRun | None = None

    @property
    def authorizer_invoked(self) -> bool | None:
        """True: the authorizer ran. False: execution lines exist but none of the authorizer's.
        None: no execution log for this request (an access-log record alone cannot tell)."""
        if self.authorizer_started or "authorizer-result" in self.kinds:
            return True
        return False if self.execution_lines else None

    @property
    def denied(self) -> bool:
        """Refused for any reason (403, a deny, an auth error type)."""
        return (
            self.status == 403
            or self.response_type in _DENIED_TYPES
            or "not-authorized" in self.kinds
            or "explicit-deny" in self.kinds
        )

    @property
    def policy_denied(self) -> bool:
        """Refused by a policy decision (authorizer, resource policy, IAM) — not by an API key,
        WAF, a missing route, mTLS or the backend's own 403."""
        kinds = self.kinds
        if (
            "not-authorized" in kinds
            or "explicit-deny" in kinds
            or "iam-deny" in kinds
            or self.response_type == "ACCESS_DENIED"
        ):
            return True
        if self.status != 403 or self.response_type:
            return False
        return not (
            self.integration_status == 403
            or kinds & {"apikey-not-authorized", "waf-blocked", "mtls-denied"}
        )

    def touch(self, ts: str | None) -> None:
        self.lines += 1
        if ts is not None:
            if self.first_time is None:
                self.first_time = ts
            self.last_time = ts

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "first_time": self.first_time,
            "last_time": self.last_time,
            "status": self.status,
            "method": self.method,
            "resource_path": self.resource_path,
            "authorizer_invoked": self.authorizer_invoked,
            "authorizer_id": self.authorizer_id,
            "principal_id": self.principal_id,
            "method_arn": self.method_arn,
            "method_arn_guess": self.method_arn_guess,
            "policy": self.policy,
            "policy_raw": redact_text(self.policy_raw) if self.policy_raw else None,
            "policy_effects": self.policy_effects,
            "policy_resources": self.policy_resources,
            "policy_problems": self.policy_problems,
            "response_type": self.response_type,
            "error_message": self.error_message,
            "integration_status": self.integration_status,
            "api_key": self.api_key,
            "api_stage": self.api_stage,
            "access_log": self.access_log,
            "cached_policy_from": self.cached_policy_from,
            "kinds": sorted(self.kinds),
            "notable": [n.to_dict() for n in self.notable],
            "notable_dropped": self.notable_dropped,
            "lines": self.lines,
            "signals": [s.to_dict() for s in self.signals],
        }


@dataclass
class LambdaInvocation:
    request_id: str
    first_time: str | None = None
    method_arns: list[str] = field(default_factory=list)
    returned_effects: list[str] = field(default_factory=list)
    returned_resources: list[str] = field(default_factory=list)
    error: str | None = None
    duration: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "first_time": self.first_time,
            "method_arns": self.method_arns,
            "returned_effects": self.returned_effects,
            "returned_resources": self.returned_resources,
            "error": redact_text(self.error) if self.error else None,
            "duration": self.duration,
        }


@dataclass
class ScanResult:
    requests: list[RequestSummary]
    lambda_invocations: list[LambdaInvocation]
    lines: int = 0
    parsed: int = 0
    unparseable: int = 0
    blank: int = 0
    recognised: int = 0
    requests_seen: int = 0
    requests_omitted: int = 0
    lambda_invocations_seen: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    # Every request's signals are counted here, including requests not kept in `requests`;
    # `signal_examples` keeps the first request (id, signal) of each code.
    by_signal: Counter[str] = field(default_factory=Counter)
    signal_examples: dict[str, tuple[str, Signal]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {
                "lines": self.lines,
                "parsed": self.parsed,
                "unparseable": self.unparseable,
                "blank": self.blank,
                "recognised": self.recognised,
                "requests": self.requests_seen,
                "requests_omitted": self.requests_omitted,
                "lambda_invocations": self.lambda_invocations_seen,
                "by_kind": dict(sorted(self.by_kind.items())),
                "by_status": dict(sorted(self.by_status.items())),
                "by_signal": dict(self.by_signal.most_common()),
            },
            "requests": [r.to_dict() for r in self.requests],
            "lambda_invocations": [i.to_dict() for i in self.lambda_invocations],
        }
