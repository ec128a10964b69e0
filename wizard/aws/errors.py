"""Turn botocore exceptions into classified `ProbeError`s with a teaching message and a manual path.

A probe never lets a botocore exception escape: it wraps its calls in `aws_errors(action)`,
so AccessDenied names the IAM action that is missing, throttling says it already retried,
expired/missing credentials say how to refresh them, and a dead endpoint says so — each with
`manual_hint`, what the user can run or paste instead.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from wizard.engine.probes import ProbeError, ProbeErrorKind

ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "ForbiddenException",
    }
)
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
    }
)
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
SERVER_ERROR_CODES = frozenset(
    {
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServerErrorException",
        "InternalServiceError",
        "InternalServiceErrorException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ServiceException",
        "BadGatewayException",
    }
)
CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "AuthFailure",
    }
)
NOT_FOUND_CODES = frozenset(
    {
        "NotFoundException",
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NoSuchEntityException",
        "WAFNonexistentItemException",
        "InvalidVpcEndpointId.NotFound",
    }
)
# Calls an endpoint does not implement (emulators): fall back, do not call it "not found".
_UNSUPPORTED_MESSAGE = re.compile(r"unknown .*path|not (yet )?implemented|unknown operation", re.I)
_UNSUPPORTED_CODES = frozenset({"UnknownOperationException", "InvalidAction", "NotImplemented"})

_ACTION_IN_MESSAGE = re.compile(r"perform:\s*([A-Za-z0-9-]+:[A-Za-z0-9*]+)")

_CREDENTIAL_EXCEPTIONS = (
    "NoCredentialsError",
    "PartialCredentialsError",
    "CredentialRetrievalError",
    "TokenRetrievalError",
    "SSOTokenLoadError",
    "UnauthorizedSSOTokenError",
    "SSOError",
    "ProfileNotFound",
    "InvalidConfigError",
)
_UNREACHABLE_EXCEPTIONS = (
    "EndpointConnectionError",
    "ProxyConnectionError",
    "SSLError",
    "HTTPClientError",
)
_TIMEOUT_EXCEPTIONS = ("ConnectTimeoutError", "ReadTimeoutError")
_RESET_EXCEPTIONS = ("ConnectionClosedError", "ProtocolError", "ConnectionResetError")

# The faults of the AWS side (or the way to it) that leave a diagnosis incomplete: a run that
# meets one ends with exit 3, and each is named in words (`FAULT_NAMES`) with its manual path.
AWS_FAULT_KINDS = frozenset(
    {
        ProbeErrorKind.THROTTLED,
        ProbeErrorKind.SERVER_ERROR,
        ProbeErrorKind.CONNECTION_RESET,
        ProbeErrorKind.TIMEOUT,
        ProbeErrorKind.UNREACHABLE,
        ProbeErrorKind.CREDENTIALS,
        ProbeErrorKind.CREDENTIALS_EXPIRED,
        ProbeErrorKind.ACCESS_DENIED,
    }
)
FAULT_NAMES = {
    ProbeErrorKind.THROTTLED: "throttled",
    ProbeErrorKind.SERVER_ERROR: "server error",
    ProbeErrorKind.CONNECTION_RESET: "connection reset",
    ProbeErrorKind.TIMEOUT: "timeout",
    ProbeErrorKind.UNREACHABLE: "endpoint unreachable",
    ProbeErrorKind.CREDENTIALS: "credentials unusable",
    ProbeErrorKind.CREDENTIALS_EXPIRED: "credentials expired",
    ProbeErrorKind.ACCESS_DENIED: "access denied",
}


def fault_name(kind: ProbeErrorKind | str) -> str:
    """The words for a fault kind (`throttled`, `access denied`...); other kinds as they are."""
    try:
        return FAULT_NAMES.get(ProbeErrorKind(kind), str(kind).replace("_", " "))
    except ValueError:
        return str(kind).replace("_", " ")


def _mro_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def missing_action(message: str, fallback: str | None) -> str | None:
    """The IAM action AWS names in an AccessDenied message, else the one the probe expected."""
    found = _ACTION_IN_MESSAGE.search(message or "")
    return found.group(1) if found else fallback


def classify(
    exc: BaseException,
    *,
    action: str | None = None,
    manual: str | None = None,
) -> ProbeError:
    """A `ProbeError` for `exc`. `action` is the IAM action the call needs (e.g.
    `apigateway:GET`); `manual` what the user can run or paste instead."""
    if isinstance(exc, ProbeError):
        return exc
    names = _mro_names(exc)
    if "ClientError" in names:
        return _classify_client_error(exc, action=action, manual=manual)
    if names & set(_CREDENTIAL_EXCEPTIONS):
        return ProbeError(
            ProbeErrorKind.CREDENTIALS,
            f"AWS credentials are missing or unusable: {exc}",
            manual_hint=_credentials_hint(manual),
        )
    if "NoRegionError" in names:
        return ProbeError(
            ProbeErrorKind.MISSING_INPUT,
            "no AWS region is set: pass --region or set AWS_REGION",
            manual_hint=manual,
        )
    if "EndpointDown" in names:  # budget.RunBudget: the fault that tripped its breaker
        return ProbeError(
            ProbeErrorKind(getattr(exc, "kind", "timeout")),
            str(exc),
            manual_hint=manual or "re-run when the endpoint answers, or run the command yourself",
        )
    if "DeadlineExceeded" in names:  # budget.RunBudget: the run's --timeout is spent
        return ProbeError(
            ProbeErrorKind.TIMEOUT,
            str(exc),
            manual_hint=manual or "re-run with a larger --timeout, or run the command yourself",
        )
    if names & set(_TIMEOUT_EXCEPTIONS):
        return ProbeError(
            ProbeErrorKind.TIMEOUT,
            f"AWS did not answer in time: {exc}",
            manual_hint=manual or "retry later, or run the command shown yourself",
        )
    if names & set(_RESET_EXCEPTIONS):
        return ProbeError(
            ProbeErrorKind.CONNECTION_RESET,
            f"the connection to AWS was dropped before the answer came (after the retries): {exc}",
            manual_hint=manual or "check the network / proxy / VPN, then re-run",
        )
    if names & set(_UNREACHABLE_EXCEPTIONS) or isinstance(exc, ConnectionError):
        return ProbeError(
            ProbeErrorKind.UNREACHABLE,
            f"cannot reach the AWS endpoint: {exc}",
            manual_hint=manual or "check the network / VPN, or the --endpoint-url you gave",
        )
    if isinstance(exc, TimeoutError):
        return ProbeError(ProbeErrorKind.TIMEOUT, f"timed out: {exc}", manual_hint=manual)
    return ProbeError(ProbeErrorKind.ERROR, f"{type(exc).__name__}: {exc}", manual_hint=manual)


def _credentials_hint(manual: str | None) -> str:
    base = (
        "refresh your credentials (aws sso login --profile NAME, or new temporary keys), "
        "then check with: aws sts get-caller-identity"
    )
    return f"{base}; or {manual}" if manual else base


def _classify_client_error(exc: Any, *, action: str | None, manual: str | None) -> ProbeError:
    error = (getattr(exc, "response", None) or {}).get("Error", {}) or {}
    code = str(error.get("Code") or "")
    message = str(error.get("Message") or error.get("message") or exc)
    op = getattr(exc, "operation_name", None) or "the call"
    if code in ACCESS_DENIED_CODES:
        needed = missing_action(message, action)
        what = f"the IAM permission {needed}" if needed else "an IAM permission"
        return ProbeError(
            ProbeErrorKind.ACCESS_DENIED,
            f"{op} was denied: your identity lacks {what} ({message})",
            missing_permission=needed,
            manual_hint=(
                f"ask for {needed} (see `apigw-wizard permissions`)" if needed else "ask your admin"
            )
            + (f", or paste the output of: {manual}" if manual else ""),
        )
    if code in THROTTLING_CODES:
        return ProbeError(
            ProbeErrorKind.THROTTLED,
            f"{op} is still throttled after the retries ({code}); AWS limits how fast we may read",
            manual_hint=manual or "wait a minute and re-run the step",
        )
    if code in EXPIRED_CODES:
        return ProbeError(
            ProbeErrorKind.CREDENTIALS_EXPIRED,
            f"the AWS credentials expired ({code}): {message}",
            manual_hint=_credentials_hint(manual),
        )
    status = (
        (getattr(exc, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
    )
    if code in SERVER_ERROR_CODES or (isinstance(status, int) and status >= 500):
        return ProbeError(
            ProbeErrorKind.SERVER_ERROR,
            f"{op}: AWS answered with a server error after the retries "
            f"(HTTP {status or '5xx'} {code}): {message}",
            manual_hint=manual or "AWS-side trouble: retry in a few minutes",
        )
    if code in CREDENTIAL_CODES:
        return ProbeError(
            ProbeErrorKind.CREDENTIALS,
            f"AWS rejected the credentials ({code}): {message}",
            manual_hint=_credentials_hint(manual),
        )
    if code in _UNSUPPORTED_CODES or _UNSUPPORTED_MESSAGE.search(message):
        return ProbeError(
            ProbeErrorKind.UNSUPPORTED,
            f"{op} is not supported by this endpoint: {message}",
            manual_hint=manual,
        )
    if code in NOT_FOUND_CODES:
        return ProbeError(ProbeErrorKind.NOT_FOUND, f"{op}: {message}", manual_hint=manual)
    return ProbeError(ProbeErrorKind.ERROR, f"{op} failed ({code}): {message}", manual_hint=manual)


class aws_errors:
    """`with aws_errors("apigateway:GET", manual="aws apigateway get-stage ..."):` re-raises
    any botocore/network failure as a classified ProbeError.

    A class, not @contextmanager: ProbeError is a frozen dataclass, and contextlib assigns
    `__traceback__` to an exception passing through a generator, which a frozen one refuses.
    """

    def __init__(self, action: str | None = None, *, manual: str | None = None) -> None:
        self.action = action
        self.manual = manual

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if exc is None or isinstance(exc, ProbeError) or not isinstance(exc, Exception):
            return False  # propagate unchanged (ProbeError, KeyboardInterrupt, ...)
        raise classify(exc, action=self.action, manual=self.manual) from exc
