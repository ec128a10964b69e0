"""One reader of the forms a policy arrives in: the live probe, the offline probe and the
evaluator must agree on what a policy says."""

from __future__ import annotations

import json

import pytest

from wizard.analysis.policy.parse import PolicyError, load_document, parse_policy
from wizard.aws.probes._base import parse_policy as probe_parse_policy
from wizard.engine.offline_probes.policies import _parse_policy as offline_parse_policy
from wizard.engine.probes import ProbeError

DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc123/*",
            "Condition": {"StringLike": {"aws:UserAgent": "a\\b*"}},
        }
    ],
}
# get_rest_api returns the document as the body of a JSON string: quotes, slashes and
# backslashes escaped once more.
ESCAPED = json.dumps(json.dumps(DOC).replace("/", "\\/"))[1:-1]

FORMS = {
    "plain JSON": json.dumps(DOC),
    "get_rest_api escaped": ESCAPED,
    "JSON string holding the document": json.dumps(json.dumps(DOC)),
    "authorizer response": json.dumps({"principalId": "u", "policyDocument": DOC}),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_reader_gives_the_same_document(form: str) -> None:
    text = FORMS[form]
    assert load_document(text) == DOC
    assert probe_parse_policy(text) == DOC
    assert offline_parse_policy(text) == DOC
    assert parse_policy(text).statements[0].resources == (DOC["Statement"][0]["Resource"],)


def test_unreadable_policy_is_an_error_for_the_evaluator_and_none_for_the_probe() -> None:
    with pytest.raises(PolicyError):
        load_document('{"Version": "2012-10-17", "Statement": [')
    assert probe_parse_policy('{"Version": "2012-10-17", "Statement": [') is None
    with pytest.raises(ProbeError):
        offline_parse_policy('{"Version": "2012-10-17", "Statement": [')
