"""What the user brings to the start screen (the start input), as plain data (no Textual here).

Any subset may be filled: a pasted response, an invoke URL or the API coordinates, a token, a
log excerpt. `as_inputs()` turns it into the engine's input mapping, using the shared fact names
(api_id, stage, method, path, ...), and leaves out what was not given so the engine treats it as
unknown rather than empty.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class StartEvidence:
    response: str = ""  # status line, headers and body as pasted
    url: str = ""  # invoke URL
    api_id: str = ""
    stage: str = ""
    method: str = ""
    path: str = ""
    token: str = ""  # the bearer token / Authorization header value
    logs: str = ""  # execution, access or authorizer log excerpt
    profile: str = ""  # AWS profile ("" = default chain)
    region: str = ""
    endpoint_url: str = ""  # an emulator on 127.0.0.1 (the demo passes it)
    offline: bool = True  # only pasted evidence, no AWS calls
    confirm_resend: bool = False  # the user allowed re-sending a POST/PUT/... to a real API

    def as_inputs(self) -> dict[str, Any]:
        """The engine inputs: every non-empty field except the AWS connection settings."""
        skip = {"profile", "region", "endpoint_url", "offline", "confirm_resend"}
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in skip:
                continue
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = value.strip()
            if value:
                out[f.name] = value.upper() if f.name == "method" else value
        if self.region.strip():
            out["region"] = self.region.strip()
        return out

    def is_empty(self) -> bool:
        return not self.as_inputs()

    def describe(self) -> str:
        """One line naming what was given, for the timeline."""
        given = [k for k in self.as_inputs() if k != "region"]
        return "evidence: " + (", ".join(given) if given else "none yet")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
