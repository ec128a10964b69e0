"""`apigw-wizard jwt TOKEN|-`: decode a JWT, check its times and signature, explain what is wrong."""

from __future__ import annotations

import argparse
import textwrap
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from wizard import exitcodes
from wizard.commands._io import InputError, add_format_flag, emit, guarded, read_file_bytes

if TYPE_CHECKING:
    from wizard.analysis.jwt_inspect import JwtReport

_MAX_KEY_FILE = 1024 * 1024
# A real JWT is a few KB (API Gateway refuses headers over 10 KB); anything past this is a
# mis-paste, and saying so beats decoding megabytes of it.
_MAX_TOKEN_CHARS = 64 * 1024


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "jwt",
        help="decode a JWT: claims, expiry, scopes, signature, and what would make API Gateway refuse it",
        description=(
            "Decode a JWT (bare, 'Bearer <token>' or a whole 'Authorization: Bearer ...' line) "
            "and explain it: claims with times in UTC and relative to now, token type "
            "(Cognito ID vs access), scopes, issuer, expiry against the authorizer cache TTL, "
            "and optionally its signature. The signature and raw token are never printed "
            "unless --reveal is given."
        ),
        epilog=(
            "examples:\n"
            "  apigw-wizard jwt eyJhbGciOi...\n"
            "  pbpaste | apigw-wizard jwt - --ttl 300\n"
            "  apigw-wizard jwt @token.txt --jwks jwks.json --format json\n"
            "  apigw-wizard jwt @token.txt --at 2024-05-01T10:32:00Z   # was it valid during the incident?\n"
            "  apigw-wizard jwt @token.txt --scope profile/write       # does it carry the route's scope?"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "token", metavar="TOKEN", help="the token, '-' for standard input, @FILE for a file"
    )
    keys = p.add_mutually_exclusive_group()
    keys.add_argument(
        "--secret", help="verify an HS256/384/512 signature with this secret (or @FILE)"
    )
    keys.add_argument(
        "--pem", metavar="FILE", help="verify with this PEM public key or certificate"
    )
    keys.add_argument(
        "--jwks", metavar="FILE", help="verify with this JWKS (the issuer's jwks.json)"
    )
    p.add_argument(
        "--ttl",
        type=_seconds,
        metavar="SECONDS",
        help="the authorizer's result cache TTL, to compare with the token's expiry",
    )
    p.add_argument(
        "--at",
        type=_moment,
        metavar="TIME",
        help="judge the times as of this moment (ISO 8601 or epoch seconds; default: now)",
    )
    p.add_argument(
        "--scope",
        action="append",
        default=[],
        metavar="SCOPE",
        help="a scope the route requires (repeat for several; the token needs one of them)",
    )
    p.add_argument(
        "--audience",
        action="append",
        default=[],
        metavar="AUD",
        help="an audience the authorizer accepts (repeat for several)",
    )
    p.add_argument("--issuer", metavar="URL", help="the issuer the authorizer trusts")
    p.add_argument(
        "--reveal", action="store_true", help="also print the raw token and its signature"
    )
    add_format_flag(p)
    p.set_defaults(func=run)


def _seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError("seconds cannot be negative")
    return value


def _moment(text: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time (use 2024-05-01T10:32:00Z or epoch seconds)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _read_token(source: str) -> str:
    from wizard.commands._io import read_text

    text = read_text(source, what="token")
    if len(text.strip()) > _MAX_TOKEN_CHARS:
        raise InputError(
            f"token: {len(text) // 1024} KB is far too long for a JWT (they are a few KB); "
            "paste just the token or the Authorization header line"
        )
    return text


def _read_key(path: str, what: str) -> str:
    return read_file_bytes(path, what=what, limit=_MAX_KEY_FILE).decode("utf-8", "replace")


@guarded
def run(args: argparse.Namespace) -> int:
    from wizard.analysis.jwt_inspect import (
        Expectations,
        KeyMaterialError,
        TokenError,
        inspect_token,
    )

    text = _read_token(args.token)
    secret = args.secret
    if secret is not None and secret.startswith("@"):
        secret = _read_key(secret[1:], "--secret").strip()
    pem = _read_key(args.pem, "--pem") if args.pem else None
    jwks = _read_key(args.jwks, "--jwks") if args.jwks else None
    now = args.at or datetime.now(UTC)
    expect = None
    if args.scope or args.audience or args.issuer:
        expect = Expectations(tuple(args.scope), tuple(args.audience), args.issuer)
    try:
        report = inspect_token(
            text,
            now=now,
            ttl=args.ttl,
            secret=secret,
            pem=pem,
            jwks=jwks,
            reveal=args.reveal,
            expect=expect,
        )
    except TokenError as exc:
        raise InputError(f"token: {exc}") from None
    except KeyMaterialError as exc:
        flag = "--secret" if secret is not None else "--pem" if pem is not None else "--jwks"
        raise InputError(f"{flag}: {exc}") from None
    emit(report.to_dict() if args.format == "json" else report, args.format, render_text)
    return exitcodes.OK


# --------------------------------------------------------------------------------------------
# Text rendering


_ICON = {"error": "✗", "warning": "!", "info": "i"}
_WIDTH = 100


def _value(value: Any) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _issuer_line(report: JwtReport) -> str | None:
    iss = report.issuer
    if iss is None:
        return None
    if iss.provider == "cognito":
        return f"Cognito user pool {iss.user_pool_id} in {iss.region}"
    names = {
        "auth0": "Auth0",
        "okta": "Okta",
        "azure-ad": "Azure AD / Entra ID",
        "google": "Google",
    }
    if iss.provider in names:
        return f"{names[iss.provider]}" + (f" (tenant {iss.tenant})" if iss.tenant else "")
    if iss.provider == "keycloak":
        return f"Keycloak realm {iss.tenant}"
    return None


def _validity(report: JwtReport) -> str:
    exp, nbf = report.times.get("exp"), report.times.get("nbf")
    if nbf is not None and nbf.seconds_from_now > 0:
        return f"NOT YET VALID (from {nbf.relative})"
    if exp is None:
        return "no expiry (`exp` missing or unreadable)"
    if report.expired:
        return f"EXPIRED {exp.relative}"
    return f"valid, expires {exp.relative}"


def render_text(report: JwtReport) -> str:
    from wizard.analysis.jwt_inspect import human_duration

    lines: list[str] = []
    h = report.header
    head = [str(h.get("alg", "no alg"))]
    head += [f"{k} {h[k]}" for k in ("typ", "kid") if k in h]
    lines.append("JWT  " + " · ".join(head))
    issuer = _issuer_line(report)
    if issuer:
        lines.append(f"Issuer       {issuer}")
    if report.token_use:
        kind = {"id": "Cognito ID token", "access": "Cognito access token"}.get(
            report.token_use, report.token_use
        )
        lines.append(f"Token type   {kind}")
    lines.append(f"Scopes       {' '.join(report.scopes) if report.scopes else '(none)'}")
    lines.append(f"Validity     {_validity(report)}")
    lines.append("")
    lines.append("Claims")
    width = max((len(k) for k in report.claims), default=4)
    for name, value in report.claims.items():
        t = report.times.get(name)
        if t is not None:
            shown = f"{t.utc.replace('T', ' ').replace('Z', ' UTC')}  ({t.relative})"
            if name == "exp" and report.expired:
                shown += "  ← EXPIRED"
            if name == "nbf" and t.seconds_from_now > 0:
                shown += "  ← NOT YET VALID"
        else:
            shown = _value(value)
        lines.append(f"  {name.ljust(width)}  {shown}")
    lines.append("")
    if report.lifetime_seconds is not None:
        lines.append(f"Lifetime     {human_duration(report.lifetime_seconds)}")
    sig = report.signature
    verdict = (
        "not checked"
        if not sig.checked
        else "VALID"
        if sig.valid
        else "INVALID"
        if sig.valid is False
        else "cannot check"
    )
    detail = sig.detail if sig.checked else "give --secret, --pem or --jwks to check it"
    lines.append(f"Signature    {verdict}: {detail}")
    if report.cache is not None:
        lines.append(
            f"Cache TTL    {human_duration(report.cache.ttl_seconds)} (authorizer results)"
        )
    if report.token is not None:
        lines.append("")
        lines.append(f"Token        {report.token}")
        lines.append(f"Signature    {report.signature_b64}")
    if report.findings:
        lines.append("")
        lines.append("What this means")
        for f in report.findings:
            wrapped = textwrap.wrap(f.message, _WIDTH - 4) or [""]
            lines.append(f"  {_ICON.get(f.severity, '-')} {wrapped[0]}")
            lines.extend(f"    {w}" for w in wrapped[1:])
            if f.cause_ids:
                lines.append(f"    (catalogue: {', '.join(f.cause_ids)})")
    return "\n".join(lines)
