"""FlushStageAuthorizersCache and FlushStageCache (DELETE .../cache/authorizers, .../cache/data).

AWS: "Flushes all authorizer cache entries on a stage" — the next request on that stage invokes
the authorizer again. MiniStack keeps Lambda-authorizer results in `_authorizer_cache`, keyed
(account, region, api, authorizer, stage, identity); flushing drops that stage's entries.
MiniStack has no response cache, so flushing the stage cache only checks the stage exists.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from wizard.sandbox.fidelity import routes

AUTHORIZERS = "/restapis/{api}/stages/{stage}/cache/authorizers"
DATA = "/restapis/{api}/stages/{stage}/cache/data"


def flush_authorizer_cache(v1: ModuleType, account: str, api_id: str, stage: str) -> int:
    """Drop `stage`'s authorizer results; how many entries went."""
    cache = v1._authorizer_cache
    stale = [k for k in list(cache) if k[0] == account and k[2] == api_id and k[4] == stage]
    for key in stale:
        cache.pop(key, None)
    return len(stale)


def install(v1: ModuleType) -> None:
    # lazy: MiniStack internals (ministack.app 414 ms, -X importtime); only the emulator process loads them
    from ministack.core.responses import get_account_id

    def missing(api_id: str, stage: str) -> routes.Response | None:
        if api_id not in v1._rest_apis:
            return routes.error("NotFoundException", "Invalid API identifier specified", 404)
        if stage not in v1._stages_v1.get(api_id, {}):
            return routes.error("NotFoundException", "Invalid Stage identifier specified", 404)
        return None

    async def flush_authorizers(
        params: dict[str, str], _data: dict[str, Any], _h: dict[str, Any], _q: dict[str, Any]
    ) -> routes.Response:
        refused = missing(params["api"], params["stage"])
        if refused is not None:
            return refused
        flush_authorizer_cache(v1, get_account_id(), params["api"], params["stage"])
        return routes.ok(None, 202)

    async def flush_data(
        params: dict[str, str], _data: dict[str, Any], _h: dict[str, Any], _q: dict[str, Any]
    ) -> routes.Response:
        return missing(params["api"], params["stage"]) or routes.ok(None, 202)

    routes.add("DELETE", AUTHORIZERS, flush_authorizers)
    routes.add("DELETE", DATA, flush_data)
