"""One rule for when re-sending the failing request needs consent: the reproduce probe enforces
it and the TUI asks by it, so a front end can never send what the probe would refuse (or ask
for what it would allow)."""

from __future__ import annotations

import pytest

from wizard.aws.probes.reproduce import _check_resend_allowed
from wizard.aws.resend_consent import needs_resend_consent
from wizard.engine.probes import ProbeContext, ProbeError, ProbeErrorKind

REAL = "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/items"
LOCAL = "http://127.0.0.1:4566/restapis/a/prod/_user_request_/x"

CASES = [
    ("POST", REAL, True),
    ("delete", REAL, True),
    ("PATCH", "https://api.example.com/v1/x", True),
    ("GET", REAL, False),
    ("", REAL, False),  # GET by default
    ("head", REAL, False),
    ("POST", LOCAL, False),
    ("DELETE", "http://localhost:4566/x", False),
    ("PUT", "http://[::1]:4566/x", False),
    ("POST", "", False),
]


@pytest.mark.parametrize(("method", "url", "asks"), CASES)
def test_consent_only_for_unsafe_methods_to_real_hosts(method: str, url: str, asks: bool) -> None:
    assert needs_resend_consent(method, url) is asks


@pytest.mark.parametrize(("method", "url", "asks"), [c for c in CASES if c[1]])
def test_the_probe_refuses_exactly_what_the_rule_asks_for(
    method: str, url: str, asks: bool
) -> None:
    ctx = ProbeContext(inputs={}, facts={})
    verb = method.upper() or "GET"
    if asks:
        with pytest.raises(ProbeError) as refused:
            _check_resend_allowed(ctx, {}, verb, url)
        assert refused.value.kind is ProbeErrorKind.MISSING_INPUT
        assert "consent" in str(refused.value)
    else:
        _check_resend_allowed(ctx, {}, verb, url)
    # With consent given, nothing is refused.
    _check_resend_allowed(ctx, {"confirm_resend": True}, verb, url)


def test_diagnose_resend_flag_is_the_consent_the_probe_reads() -> None:
    import argparse

    from wizard.commands import diagnose

    parser = argparse.ArgumentParser()
    diagnose.register(parser.add_subparsers())
    base = ["diagnose", "--url", REAL, "--method", "POST"]
    without = diagnose._request(parser.parse_args(base)).inputs()
    with_flag = diagnose._request(parser.parse_args([*base, "--resend"])).inputs()
    assert "confirm_resend" not in without
    ctx = ProbeContext(inputs=without, facts={})
    with pytest.raises(ProbeError, match="--resend"):
        _check_resend_allowed(ctx, {}, "POST", REAL)
    _check_resend_allowed(ProbeContext(inputs=with_flag, facts={}), {}, "POST", REAL)
