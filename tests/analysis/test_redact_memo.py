"""The redaction memo: each distinct string is redacted once, and the answer from the memo is
the rules' answer, every time, within its bounds."""

from __future__ import annotations

import enum

import pytest

from wizard.analysis import redact
from wizard.analysis.redact import redact_obj, redact_text

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXRoYXQtaXMtc2VjcmV0"
TEXTS = [
    f"Authorization: Bearer {TOKEN}",
    "X-Amz-Signature=" + "ab12" * 8,
    "password=hunter2 and AKIAZ7QX3MPL4NVRB2KD",
    "nothing to hide here",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_memo_answers_what_the_rules_answer(text: str) -> None:
    expected = redact._redact_uncached(text) if text else text
    assert [redact_text(text) for _ in range(3)] == [expected] * 3


def test_a_secret_seen_again_is_redacted_again() -> None:
    line = f"Authorization: Bearer {TOKEN}"
    data = {"a": line, "b": [line, {"message": line}], "c": (line,)}
    out = redact_obj(data)
    assert TOKEN not in repr(out)
    assert out["a"] == out["b"][0] == out["b"][1]["message"] == out["c"][0]


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redact, "_MEMO_ENTRIES", 3)
    monkeypatch.setattr(redact, "_memo", {})
    monkeypatch.setattr(redact, "_memo_chars", 0)
    for i in range(10):
        assert redact_text(f"token={i}secret") == "token=[redacted]"
        assert len(redact._memo) <= 3
    monkeypatch.setattr(redact, "_MEMO_CHARS", 50)
    big = "token=" + "x" * 100
    assert redact_text(big) == "token=[redacted]"
    assert big not in redact._memo  # longer than the whole budget: redacted, not kept
    assert redact._memo_chars <= 50


def test_a_str_subclass_comes_back_as_itself() -> None:
    class Kind(enum.StrEnum):
        PLAIN = "nothing to hide"

    assert redact_text("nothing to hide") == "nothing to hide"
    assert type(redact_text(Kind.PLAIN)) is Kind
    assert type(redact_text("nothing to hide")) is str


def test_sensitive_keys_are_told_apart_by_their_text() -> None:
    assert redact.is_sensitive_key("authorizationToken")
    assert not redact.is_sensitive_key("nextToken")
    assert redact.is_sensitive_key("X-Api-Key")
    assert not redact.is_sensitive_key(True) and not redact.is_sensitive_key(1)


def every_rule(text: str) -> str:
    """The rules run one after the other with no pre-check at all (what redact_text did)."""
    if not text or not redact._TRIGGER.search(text):
        return text
    for rule, replace, _words in redact._RULES:
        text = rule.sub(replace, text)
    return text


PRECHECKED = [
    *TEXTS,
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    f"AUTHORIZATION: BEARER {TOKEN}",
    f"authorization: basic dXNlcjpwYXNz and {TOKEN.upper()}",
    "https://user:hunter2@db.example.com/x?X-AMZ-SIGNATURE=" + "AB12" * 8,
    '[{"id": "k1", "VALUE": "Zq8Lm3Xv9Rt2Wp6Yk4Nc7Hd1Fb5Gs0JaKeUiOoPl"}]',
    "ASIAZ7QX3MPL4NVRB2KD akiaz7qx3mpl4nvrb2kd",
    "ſecret=hunter2 and ＡＫＩＡ and passwörd=x",  # non-ASCII: every rule runs
    f"Ünïcode then Bearer {TOKEN}",
    "Method request headers: {Authorization=Bearer abc.def, Cookie=session=1}",
    "no rule matches: keyboard token-bucket passwordless",
    "eyJ only a prefix, Basic",
]


@pytest.mark.parametrize("text", PRECHECKED)
def test_the_pre_checks_skip_only_rules_that_cannot_match(text: str) -> None:
    assert redact._redact_uncached(text) == every_rule(text)


def test_opening_an_investigation_forgets_the_last_ones_secrets() -> None:
    # The memo keeps each raw string it redacted; a long-lived front end (TUI, MCP server)
    # must not hold an earlier investigation's token once the next one opens.
    # lazy: the investigation layer is heavy, and only this test needs it
    from wizard.investigation.investigation import open_investigation

    redact_text(f"Authorization: Bearer {TOKEN}")
    assert any(TOKEN in raw for raw in redact._memo)
    open_investigation()
    assert not any(TOKEN in raw for raw in redact._memo)
