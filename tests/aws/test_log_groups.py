"""Log-group names derived from ARNs (pure): what the log probes read when not told."""

from __future__ import annotations

import pytest

from wizard.aws.probes.logs import lambda_log_group, log_group_from_arn


@pytest.mark.parametrize(
    ("function", "group"),
    [
        ("arn:aws:lambda:us-east-1:111122223333:function:auth", "/aws/lambda/auth"),
        ("arn:aws:lambda:us-east-1:111122223333:function:auth:live", "/aws/lambda/auth"),
        ("auth", "/aws/lambda/auth"),
    ],
)
def test_lambda_log_group_from_an_arn_or_a_name(function: str, group: str) -> None:
    assert lambda_log_group(function) == group


@pytest.mark.parametrize(
    ("arn", "group"),
    [
        ("arn:aws:logs:us-east-1:111122223333:log-group:access-logs", "access-logs"),
        ("arn:aws:logs:us-east-1:111122223333:log-group:/apigw/prod:*", "/apigw/prod"),
        ("plain-name", "plain-name"),
    ],
)
def test_access_log_group_from_its_arn(arn: str, group: str) -> None:
    assert log_group_from_arn(arn) == group
