"""Realistic sessions for the report tests: the real engine walks the shipped main playbook
offline with answer files (tests/playbooks/walks), with real-looking secrets put in what the
engineer pastes: a signed JWT (PyJWT) and a 40-character API key."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import jwt

from tests.playbooks.walking import WALKS, load_walk, run_walk
from wizard.engine.session import Session
from wizard.investigation import Investigation
from wizard.outcome import FactOut, Outcome

ACCOUNT = "123456789012"
API_KEY = "Zq8Lm3Xv9Rt2Wp6Yk4Nc7Hd1Fb5Gs0JaKeUiOoPl"
HMAC_SECRET = "report-test-secret-that-is-long-enough-for-hs256"


@cache
def token() -> str:
    """A Cognito-style access token, signed (the signature must never reach a report)."""
    claims = {
        "sub": "5f1c3a9e-7b2d-4c8e-9f10-a1b2c3d4e5f6",
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
        "client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
        "token_use": "access",
        "scope": "orders/read",
        "iat": 1795292902,
        "exp": 2110652902,
        "username": "alice",
    }
    return jwt.encode(claims, HMAC_SECRET, algorithm="HS256")


def secrets() -> list[str]:
    """Every string that must not appear in a redacted report: the token, each of its
    segments long enough to be unique, and the API key."""
    t = token()
    _header, payload, signature = t.split(".")
    return [t, payload, signature, API_KEY]


def _walk(name: str) -> dict[str, Any]:
    return copy.deepcopy(load_walk(WALKS / f"{name}.yaml"))


def seed_session() -> Session:
    """The seed incident from execution logs: a cached, method-scoped authorizer policy."""
    data = _walk("seed-from-execution-logs")
    # the same logs, with our signed token where the sample had a placeholder one
    logs = data["answers"]["q_logs"]
    data["answers"]["q_logs"] = logs.replace(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLWdvZXMtaGVyZQ",
        token(),
    )
    assert token() in data["answers"]["q_logs"]
    return run_walk(data)


def jwt_scope_session() -> Session:
    """HTTP API JWT route: the pasted token lacks the route's scope; the request is a curl
    with the token and an API key."""
    data = _walk("http-jwt-scope")
    data["answers"]["q_token"] = f"Bearer {token()}"
    data["answers"]["q_request"] = (
        f"curl -X POST -H 'Authorization: Bearer {token()}' -H 'x-api-key: {API_KEY}' "
        "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders"
    )
    return run_walk(data)


def apikey_session() -> Session:
    data = _walk("apikey-invalid-access-log")
    data["answers"]["q_request"] = (
        f"curl -X GET -H 'x-api-key: {API_KEY}' "
        "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/items"
    )
    return run_walk(data)


def inconclusive_session() -> Session:
    return run_walk(_walk("forbidden-unknown"))


def all_sessions() -> dict[str, Session]:
    return {
        "seed": seed_session(),
        "jwt-scope": jwt_scope_session(),
        "apikey": apikey_session(),
        "inconclusive": inconclusive_session(),
    }


def with_secret_fact(data: dict[str, Any]) -> dict[str, Any]:
    """A session dict where a probe read the API key into a fact named like a secret (generic
    redaction cannot know that a bare value under `"value"` is a key: the fact's name says it)."""
    out = copy.deepcopy(data)
    out["facts"]["api_key"] = {
        "name": "api_key",
        "value": API_KEY,
        "known": True,
        "type": "string",
        "source": "probe",
        "origin": "p_live_api/get_api_key",
        "at": out["started_at"],
        "note": None,
    }
    return out


def outcome_with_secret_fact(session: Session, *, keep_secrets: bool) -> Outcome:
    """The same at the Outcome (what the report renders; a saved session is restored, which
    drops a fact edited into its file): the API key read into a fact named like a secret."""
    outcome = Investigation.from_session(session).outcome(keep_secrets=keep_secrets)
    fact = FactOut(
        name="api_key", value=API_KEY, type="string", source="probe", origin="p_live_api/x"
    )
    return outcome.model_copy(update={"evidence": [*outcome.evidence, fact]})


def walk_names() -> list[str]:
    return sorted(p.stem for p in Path(WALKS).glob("*.yaml"))
