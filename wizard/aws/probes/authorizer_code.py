"""The authorizer's deployed code, patched where it builds the wrong Resource (sandbox only).

The Allow the authorizer returned (`policy_resource`) is compared part by part with the method
ARN of the call (`wizard.analysis.authorizer_resource.wrong_parts`); the handler's file is
patched on the lines that set a Resource (`wizard.aws.fixes.code.patch_code`). Both the current
and the patched zip are kept as content-addressed artifacts, so the fix deploys exactly the
patched bytes and the rollback exactly the previous ones.

The code is downloaded only when both the endpoint and the code location are on loopback (the
emulator): on AWS the fix stays manual (see `wizard.aws.fixes.code`).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from wizard.analysis.authorizer_resource import wrong_parts
from wizard.analysis.identity_source import parse_identity_sources
from wizard.aws.errors import aws_errors
from wizard.aws.fixes.code import (
    MAX_ZIP_BYTES,
    CodeError,
    CodeFix,
    patch_claim_code,
    patch_code,
    save_artifact,
)
from wizard.aws.fixes.render import render_cli
from wizard.aws.probes._base import arg, client, session
from wizard.engine.probes import REGISTRY, ProbeContext

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _facts(**values: Any) -> dict[str, Any]:
    keys = ("authorizer_function_name", "authorizer_code_zip", "authorizer_code_note")
    return {k: values.get(k) for k in keys}


def _loopback(url: Any) -> bool:
    return isinstance(url, str) and urllib.parse.urlsplit(url).hostname in _LOOPBACK


def _download(location: str) -> bytes:
    with urllib.request.urlopen(location, timeout=30) as answer:
        data = bytes(answer.read(MAX_ZIP_BYTES + 1))
    if len(data) > MAX_ZIP_BYTES:
        raise CodeError(f"the code is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MiB")
    return data


@REGISTRY.probe(
    "propose_authorizer_code_fix",
    "On the sandbox emulator: the authorizer's deployed code patched where it builds the wrong "
    "Resource, for an UpdateFunctionCode fix (on AWS the code fix is shown, not applied)",
    iam_actions=("lambda:GetFunction",),
    needs_aws=True,
)
def propose_authorizer_code_fix(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    function = arg(ctx, params, "authorizer_function_arn")
    resource = arg(ctx, params, "policy_resource", None)
    method_arn = arg(ctx, params, "method_arn", None)
    if not isinstance(resource, str) or not isinstance(method_arn, str):
        return _facts(authorizer_code_note="The returned Allow or the method ARN is not known.")
    wrong = wrong_parts(resource, method_arn)
    if not wrong:
        return _facts(authorizer_code_note="The returned Allow covers the method ARN.")
    return _deployed_patch(
        ctx,
        function,
        lambda data, handler, runtime: patch_code(data, handler, runtime, wrong),
    )


@REGISTRY.probe(
    "propose_authorizer_claim_fix",
    "On the sandbox emulator: the authorizer's deployed code with a read of a claim, header or "
    "query parameter the request does not carry renamed to the one it carries, for an "
    "UpdateFunctionCode fix",
    iam_actions=("lambda:GetFunction",),
    needs_aws=True,
)
def propose_authorizer_claim_fix(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    function = arg(ctx, params, "authorizer_function_arn")
    claims = arg(ctx, params, "jwt_claims", None)
    if isinstance(claims, dict) and isinstance(claims.get("claims"), dict):
        claims = claims["claims"]  # inspect_jwt's analysis: header, claims, findings
    if not isinstance(claims, dict):
        claims = {}
    headers, query = _carried(ctx, params)
    if not claims and not headers and not query:
        return _facts(authorizer_code_note="The token's claims are not known.")
    return _deployed_patch(
        ctx,
        function,
        lambda data, handler, runtime: patch_claim_code(
            data, handler, runtime, claims, headers=headers, query=query
        ),
    )


def _carried(ctx: ProbeContext, params: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The header and query-string names the request is known to carry: the authorizer's
    identity sources (API Gateway answers 401 without calling it when one is missing), the
    headers given, Authorization when a token was given, the URL's query parameters."""
    sources = parse_identity_sources(str(arg(ctx, params, "authorizer_identity_source", "")))
    headers = [s.name for s in sources if s.where == "header"]
    query = [s.name for s in sources if s.where == "querystring"]
    given = arg(ctx, params, "headers", None)
    if isinstance(given, Mapping):
        headers += [str(k) for k in given]
    if arg(ctx, params, "token", None):
        headers.append("Authorization")
    url = arg(ctx, params, "url", None)
    if isinstance(url, str):
        query += list(parse_qs(urllib.parse.urlsplit(url).query))
    return list(dict.fromkeys(headers)), list(dict.fromkeys(query))


def _deployed_patch(
    ctx: ProbeContext, function: Any, patch: Callable[[bytes, str, str], CodeFix]
) -> dict[str, Any]:
    """Download the function's code (loopback only), patch it, keep both zips as artifacts."""
    if not _loopback(getattr(session(ctx), "endpoint_url", None)):
        return _facts(
            authorizer_code_note="On AWS the wizard does not download or redeploy the "
            "authorizer's code: apply the patch shown in your repository and deploy it as usual."
        )
    manual = render_cli("lambda", "GetFunction", {"FunctionName": str(function)})
    with aws_errors("lambda:GetFunction", manual=manual):
        answer = client(ctx, "lambda").get_function(FunctionName=function)
    config, location = answer.get("Configuration") or {}, (answer.get("Code") or {}).get("Location")
    name = config.get("FunctionName")
    if not _loopback(location):
        return _facts(
            authorizer_function_name=name,
            authorizer_code_note="The function's code is not served by the local emulator, so "
            "the wizard does not download it.",
        )
    try:
        current = _download(str(location))
        fix = patch(current, str(config.get("Handler", "")), str(config.get("Runtime", "")))
        if fix.patched is None:
            return _facts(
                authorizer_function_name=name,
                authorizer_code_note=f"The wizard cannot patch the code: {fix.reason}.",
            )
        save_artifact(current)  # the way back, byte for byte
        ref = save_artifact(fix.patched)
    except (CodeError, OSError) as exc:
        return _facts(
            authorizer_function_name=name,
            authorizer_code_note=f"The wizard cannot patch the code: {exc}.",
        )
    return _facts(
        authorizer_function_name=name,
        authorizer_code_zip=ref,
        authorizer_code_note=f"The code the wizard can deploy to {name} differs from what runs "
        f"now only in {fix.reason}; rolling back re-deploys the current code byte for byte.",
    )
