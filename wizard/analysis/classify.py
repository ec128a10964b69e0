"""The error classifier: from a pasted 403 report to ranked causes of the catalogue.

`classify(text, facts=...)` reads the fields of the paste (paste_fields.py), its symptom concepts
(symptoms.py) and its message families (classify_rules.FAMILIES) into one mapping of facts, then
evaluates every cause's evidence - data, wizard/catalogue/evidence.yaml - over those facts:

    score = ln(prior) + family weights (and gates) + the weights of the rules that fire

The fitted layer (diagnosis/scoring.py) turns the scores into calibrated confidences, and the
root-cause links of evidence.yaml rank a cause above the one whose message it produces when its
own evidence is present. What stays Python here is generic: extracting facts, nothing per cause.
Pure: no I/O beyond reading the packaged catalogue and evidence once; never raises on input.
"""

from __future__ import annotations

import ipaddress
import json
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
    api_on_path,
    evidence_model,
    has_http_signal,
    observe,
    s3_error_through_api,
    s3_error_without_api,
)
from wizard.analysis.diagnosis.paste import normalise as normalise_paste
from wizard.analysis.next_checks import next_checks_for
from wizard.analysis.paste_fields import PasteFields, parse_paste_fields
from wizard.analysis.symptoms import Symptoms, detect_symptoms
from wizard.catalogue import load_catalogue

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
    # the preconditions the session's facts prove false (then confidence is 0): not in as_dict,
    # whose shape explain's JSON keeps
    ruled_out: list[str] = field(default_factory=list)

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
    evidence: PasteFields
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
            # evidence.yaml is linted against the catalogue when it loads; a cause id that still
            # gets here is a bug, never a silent no-op.
            raise KeyError(f"classifier rule names unknown cause id {cause!r}")
        if weight == 0:
            return
        self.score[cause] += weight
        if weight > 0 and all(r != reason for _, r in self.reasons[cause]):
            self.reasons[cause].append((weight, reason))


@dataclass
class _Context:
    text: str
    ev: PasteFields
    sym: Symptoms
    facts: Mapping[str, Any]
    now: datetime | None
    families: list[str] = field(default_factory=list)
    env: dict[str, Any] = field(default_factory=dict)  # the facts the evidence rules read
    links: list[R.RootLink] = field(default_factory=list)
    observations: frozenset[str] = frozenset()
    # cause -> the preconditions the session's facts prove false (R.contradicted)
    ruled_out: dict[str, list[str]] = field(default_factory=dict)


def classify(
    text: str,
    *,
    now: datetime | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Classification:
    """Rank the catalogue's causes for a pasted report. Never raises."""
    ctx, acc = _score_rules(text, now=now, facts=facts)
    return _rank(ctx, acc, ctx.observations)


@dataclass(frozen=True)
class ScoringInputs:
    """What the fitted layer reads of one paste: the rules' scores and the observations."""

    rule_scores: dict[str, float]
    observations: frozenset[str]
    # (root cause, visible cause): the root-cause links whose condition holds for this paste
    links: tuple[tuple[str, str], ...] = ()


def scoring_inputs(
    text: str,
    *,
    now: datetime | None = None,
    facts: Mapping[str, Any] | None = None,
) -> ScoringInputs:
    """The inputs of the fitted layer (benchmarks/fit_evidence.py fits on these)."""
    ctx, acc = _score_rules(text, now=now, facts=facts)
    return ScoringInputs(dict(acc.score), ctx.observations, _link_pairs(ctx))


def _link_pairs(ctx: _Context) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys((link.root, link.visible) for link in ctx.links))


def _score_rules(
    text: str, *, now: datetime | None, facts: Mapping[str, Any] | None
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
    ev = parse_paste_fields(text)
    sym = detect_symptoms(text)
    ctx = _Context(text=text, ev=ev, sym=sym, facts=facts, now=now)
    ctx.families = _match_families(ctx)
    ctx.observations = observe(text, ev, sym, ctx.families, facts)
    info = _catalogue_info()
    acc = _Scores(info)
    # The rules are data, linted when they load: there is no rule error to skip here (the old
    # Python rules ran in a try/except that swallowed them).
    model = evidence_model()
    ctx.env = R.derive(model, _paste_facts(ctx))
    reasons = {f.name: f.reason for f in R.FAMILIES}
    ctx.ruled_out = R.contradicted(model, list(info), session_facts(facts))
    ruled = frozenset(ctx.ruled_out)
    ctx.links = R.apply_evidence(model, list(info), ctx.env, sym, reasons, acc, ruled)
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

    return json.dumps(s)


# ----------------------------------------------------------------------------- families


def _match_families(ctx: _Context) -> list[str]:
    """The message families the paste shows (by x-amzn-ErrorType, by the message's text or by a
    bare one-word message), after families.yaml's precedence: a specific family hides the
    generic reading of the same message."""
    data = R.FAMILY_DATA
    error_types = set(ctx.ev.error_types)
    matched = [
        f
        for f in data.families
        if (f.error_types & error_types) or (f.pattern and f.pattern.search(ctx.text))
    ]
    # Every rule reads the families matched before any was dropped.
    found = {f.name for f in matched}
    for rule in data.precedence:
        if found & set(rule.when_any):
            keep = rule.unless_error_type is not None and rule.unless_error_type in error_types
            if not keep:
                matched = [f for f in matched if f.name not in rule.drops]
    for fam in data.families:
        if fam.bare_message and fam not in matched and _bare_message(ctx, fam.bare_message):
            matched.append(fam)
    return [f.name for f in matched]


def _bare_message(ctx: _Context, word: str) -> bool:
    """The body's message is exactly `word` ("Forbidden", "Unauthorized"), even when quoted in prose
    ("Import failed: Forbidden") - but not the status text of "403 Forbidden"."""
    word = word.lower()
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


# ----------------------------------------------------------------------------- facts
# The facts evidence.yaml reads (declared there under `facts:`): what the parsers found, a few
# generic cues computed from it, and the session's facts, normalised. `None` is a known absence;
# a session fact that is not known is left out (unknown), so a rule on it never fires.


def _paste_facts(ctx: _Context) -> dict[str, Any]:
    ev, text, sym = ctx.ev, ctx.text, ctx.sym
    segs = [s for s in (ev.url_path or "").split("?")[0].split("/") if s]
    other = answering_service(text)
    caller_acct = _account_of(ev.caller or "")
    foreign = None
    for arn in ev.resource_arns:
        parts = arn.split(":")
        res_acct = parts[4] if len(parts) > 4 else ""
        if caller_acct and re.fullmatch(r"\d{12}", res_acct) and res_acct != caller_acct:
            foreign = res_acct
            break
    lg = ev.logs
    resources = lg.authorizer_resources
    scope_errors = [e for e in lg.authorizer_errors if "scope" in e.lower()]
    env: dict[str, Any] = {
        "text": text,
        "observations": sorted(ctx.observations),
        "families": list(ctx.families),
        "symptoms": sorted(sym.names()),
        "denied": sorted(sym.denied),
        "status": ev.status,
        "error_type": ev.error_type or None,
        "message": ev.message or None,
        "header_names": sorted(ev.headers),
        "request_id_headers": sorted(ev.request_ids),
        "is_api_gateway": ev.is_api_gateway,
        "origin": ev.origin or None,
        "host": ev.host,
        "host_kind": ev.host_kind,
        "http_method": ev.http_method,
        "auth_scheme": ev.authorization_scheme,
        "api_key_header": bool(ev.has_api_key_header),
        "caller_kind": None
        if ev.caller is None
        else ("anonymous" if ev.caller == "anonymous" else "principal"),
        "ttl_seconds": ev.ttl_seconds,
        "log_markers": sorted(lg.markers),
        "authorizer_effects": sorted(set(lg.authorizer_effects)),
        "response_types": list(dict.fromkeys(lg.response_types)),
        "integration_status": lg.integration_status,
        "answering_service": other[0] if other else None,
        "answering_reason": other[1] if other else None,
        "s3_error_through_api": s3_error_through_api(text),
        "s3_error_without_api": s3_error_without_api(text),
        "api_on_path": api_on_path(text),
        "url_first_segment": segs[0] if segs else None,
        "url_first_segment_stage_like": bool(R.STAGE_NAMES.match(segs[0])) if segs else None,
        "connections_url": _connections_url(ev.url_path or "", segs),
        "connections_arn": _connections_arn(ev.resource_arns),
        "accounts_named": len(_accounts_in(text)),
        "caller_account": caller_acct if foreign else None,
        "foreign_api_account": foreign,
        "declared_stages": _declared_stages(ctx, segs),
        "authorizer_resource_null_stage": any("/null/" in r for r in resources),
        "authorizer_resource_single_method": bool(resources)
        and not any("/null/" in r for r in resources)
        and all("*" not in r for r in resources),
        "authorizer_ran": bool(
            lg.markers
            & {
                "authorizer_started",
                "authorizer_result",
                "authorizer_policy_used",
                "authorizer_completed",
            }
        ),
        "authorizer_scope_error": scope_errors[0] if scope_errors else None,
        "no_api_logs_names_authorizer": "no_api_logs" in sym
        and "authori" in sym.snippet("no_api_logs").lower(),
        "endpoint_type_in_text": _endpoint_type_in_text(text),
    }
    env.update(_clock_skew(ctx))
    env.update(_api_kind(ctx))
    env.update(session_facts(ctx.facts))
    return env


def _connections_url(path: str, segs: list[str]) -> str | None:
    if "@connections" not in path:
        return None
    if path.lstrip("/").startswith("@connections"):
        return "no-stage"
    if path.count("@connections") > 1 or (len(segs) > 2 and segs[0] == segs[1]):
        return "repeated"
    return "plain"


def _connections_arn(arns: list[str]) -> str | None:
    for arn in arns:
        if "@connections" not in arn:
            continue
        segs = arn.split(":", 5)[-1].split("/")
        stage = segs[1] if len(segs) > 1 else ""
        doubled = arn.count("@connections") > 1 or (stage and segs[3:4] == [stage])
        return "doubled" if doubled else "well-formed"
    return None


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


def _account_of(caller: str) -> str:
    m = re.match(r"arn:aws[\w-]*:(?:iam|sts)::(\d{12}):", caller)
    return m.group(1) if m else ""


_TYPES_IN_TEXT = re.compile(
    r"(?:types|endpoint\s*type|endpointConfiguration)\W{0,8}(REGIONAL|EDGE|PRIVATE)\b"
)


def _declared_stages(ctx: _Context, segs: list[str]) -> str | None:
    """The stages the report says were deployed, when the execute-api URL names another."""
    if ctx.ev.host_kind != "execute-api" or not segs:
        return None
    declared = {next(g for g in m.groups() if g) for m in _DECLARED_STAGE.finditer(ctx.text)}
    declared = {d for d in declared if not d.isdigit()}
    if declared and segs[0] not in declared:
        return ", ".join(sorted(declared))
    return None


def _endpoint_type_in_text(text: str) -> str | None:
    """`endpointConfiguration.types = ["PRIVATE"]` pasted from get-rest-api."""
    m = _TYPES_IN_TEXT.search(text)
    return m.group(1) if m else None


def _clock_skew(ctx: _Context) -> dict[str, Any]:
    """With `now`, how far a pasted X-Amz-Date is from it."""
    if ctx.now is None:
        return {"clock_skew_seconds": None, "clock_skew_minutes": None}
    m = re.match(r"(\d{8}T\d{6})Z", ctx.ev.headers.get("x-amz-date", "").strip())
    if not m:
        return {"clock_skew_seconds": None, "clock_skew_minutes": None}
    signed = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    now = ctx.now if ctx.now.tzinfo else ctx.now.replace(tzinfo=UTC)
    skew = abs((now - signed).total_seconds())
    return {"clock_skew_seconds": int(skew), "clock_skew_minutes": int(skew // 60)}


def _api_kind(ctx: _Context) -> dict[str, bool]:
    """Which API type the cues say: the session's api_type, else the prose and the logs."""
    declared = str(ctx.facts.get("api_type") or "").upper()
    ev, has = ctx.ev, ctx.sym.__contains__
    http = declared == "HTTP" or (
        not declared
        and (has("http_api") or ("v2_access_log" in ev.logs.markers and not has("websocket")))
        and not has("rest_api")
    )
    ws = declared == "WEBSOCKET" or (not declared and has("websocket"))
    rest = declared == "REST" or (
        not declared
        and (
            has("rest_api")
            or "x-amz-apigw-id" in ev.request_ids
            or bool(
                ev.logs.markers & {"authorizer_started", "authorizer_result", "usage_plan_check"}
            )
        )
        and not http
    )
    return {"api_http": http, "api_rest": rest, "api_websocket": ws}


def session_facts(f: Mapping[str, Any]) -> dict[str, Any]:
    """The session facts the evidence reads, normalised; what is not known is left out."""
    out: dict[str, Any] = {}
    for key in ("authorization_type", "endpoint_type", "api_type"):
        value = str(f.get(key) or "").upper()
        if value:
            out[key] = value
    ttl = f.get("authorizer_ttl")
    if isinstance(ttl, int | float) and not isinstance(ttl, bool):
        out["authorizer_ttl"] = int(ttl)
    for key in ("authorizer_invoked", "api_key_required"):
        if isinstance(f.get(key), bool):
            out[key] = f[key]
    if isinstance(f.get("has_resource_policy"), bool):  # get-rest-api read the policy
        out["resource_policy_attached"] = f["has_resource_policy"]
    if "resource_policy" in f:
        policy = f.get("resource_policy")
        if isinstance(policy, dict) and policy:
            out["resource_policy_attached"] = True
        elif policy == {} or policy == "":
            out["resource_policy_attached"] = False
    if isinstance(f.get("disable_execute_api_endpoint"), bool):
        out["default_endpoint_disabled"] = f["disable_execute_api_endpoint"]
    acl = f.get("web_acl_arn")
    if isinstance(f.get("waf_attached"), bool):  # the WAF probe read the stage's association
        out["web_acl_attached"] = f["waf_attached"]
    elif isinstance(acl, str):
        out["web_acl_attached"] = bool(acl)
    if isinstance(f.get("stage_exists"), bool):
        out["stage_exists"] = f["stage_exists"]
    stages, stage = f.get("api_stages"), f.get("stage")
    if isinstance(stages, list) and isinstance(stage, str) and stage in stages:
        out["stage_exists"] = True  # the API's own stage listing names it
    status = f.get("live_status")
    if isinstance(status, int) and not isinstance(status, bool):
        out["live_status"] = status
    if isinstance(f.get("host_kind"), str) and f["host_kind"]:
        out["request_host_kind"] = f["host_kind"]
    if _is_loopback(f.get("source_ip")):  # only ever true: another address says nothing
        out["request_to_loopback"] = True
    for key in ("domain_name", "vpce_id"):
        if f.get(key):
            out[key] = str(f[key])
    latest, deployed = f.get("latest_deployment_id"), f.get("deployment_id")
    if latest and deployed:
        out["stage_behind_latest"] = latest != deployed
    return out


def _is_loopback(address: object) -> bool:
    try:
        return isinstance(address, str) and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


# ----------------------------------------------------------------------------- ranking


def _rank(ctx: _Context, acc: _Scores, observations: frozenset[str]) -> Classification:
    conf = scoring.confidences(acc.score, observations, links=_link_pairs(ctx))
    # A cause whose precondition the session has proven false is not possible: 0 and last. The
    # others keep their confidences (what it held is not spread over them: the walk decides).
    for cid in ctx.ruled_out:
        conf[cid] = 0.0
    order = sorted(
        conf,
        key=lambda c: (c in ctx.ruled_out, -conf[c], -acc.score[c], -acc.info[c].prior, c),
    )
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
        # A root cause says first whose message it explains, and why.
        roots = [link.reason for link in ctx.links if link.root == cid]
        reasons = list(dict.fromkeys(roots + reasons))[:6]
        confidence = round(conf[cid], 3)
        checks = next_checks_for(cid, order[:4], known) if i < 5 else []
        if not signal and i < 5:
            checks = [RESPONSE_FIRST, *checks]
        ruled_out = list(ctx.ruled_out.get(cid, ()))
        causes.append(RankedCause(cid, acc.info[cid].title, confidence, reasons, checks, ruled_out))
    return Classification(
        causes=causes,
        evidence=ctx.ev,
        symptoms=sorted(ctx.sym.names()),
        families=list(ctx.families),
        observations=sorted(observations),
        signal=signal,
    )


def _stage_from(ev: PasteFields) -> str | None:
    for arn in ev.resource_arns:
        tail = arn.split(":", 5)[-1].split("/")
        if len(tail) > 1 and tail[1] and tail[1] not in ("*", "null"):
            return tail[1]
    if ev.host_kind == "execute-api" and ev.url_path:
        segs = [s for s in ev.url_path.split("?")[0].split("/") if s]
        if segs and R.STAGE_NAMES.match(segs[0]):
            return segs[0]
    return None
