"""Redaction of tokens and secrets before anything is shown, saved or reported.

Pure and fast: sessions, reports and log output all pass text through `redact_text` and
structured data through `redact_obj`. The goal is that nothing usable survives (a JWT, an API
key value, a signature, a secret key, a session token, a password) while the parts that help a
diagnosis stay readable: the auth scheme (`Bearer`, `AWS4-HMAC-SHA256`), the SigV4 credential
scope, the access key id's type prefix and last four characters, the JWT's header prefix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

REDACTED = "[redacted]"
REDACTED_JWT = "[redacted JWT]"

# A JWT (JWS or JWE) in compact form: the header is base64url JSON, so it starts with `eyJ`
# (`{"`), or `eyA`/`ewo`/`ew0` when the JSON begins with a space or a newline.
_JWT = re.compile(r"(?:eyJ|eyA|ewo|ew0)[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}")

# `Bearer <token>` / `Basic <credentials>`: possessive so a token already replaced by the JWT
# rule (which ends in `…[redacted JWT]`) is recognised and left alone.
_SCHEME_TOKEN = re.compile(r"(?i)\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]++)(?!…)")

# SigV4 `Signature=<hex>` in an Authorization header, `X-Amz-Signature=<hex>` in a presigned URL.
_SIGNATURE = re.compile(r"(?i)\b((?:X-Amz-)?Signature=)([0-9a-f]{16,})")

# Access key ids: keep the type prefix (AKIA long-term, ASIA temporary: that difference matters
# for "The security token included in the request is invalid.") and the last four characters.
_ACCESS_KEY_ID = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{12}([A-Z0-9]{4})\b")

# A pasted private key (a JWT signing key, a client certificate's key).
_PRIVATE_KEY = re.compile(
    r"(-----BEGIN (?P<kind>[A-Z0-9 ]*)PRIVATE KEY-----).*?(-----END (?P=kind)PRIVATE KEY-----)",
    re.DOTALL,
)

# Credentials embedded in a URL: scheme://user:password@host
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)([^/\s@]+)(@)")

# Names whose value is a secret wherever they appear as `name: value`, `name=value` or
# `"name": "value"`. Matched case-insensitively, `-` and `_` interchangeable.
_SECRET_NAMES = (
    r"authorization",
    r"authorization[-_]?token",
    r"x[-_]api[-_]key",
    r"api[-_]?key",
    r"usage[-_]?identifier[-_]?key",  # the API key value a Lambda authorizer returns
    r"x[-_]amz[-_]security[-_]token",
    r"x[-_]amz[-_]signature",
    r"x[-_]amz[-_]credential",  # a presigned URL's key id and scope (a header's stays readable)
    r"signature",
    r"(?:aws[-_]?)?secret[-_]?access[-_]?key",
    r"(?:aws[-_]?)?session[-_]?token",
    r"client[-_]?secret",
    r"secret",
    r"password",
    r"passwd",
    r"(?:access|id|refresh)[-_]?token",
    r"token",
    r"set[-_]cookie",
    r"cookie",
)
_KEY_VALUE = re.compile(
    r"(?i)(?<![\w-])(?P<name>"
    + "|".join(_SECRET_NAMES)
    + r")(?P<sep>[\"']?\s*[:=]\s*)"
    + r"(?P<val>\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|[^\s,;&}\]\"'<>]+)"
)

# An API key's value in a JSON listing (`get-api-keys --include-values`): `"value": "<20+ chars>"`.
_API_KEY_VALUE_FIELD = re.compile(r"(?i)(\"value\"\s*:\s*\")([A-Za-z0-9]{20,128})(\")")

# Values that another rule has already handled or that name a scheme to keep visible.
_KEEP_UNQUOTED = re.compile(r"(?i)^(?:Bearer|Basic|AWS4-HMAC-SHA256|eyJ|eyA|ewo|ew0|\[redacted|…)")

# A placeholder or a variable stands for a secret without being one: `$API_KEY`, `${TOKEN}`,
# `{token}`, `<token>`, `$context.identity.apiKey`. Kept so commands and templates stay readable.
_PLACEHOLDER = re.compile(
    r"\$[A-Z_][A-Z0-9_]*|\$\{[A-Za-z_]\w*\}|\$(?:context|stageVariables|input|request)\.[\w.]+"
    r"|\{[\w.]+\}|<[\w .-]+>|\*+|\.\.\.|…"
)

_OPEN_PLACEHOLDER = re.compile(r"\$?\{[\w.]+")

# Cheap pre-check: text with none of these cannot contain anything the rules redact.
_TRIGGER = re.compile(
    r"(?i)ey[JA]|ew[o0]|bearer|basic|authoriz|key|secret|token|passw|signature|credential|cookie"
    r"|AKIA|ASIA|://|\"value\""
)


def _redact_jwt(m: re.Match[str]) -> str:
    token = m.group(0)
    # The header is not secret; its first ten characters only say "this was a JWT".
    return token[: min(10, token.index("."))] + "…" + REDACTED_JWT


def _redact_scheme(m: re.Match[str]) -> str:
    return f"{m.group(1)}{m.group(2)}{REDACTED}"


def _redact_key_value(m: re.Match[str]) -> str:
    val = m.group("val")
    head = m.group("name") + m.group("sep")
    if val[:1] in "\"'":
        quote = val[0]
        inner = val[1:-1]
        if _PLACEHOLDER.fullmatch(inner):
            return m.group(0)
        scheme = re.match(r"(?i)(Bearer|Basic|AWS4-HMAC-SHA256)\b", inner)
        if scheme:
            return f"{head}{quote}{scheme.group(1)} {REDACTED}{quote}"
        return f"{head}{quote}{REDACTED}{quote}"
    if (
        _KEEP_UNQUOTED.match(val)
        or _PLACEHOLDER.fullmatch(val)
        or _OPEN_PLACEHOLDER.fullmatch(val)  # the value stops before `}`: `${API_KEY}`, `{token}`
        or val.endswith(("[", "("))
    ):
        # `token = event["authorizationToken"]`, `key=os.environ(...)`: code, not a secret
        return m.group(0)
    return head + REDACTED


# One Outcome passes the same strings through `redact_text` several times (a probe's result,
# the fact read from it, the timeline's FactSet, the saved session), and `outcome()` is built
# more than once per run: ~2,900 calls on ~470 distinct strings for the seed diagnose, ~30 ms.
# Redaction is a pure function of the string, so each distinct string is redacted once and the
# answer kept, within a bound on entries and on characters held (cleared, not evicted one by
# one: the memo lives for one investigation's burst of rendering, not for a long history).
_MEMO_ENTRIES = 4096
_MEMO_CHARS = 4_000_000
_memo: dict[str, str] = {}
_memo_chars = 0


def forget_redactions() -> None:
    """Drop the memo: it holds the raw strings it redacted, secrets included. An investigation
    that opens calls this, so a long-lived process (the TUI, the MCP server) keeps no token of
    an earlier investigation past the start of the next."""
    global _memo_chars
    _memo.clear()
    _memo_chars = 0


def redact_text(text: str) -> str:
    """Return `text` with tokens, keys, signatures and passwords replaced."""
    global _memo_chars
    if not text or type(text) is not str:  # a str subclass (an enum) comes back as itself
        return _redact_uncached(text) if text else text
    done = _memo.get(text)
    if done is not None:
        return done
    done = _redact_uncached(text)
    if len(_memo) >= _MEMO_ENTRIES or _memo_chars + len(text) > _MEMO_CHARS:
        _memo.clear()
        _memo_chars = 0
    if len(text) <= _MEMO_CHARS:
        _memo[text] = done
        _memo_chars += len(text)
    return done


def _redact_uncached(text: str) -> str:
    # ASCII text (nearly all of it) is lower-cased once and asked with `in` what each rule needs
    # (a regex cannot match without its literal): _TRIGGER alone, case-insensitive, cost more
    # than every rule together on a seed diagnose's long log texts. Other text, where Unicode
    # case folding differs from lower() (`ſ` matches `s` under re.I), takes every rule.
    low = text.lower() if text.isascii() else None
    if not (_any_in(low, _TRIGGER_WORDS) if low is not None else _TRIGGER.search(text)):
        return text
    for rule, replace, words in _RULES:
        if words and low is not None and not _any_in(low, words):
            continue
        text, count = rule.subn(replace, text)
        if count:  # what a rule wrote ("…", "[redacted]") is what the next rules read
            low = text.lower() if text.isascii() else None
    return text


def _any_in(low: str, words: tuple[str, ...]) -> bool:
    return any(word in low for word in words)


# _TRIGGER's alternatives, lower-cased: in ASCII text, one of them is in it exactly when
# _TRIGGER matches.
_TRIGGER_WORDS = (
    "eyj",
    "eya",
    "ewo",
    "ew0",
    "bearer",
    "basic",
    "authoriz",
    "key",
    "secret",
    "token",
    "passw",
    "signature",
    "credential",
    "cookie",
    "akia",
    "asia",
    "://",
    '"value"',
)

# The rules in the order they run, each with the lower-cased words one of which its match
# needs (none: always run).
_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str], tuple[str, ...]], ...] = (
    (
        _PRIVATE_KEY,
        lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}",
        ("private key-----",),
    ),
    (_JWT, _redact_jwt, ("eyj", "eya", "ewo", "ew0")),
    (_SCHEME_TOKEN, _redact_scheme, ("bearer", "basic")),
    (_SIGNATURE, lambda m: m.group(1) + REDACTED, ("signature=",)),
    (_URL_PASSWORD, lambda m: m.group(1) + REDACTED + m.group(3), ("://",)),
    (_API_KEY_VALUE_FIELD, lambda m: m.group(1) + REDACTED + m.group(3), ('"value"',)),
    (_KEY_VALUE, _redact_key_value, ()),
    (_ACCESS_KEY_ID, lambda m: f"{m.group(1)}…{m.group(2)}", ("akia", "asia")),
)


# Keys (lower-cased, `-`/`_` removed) whose values are secrets, by suffix: `authorizationToken`,
# `X-Amz-Security-Token`, `client_secret`, `SecretAccessKey`, `x-api-key` ...
_SENSITIVE_SUFFIXES = (
    "token",
    "secret",
    "password",
    "passwd",
    "signature",
    "apikey",
    "cookie",
    "authorization",
    "secretaccesskey",
    "sessiontoken",
    "usageidentifierkey",
)
# Keys that end like a secret but hold none (pagination cursors).
_NOT_SENSITIVE = frozenset({"nexttoken", "nextpagetoken", "paginationtoken", "continuationtoken"})
_SCHEME_PREFIX = re.compile(r"(?i)^(Bearer|Basic|AWS4-HMAC-SHA256)\b")


def _normalise_key(key: object) -> str:
    return str(key).lower().replace("-", "").replace("_", "")


def is_sensitive_key(key: object) -> bool:
    """True when a mapping key names a secret (`authorizationToken`, `x-api-key`, ...)."""
    return _is_sensitive_name(str(key))


# Keyed by the key's text (not the key: 1 and True are equal as cache keys, "1" and "True" are
# not): a redacted Outcome asks about the same few hundred keys ~18,000 times.
@functools.lru_cache(maxsize=2048)
def _is_sensitive_name(name: str) -> bool:
    norm = _normalise_key(name)
    return norm not in _NOT_SENSITIVE and norm.endswith(_SENSITIVE_SUFFIXES)


def _redact_sensitive_value(value: Any) -> Any:
    # None, booleans and "" say "nothing was sent": keep them, they are evidence, not secrets.
    if value is None or isinstance(value, bool) or value == "":
        return value
    if isinstance(value, str):
        scheme = _SCHEME_PREFIX.match(value)
        if scheme:
            return f"{scheme.group(1)} {REDACTED}"
    return REDACTED


def _looks_like_api_key_listing(obj: Mapping[Any, Any]) -> bool:
    # An API key as get-api-keys returns it: {"id": ..., "value": "<key>", ...}
    value = obj.get("value")
    return (
        isinstance(value, str)
        and ("id" in obj or "apiKeyId" in obj or "keyId" in obj)
        and re.fullmatch(r"[A-Za-z0-9]{20,128}", value) is not None
    )


def redact_obj(obj: Any) -> Any:
    """Return a copy of `obj` (dicts, lists, tuples, strings) with secrets replaced.

    Values under sensitive keys are replaced outright; every other string goes through
    `redact_text`. The input is not modified.
    """
    if isinstance(obj, str):
        return redact_text(obj)
    if isinstance(obj, Mapping):
        api_key_listing = _looks_like_api_key_listing(obj)
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            if is_sensitive_key(key) or (api_key_listing and key == "value"):
                out[key] = _redact_sensitive_value(value)
            else:
                out[key] = redact_obj(value)
        return out
    if isinstance(obj, list):
        return [redact_obj(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(redact_obj(v) for v in obj)
    return obj
