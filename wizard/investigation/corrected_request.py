"""The corrected request of a client-side fix: the failing request as it should be sent, built
from what the probes read (the API's region, the routes the stage serves, its stages), never
from what the client used. Pure: no I/O; the fix renderer quotes it.

A catalogue fix names what it corrects (`corrects:` in causes.yaml):

- `signature`: the same method and URL, signed by curl at send time (`--aws-sigv4`) for
  execute-api in the API's region, with the credentials of the environment (and their session
  token when the failing request used temporary ones); the Authorization and X-Amz-* headers of
  the failing request go (a Bearer token, a stale or misscoped signature);
- `route`: the same request to the one route the stage serves that is near the one called (none
  when no route, or more than one, is near: guessing between two is not a correction);
- `management-endpoint`: `aws apigatewaymanagementapi post-to-connection` to the management
  endpoint with the stage (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`, or the
  emulator's form of it), for the connection id of the failing call.

None when a fact it needs is unknown (offline, a probe failed): no placeholder is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from wizard.aws.fixes.errors import FixError
from wizard.aws.fixes.render import (
    SIGV4_USER,
    CliTarget,
    render_argv,
    shell_join,
)
from wizard.investigation.near_miss import near_routes
from wizard.outcome.model import CorrectedRequest
from wizard.sandbox.provisioned import v2_data_plane_url

SIGV4_SERVICE = "execute-api"
SESSION_TOKEN_HEADER = "x-amz-security-token: $AWS_SESSION_TOKEN"
# Headers of the failing request a corrected one never repeats: its credentials and signature
# (replaced, or the user's to add), and what curl sets itself.
_DROPPED = frozenset({"authorization", "host", "content-length", "x-api-key", "cookie"})
_CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MANAGEMENT_DATA = "ping"  # a test message: valid for --data in AWS CLI v1 (raw) and v2 (base64)


def corrected_request(
    kind: str | None,
    facts: Mapping[str, Any],
    *,
    url: str | None,
    method: str | None,
    headers: Mapping[str, str],
    target: CliTarget,
) -> CorrectedRequest | None:
    """The corrected request for a fix that corrects `kind`, or None (not a client-side fix, or
    a fact it needs is unknown)."""
    url = url or _text(facts.get("url"))
    if kind is None or not url:
        return None
    method = (method or _text(facts.get("method")) or "GET").upper()
    region = _region(facts, target)
    if kind == "signature":
        return _signed(url, method, headers, region)
    if kind == "route":
        return _route(url, method, headers, facts)
    if kind == "management-endpoint":
        return _management(url, facts, target, region)
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _region(facts: Mapping[str, Any], target: CliTarget) -> str | None:
    """The API's region as the probes resolved it (not the one the client signed for)."""
    region = _text(facts.get("region")) or target.region
    return region if region and not region.startswith("<") else None


def _kept_headers(headers: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for name, value in headers.items():
        low = name.strip().lower()
        if low in _DROPPED or low.startswith("x-amz-"):
            continue
        out += ["-H", f"{name.strip()}: {value.strip()}"]
    return out


def _credential_scope(headers: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(access key id, region, service) of the failing request's SigV4 signature, if signed."""
    auth = next((v for k, v in headers.items() if k.strip().lower() == "authorization"), "")
    found = _CREDENTIAL.search(auth)
    return (found.group(1), found.group(2), found.group(3)) if found else None


def _body_note(method: str) -> str | None:
    if method not in _BODY_METHODS:
        return None
    return (
        "Send the request body as your client does (curl --data ...): the wizard did not see it, "
        "and curl signs whatever body it sends."
    )


def _signed(
    url: str, method: str, headers: Mapping[str, str], region: str | None
) -> CorrectedRequest | None:
    if region is None:
        return None
    scope = _credential_scope(headers)
    names = {k.strip().lower() for k in headers}
    temporary = "x-amz-security-token" in names or (scope is not None and scope[0][:4] == "ASIA")
    argv = ["curl", "-i", "-X", method, *_kept_headers(headers)]
    argv += ["--aws-sigv4", f"aws:amz:{region}:{SIGV4_SERVICE}", "--user", SIGV4_USER]
    env = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
    if temporary:
        argv += ["-H", SESSION_TOKEN_HEADER]
        env.append("AWS_SESSION_TOKEN")
    argv.append(url)
    changes = [
        f"signed when sent (curl --aws-sigv4) for {SIGV4_SERVICE} in {region}, the API's "
        "region, with the current credentials of your environment"
    ]
    if scope is None and "authorization" in names:
        changes.append("the Authorization header that is not a SigV4 signature is left out")
    if scope is not None and scope[1] != region:
        changes.append(f"the failing request was signed for region {scope[1]}, not {region}")
    if scope is not None and scope[2] != SIGV4_SERVICE:
        changes.append(f"the failing request was signed for service {scope[2]}")
    if temporary:
        changes.append("the session token of the temporary credentials is sent")
    return _request("signature", argv, changes, env, _body_note(method))


def _route(
    url: str, method: str, headers: Mapping[str, str], facts: Mapping[str, Any]
) -> CorrectedRequest | None:
    routes, path = facts.get("deployed_routes"), _text(facts.get("path"))
    if not isinstance(routes, list) or path is None:
        return None
    near = near_routes(method, path, routes)
    if len(near) != 1:
        return None
    new_method, new_path = near[0].split(" ", 1)
    if "{" in new_path:  # a template ({id}, {proxy+}): which value to send is the client's
        return None
    new_url = _with_path(url, path, new_path)
    if new_url is None:
        return None
    argv = ["curl", "-i", "-X", new_method, *_kept_headers(headers), new_url]
    changes = [f"{near[0]} is the route the stage serves; the request was {method} {path}"]
    note = _body_note(new_method)
    if any(k.strip().lower() in _DROPPED - {"host", "content-length"} for k in headers):
        note = " ".join(
            n for n in (note, "Add your credentials header as before (not shown).") if n
        )
    return _request("route", argv, changes, [], note)


def _with_path(url: str, old: str, new: str) -> str | None:
    """`url` with its trailing request path `old` replaced by `new` (any URL form: execute-api,
    a custom domain, the emulator's); None when the URL does not end with `old`."""
    parts = urlsplit(url)
    for form in (old, quote(old, safe="/")):
        base = parts.path.rstrip("/")
        if form != "/" and base.endswith(form.rstrip("/")):
            path = base[: len(base) - len(form.rstrip("/"))] + quote(new, safe="/")
            return urlunsplit(parts._replace(path=path))
    return None


def _management(
    url: str, facts: Mapping[str, Any], target: CliTarget, region: str | None
) -> CorrectedRequest | None:
    api_id, stage = _text(facts.get("api_id")), _stage(facts)
    marker = "/@connections/"
    path = urlsplit(url).path
    if region is None or api_id is None or stage is None or marker not in path:
        return None
    connection_id = unquote(path.split(marker, 1)[1].split("/", 1)[0])
    if not connection_id:
        return None
    if facts.get("host_kind") == "emulator" and target.endpoint_url:
        endpoint = v2_data_plane_url(target.endpoint_url, api_id, stage, "").rstrip("/")
    else:
        endpoint = f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}"
    where = CliTarget(region=region, profile=target.profile, endpoint_url=endpoint)
    params = {"ConnectionId": connection_id, "Data": MANAGEMENT_DATA}
    try:
        argv = render_argv("apigatewaymanagementapi", "PostToConnection", params, where)
    except FixError:  # a connection id the CLI cannot take literally: nothing to print
        return None
    changes = [
        f"the management endpoint is {endpoint}: the API's host and the stage {stage} (the SDK "
        "appends /@connections/{id} itself)"
    ]
    note = (
        f"--data {MANAGEMENT_DATA} sends a test message; AWS CLI v2 reads --data as base64 "
        "(add --cli-binary-format raw-in-base64-out for text)."
    )
    return _request("management-endpoint", argv, changes, [], note)


def _stage(facts: Mapping[str, Any]) -> str | None:
    """The stage the management endpoint needs: the one the URL named when the API has it, else
    the API's only stage (None when there are several to choose from)."""
    stages = facts.get("api_stages")
    if not isinstance(stages, list) or not stages:
        return None
    named = _text(facts.get("stage"))
    if named in stages:
        return named
    return str(stages[0]) if len(stages) == 1 else None


def _request(
    kind: str, argv: Sequence[str], changes: list[str], env: list[str], note: str | None
) -> CorrectedRequest:
    return CorrectedRequest(
        kind=kind,
        argv=list(argv),
        command=shell_join(argv, env_words={SIGV4_USER, SESSION_TOKEN_HEADER}),
        changes=changes,
        env=env,
        note=note,
    )
