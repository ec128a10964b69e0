"""What `explain` and the playbook can ask next, and which causes each answer points to.

A *separator* is one step that tells causes apart: a playbook question (the id is the playbook
node, the answers its choices), or a check the engineer runs (a command from next_checks.py,
whose outcomes name causes). Each answer lists the causes it points to - for a question, the
causes its branch of the playbook ends at (tests/analysis/test_next_question.py derives them
from the playbook graph and fails when this table drifts) - and the observations it amounts to
in the evidence model's vocabulary (observations.py), so the fitted weights can say how likely
the answer is under each cause.

An answer that fits none of the listed causes ("none of these", "I don't know") is implicit:
next_question.py gives it the probability mass of every cause no answer names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from wizard.analysis import next_checks


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    causes: frozenset[str]
    observations: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Separator:
    id: str  # the playbook question node id, or check:<name>
    kind: str  # "question" (asked by the playbook) or "check" (a command the engineer runs)
    text: str  # the question's prompt, or the check's instruction (placeholders unfilled)
    answers: tuple[Answer, ...]

    def causes(self) -> frozenset[str]:
        return frozenset().union(*(a.causes for a in self.answers))


def _a(value: str, label: str, causes: str, *observations: str) -> Answer:
    return Answer(value, label, frozenset(causes.split()), frozenset(observations))


# The fact each question's playbook node sets (its `sets:`): an answer given to the playbook is
# that fact's value, so the next question is chosen on what has been answered so far. Two
# questions that set one fact ask the same thing, and one answer settles both.
# tests/analysis/test_next_question.py fails when this drifts from the playbook.
ANSWER_FACTS: dict[str, str] = {
    "q_origin": "origin",
    "q_timing": "failure_timing",
    "q_mat_route": "route_status",
    "q_route_incomplete": "route_status",
    "q_custom_domain_mat": "domain_mapping",
    "q_custom_domain_forbidden": "domain_mapping",
    "q_forbidden_context": "forbidden_context",
    "q_apikey": "api_key_state",
    "q_cloudfront": "cloudfront_case",
    "q_body_origin": "body_origin",
}


# The playbook's choice questions that end at causes, with each choice's causes (see above).
QUESTIONS: tuple[Separator, ...] = (
    Separator(
        "q_origin",
        "question",
        "The 403 does not look like API Gateway's. Which of these is between your client and the API?",
        (
            _a(
                "emulator",
                "A local emulator (serverless-offline, sam local, LocalStack)",
                "not-apigw-origin",
                "symptom:emulator",
            ),
            _a(
                "proxy",
                "An ALB, nginx, a WAF appliance or another proxy of ours",
                "not-apigw-origin",
            ),
            _a(
                "cloudfront",
                "A CloudFront distribution of ours in front of the API",
                "cloudfront-edge-rejection host-header-mismatch",
                "symptom:cloudfront",
            ),
        ),
    ),
    Separator(
        "q_timing",
        "question",
        "With one and the same token, which describes the failures best?",
        (
            _a(
                "first_works",
                "The first call works; calls to other routes fail for a while after it",
                "authz-cache-scoped-policy",
            ),
            _a(
                "always",
                "It fails every time, even the first call with a fresh token",
                "authz-explicit-deny authz-implicit-deny-arn-mismatch",
            ),
            _a(
                "after_change",
                "It keeps failing for minutes after we fixed the authorizer or refreshed the token",
                "authz-cache-stale-decision",
                "symptom:persists_after_fix",
            ),
        ),
    ),
    Separator(
        "q_mat_route",
        "question",
        "Look at the API in the console. Which is true for this exact method and path?",
        (
            _a(
                "missing",
                "The resource or method is not there (typo, wrong method, trailing slash, {proxy+} root)",
                "mat-route-not-found",
            ),
            _a(
                "not_deployed",
                "It is there but was added after the stage's last deployment",
                "mat-not-deployed",
                "symptom:route_added",
            ),
            _a(
                "iam_unsigned",
                "It is there, uses AWS_IAM, and the request (or the browser's OPTIONS preflight) is not signed",
                "mat-iam-unsigned",
                "symptom:iam_auth",
                "symptom:unsigned",
            ),
        ),
    ),
    Separator(
        "q_route_incomplete",
        "question",
        "Look at the API in the console. Which is true for this exact method and path?",
        (
            _a(
                "missing",
                "The resource or method does not exist (or the URL has a typo)",
                "mat-route-not-found",
            ),
            _a(
                "not_deployed",
                "It exists but was added after the last deployment of the stage",
                "mat-not-deployed",
                "symptom:route_added",
            ),
            _a(
                "iam_method",
                "It exists; its authorization is AWS_IAM and we send a Bearer/Basic token",
                "sigv4-incomplete-signature",
                "symptom:iam_auth",
            ),
            _a(
                "private_vpce",
                "It is a private API called through a VPC endpoint with a custom endpoint policy",
                "vpce-endpoint-policy",
                "symptom:vpce_policy",
            ),
        ),
    ),
    Separator(
        "q_custom_domain_mat",
        "question",
        "Compare the URL with the domain's API mappings. Which is true?",
        (
            _a(
                "stage_in_url",
                "The URL includes the stage name after the domain (or base path)",
                "custom-domain-mapping",
                "symptom:custom_domain",
            ),
            _a(
                "unmapped",
                "The first path segment is not a mapped base path, or it maps to another API or stage",
                "custom-domain-mapping",
                "symptom:custom_domain",
            ),
            _a(
                "ok",
                "The URL matches the mapping",
                "mat-route-not-found mat-not-deployed mat-iam-unsigned",
            ),
        ),
    ),
    Separator(
        "q_custom_domain_forbidden",
        "question",
        "Which is true for the custom domain you call?",
        (
            _a(
                "mtls",
                "The domain requires mutual TLS (a truststore is configured)",
                "mtls-cert-rejected",
                "symptom:mtls",
            ),
            _a(
                "unmapped",
                "The first path segment is not a mapped base path, or it maps to another API or stage",
                "custom-domain-mapping",
                "symptom:custom_domain",
            ),
        ),
    ),
    Separator(
        "q_forbidden_context",
        "question",
        '"Forbidden" has many causes. Which of these fits your call best?',
        (
            _a(
                "api_key",
                "The method requires an API key (x-api-key)",
                "apikey-missing-or-invalid apikey-not-in-usage-plan-stage",
                "symptom:api_key",
            ),
            _a(
                "vpc_caller",
                "It works from a laptop but fails from inside a VPC (Lambda, ECS, EC2, CodeBuild)",
                "vpce-private-dns-public-api",
                "symptom:only_from_vpc",
            ),
            _a(
                "private_api",
                "The API's endpoint type is PRIVATE",
                "private-api-access-path",
                "symptom:private_api",
            ),
            _a(
                "default_endpoint",
                "We call the execute-api URL but the default endpoint is disabled",
                "default-endpoint-disabled",
                "symptom:disabled_endpoint",
            ),
            _a(
                "stage",
                "The stage name in the URL may be misspelled, missing or not deployed",
                "stage-not-found",
                "symptom:stage_missing",
            ),
            _a("waf", "A WAF web ACL is attached to the stage", "waf-block", "symptom:waf"),
            _a(
                "http_jwt",
                "An HTTP API route with a JWT authorizer and scopes",
                "httpapi-jwt-insufficient-scope",
                "symptom:scopes",
            ),
            _a(
                "http_lambda",
                "An HTTP API route with a Lambda authorizer",
                "httpapi-lambda-authorizer-deny",
                "symptom:http_api",
            ),
            _a(
                "ws_connect", "A WebSocket API's $connect", "ws-connect-denied", "symptom:websocket"
            ),
            _a(
                "cache_control",
                "The client sends Cache-Control: max-age=0 / no-cache and the stage has caching on",
                "cache-invalidation-unauthorized",
                "symptom:cache_control",
            ),
            _a(
                "backend",
                "Our backend (Lambda or HTTP) may return 403 itself",
                "integration-returned-403",
                "symptom:lambda_returns_403",
            ),
        ),
    ),
    Separator(
        "q_apikey",
        "question",
        "Which is true for the API key you send?",
        (
            _a(
                "missing",
                "We do not send it, send it elsewhere (query string, body), or it is wrong or disabled",
                "apikey-missing-or-invalid",
            ),
            _a(
                "not_in_plan",
                "The key is right and enabled; it may not be in a usage plan for this stage",
                "apikey-not-in-usage-plan-stage",
                "symptom:usage_plan",
                "symptom:key_looks_valid",
            ),
        ),
    ),
    Separator(
        "q_cloudfront",
        "question",
        "CloudFront answered the 403. Which is true?",
        (
            _a(
                "get_with_body",
                "The request is a GET/HEAD that sends a body (or Content-Length)",
                "cloudfront-edge-rejection",
            ),
            _a(
                "forwards_host",
                "We have our own distribution/proxy in front, forwarding the viewer's Host header",
                "host-header-mismatch",
                "symptom:host_header",
            ),
        ),
    ),
    Separator(
        "q_body_origin",
        "question",
        "The body is not one of API Gateway's default messages. Where could it come from?",
        (
            _a(
                "backend",
                "Our backend (Lambda, HTTP service, S3...) returns this body",
                "integration-returned-403",
                "symptom:lambda_returns_403",
            ),
            _a(
                "gateway_response",
                "We customised API Gateway's gateway responses",
                "gateway-response-override",
                "symptom:gateway_responses",
            ),
        ),
    ),
)

# The outcomes of next_checks' family check (the access log's responseType), by cause.
_FAMILY_OUTCOMES = (
    (
        "invalid_api_key",
        "responseType INVALID_API_KEY",
        "apikey-missing-or-invalid apikey-not-in-usage-plan-stage",
    ),
    ("waf_filtered", "responseType WAF_FILTERED", "waf-block"),
    (
        "no_log_line",
        "no access-log line at all: the request never reached the stage",
        "stage-not-found custom-domain-mapping vpce-private-dns-public-api "
        "private-api-access-path default-endpoint-disabled mtls-cert-rejected host-header-mismatch",
    ),
)


@cache
def checks() -> tuple[Separator, ...]:
    """next_checks' commands as separators: a pair check's outcomes are its two causes, the
    family check's the access log's answers, a confirming check's "confirmed" its cause."""
    out: list[Separator] = []
    for pair, text in next_checks.PAIR_CHECKS.items():
        a, b = sorted(pair)
        out.append(
            Separator(
                f"check:{a}|{b}",
                "check",
                text,
                (_a(a, f"it shows {a}", a), _a(b, f"it shows {b}", b)),
            )
        )
    for i, (_members, text) in enumerate(next_checks.FAMILY_CHECKS):
        answers = tuple(_a(v, label, causes) for v, label, causes in _FAMILY_OUTCOMES)
        out.append(Separator(f"check:family-{i}", "check", text, answers))
    for cause, text in next_checks.CONFIRMING_CHECK.items():
        out.append(
            Separator(
                f"check:{cause}", "check", text, (_a("confirmed", f"it confirms {cause}", cause),)
            )
        )
    return tuple(out)


@cache
def bank() -> tuple[Separator, ...]:
    """Every separator: the playbook's questions first, then the checks."""
    return QUESTIONS + checks()


def question(node_id: str) -> Separator | None:
    return next((s for s in QUESTIONS if s.id == node_id), None)
