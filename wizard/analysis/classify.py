"""The error classifier: from a pasted 403 report to ranked causes of the catalogue.

`classify(text, facts=...)` parses the technical evidence (evidence.py) and the symptom concepts
(symptoms.py), then scores every cause of the catalogue:

    score = ln(prior) + family gate/boosts + evidence weights + symptom weights + fact weights

following the catalogue's triage order (is it API Gateway at all; which response family; route and
stage before authorization; what never reaches the authorizer). Confidences are a softmax of the
scores, capped below 1: they are only high when one cause clearly dominates. Pure: no I/O beyond
reading the packaged catalogue once (titles and priors), never raises on arbitrary input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wizard.analysis import classify_rules as R
from wizard.analysis.diagnosis import scoring
from wizard.analysis.diagnosis.observations import (
    answering_service,
    has_http_signal,
    observe,
    s3_error_through_api,
)
from wizard.analysis.diagnosis.paste import normalise as normalise_paste
from wizard.analysis.evidence import Evidence, parse_evidence
from wizard.analysis.next_checks import next_checks_for
from wizard.analysis.symptoms import Symptoms, detect_symptoms

MAX_TEXT = 200_000
DEFAULT_PRIOR = 0.01
# Asked first when the paste shows no HTTP error at all: every other check presumes one.
RESPONSE_FIRST = (
    "Paste the failing response first: curl -i (or -v) the same URL with the same headers, or copy "
    "the status, headers and body from the browser's network tab (explain --har FILE) - the message "
    "and the x-amzn-ErrorType / x-amz-apigw-id headers say which layer answered."
)


@dataclass
class RankedCause:
    id: str
    title: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    next_checks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "confidence": self.confidence,
            "evidence": list(self.evidence),
            "next_checks": list(self.next_checks),
        }


@dataclass
class Classification:
    causes: list[RankedCause]
    evidence: Evidence
    symptoms: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)
    # False when the paste shows no HTTP error at all (prose only): nothing is likely yet.
    signal: bool = True

    @property
    def top(self) -> RankedCause | None:
        return self.causes[0] if self.causes else None

    def ids(self) -> list[str]:
        return [c.id for c in self.causes]

    def rank_of(self, cause_id: str) -> int | None:
        """1-based rank of `cause_id`, None when it is not a known cause."""
        for i, c in enumerate(self.causes, 1):
            if c.id == cause_id:
                return i
        return None


@dataclass
class _CauseInfo:
    title: str
    prior: float


def _catalogue_info() -> dict[str, _CauseInfo]:
    from wizard.catalogue import load_catalogue

    return {
        c.id: _CauseInfo(c.title, c.prior if c.prior else DEFAULT_PRIOR)
        for c in load_catalogue().causes
    }


class _Scores:
    """Score accumulator keeping the reasons behind each cause's score."""

    def __init__(self, info: Mapping[str, _CauseInfo]) -> None:
        self.info = info
        self.score = {cid: math.log(ci.prior) for cid, ci in info.items()}
        self.reasons: dict[str, list[tuple[float, str]]] = {cid: [] for cid in info}

    def add(self, cause: str, weight: float, reason: str) -> None:
        if cause not in self.score:
            # A rule naming a cause the catalogue does not have is a bug, not a no-op.
            raise KeyError(f"classifier rule names unknown cause id {cause!r}")
        if weight == 0:
            return
        self.score[cause] += weight
        if weight > 0 and all(r != reason for _, r in self.reasons[cause]):
            self.reasons[cause].append((weight, reason))

    def add_many(self, boosts: Mapping[str, float], reason: str, scale: float = 1.0) -> None:
        for cause, weight in boosts.items():
            self.add(cause, weight * scale, reason)


@dataclass
class _Context:
    text: str
    ev: Evidence
    sym: Symptoms
    facts: Mapping[str, Any]
    now: datetime | None
    families: list[str] = field(default_factory=list)

    def has(self, concept: str) -> bool:
        return concept in self.sym

    def family(self, name: str) -> bool:
        return name in self.families


def classify(
    text: str,
    *,
    now: datetime | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Classification:
    """Rank the catalogue's causes for a pasted report. Never raises."""
    ctx, acc = _score_rules(text, now=now, facts=facts)
    return _rank(ctx, acc, _observations(ctx))


@dataclass(frozen=True)
class ScoringInputs:
    """What the fitted layer reads of one paste: the rules' scores and the observations."""

    rule_scores: dict[str, float]
    observations: frozenset[str]


def scoring_inputs(
    text: str,
    *,
    now: datetime | None = None,
    facts: Mapping[str, Any] | None = None,
    strict: bool = False,
) -> ScoringInputs:
    """The inputs of the fitted layer (benchmarks/fit_evidence.py fits on these). `strict`
    raises the first rule error instead of skipping the rule (the tests run the corpus so)."""
    ctx, acc = _score_rules(text, now=now, facts=facts, strict=strict)
    return ScoringInputs(dict(acc.score), _observations(ctx))


def _observations(ctx: _Context) -> frozenset[str]:
    return observe(ctx.text, ctx.ev, ctx.sym, ctx.families, ctx.facts)


def _score_rules(
    text: str, *, now: datetime | None, facts: Mapping[str, Any] | None, strict: bool = False
) -> tuple[_Context, _Scores]:
    if not isinstance(text, str):
        text = ""
    if len(text) > MAX_TEXT:
        # The response and the description sit at the start (and the end) of a paste; the
        # middle of a huge paste is log lines. Bounded input keeps every regex pass cheap.
        text = text[: MAX_TEXT // 2] + "\n" + text[-MAX_TEXT // 2 :]
    # An SDK exception dump or a pasted HAR reads as the response it stands for.
    text = normalise_paste(text).text
    facts = dict(facts or {}) if isinstance(facts, Mapping) else {}
    text = _merge_fact_text(text, facts)
    ev = parse_evidence(text)
    sym = detect_symptoms(text)
    ctx = _Context(text=text, ev=ev, sym=sym, facts=facts, now=now)
    info = _catalogue_info()
    acc = _Scores(info)
    for step in (
        _families,
        _status,
        _origin,
        _logs,
        _url_shape,
        _request_shape,
        _symptoms,
        _combos,
        _denials,
        _facts,
        _api_type,
        _clock,
    ):
        try:
            step(ctx, acc)
        except Exception:
            # One broken rule must not cost a user the whole answer; the tests run strict.
            if strict:
                raise
            continue
    return ctx, acc


# ----------------------------------------------------------------------------- inputs


def _merge_fact_text(text: str, facts: Mapping[str, Any]) -> str:
    """Structured error facts (status_code, error_type, error_message) join the paste."""
    extra = []
    if facts.get("status_code"):
        extra.append(f"HTTP/1.1 {facts['status_code']}")
    if facts.get("error_type"):
        extra.append(f"x-amzn-ErrorType: {facts['error_type']}")
    if facts.get("error_message"):
        extra.append(f'{{"message": {_json_str(str(facts["error_message"]))}}}')
    return text + ("\n" + "\n".join(extra) if extra else "")


def _json_str(s: str) -> str:
    import json

    return json.dumps(s)


# ----------------------------------------------------------------------------- steps


def _families(ctx: _Context, acc: _Scores) -> None:
    matched: list[R.Family] = []
    for fam in R.FAMILIES:
        by_type = bool(fam.error_types & set(ctx.ev.error_types))
        by_text = bool(fam.pattern and fam.pattern.search(ctx.text))
        if by_type or by_text:
            matched.append(fam)
    # The generic AccessDenied family only matters when no specific AccessDenied message was found.
    specific = {f.name for f in matched}
    if specific & {
        "anonymous-denied",
        "identity-denied",
        "authorizer-denied",
        "security-token-invalid",
        "manage-connections-denied",
    }:
        matched = [f for f in matched if f.name != "access-denied-generic"]
    if specific & {
        "anonymous-denied",
        "identity-denied",
        "authorizer-denied",
        "manage-connections-denied",
    }:
        matched = [f for f in matched if f.name not in ("perform-denied", "explicit-deny")]
    if specific & {"signature-expired", "signature-mismatch"}:
        matched = [f for f in matched if f.name != "invalid-signature-generic"]
    if "missing-authentication-token" in specific or "incomplete-signature" in specific:
        # "Forbidden" next to a MAT message is the status text, not the Forbidden family.
        matched = [
            f
            for f in matched
            if f.name != "forbidden" or "ForbiddenException" in ctx.ev.error_types
        ]
    for word, family in (("forbidden", "forbidden"), ("unauthorized", "unauthorized-401")):
        if _bare_message(ctx, word) and all(f.name != family for f in matched):
            matched.extend(f for f in R.FAMILIES if f.name == family)
    ctx.families = [f.name for f in matched]
    compatible: set[str] = set(R.ALWAYS_POSSIBLE)
    for fam in matched:
        acc.add_many(fam.boosts, fam.reason)
        if fam.gate:
            compatible |= set(fam.boosts)
    if any(f.gate for f in matched):
        for cause in acc.score:
            if cause not in compatible:
                acc.add(cause, R.GATE_PENALTY, "")
    _family_details(ctx, acc)


def _bare_message(ctx: _Context, word: str) -> bool:
    """The body's message is exactly `word` ("Forbidden", "Unauthorized"), even when quoted in prose
    ("Import failed: Forbidden") - but not the status text of "403 Forbidden"."""
    if ctx.ev.message and ctx.ev.message.strip().strip(".").lower() == word:
        return True
    if ctx.text.strip().strip("\"'").strip(".").lower() == word:
        return True
    for q in re.finditer(rf"[\"“]{word}[\"”]", ctx.text, re.IGNORECASE):
        # Quoted in prose: the message, not a status text. A JSON value of another key
        # ("title": "Forbidden") is someone else's body, not API Gateway's message.
        if not re.search(r"[:=]\s*$", ctx.text[max(0, q.start() - 3) : q.start()]):
            return True
    for m in re.finditer(
        rf"(?:[:>]\s*[\"'“]?|[\"“]){word}[\"'”]?(?=\s*(?:$|[\n.,;)!]))",
        ctx.text,
        re.IGNORECASE | re.MULTILINE,
    ):
        before = ctx.text[max(0, m.start() - 14) : m.start()].lower()
        if "status" not in before and not re.search(r"\d{3}\s*$", before):
            return True
    return False


_EXPLICIT = re.compile(r"with an explicit deny", re.IGNORECASE)
_IDENTITY_DENY = re.compile(
    r"explicit deny in (?:an? )?(?:identity-based policy|service control policy|permissions boundary|session policy)",
    re.IGNORECASE,
)
_RESOURCE_DENY = re.compile(r"explicit deny in a resource-based policy", re.IGNORECASE)
_VPCE_POLICY = re.compile(r"VPC endpoint policy", re.IGNORECASE)


def _family_details(ctx: _Context, acc: _Scores) -> None:
    t = ctx.text
    explicit = bool(_EXPLICIT.search(t))
    if ctx.family("authorizer-denied"):
        if explicit:
            acc.add(
                "authz-explicit-deny",
                2.4,
                'the message ends "with an explicit deny": the authorizer returned Deny',
            )
            acc.add("authz-cache-stale-decision", 0.4, "a cached Deny gives the same message")
            # A policy scoped to another method, or not covering this ARN, is an implicit deny.
            acc.add("authz-cache-scoped-policy", -1.5, "")
            acc.add("authz-implicit-deny-arn-mismatch", -2.0, "")
        else:
            acc.add("authz-explicit-deny", -0.8, "")
        if (
            "authorizer-denied" in ctx.families
            and ctx.ev.caller is None
            and ctx.ev.origin == "serverless-offline"
        ):
            acc.add("not-apigw-origin", 3.0, "the body is serverless-offline's, not API Gateway's")
    if ctx.family("anonymous-denied"):
        if _VPCE_POLICY.search(t):
            acc.add("vpce-endpoint-policy", 5.0, "the message names a VPC endpoint policy")
        elif explicit:
            acc.add(
                "rp-explicit-deny",
                2.5,
                '"with an explicit deny": a Deny statement of the resource policy matched',
            )
            acc.add("rp-implicit-deny", -1.5, "")
        else:
            acc.add(
                "rp-implicit-deny",
                1.2,
                'no "explicit deny": nothing in the resource policy allows this caller',
            )
            acc.add("rp-explicit-deny", -0.5, "")
    if not ctx.family("identity-denied"):
        _connections_arn(ctx, acc)
    if ctx.family("identity-denied") or (
        ctx.ev.caller != "anonymous"
        and re.search(r"not authori[sz]ed to perform", t, re.IGNORECASE)
        and not ctx.family("anonymous-denied")
    ):
        _identity_details(ctx, acc, explicit)


def _identity_details(ctx: _Context, acc: _Scores, explicit: bool) -> None:
    t = ctx.text
    if re.search(r"no identity-based policy allows", t, re.IGNORECASE):
        acc.add(
            "iam-no-invoke-permission",
            2.5,
            '"because no identity-based policy allows": the caller\'s IAM policies grant nothing',
        )
        for c in R.RP_CAUSES:
            acc.add(c, -1.0, "")
    if _IDENTITY_DENY.search(t):
        acc.add(
            "iam-explicit-deny",
            4.5,
            "the explicit deny is in an identity policy / SCP / permissions boundary",
        )
    elif _RESOURCE_DENY.search(t):
        acc.add("rp-explicit-deny", 4.5, "the explicit deny is in the API's resource-based policy")
    elif _VPCE_POLICY.search(t):
        acc.add("vpce-endpoint-policy", 5.0, "the message names a VPC endpoint policy")
    elif explicit:
        acc.add(
            "iam-explicit-deny",
            1.6,
            '"with an explicit deny": an IAM or resource-policy Deny matched',
        )
        acc.add(
            "rp-explicit-deny",
            1.8,
            '"with an explicit deny": an IAM or resource-policy Deny matched',
        )
        acc.add("iam-no-invoke-permission", -1.5, "")
    if re.search(r"no resource-based policy allows", t, re.IGNORECASE):
        acc.add(
            "rp-cross-account-iam",
            2.5,
            '"no resource-based policy allows": the API side does not grant this caller',
        )
        acc.add("rp-implicit-deny", 1.0, '"no resource-based policy allows"')
    caller_acct = _account_of(ctx.ev.caller or "")
    for arn in ctx.ev.resource_arns:
        parts = arn.split(":")
        res_acct = parts[4] if len(parts) > 4 else ""
        if caller_acct and re.fullmatch(r"\d{12}", res_acct) and res_acct != caller_acct:
            acc.add(
                "rp-cross-account-iam",
                3.5,
                f"the caller's account {caller_acct} differs from the API's account {res_acct}",
            )
            break
    _connections_arn(ctx, acc)


def _connections_arn(ctx: _Context, acc: _Scores) -> None:
    for arn in ctx.ev.resource_arns:
        if "@connections" not in arn:
            continue
        tail = arn.split(":", 5)[-1]
        segs = tail.split("/")
        stage = segs[1] if len(segs) > 1 else ""
        doubled = arn.count("@connections") > 1 or (stage and segs[3:4] == [stage])
        if doubled:
            acc.add(
                "ws-mgmt-wrong-endpoint",
                6.0,
                "the resource ARN contains the stage or @connections twice: the endpoint URL is wrong",
            )
        else:
            # The URL reached the right stage: an AccessDenied there is about the permission.
            acc.add(
                "ws-mgmt-no-permission",
                2.0,
                "the denied resource is a well-formed @connections ARN: the URL is right, the permission is missing",
            )
            acc.add("ws-mgmt-wrong-endpoint", 0.5, "the denied resource is an @connections ARN")
        break


_ACCOUNT_RE = re.compile(
    r"(?:\baccounts?\s+(?:id\s+)?|::|:execute-api:[a-z0-9-]+:)(\d{12})\b", re.IGNORECASE
)


def _accounts_in(text: str) -> set[str]:
    """Distinct 12-digit account ids named as accounts or inside ARNs."""
    return {m.group(1) for m in _ACCOUNT_RE.finditer(text)}


_DECLARED_STAGE = re.compile(
    r"--stage(?:-name)?[ =]+['\"]?([\w-]+)|\bstage(?:Name|_name)?\s*[:=]\s*['\"]?([\w$-]+)|"
    r"\bstage\s+(?:called|named)\s+['\"“]?([\w-]+)",
    re.IGNORECASE,
)


def _stage_mismatch(ctx: _Context, acc: _Scores) -> None:
    """The URL names a stage that differs from the one the report says was deployed."""
    ev = ctx.ev
    if ev.host_kind != "execute-api" or not ev.url_path:
        return
    segs = [s for s in ev.url_path.split("?")[0].split("/") if s]
    if not segs:
        return
    declared = {next(g for g in m.groups() if g) for m in _DECLARED_STAGE.finditer(ctx.text)}
    declared = {d for d in declared if not d.isdigit()}
    if declared and segs[0] not in declared:
        names = ", ".join(sorted(declared))
        acc.add(
            "stage-not-found",
            3.0,
            f'the URL\'s stage "{segs[0]}" is not the deployed stage ({names})',
        )


def _account_of(caller: str) -> str:
    m = re.match(r"arn:aws[\w-]*:(?:iam|sts)::(\d{12}):", caller)
    return m.group(1) if m else ""


def _status(ctx: _Context, acc: _Scores) -> None:
    st = ctx.ev.status
    if st is None:
        return
    if st == 401:
        acc.add("not-403-lookalikes", 4.0, "the status is 401 Unauthorized, not 403")
        acc.add("httpapi-jwt-insufficient-scope", -1.0, "")
    elif st in (429, 500, 502, 503, 504):
        acc.add("not-403-lookalikes", 4.0, f"the status is {st}, not 403")
    elif st == 404:
        acc.add("not-403-lookalikes", 2.0, "the status is 404, not 403")
        acc.add(
            "default-endpoint-disabled",
            1.0,
            "HTTP APIs answer 404 when the default endpoint is disabled",
        )
    elif st == 403:
        acc.add("not-403-lookalikes", -1.0, "")


def _origin(ctx: _Context, acc: _Scores) -> None:
    ev = ctx.ev
    if ev.origin in ("awselb", "nginx", "serverless-offline") or (
        ev.origin and ev.origin not in ("cloudfront",)
    ):
        acc.add("not-apigw-origin", 6.0, f"the response comes from {ev.origin}, not API Gateway")
    if ev.host_kind == "local":
        acc.add("not-apigw-origin", 2.5, f"the URL is local ({ev.host}): an emulator answered")
    other = answering_service(ctx.text)
    if other:
        # Origin first: when another service produced the 403, API Gateway's causes do not apply.
        acc.add("not-apigw-origin", 7.0, other[1])
        for c in R.AUTHORIZER_CAUSES | R.API_KEY_CAUSES | R.RP_CAUSES:
            acc.add(c, -2.0, "")
        for c in ("iam-no-invoke-permission", "mat-iam-unsigned", "custom-domain-mapping"):
            acc.add(c, -3.0, "")
    elif s3_error_through_api(ctx.text):
        acc.add(
            "integration-returned-403",
            3.5,
            "the body is S3's XML error: the S3 integration was refused and API Gateway passed it on",
        )
    if ev.request_ids:
        names = ", ".join(sorted(ev.request_ids))
        acc.add("not-apigw-origin", -3.0, "")
        acc.add("cloudfront-edge-rejection", -2.0, "")
        for c in ("authz-cache-scoped-policy", "stage-not-found", "mat-route-not-found"):
            acc.add(c, 0.0, names)
    if ev.error_type and ev.error_type in (
        "AccessDeniedException",
        "ForbiddenException",
        "MissingAuthenticationTokenException",
    ):
        acc.add("integration-returned-403", -3.0, "")
    if "x-amzn-errortype" in ev.headers:
        # API Gateway's own error header: it answered, and (per the docs) as a REST API.
        acc.add("not-apigw-origin", -2.0, "")
        for c in R.HTTP_ONLY:
            acc.add(c, -1.0, "")
    if ev.is_api_gateway and not ev.error_type and ev.message and not ctx.families:
        acc.add(
            "integration-returned-403",
            2.5,
            f'API Gateway passed through a body that is not one of its own messages ("{ev.message[:80]}")',
        )
        acc.add("gateway-response-override", 1.5, "the body is not a default API Gateway message")


def _logs(ctx: _Context, acc: _Scores) -> None:
    lg = ctx.ev.logs
    m = lg.markers
    if "usage_plan_missing" in m:
        acc.add(
            "apikey-not-in-usage-plan-stage",
            8.0,
            'execution log: "API Key ... is not associated with a Usage Plan for API Stage"',
        )
    if "api_key_not_authorized" in m:
        acc.add(
            "apikey-not-in-usage-plan-stage", 2.0, 'execution log: "API Key ... not authorized"'
        )
    if "invalid_api_key_log" in m:
        acc.add("apikey-missing-or-invalid", 4.0, "execution log: invalid / unknown API key")
    if "usage_plan_check" in m and "usage_plan_missing" not in m:
        acc.add_many(
            {"apikey-missing-or-invalid": 1.0, "apikey-not-in-usage-plan-stage": 1.0},
            'execution log: "Verifying Usage Plan for request"',
        )
    if "mtls_denied" in m:
        acc.add(
            "mtls-cert-rejected",
            8.0,
            'execution log: "Access denied. Reason: ..." from the mutual TLS check',
        )
    if "integration_response" in m and ("method_completed_403" in m or "endpoint_status_403" in m):
        acc.add(
            "integration-returned-403",
            6.0,
            "execution log: the integration was called and its answer was 403",
        )
    elif "integration_response" in m:
        acc.add(
            "integration-returned-403",
            1.5,
            "execution log: the integration was called (authorization passed)",
        )
    if lg.integration_status == 403:
        acc.add("integration-returned-403", 6.0, "access log: $context.integration.status is 403")
    if "waf_block" in m:
        acc.add("waf-block", 8.0, "log: WAF_BLOCK / WAF_FILTERED")
    if "foreign_json_body" in m and "hapi_error_body" not in m:
        acc.add_many(
            {
                "integration-returned-403": 3.0,
                "gateway-response-override": 0.8,
                "not-apigw-origin": 0.8,
            },
            "the error body is a web framework's (status/error/path...), not an API Gateway message",
        )
    if "hapi_error_body" in m:
        acc.add(
            "not-apigw-origin",
            5.0,
            'the body {"statusCode":403,"error":"Forbidden",...} is serverless-offline / Hapi, not API Gateway',
        )
    if "resource_policy_denied" in m:
        acc.add_many(
            {"rp-explicit-deny": 2.0, "rp-implicit-deny": 1.5},
            "log: the resource policy denied the request",
        )
    _authorizer_logs(ctx, acc)
    _response_types(ctx, acc)


def _authorizer_logs(ctx: _Context, acc: _Scores) -> None:
    lg = ctx.ev.logs
    m = lg.markers
    ran = bool(
        m
        & {
            "authorizer_started",
            "authorizer_result",
            "authorizer_policy_used",
            "authorizer_completed",
        }
    )
    if ran:
        acc.add_many(
            {
                "authz-explicit-deny": 0.8,
                "authz-implicit-deny-arn-mismatch": 0.8,
                "apikey-not-in-usage-plan-stage": 0.3,
            },
            "execution log: the authorizer ran",
        )
        if not ctx.has("authorizer_not_invoked") and not ctx.has("first_call_works_then_fails"):
            acc.add("authz-cache-scoped-policy", -0.5, "")
    if "failing_request_skipped_authorizer" in m:
        acc.add_many(
            {"authz-cache-scoped-policy": 2.5, "authz-cache-stale-decision": 1.0},
            "execution log: the authorizer ran for an earlier request but not for the failing one (a cache hit)",
        )
        acc.add("authz-implicit-deny-arn-mismatch", -1.0, "")
        acc.add("authz-explicit-deny", -1.0, "")
    elif "failing_request_ran_authorizer" in m:
        acc.add_many(
            {"authz-explicit-deny": 1.0, "authz-implicit-deny-arn-mismatch": 1.0},
            "execution log: the authorizer ran for the failing request (not a cache hit)",
        )
        for c in R.CACHE_CAUSES:
            acc.add(c, -1.5, "")
    if "Deny" in lg.authorizer_effects:
        acc.add("authz-explicit-deny", 3.5, 'the authorizer\'s policy has "Effect": "Deny"')
    elif "Allow" in lg.authorizer_effects:
        acc.add_many(
            {
                "authz-implicit-deny-arn-mismatch": 1.5,
                "authz-cache-scoped-policy": 0.5,
                "apikey-not-in-usage-plan-stage": 0.4,
            },
            "the authorizer's policy is an Allow, yet the request was denied",
        )
    resources = lg.authorizer_resources
    if any("/null/" in r for r in resources):
        acc.add(
            "authz-implicit-deny-arn-mismatch",
            3.0,
            "the policy Resource has a /null/ stage (copied from the console test)",
        )
    elif resources and all("*" not in r for r in resources):
        acc.add_many(
            {"authz-cache-scoped-policy": 1.0, "authz-implicit-deny-arn-mismatch": 0.8},
            "the policy Resource is a single method ARN (no wildcard)",
        )
    if "client_not_authorized" in m or "explicit_deny_exception" in m:
        acc.add_many(
            {"authz-explicit-deny": 1.0, "authz-implicit-deny-arn-mismatch": 0.6},
            'execution log: "The client is not authorized to perform this operation"',
        )
    if "v2_access_log" in m and "authorizer_answered" in m and ctx.ev.status == 403:
        acc.add(
            "httpapi-lambda-authorizer-deny",
            4.0,
            "HTTP API access log: the authorizer answered (status 2xx) and the request got 403",
        )
    for err in lg.authorizer_errors:
        if "scope" in err.lower():
            acc.add(
                "httpapi-jwt-insufficient-scope", 4.0, f'access log authorizer error: "{err[:60]}"'
            )


_RESPONSE_TYPE_BOOSTS: dict[str, tuple[dict[str, float], str]] = {
    "ACCESS_DENIED": (
        {
            "authz-implicit-deny-arn-mismatch": 0.8,
            "authz-cache-scoped-policy": 0.8,
            "authz-explicit-deny": 0.8,
            "rp-explicit-deny": 0.6,
            "rp-implicit-deny": 0.6,
            "iam-no-invoke-permission": 0.6,
        },
        "responseType ACCESS_DENIED",
    ),
    "INVALID_API_KEY": (
        {"apikey-missing-or-invalid": 3.0, "apikey-not-in-usage-plan-stage": 3.0},
        "responseType INVALID_API_KEY: the API key check failed",
    ),
    "WAF_FILTERED": ({"waf-block": 6.0}, "responseType WAF_FILTERED: AWS WAF blocked it"),
    "MISSING_AUTHENTICATION_TOKEN": (
        {
            "mat-route-not-found": 2.0,
            "mat-not-deployed": 1.5,
            "mat-iam-unsigned": 1.5,
            "custom-domain-mapping": 1.0,
        },
        "responseType MISSING_AUTHENTICATION_TOKEN",
    ),
    "EXPIRED_TOKEN": ({"sigv4-signature-expired": 3.0}, "responseType EXPIRED_TOKEN"),
    "INVALID_SIGNATURE": (
        {"sigv4-signature-mismatch": 2.5, "sigv4-signature-expired": 1.0},
        "responseType INVALID_SIGNATURE",
    ),
    "UNAUTHORIZED": ({"not-403-lookalikes": 3.0}, "responseType UNAUTHORIZED is a 401"),
    "AUTHORIZER_FAILURE": ({"not-403-lookalikes": 3.0}, "responseType AUTHORIZER_FAILURE is a 500"),
    "AUTHORIZER_CONFIGURATION_ERROR": (
        {"not-403-lookalikes": 3.0},
        "responseType AUTHORIZER_CONFIGURATION_ERROR is a 500",
    ),
    "THROTTLED": ({"not-403-lookalikes": 3.0}, "responseType THROTTLED is a 429"),
    "QUOTA_EXCEEDED": ({"not-403-lookalikes": 3.0}, "responseType QUOTA_EXCEEDED is a 429"),
}


def _response_types(ctx: _Context, acc: _Scores) -> None:
    for rt in dict.fromkeys(ctx.ev.logs.response_types):
        entry = _RESPONSE_TYPE_BOOSTS.get(rt)
        if entry:
            acc.add_many(entry[0], entry[1])


_CUSTOM_DOMAIN_STAGE = re.compile(
    r"(?i)^(?:prod|production|dev|development|stage|staging|test|qa|uat)$"
)


def _cloudfront_marker(ctx: _Context, acc: _Scores) -> None:
    if ctx.ev.origin == "cloudfront" and not ctx.family("cloudfront-error-page"):
        acc.add_many(
            {"cloudfront-edge-rejection": 3.0, "host-header-mismatch": 1.5},
            "x-cache 'Error from cloudfront' without any API Gateway header: CloudFront answered",
        )


def _url_shape(ctx: _Context, acc: _Scores) -> None:
    _cloudfront_marker(ctx, acc)
    ev = ctx.ev
    segs = [s for s in (ev.url_path or "").split("?")[0].split("/") if s]
    if ev.host_kind == "vpce":
        acc.add_many(
            {"private-api-access-path": 2.0, "vpce-endpoint-policy": 0.5},
            f"the URL goes through a VPC endpoint name ({ev.host})",
        )
    elif ev.host_kind == "custom":
        acc.add_many(
            {"custom-domain-mapping": 1.2, "mtls-cert-rejected": 0.3, "host-header-mismatch": 0.3},
            f"the URL uses a custom domain ({ev.host})",
        )
        if (
            segs
            and _CUSTOM_DOMAIN_STAGE.match(segs[0])
            and (ctx.family("missing-authentication-token") or ctx.family("forbidden"))
        ):
            acc.add(
                "custom-domain-mapping",
                1.5,
                f'the custom-domain URL starts with "/{segs[0]}", which looks like a stage name',
            )
    elif ev.host_kind == "execute-api":
        acc.add_many(
            {
                "custom-domain-mapping": -1.5,
                "mtls-cert-rejected": -2.0,
                "host-header-mismatch": -0.5,
            },
            "",
        )
        acc.add(
            "default-endpoint-disabled",
            0.3,
            f"the client calls the default execute-api endpoint ({ev.host})",
        )
        if not segs and ctx.family("forbidden"):
            acc.add("stage-not-found", 2.5, "the execute-api URL has no stage segment")
        elif segs and not R.STAGE_NAMES.match(segs[0]) and ctx.family("forbidden"):
            acc.add(
                "stage-not-found",
                1.0,
                f'the first path segment "/{segs[0]}" does not look like a stage name',
            )
    path = ev.url_path or ""
    if "@connections" in path:
        if path.lstrip("/").startswith("@connections"):
            acc.add(
                "ws-mgmt-wrong-endpoint",
                4.0,
                "the @connections URL has no stage before /@connections",
            )
        elif path.count("@connections") > 1 or (len(segs) > 2 and segs[0] == segs[1]):
            acc.add(
                "ws-mgmt-wrong-endpoint",
                4.0,
                "the @connections URL repeats the stage or @connections",
            )
        else:
            acc.add("ws-mgmt-wrong-endpoint", 0.8, "an @connections URL is called")


def _request_shape(ctx: _Context, acc: _Scores) -> None:
    ev = ctx.ev
    if ev.http_method == "OPTIONS":
        acc.add_many(
            {"mat-iam-unsigned": 2.5, "not-403-lookalikes": 0.5},
            "the failing request is an OPTIONS (CORS preflight)",
        )
    if ev.authorization_scheme == "sigv4":
        acc.add("mat-iam-unsigned", -3.0, "")
        acc.add_many(
            {"mat-route-not-found": 0.8, "iam-no-invoke-permission": 0.5},
            "the request is SigV4-signed",
        )
    elif ev.authorization_scheme in ("bearer", "basic"):
        acc.add_many(
            {"sigv4-incomplete-signature": 0.4, "mat-route-not-found": 0.3},
            f"the request sends a {ev.authorization_scheme} Authorization header",
        )
    if ev.has_api_key_header:
        acc.add_many(
            {"apikey-not-in-usage-plan-stage": 1.0, "apikey-missing-or-invalid": 0.5},
            "the request sends an x-api-key header",
        )
    if ev.ttl_seconds is not None:
        _ttl(acc, ev.ttl_seconds, "the report")
    if ev.caller == "anonymous" and ctx.has("iam_auth"):
        acc.add("mat-iam-unsigned", 0.5, "the caller is anonymous on an IAM-authorized API")
    if "apigw-requestid" in ev.request_ids and "x-amz-apigw-id" not in ev.request_ids:
        acc.add_many(
            {"httpapi-jwt-insufficient-scope": 0.6, "httpapi-lambda-authorizer-deny": 0.6},
            "the apigw-requestid header marks an HTTP API",
        )


def _ttl(acc: _Scores, ttl: int, where: str) -> None:
    if ttl > 0:
        acc.add_many(
            {
                "authz-cache-scoped-policy": 1.5,
                "authz-cache-stale-decision": 1.0,
                "httpapi-lambda-authorizer-deny": 0.3,
            },
            f"authorizer cache TTL {ttl}s (from {where}): decisions are reused for {ttl}s",
        )
    else:
        for c in R.CACHE_CAUSES:
            acc.add(c, -5.0, "")


def _symptoms(ctx: _Context, acc: _Scores) -> None:
    for rule in R.SYMPTOM_RULES:
        if rule.concept in ctx.sym:
            snippet = ctx.sym.snippet(rule.concept)
            acc.add_many(
                rule.boosts,
                f'{rule.reason} ("{snippet}")' if snippet else rule.reason,
                scale=ctx.sym.weight(rule.concept),
            )


def _combos(ctx: _Context, acc: _Scores) -> None:
    h = ctx.has
    if h("only_from_vpc") and h("works_outside"):
        acc.add(
            "vpce-private-dns-public-api",
            1.5,
            "fails only from inside a VPC while the same call works outside",
        )
    if h("cors") and (ctx.family("missing-authentication-token") or h("iam_auth")):
        acc.add(
            "mat-iam-unsigned", 1.5, "a CORS preflight on an IAM-authorized or route-less method"
        )
    if h("authorizer_not_invoked") and ctx.family("authorizer-denied"):
        acc.add("authz-cache-stale-decision", 0.6, "")
        acc.add(
            "authz-cache-scoped-policy",
            2.0,
            "an authorizer denial without an authorizer invocation is a cache hit",
        )
    if h("first_call_works_then_fails") and (ctx.ev.ttl_seconds or 0) > 0:
        acc.add("authz-cache-scoped-policy", 1.0, "first call works within a cache TTL")
    if h("changed_no_effect") and ctx.family("missing-authentication-token"):
        acc.add(
            "mat-not-deployed",
            2.0,
            "a route change saved but not live: the stage serves an older deployment",
        )
    if h("changed_no_effect") and h("route_added"):
        acc.add("mat-not-deployed", 1.0, "a new route that does not answer after the change")
    if (
        ctx.family("missing-authentication-token")
        and h("iam_auth")
        and ctx.ev.authorization_scheme != "sigv4"
    ):
        acc.add(
            "mat-iam-unsigned",
            1.5,
            '"Missing Authentication Token" on an IAM-authorized API: the request was not signed',
        )
    if ctx.family("missing-authentication-token") and h("console_test_works"):
        acc.add(
            "mat-not-deployed",
            2.0,
            "the console Test runs the working copy: the route exists there but not on the stage",
        )
    if h("ws_connections") and ctx.family("access-denied-generic") and not ctx.family("forbidden"):
        acc.add(
            "ws-mgmt-no-permission",
            1.5,
            "an AccessDenied from the management API is a missing ManageConnections permission",
        )
    if h("ws_connections") and ctx.family("forbidden"):
        acc.add(
            "ws-mgmt-wrong-endpoint",
            1.5,
            "a bare Forbidden from the management API: the endpoint URL is wrong",
        )
    if h("cross_account") and "resource_policy" in ctx.sym.denied:
        acc.add(
            "rp-cross-account-iam",
            2.0,
            "cross-account calls need a resource policy that allows the caller: there is none",
        )
    if h("arn_construction") and (h("lambda_authorizer") or ctx.family("authorizer-denied")):
        acc.add(
            "authz-implicit-deny-arn-mismatch",
            1.0,
            "the ARN the authorizer's policy names is in doubt",
        )
    if h("websocket") and not h("ws_connections"):
        for c in ("mat-iam-unsigned", "mat-route-not-found", "mat-not-deployed"):
            acc.add(c, -2.0, "")
        if h("iam_auth") or h("lambda_authorizer"):
            acc.add(
                "ws-connect-denied",
                1.5,
                "a WebSocket connection refused by the $connect authorization",
            )
    if re.search(r"\bEvalDecision\W{0,6}implicitDeny|\bimplicitDeny\b", ctx.text):
        acc.add(
            "iam-no-invoke-permission",
            2.5,
            "the IAM policy simulator says implicitDeny: no identity policy allows it",
        )
    if re.search(r"\bEvalDecision\W{0,6}explicitDeny|\bexplicitDeny\b", ctx.text):
        acc.add("iam-explicit-deny", 3.0, "the IAM policy simulator says explicitDeny")
    if ctx.family("missing-authentication-token") and (
        h("custom_domain") or ctx.ev.host_kind == "custom"
    ):
        acc.add(
            "custom-domain-mapping",
            1.5,
            '"Missing Authentication Token" through a custom domain: the path after the base path does not match',
        )
    if h("policy_scoped_to_method_arn") and (
        h("caching_mentioned") or (ctx.ev.ttl_seconds or 0) > 0
    ):
        acc.add(
            "authz-cache-scoped-policy",
            1.0,
            "a methodArn-scoped policy with caching on: later routes hit the cached policy",
        )
    if h("disabled_endpoint") and ctx.ev.host_kind == "execute-api":
        acc.add(
            "default-endpoint-disabled",
            1.5,
            "the client calls the execute-api hostname that was disabled",
        )
    if (
        h("ws_connections")
        and not h("disabled_endpoint")
        and (h("custom_domain") or ctx.ev.host_kind == "custom")
    ):
        acc.add(
            "ws-mgmt-wrong-endpoint",
            2.5,
            "the management API is called through a custom domain: the stage ends up missing or doubled",
        )
        acc.add("custom-domain-mapping", -1.0, "")
    if len(_accounts_in(ctx.text)) >= 2 and (
        h("iam_auth") or ctx.family("identity-denied") or ctx.family("perform-denied")
    ):
        acc.add(
            "rp-cross-account-iam",
            2.0,
            "two AWS accounts are involved in a signed call: cross-account needs both sides to allow",
        )
    if re.search(r"[?&](?:x-api-key|api[_-]?key|apikey)=", ctx.text, re.IGNORECASE):
        acc.add(
            "apikey-missing-or-invalid",
            3.0,
            "the API key is sent in the query string: API Gateway only reads the x-api-key header",
        )
    if h("rp_removed") and (h("cross_account") or len(_accounts_in(ctx.text)) >= 2):
        acc.add(
            "rp-cross-account-iam",
            2.5,
            "cross-account calls need a resource policy that allows them, and it was removed",
        )
    if h("rp_removed") and h("private_api"):
        acc.add(
            "rp-implicit-deny", 2.0, "a private API without a resource policy refuses every call"
        )
    if ctx.family("cloudfront-error-page") and re.search(
        r"Request blocked", ctx.text, re.IGNORECASE
    ):
        acc.add(
            "waf-block",
            3.0,
            'CloudFront\'s "Request blocked" page: a web ACL on the distribution blocked it',
        )
    if h("disabled_endpoint"):
        acc.add("custom-domain-mapping", -1.5, "")
    if h("public_api") and h("only_from_vpc") and h("vpc_endpoint"):
        acc.add(
            "vpce-private-dns-public-api",
            2.0,
            "a public API called from a VPC that has an execute-api endpoint",
        )
    _stage_mismatch(ctx, acc)
    if h("private_api") and ctx.family("anonymous-denied"):
        acc.add(
            "rp-implicit-deny",
            1.5,
            "a private API answering an AccessDenied: its resource policy does not allow this caller",
        )
    if h("changed_no_effect") and (
        (
            ctx.families
            and set(ctx.families)
            & {"anonymous-denied", "identity-denied", "authorizer-denied", "access-denied-generic"}
        )
        or h("resource_policy")
    ):
        acc.add(
            "rp-not-redeployed",
            2.5,
            "the denial is the old configuration's: the saved change is not deployed",
        )
    if h("no_api_logs") and "authori" in ctx.sym.snippet("no_api_logs").lower():
        acc.add("stage-not-found", -1.5, "")
    if h("private_api") and h("only_from_vpc") and not h("resource_policy"):
        acc.add("private-api-access-path", 0.5, "private API called from a VPC")
    if h("http_api") and h("jwt_or_cognito") and ctx.family("forbidden"):
        acc.add(
            "httpapi-jwt-insufficient-scope",
            1.2,
            "HTTP API + JWT + Forbidden: a JWT that is valid but lacks scope",
        )
    if h("http_api") and h("lambda_authorizer") and not h("jwt_or_cognito"):
        acc.add("httpapi-lambda-authorizer-deny", 1.0, "HTTP API with a Lambda authorizer")
    if (
        h("iam_auth")
        and ctx.family("incomplete-signature")
        and (
            h("jwt_or_cognito")
            or ctx.ev.authorization_scheme in ("bearer", "basic")
            or re.search(r"\bBasic\s+[A-Za-z0-9+/=]{6,}", ctx.text)
        )
    ):
        acc.add("sigv4-incomplete-signature", 1.5, "a JWT sent to an IAM-authorized method")


_DENIAL_RULES: dict[str, tuple[dict[str, float], str | None]] = {
    "custom_domain": ({"custom-domain-mapping": -2.0}, None),
    "waf": ({"waf-block": -3.0}, None),
    "api_key": (
        {"apikey-missing-or-invalid": -2.5, "apikey-not-in-usage-plan-stage": -2.5},
        "key_missing",
    ),
    "resource_policy": (
        {"rp-explicit-deny": -2.5, "rp-implicit-deny": -2.5, "rp-not-redeployed": -1.0},
        "private_api",
    ),
    "caching_mentioned": (
        {"authz-cache-scoped-policy": -1.5, "authz-cache-stale-decision": -1.5},
        None,
    ),
    "only_from_vpc": ({"vpce-private-dns-public-api": -1.5, "private-api-access-path": -0.5}, None),
    "private_api": ({"private-api-access-path": -2.0}, None),
    "mtls": ({"mtls-cert-rejected": -3.0}, None),
    "cloudfront": ({"cloudfront-edge-rejection": -1.5, "host-header-mismatch": -1.5}, None),
    "lambda_authorizer": ({c: -1.5 for c in R.AUTHORIZER_CAUSES}, None),
    "iam_auth": ({"iam-no-invoke-permission": -1.5, "mat-iam-unsigned": -2.0}, "unsigned"),
    "authorizer_invoked": (
        {"authz-cache-scoped-policy": 0.8, "authz-cache-stale-decision": 0.5},
        None,
    ),
    "cross_account": ({"rp-cross-account-iam": -3.0}, None),
    "vpc_endpoint": ({"vpce-endpoint-policy": -1.0, "private-api-access-path": -1.0}, None),
    "websocket": ({c: -2.0 for c in R.WEBSOCKET_ONLY}, None),
}


def _denials(ctx: _Context, acc: _Scores) -> None:
    if "resource_policy" in ctx.sym.denied and ctx.has("private_api"):
        acc.add(
            "rp-implicit-deny", 2.0, "a private API without a resource policy refuses every call"
        )
    for concept in ctx.sym.denied:
        rule = _DENIAL_RULES.get(concept)
        if not rule:
            continue
        boosts, unless = rule
        if unless and ctx.has(unless):
            continue
        reason = f"the report says it is not about {concept.replace('_', ' ')}"
        acc.add_many(boosts, reason)


def _facts(ctx: _Context, acc: _Scores) -> None:
    f = ctx.facts
    ttl = f.get("authorizer_ttl")
    if isinstance(ttl, int | float) and not isinstance(ttl, bool):
        _ttl(acc, int(ttl), "the authorizer's settings")
    auth = str(f.get("authorization_type") or "").upper()
    if auth:
        # The method's settings could be read, so the route exists (at least in the working copy).
        acc.add("mat-route-not-found", -2.5, "")
    if auth == "NONE":
        for c in R.AUTHORIZER_CAUSES | {
            "iam-no-invoke-permission",
            "iam-explicit-deny",
            "mat-iam-unsigned",
            "sigv4-incomplete-signature",
        }:
            acc.add(c, -3.0, "")
    elif auth == "AWS_IAM":
        acc.add_many(
            {
                "iam-no-invoke-permission": 2.0,
                "mat-iam-unsigned": 3.0,
                "iam-explicit-deny": 1.0,
                "sigv4-incomplete-signature": 1.0,
            },
            "the method uses AWS_IAM authorization",
        )
        for c in R.AUTHORIZER_CAUSES:
            acc.add(c, -3.0, "")
    elif auth == "CUSTOM":
        acc.add_many(
            {c: 1.5 for c in R.AUTHORIZER_CAUSES}, "the method uses a Lambda (CUSTOM) authorizer"
        )
        for c in ("iam-no-invoke-permission", "iam-explicit-deny", "mat-iam-unsigned"):
            acc.add(c, -2.5, "")
    elif auth == "JWT":
        acc.add("httpapi-jwt-insufficient-scope", 2.0, "the route uses a JWT authorizer")
    elif auth == "COGNITO_USER_POOLS":
        acc.add("not-403-lookalikes", 1.0, "Cognito authorizers answer token problems with 401")
    endpoint = str(f.get("endpoint_type") or "").upper()
    if endpoint == "PRIVATE":
        acc.add_many(
            {"private-api-access-path": 2.0, "rp-implicit-deny": 1.5, "vpce-endpoint-policy": 1.0},
            "the API is PRIVATE",
        )
        acc.add("vpce-private-dns-public-api", -3.0, "")
    elif endpoint in ("REGIONAL", "EDGE"):
        acc.add("private-api-access-path", -3.0, "")
        acc.add("vpce-private-dns-public-api", 0.5, f"the API is public ({endpoint})")
        if endpoint == "EDGE":
            acc.add("cloudfront-edge-rejection", 0.5, "edge-optimized APIs sit behind CloudFront")
    invoked = f.get("authorizer_invoked")
    if invoked is True:
        acc.add_many(
            {"authz-explicit-deny": 1.5, "authz-implicit-deny-arn-mismatch": 1.5},
            "the authorizer ran for the failing request",
        )
        for c in R.CACHE_CAUSES:
            acc.add(c, -2.5, "")
    elif invoked is False:
        acc.add_many(
            {
                "authz-cache-scoped-policy": 2.0,
                "authz-cache-stale-decision": 1.2,
                "rp-explicit-deny": 1.0,
                "waf-block": 0.8,
            },
            "the authorizer did not run for the failing request",
        )
        acc.add_many({"authz-explicit-deny": -2.0, "authz-implicit-deny-arn-mismatch": -2.0}, "")
    key_required = f.get("api_key_required")
    if key_required is True:
        acc.add_many(
            {"apikey-missing-or-invalid": 2.0, "apikey-not-in-usage-plan-stage": 2.0},
            "the method requires an API key",
        )
    elif key_required is False:
        for c in R.API_KEY_CAUSES:
            acc.add(c, -5.0, "")
    if "resource_policy" in f:
        policy = f.get("resource_policy")
        if isinstance(policy, dict) and policy:
            acc.add_many(
                {"rp-explicit-deny": 1.0, "rp-implicit-deny": 1.0, "rp-cross-account-iam": 0.5},
                "the API has a resource policy",
            )
        elif policy == {} or policy == "":
            for c in R.RP_CAUSES:
                acc.add(c, -4.0, "")
    acl = f.get("web_acl_arn")
    if isinstance(acl, str) and acl:
        acc.add("waf-block", 1.5, "a WAF web ACL is attached to the stage")
    elif acl == "":
        acc.add("waf-block", -4.0, "")
    if f.get("domain_name"):
        acc.add("custom-domain-mapping", 1.0, f"a custom domain ({f['domain_name']}) is in use")
    if f.get("vpce_id"):
        acc.add_many(
            {
                "private-api-access-path": 0.8,
                "vpce-endpoint-policy": 0.8,
                "vpce-private-dns-public-api": 0.5,
            },
            "the call goes through a VPC endpoint",
        )
    ctx_latest, ctx_deployed = f.get("latest_deployment_id"), f.get("deployment_id")
    if ctx_latest and ctx_deployed and ctx_latest != ctx_deployed:
        acc.add_many(
            {"rp-not-redeployed": 2.0, "mat-not-deployed": 1.0},
            "the stage does not run the latest deployment",
        )


_TYPES_IN_TEXT = re.compile(
    r"(?:types|endpoint\s*type|endpointConfiguration)\W{0,8}(REGIONAL|EDGE|PRIVATE)\b"
)


def _endpoint_type_from_text(ctx: _Context, acc: _Scores) -> None:
    """`endpointConfiguration.types = ["PRIVATE"]` pasted from get-rest-api counts like the fact."""
    if ctx.facts.get("endpoint_type"):
        return
    m = _TYPES_IN_TEXT.search(ctx.text)
    if not m:
        return
    if m.group(1) == "PRIVATE":
        acc.add_many(
            {"private-api-access-path": 1.5, "rp-implicit-deny": 1.0},
            "the API's endpoint type is PRIVATE",
        )
        acc.add("vpce-private-dns-public-api", -3.0, "")
    else:
        acc.add("private-api-access-path", -3.0, "")
        acc.add(
            "vpce-private-dns-public-api", 1.0, f"the API's endpoint type is {m.group(1)} (public)"
        )


def _api_type(ctx: _Context, acc: _Scores) -> None:
    _endpoint_type_from_text(ctx, acc)
    declared = str(ctx.facts.get("api_type") or "").upper()
    ev = ctx.ev
    http = declared == "HTTP" or (
        not declared
        and (
            ctx.has("http_api") or ("v2_access_log" in ev.logs.markers and not ctx.has("websocket"))
        )
        and not ctx.has("rest_api")
    )
    ws = declared == "WEBSOCKET" or (not declared and ctx.has("websocket"))
    rest = declared == "REST" or (
        not declared
        and (
            ctx.has("rest_api")
            or "x-amz-apigw-id" in ev.request_ids
            or bool(
                ev.logs.markers & {"authorizer_started", "authorizer_result", "usage_plan_check"}
            )
        )
        and not http
    )
    if http:
        for c in R.REST_ONLY:
            acc.add(c, -2.5, "")
        acc.add_many({c: 1.0 for c in R.HTTP_ONLY}, "the API is an HTTP API")
    if rest:
        for c in R.HTTP_ONLY:
            acc.add(c, -2.5, "")
    if ws:
        acc.add_many({c: 0.8 for c in R.WEBSOCKET_ONLY}, "the API is a WebSocket API")
    elif declared in ("REST", "HTTP"):
        for c in R.WEBSOCKET_ONLY:
            acc.add(c, -3.0, "")


def _clock(ctx: _Context, acc: _Scores) -> None:
    """With `now`, a pasted X-Amz-Date far from it is direct evidence of clock skew."""
    if ctx.now is None:
        return
    raw = ctx.ev.headers.get("x-amz-date", "")
    m = re.match(r"(\d{8}T\d{6})Z", raw.strip())
    if not m:
        return
    signed = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    now = ctx.now if ctx.now.tzinfo else ctx.now.replace(tzinfo=UTC)
    skew = abs((now - signed).total_seconds())
    if skew > 300:
        acc.add(
            "sigv4-signature-expired", 2.5, f"X-Amz-Date is {int(skew // 60)} minutes away from now"
        )


# ----------------------------------------------------------------------------- ranking


def _rank(ctx: _Context, acc: _Scores, observations: frozenset[str]) -> Classification:
    conf = scoring.confidences(acc.score, observations)
    order = sorted(conf, key=lambda c: (-conf[c], -acc.score[c], -acc.info[c].prior, c))
    signal = has_http_signal(observations)
    known = {
        "api_id": ctx.facts.get("api_id") or ctx.ev.api_id,
        "stage": ctx.facts.get("stage") or _stage_from(ctx.ev),
        "region": ctx.facts.get("region") or ctx.ev.region,
        "authorizer_id": ctx.facts.get("authorizer_id"),
    }
    causes: list[RankedCause] = []
    for i, cid in enumerate(order):
        reasons = [r for _, r in sorted(acc.reasons[cid], key=lambda wr: -wr[0]) if r][:6]
        confidence = round(conf[cid], 3)
        checks = next_checks_for(cid, order[:4], known) if i < 5 else []
        if not signal and i < 5:
            checks = [RESPONSE_FIRST, *checks]
        causes.append(RankedCause(cid, acc.info[cid].title, confidence, reasons, checks))
    return Classification(
        causes=causes,
        evidence=ctx.ev,
        symptoms=sorted(ctx.sym.names()),
        families=list(ctx.families),
        observations=sorted(observations),
        signal=signal,
    )


def _stage_from(ev: Evidence) -> str | None:
    for arn in ev.resource_arns:
        tail = arn.split(":", 5)[-1].split("/")
        if len(tail) > 1 and tail[1] and tail[1] not in ("*", "null"):
            return tail[1]
    if ev.host_kind == "execute-api" and ev.url_path:
        segs = [s for s in ev.url_path.split("?")[0].split("/") if s]
        if segs and R.STAGE_NAMES.match(segs[0]):
            return segs[0]
    return None
