"""`signing.sigv4_headers_at`: a SigV4 signature dated in the past, right for that date."""

from __future__ import annotations

import datetime as dt

from botocore.credentials import Credentials

from wizard.aws.reproduce import sigv4_headers
from wizard.sandbox.signing import sigv4_headers_at

URL = "http://127.0.0.1:4566/restapis/abc/prod/_user_request_/orders"
CREDS = Credentials("AKIDEXAMPLE", "secret").get_frozen_credentials()


def _date(headers: dict[str, str]) -> dt.datetime:
    return dt.datetime.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def test_the_signature_names_the_date_in_the_past_in_x_amz_date_and_the_scope() -> None:
    now = dt.datetime.now(dt.UTC)
    headers = sigv4_headers_at("POST", URL, {}, b"{}", CREDS, "us-east-1", 1200)
    age = (now - _date(headers)).total_seconds()
    assert 1195 <= age <= 1260, age
    scope_day = headers["Authorization"].split("Credential=AKIDEXAMPLE/")[1][:8]
    assert scope_day == headers["X-Amz-Date"][:8]
    assert "/us-east-1/execute-api/aws4_request" in headers["Authorization"]


def test_a_negative_age_is_a_clock_ahead() -> None:
    ahead = sigv4_headers_at("GET", URL, {}, None, CREDS, "us-east-1", -600)
    assert _date(ahead) > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=9)


def test_it_signs_exactly_as_botocore_does_at_that_time(monkeypatch) -> None:
    import botocore.auth

    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    past = sigv4_headers_at("POST", URL, {"x-a": "1"}, b"{}", CREDS, "us-east-1", 1200, now=now)
    assert past["X-Amz-Date"] == "20260101T114000Z"
    monkeypatch.setattr(
        botocore.auth, "get_current_datetime", lambda: now.replace(minute=40, hour=11)
    )
    botocore_signed = sigv4_headers("POST", URL, {"x-a": "1"}, b"{}", CREDS, "us-east-1")
    assert past["Authorization"] == botocore_signed["Authorization"]
