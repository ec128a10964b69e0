"""What provisioning a scenario created (`Provisioned`) and the emulator URLs it is reached on:
shared by the REST provisioner (provision.py), the HTTP/WebSocket one (provision_v2.py) and
everything that replays a scenario's requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote

ClientFactory = Callable[[str], Any]


@dataclass
class Provisioned:
    """What a scenario created. Tokens and API key values are secrets of the sandbox only."""

    scenario: str
    api_id: str
    stage: str
    region: str
    account_id: str
    endpoint_url: str
    resource_ids: dict[str, str] = field(default_factory=dict)  # path -> id
    authorizer_ids: dict[str, str] = field(default_factory=dict)  # name -> id
    function_arns: dict[str, str] = field(default_factory=dict)  # name -> arn
    api_keys: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> {id, value}
    usage_plan_ids: dict[str, str] = field(default_factory=dict)
    deployment_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)  # name -> header value
    protocol: str = "REST"  # REST | HTTP | WEBSOCKET
    route_ids: dict[str, str] = field(default_factory=dict)  # route key -> id (v2)
    # name -> {"id": pool id, "clients": {name: {"id", "secret"}}}
    user_pools: dict[str, dict[str, Any]] = field(default_factory=dict)
    domain_name: str | None = None  # the custom domain, when the scenario has one
    connection_id: str | None = None  # the live WebSocket connection the sandbox holds
    vpce_id: str | None = None  # the VPC endpoint a PRIVATE API is associated with

    def url(self, path: str) -> str:
        """The emulator's data-plane URL for `path` (after the stage) on this API."""
        if self.protocol != "REST":
            return v2_data_plane_url(self.endpoint_url, self.api_id, self.stage, path)
        return data_plane_url(self.endpoint_url, self.api_id, self.stage, path)

    def method_arn(self, method: str, path: str) -> str:
        return (
            f"arn:aws:execute-api:{self.region}:{self.account_id}:"
            f"{self.api_id}/{self.stage}/{method}/{path.lstrip('/')}"
        )

    def substitutions(self) -> dict[str, str]:
        return {
            "api_id": self.api_id,
            "stage": self.stage,
            "region": self.region,
            "account_id": self.account_id,
            **({"connection_id": self.connection_id} if self.connection_id else {}),
            **({"vpce_id": self.vpce_id} if self.vpce_id else {}),
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def data_plane_url(endpoint_url: str, api_id: str, stage: str, path: str) -> str:

    return (
        f"{endpoint_url.rstrip('/')}/restapis/{quote(api_id, safe='')}/{quote(stage, safe='')}"
        f"/_user_request_/{quote(path.lstrip('/'), safe='/')}"
    )


def v2_data_plane_url(endpoint_url: str, api_id: str, stage: str, path: str) -> str:
    """An HTTP or WebSocket API's URL on the emulator: `/_aws/execute-api/{api}/{stage}/{path}`
    (no stage segment when `stage` is empty: a call that left the stage out)."""

    parts = [quote(api_id, safe="")]
    if stage:
        parts.append(quote(stage, safe="$"))
    rest = quote(path.lstrip("/"), safe="/@$=")
    return f"{endpoint_url.rstrip('/')}/_aws/execute-api/{'/'.join(parts)}/{rest}"
