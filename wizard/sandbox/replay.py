"""Replay a provisioned scenario's requests over real HTTP and compare with what it expects."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wizard.aws.fixes.render import SIGV4_USER, shell_join
from wizard.aws.reproduce import ReproduceResult, send
from wizard.sandbox.provision import Provisioned, request_headers, request_url
from wizard.sandbox.scenario import RequestSpec, Scenario

# Headers whose values are credentials: shown as <redacted> unless asked for.
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-amz-security-token"})


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
    return send(
        req.method,
        request_url(req, out),
        headers=request_headers(req, out),
        body=req.body,
        sign_with=credentials if req.sigv4 else None,
        region=out.region,
        connect_to=out.endpoint_url if req.via_custom_domain else None,
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


def curl_command(
    req: RequestSpec,
    url: str,
    headers: Mapping[str, str],
    *,
    show_secrets: bool = False,
    connect_to: str | None = None,
) -> str:
    """The equivalent curl command for `req` as sent (to `url` with `headers`), shell-quoted;
    credentials redacted unless `show_secrets` (the demo prints it so the user can send the
    request themselves).

    A signed request is shown with curl's own SigV4 signer (`--aws-sigv4`): replaying a
    captured signature only works for a few minutes, signing again always does."""

    argv = ["curl", "-i", "-X", req.method]
    secret = SECRET_HEADERS | {req.token_header.lower()}
    for name, value in headers.items():
        low = name.lower()
        if req.sigv4 and (low == "authorization" or low.startswith("x-amz-")):
            continue
        if not show_secrets and low in secret:
            value = "<redacted>"
        argv += ["-H", f"{name}: {value}"]
    if req.sigv4:
        argv += ["--aws-sigv4", "aws:amz:us-east-1:execute-api"]
        argv += ["--user", SIGV4_USER]
    if req.body is not None:
        argv += ["--data", req.body]
    if connect_to is not None:  # a custom domain only the emulator knows: curl's --connect-to
        domain, origin = urlsplit(url), urlsplit(connect_to)
        port = domain.port or (443 if domain.scheme == "https" else 80)
        argv += ["--connect-to", f"{domain.hostname}:{port}:{origin.hostname}:{origin.port}"]
    argv.append(url)
    return shell_join(argv, env_words={SIGV4_USER})
