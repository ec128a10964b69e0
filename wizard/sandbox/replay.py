"""Replay a provisioned scenario's requests over real HTTP and compare with what it expects."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from wizard.aws.reproduce import ReproduceResult, send
from wizard.sandbox.provision import Provisioned, request_headers, substitute
from wizard.sandbox.scenario import RequestSpec, Scenario


@dataclass
class Replayed:
    request: RequestSpec
    result: ReproduceResult
    mismatches: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def check(req: RequestSpec, result: ReproduceResult) -> list[str]:
    """What differs from `req.expect` (empty when the request behaved as the scenario says)."""
    exp, out = req.expect, []
    if result.status_code != exp.status:
        out.append(f"status {result.status_code} != expected {exp.status}")
    if exp.error_type is not None and result.error_type != exp.error_type:
        out.append(f"x-amzn-ErrorType {result.error_type!r} != expected {exp.error_type!r}")
    if exp.message is not None and result.error_message != exp.message:
        out.append(f"message {result.error_message!r} != expected {exp.message!r}")
    return out


def send_request(req: RequestSpec, out: Provisioned, *, credentials: Any = None) -> ReproduceResult:
    path = substitute(req.path, out.substitutions())
    return send(
        req.method,
        out.url(path),
        headers=request_headers(req, out),
        body=req.body,
        sign_with=credentials if req.sigv4 else None,
        region=out.region,
    )


def replay(scenario: Scenario, out: Provisioned, *, credentials: Any = None) -> list[Replayed]:
    """Send every request in order (honouring `delay_seconds`)."""
    done = []
    for req in scenario.requests:
        if req.delay_seconds:
            time.sleep(req.delay_seconds)
        result = send_request(req, out, credentials=credentials)
        done.append(Replayed(req, result, check(req, result)))
    return done


def curl_command(req: RequestSpec, out: Provisioned, *, show_secrets: bool = False) -> str:
    """The equivalent curl command, shell-quoted; the token and API key are redacted unless
    `show_secrets` (the demo prints it so the user can send the request themselves)."""
    import shlex

    headers = request_headers(req, out)
    secret_headers = {req.token_header.lower(), "x-api-key"}
    argv = ["curl", "-i", "-X", req.method]
    for name, value in headers.items():
        if not show_secrets and name.lower() in secret_headers:
            value = "<redacted>"
        argv += ["-H", f"{name}: {value}"]
    if req.body is not None:
        argv += ["--data", req.body]
    argv.append(out.url(substitute(req.path, out.substitutions())))
    return shlex.join(argv)
