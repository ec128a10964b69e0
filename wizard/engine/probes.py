"""The probe interface shared by offline probes (analyzers over pasted evidence) and live
boto3 probes (wizard.aws). A playbook `probe` node names probes from a registry; each probe
returns a JSON-able dict, from which the node's facts are selected with JMESPath.

A probe that fails raises `ProbeError` with a classified `kind`; the engine then marks every
fact that node would have produced as *unknown* (never false) and offers the manual path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ProbeErrorKind(StrEnum):
    ACCESS_DENIED = "access_denied"  # the caller lacks an IAM permission (names it)
    THROTTLED = "throttled"  # still throttled after retries
    SERVER_ERROR = "server_error"  # AWS answered 5xx after the retries
    CONNECTION_RESET = "connection_reset"  # the connection was dropped mid-call
    CREDENTIALS = "credentials"  # missing or unusable credentials
    CREDENTIALS_EXPIRED = "credentials_expired"  # they worked, and expired (mid-run)
    UNREACHABLE = "unreachable"  # no network / endpoint down
    TIMEOUT = "timeout"  # no answer in time, or the run's --timeout is spent
    NOT_FOUND = "not_found"  # the API/stage/authorizer named does not exist
    UNSUPPORTED = "unsupported"  # the endpoint does not implement the call (emulator gaps)
    NOT_APPLICABLE = "not_applicable"  # a read of another API type (REST on an HTTP API): skipped
    INVALID_INPUT = "invalid_input"  # the evidence given to an offline probe is unusable
    MISSING_INPUT = "missing_input"  # a parameter the probe needs is not known yet
    CANCELLED = "cancelled"
    ERROR = "error"  # anything else, with its message


# Not frozen: contextlib (and the interpreter) set __traceback__ on exceptions passing through
# a generator-based context manager, which a frozen dataclass refuses.
@dataclass
class ProbeError(Exception):
    kind: ProbeErrorKind
    message: str
    missing_permission: str | None = None
    manual_hint: str | None = None  # what the user can paste instead

    def __str__(self) -> str:
        return self.message


@dataclass
class ProbeContext:
    """What a probe may read. `aws` is a wizard.aws session handle when live, else None."""

    inputs: Mapping[str, Any]
    facts: Mapping[str, Any]
    cancel: threading.Event = field(default_factory=threading.Event)
    aws: Any = None

    def check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise ProbeError(ProbeErrorKind.CANCELLED, "cancelled")


ProbeFn = Callable[[ProbeContext, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    fn: ProbeFn
    description: str
    iam_actions: tuple[str, ...] = ()  # read-only IAM actions it needs (for `permissions`)
    needs_aws: bool = False


class ProbeRegistry:
    def __init__(self) -> None:
        self._specs: dict[str, ProbeSpec] = {}

    def register(self, spec: ProbeSpec) -> ProbeSpec:
        if spec.name in self._specs:
            raise ValueError(f"probe {spec.name!r} registered twice")
        self._specs[spec.name] = spec
        return spec

    def probe(
        self,
        name: str,
        description: str,
        *,
        iam_actions: tuple[str, ...] = (),
        needs_aws: bool = False,
    ) -> Callable[[ProbeFn], ProbeFn]:
        def decorate(fn: ProbeFn) -> ProbeFn:
            self.register(ProbeSpec(name, fn, description, iam_actions, needs_aws))
            return fn

        return decorate

    def get(self, name: str) -> ProbeSpec:
        return self._specs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[ProbeSpec]:
        return iter(self._specs.values())

    def names(self) -> list[str]:
        return sorted(self._specs)


# The process-wide registry: offline probes register on import of wizard.engine.offline_probes,
# live probes on import of wizard.aws.probes.
REGISTRY = ProbeRegistry()
