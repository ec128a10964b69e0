"""Why a $connect identity source naming a header the browser cannot send is not a 403 cause.

"If any of the specified identity sources is missing, null, or empty, API Gateway returns a 401
Unauthorized response without calling the authorizer Lambda function" (CreateAuthorizer,
IdentitySource; https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html).
MiniStack does the same, so a browser sending ?token=... to an authorizer keyed on
route.request.header.Authorization gets a 401, not the 403 of ws-connect-denied: the scenario
for that cause keys the authorizer on the query string and puts the bug in its code
(ws-connect-claim-name-deny). This pins both answers; if the emulator ever calls the
authorizer with the identity source missing, the first assertion fails.
"""

from __future__ import annotations

import pytest

from wizard.sandbox.demo import Sandbox
from wizard.sandbox.scenario import Scenario, load_scenario

pytestmark = [pytest.mark.emulator, pytest.mark.slow]  # two emulators, 4-7 s each


def _keyed_on(where: str) -> Scenario:
    scenario = load_scenario("ws-connect-claim-name-deny")
    (auth,) = scenario.api.v2_authorizers
    keyed = auth.model_copy(update={"identity_source": [where]})
    api = scenario.api.model_copy(update={"v2_authorizers": [keyed]})
    return scenario.model_copy(update={"api": api})


def test_a_header_identity_source_the_browser_cannot_send_is_a_401() -> None:
    with Sandbox(_keyed_on("route.request.header.Authorization")) as box:
        box.provision()
        sent = box.reproduce().symptom
        assert "token=" in sent.url  # the token travels in the query string, as a browser's does
        assert (sent.result.status_code, sent.result.error_message) == (401, "Unauthorized")


def test_a_query_string_identity_source_reaches_the_authorizer() -> None:
    with Sandbox(_keyed_on("route.request.querystring.token")) as box:
        box.provision()
        result = box.reproduce().symptom.result
        assert result.status_code == 403  # the authorizer ran: its Deny, not the missing source
        assert "explicit deny" in (result.error_message or "")
