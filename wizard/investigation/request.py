"""The failing request an investigation starts from, and the one way it becomes engine inputs
and prefilled answers (every front end used to build both its own way).

`FailingRequest` holds what the user knows about the call that returns 403: the invoke URL or
the ids, the method and path, headers, token, API key, and evidence text they pasted (the error
response, log lines). `inputs()` is what the probes read (`ProbeContext.inputs`); `prefill()`
maps the pasted evidence to the facts the playbook's questions set, so nobody is asked twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.analysis.invoke_url import InvokeUrlError, parse_invoke_url

# Evidence text the user may give up front, and the facts (set by playbook questions) it answers.
EVIDENCE_FACTS: Mapping[str, tuple[str, ...]] = {
    "response": ("error_text",),
    "logs": ("logs_text", "forbidden_logs_text"),
    "token": ("token_text",),
}
DEFAULT_LOG_WINDOW = "15m"


@dataclass
class FailingRequest:
    """What is known of the failing call. Every field is optional: an offline walk may start
    from nothing and ask."""

    url: str | None = None
    api_id: str | None = None
    stage: str | None = None
    method: str | None = None
    path: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    api_key: str | None = None
    region: str | None = None
    since: str = DEFAULT_LOG_WINDOW
    # pasted evidence: "response" (the error response), "logs" (log lines); the token is above
    evidence: dict[str, str] = field(default_factory=dict)
    # the user allowed the wizard to send a non-idempotent request again (TUI start screen)
    confirm_resend: bool = False
    # inputs of other playbooks (their declared `inputs:`), passed to the walk as they are
    extra: dict[str, Any] = field(default_factory=dict)

    def inputs(self) -> dict[str, Any]:
        """The engine inputs (the names the probes read; `diagnose` has always used them)."""
        out: dict[str, Any] = dict(self.extra)
        for name in ("url", "api_id", "stage", "method", "path", "api_key", "region"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.token:
            out["token"] = self.token
        if self.headers:
            out["headers"] = dict(self.headers)
        out["since"] = self.since
        if self.confirm_resend:
            out["confirm_resend"] = True
        return out

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> FailingRequest:
        """A request from engine inputs (a walk file, a saved session): known names to their
        fields, the rest kept as they are."""
        known = {"url", "api_id", "stage", "method", "path", "token", "api_key", "region"}
        fields = {k: str(v) for k, v in inputs.items() if k in known and v}
        request = cls(**fields)  # type: ignore[arg-type]
        if isinstance(inputs.get("headers"), Mapping):
            request.headers = {str(k): str(v) for k, v in inputs["headers"].items()}
        if inputs.get("since"):
            request.since = str(inputs["since"])
        request.confirm_resend = bool(inputs.get("confirm_resend"))
        request.extra = {
            k: v
            for k, v in inputs.items()
            if k not in known | {"headers", "since", "confirm_resend"}
        }
        return request

    def prefill(self) -> dict[str, Any]:
        """Fact name → answer, for the questions the start evidence already answers."""
        out: dict[str, Any] = {}
        given = {**self.evidence, "token": self.token or ""}
        for key, facts in EVIDENCE_FACTS.items():
            value = (given.get(key) or "").strip()
            for fact in facts if value else ():
                out[fact] = value
        if self.url and self.url.strip():
            method = (self.method or "").strip().upper()
            out["request_text"] = " ".join(p for p in (method, self.url.strip()) if p)
        return out


def region_of_url(url: str | None) -> str | None:
    """The region in an execute-api invoke URL, or None (a custom domain, an emulator URL)."""
    if not url:
        return None
    try:
        return parse_invoke_url(url).region
    except InvokeUrlError:
        return None
