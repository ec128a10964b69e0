"""The wrong-name detector beyond subscripted claims: attribute reads (Node objects), header
names the client does not send, query-string names the URL does not carry. Each rule proposes a
rename only when exactly one carried name is close and read nowhere; code stays code."""

from __future__ import annotations

from wizard.analysis.authorizer_claims import (
    ClaimRename,
    rename_claim_reads,
    wrong_claim_reads,
    wrong_parameter_reads,
)

NODE = """\
const jwt = require("jsonwebtoken");
exports.handler = async (event) => {
  const payload = jwt.verify(event.queryStringParameters.token, process.env.JWT_SECRET);
  const roles = payload.roles || [];
  const member = payload?.groups?.includes("chat-users");
  payload.checked = true;
  const effect = roles.includes("editor") && member && payload.sub === "erin" ? "Allow" : "Deny";
  return { principalId: payload.sub, policyDocument: policy(effect, event.methodArn) };
};
"""


def test_attribute_reads_of_claims_are_renamed_and_a_namespaced_claim_gets_brackets() -> None:
    claims = {"sub": "erin", "role": ["editor"], "cognito:groups": ["chat-users"]}
    renames = wrong_claim_reads(NODE, claims)
    # `jwt.verify(` is a call on a module, `process.env` and `event.*` are not claims,
    # `payload.checked = ` is an assignment, `payload.sub` is a claim the token carries
    assert renames == [ClaimRename("groups", "cognito:groups"), ClaimRename("roles", "role")]
    patched, changed = rename_claim_reads(NODE, renames)
    assert changed == 2
    assert "const roles = payload.role || [];" in patched
    assert 'payload?.["cognito:groups"]?.includes("chat-users")' in patched
    assert "payload.checked = true" in patched and "process.env.JWT_SECRET" in patched


def test_a_header_the_client_does_not_send_is_renamed_to_the_one_it_sends() -> None:
    code = (
        'headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}\n'
        'token = headers.get("x-token", "")\n'
        'tenant = event["headers"]["X-Tenant"]\n'
    )
    sent = ["Host", "X-Auth-Token", "X-Tenant-Id", "Content-Type"]
    renames = wrong_parameter_reads(code, headers=sent)
    # the code lower-cases the headers first: the rename keeps its style
    assert renames == [
        ClaimRename("X-Tenant", "X-Tenant-Id", "header"),
        ClaimRename("x-token", "x-auth-token", "header"),
    ]
    patched, changed = rename_claim_reads(code, renames)
    assert changed == 2
    assert 'headers.get("x-auth-token", "")' in patched
    assert 'event["headers"]["X-Tenant-Id"]' in patched


def test_case_only_and_ambiguous_header_names_propose_nothing() -> None:
    code = 'token = event["headers"]["authorization"]\nother = headers["x-token"]\n'
    # `authorization` is the header sent, up to case (the payload version decides the case)
    assert wrong_parameter_reads(code, headers=["Authorization", "Host"]) == []
    # two sent headers fit `x-token`: the wizard cannot tell which one was meant
    both = ["X-Auth-Token", "X-Amz-Security-Token"]
    assert wrong_parameter_reads(code, headers=["Authorization", *both]) == []


def test_a_query_parameter_the_url_does_not_carry_is_renamed_case_sensitively() -> None:
    code = 'qs = event.get("queryStringParameters") or {}\ntoken = qs.get("access_token")\n'
    assert wrong_parameter_reads(code, query=["token"]) == [
        ClaimRename("access_token", "token", "query")
    ]
    patched, _ = rename_claim_reads(code, wrong_parameter_reads(code, query=["token"]))
    assert 'qs.get("token")' in patched
    # a header and a claim with the same names are other reads: neither is touched
    mixed = 'a = claims["access_token"]\nb = headers["access_token"]\n'
    renamed, changed = rename_claim_reads(mixed, [ClaimRename("access_token", "token", "query")])
    assert (renamed, changed) == (mixed, 0)


def test_a_claim_rename_does_not_touch_header_or_query_reads() -> None:
    code = 'r = claims.get("roles")\nh = headers.get("roles")\nq = query.get("roles")\n'
    renames = wrong_claim_reads(code, {"role": "editor"})
    assert renames == [ClaimRename("roles", "role")]
    patched, changed = rename_claim_reads(code, renames)
    assert changed == 1
    assert 'headers.get("roles")' in patched and 'query.get("roles")' in patched


def test_a_hostile_name_from_the_request_is_never_written_into_the_code() -> None:
    code = 'role = claims.get("roles")\ntoken = headers.get("x-token")\n'
    # each is "close" to the read (a namespaced name ending in it), and would end the string
    assert wrong_claim_reads(code, {'x");os.system("id");(":roles': "x"}) == []
    assert wrong_parameter_reads(code, headers=['a");(":x-token']) == []
