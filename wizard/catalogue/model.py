"""Models of the cause catalogue. The data itself is `causes.yaml` beside this file.

A fix is structured: an ordered list of boto3 operations with parameters (the single source of
truth — the AWS CLI command shown to the user is rendered from it by wizard.aws), or guidance
with example code when it cannot be applied by the wizard (authorizer code, client code, IAM
owned by another team). Parameter values may hold `{placeholders}` filled from session facts
(api_id, stage, authorizer_id, region, account_id, ...).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from wizard.validated_cache import cached

CATALOGUE_FILE = Path(__file__).with_name("causes.yaml")

Category = Literal[
    "authorizer",
    "resource-policy",
    "iam",
    "sigv4",
    "routing",
    "api-key",
    "network",
    "edge",
    "http-api",
    "websocket",
    "other",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Operation(_Strict):
    """One boto3 call: `boto3.client(service).<snake(operation)>(**params)`."""

    service: str = Field(description="boto3 client name, e.g. apigateway, apigatewayv2, lambda")
    operation: str = Field(
        description="botocore operation name in PascalCase, e.g. UpdateAuthorizer"
    )
    params: dict[str, Any] = Field(default_factory=dict)


class Fix(_Strict):
    id: str
    title: str
    explanation: str = Field(description="why this fixes the cause, in plain words")
    operations: list[Operation] = Field(default_factory=list)
    guidance: str | None = Field(default=None, description="what to do by hand when not automatic")
    commands: list[Operation] = Field(
        default_factory=list,
        description=(
            "the AWS CLI commands the guidance asks the user to run, as operations: rendered "
            "(quoted) by the one renderer with the session's facts, never run by the wizard. "
            "Guidance prose never spells a command out itself"
        ),
    )
    code: dict[str, str] = Field(
        default_factory=dict, description="example code or commands, keyed by language/kind"
    )
    needs_redeploy: bool = False
    needs_cache_flush: bool = False
    corrects: Literal["signature", "route", "management-endpoint"] | None = Field(
        default=None,
        description=(
            "a client-side fix: what of the failing request the wizard corrects to print the "
            "corrected request (wizard.investigation.corrected_request): its SigV4 signature "
            "(service execute-api, the API's region), its route (the one near route the stage "
            "serves), or the @connections management endpoint (with the stage)"
        ),
    )
    applies_when: dict[str, Any] | None = Field(
        default=None,
        description=(
            "when the fix fits the request, as a playbook condition over session facts "
            "(e.g. {fact: method, op: eq, value: OPTIONS}); data only, checked by the engine"
        ),
    )


class Cause(_Strict):
    id: str
    title: str
    summary: str = Field(description="one line, as in the catalogue's index")
    explanation: str = Field(description="plain English for a less experienced engineer")
    category: Category
    status: int | None = 403
    error_types: list[str] = Field(default_factory=list, description="x-amzn-ErrorType values")
    messages: list[str] = Field(default_factory=list, description="exact response bodies/messages")
    response_types: list[str] = Field(default_factory=list, description="gateway response types")
    log_lines: list[str] = Field(default_factory=list, description="execution/access log lines")
    authorizer_invoked: bool | None = Field(
        default=None, description="does the authorizer Lambda run for this request (None: depends)"
    )
    confirms: list[str] = Field(default_factory=list, description="evidence that confirms it")
    rules_out: list[str] = Field(default_factory=list, description="evidence that rules it out")
    detect: list[str] = Field(default_factory=list, description="boto3 calls that detect it")
    fixes: list[Fix] = Field(default_factory=list)
    verify: str = ""
    prevention: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    prior: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="rough share of real-world 403 reports with this cause (ranking tie-breaker)",
    )


class Catalogue(_Strict):
    schema_version: Literal[1] = 1
    causes: list[Cause]

    def get(self, cause_id: str) -> Cause:
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        raise KeyError(cause_id)

    def ids(self) -> list[str]:
        return [c.id for c in self.causes]


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    # libyaml's loader when present: the pure-Python one takes ~0.4 s on this file.

    raw = path.read_bytes()

    def validated() -> Catalogue:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return Catalogue.model_validate(yaml.load(raw, Loader=loader))  # a safe loader either way

    # Kept validated between runs (wizard.validated_cache), keyed by the file's bytes.
    return cached("catalogue", [raw], validated)
