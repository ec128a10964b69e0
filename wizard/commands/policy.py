"""`apigw-wizard policy eval|combine`: would this policy let this call through, and why?

Exit code 0 whatever the decision (the decision is the output, not a failure); 2 for bad input.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import TYPE_CHECKING, Any

from wizard import exitcodes
from wizard.commands._io import (
    InputError,
    add_format_flag,
    emit,
    guarded,
    missing_action,
    read_text,
)

if TYPE_CHECKING:
    from wizard.analysis.policy.request import RequestContext

_DECISIONS = ("allow", "explicit_deny", "implicit_deny")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "policy",
        help="evaluate a resource or authorizer policy against a method ARN, or combine both sides",
        description=(
            "Evaluate IAM-style policies for execute-api the way IAM and API Gateway do: "
            "'eval' one policy against a request, 'combine' a resource policy with the "
            "method's authorization (IAM, Lambda authorizer, Cognito), 'match' Resource "
            "patterns against a method ARN."
        ),
    )
    actions = p.add_subparsers(dest="policy_action", metavar="ACTION")
    p.set_defaults(func=missing_action("policy needs an action: eval, combine or match"))
    # (eval, combine and match are registered below)

    ev = actions.add_parser(
        "eval",
        help="evaluate one policy for one request: allow, explicit_deny or implicit_deny",
        description=(
            "Evaluate a policy (resource policy, Lambda-authorizer response, or the escaped "
            "string get-rest-api returns) for one request, statement by statement. "
            "Exit code 0 whatever the decision; 2 for bad input."
        ),
        epilog=textwrap.dedent(
            """\
            examples:
              apigw-wizard policy eval --policy examples/policies/private-api-vpce.json \\
                  --arn arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets --vpce vpce-0abc
              aws apigateway get-rest-api --rest-api-id a1b2c3 --query policy --output text \\
                  | apigw-wizard policy eval --policy - --arn ARN --source-ip 203.0.113.7 --format json
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ev.add_argument(
        "--policy",
        required=True,
        metavar="FILE",
        help="the policy: a file, '-' for standard input, or the JSON itself",
    )
    ev.add_argument(
        "--kind",
        choices=("resource", "authorizer"),
        help=(
            "what the policy is: the API's resource policy (a statement without Principal "
            "applies to no one) or an authorizer/identity policy (every statement applies to "
            "the caller); default: resource when any statement names a Principal, and the "
            "output says which it assumed"
        ),
    )
    _request_flags(ev)
    add_format_flag(ev)
    ev.set_defaults(func=run_eval)

    co = actions.add_parser(
        "combine",
        help="combine a resource policy with IAM / Lambda authorizer / Cognito, as API Gateway does",
        description=(
            "Decide the final outcome of a REST API call from its resource policy and its "
            "authorization: the pre-auth explicit-deny pass, then 'either side allows' for the "
            "same account, 'both sides must allow' across accounts. Exit code 0 whatever the "
            "decision; 2 for bad input."
        ),
        epilog=textwrap.dedent(
            """\
            examples:
              apigw-wizard policy combine --resource-policy examples/policies/ip-allow-list.json \\
                  --auth lambda --authorizer-policy examples/policies/authorizer-scoped.json \\
                  --arn arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/POST/profile \\
                  --source-ip 198.51.100.1
              apigw-wizard policy combine --auth iam --auth-decision allow \\
                  --principal arn:aws:iam::444455556666:role/caller --arn ARN
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    co.add_argument(
        "--resource-policy",
        metavar="FILE",
        help="the API's resource policy (file, '-' or JSON); omit when the API has none",
    )
    co.add_argument(
        "--auth",
        choices=("none", "iam", "lambda", "cognito"),
        default="none",
        help="the method's authorization (default: none)",
    )
    side = co.add_mutually_exclusive_group()
    side.add_argument(
        "--auth-decision",
        type=_decision,
        metavar="DECISION",
        help="what the IAM/authorizer side decided: allow, explicit_deny or implicit_deny",
    )
    side.add_argument(
        "--authorizer-policy",
        "--identity-policy",
        dest="authorizer_policy",
        metavar="FILE",
        help=(
            "the policy the Lambda authorizer returned (or the caller's IAM policy for "
            "--auth iam), evaluated against the same request"
        ),
    )
    cross = co.add_mutually_exclusive_group()
    cross.add_argument(
        "--cross-account",
        dest="cross_account",
        action="store_const",
        const=True,
        help="the caller is in another account (default: compare --principal with the ARN)",
    )
    cross.add_argument("--same-account", dest="cross_account", action="store_const", const=False)
    co.add_argument("--private", action="store_true", help="the API is a PRIVATE endpoint type")
    co.add_argument(
        "--endpoint-policy",
        metavar="FILE",
        help="the policy of the interface VPC endpoint the call came through (with --vpce)",
    )
    _request_flags(co)
    add_format_flag(co)
    co.set_defaults(func=run_combine)

    ma = actions.add_parser(
        "match",
        help="does a Resource pattern cover a method ARN, and if not, which part differs?",
        description=(
            "Match IAM Resource patterns against a method ARN the way IAM does (sections compared "
            "one by one, '*' crosses '/', the resource part is case-sensitive) and name the first "
            "part that differs. Exit code 0 whether or not it matches; 2 for bad input."
        ),
        epilog=textwrap.dedent(
            """\
            examples:
              apigw-wizard policy match \\
                  --pattern 'arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/profile' \\
                  --arn arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/POST/profile
              apigw-wizard policy match --pattern 'execute-api:/*/GET/*' --arn ARN --format json
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ma.add_argument(
        "--pattern",
        action="append",
        required=True,
        metavar="RESOURCE",
        help="a Resource pattern (full ARN, '*', or execute-api:/STAGE/METHOD/PATH); repeatable",
    )
    ma.add_argument("--arn", required=True, help="the method ARN")
    add_format_flag(ma)
    ma.set_defaults(func=run_match)


def _decision(text: str) -> str:
    value = text.strip().lower().replace("-", "_")
    if value not in _DECISIONS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not one of allow, explicit_deny, implicit_deny"
        )
    return value


def _request_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--arn",
        required=True,
        help="the method ARN: arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH",
    )
    p.add_argument(
        "--principal",
        default="anonymous",
        help="'anonymous' (unsigned call, the default) or the caller's IAM ARN / account id",
    )
    p.add_argument("--source-ip", metavar="IP", help="the client's IP address")
    p.add_argument(
        "--vpce",
        metavar="ID",
        help="the VPC endpoint the call came through (then --source-ip is aws:VpcSourceIp)",
    )
    p.add_argument("--vpc", metavar="ID", help="the VPC the call came from (aws:SourceVpc)")
    p.add_argument("--action", default="execute-api:Invoke", help="default: execute-api:Invoke")
    p.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=(
            "another condition key, also a policy variable's value (aws:username=Bob, "
            "aws:PrincipalTag/team=payments); repeat a key for several values; KEY= (empty) "
            "removes the key, like --absent"
        ),
    )
    p.add_argument(
        "--absent",
        action="append",
        default=[],
        metavar="KEY",
        help=(
            "a condition key this request does not carry, even one IAM normally sets "
            "(aws:SecureTransport, aws:CurrentTime, aws:EpochTime, aws:PrincipalType); repeatable"
        ),
    )


def _read_policy(value: str, flag: str) -> str:
    text = value.strip()
    if value == "-" or value.startswith("@"):
        return read_text(value, what=flag)
    if text[:1] in ("{", '"', "["):
        return read_text(value, what=flag)
    return read_text("@" + value, what=flag)


def _request(args: argparse.Namespace) -> RequestContext:
    import ipaddress

    from wizard.analysis.arn import parse_method_arn
    from wizard.analysis.policy.request import RequestContext

    try:
        parse_method_arn(args.arn)
    except ValueError as exc:
        raise InputError(f"--arn: {exc}") from None
    if args.source_ip:
        try:
            ipaddress.ip_address(args.source_ip.strip())
        except ValueError:
            raise InputError(f"--source-ip: {args.source_ip!r} is not an IP address") from None
    extra, absent = _context(args.context, args.absent)
    return RequestContext(
        method_arn=args.arn.strip(),
        action=args.action,
        principal=args.principal.strip(),
        source_ip=args.source_ip.strip() if args.source_ip else None,
        vpce_id=args.vpce,
        vpc_id=args.vpc,
        extra=extra,
        absent=absent,
    )


def _context(items: list[str], absent: list[str]) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """--context KEY=VALUE (values of one key collected, key names compared without case) and
    the keys to remove: --absent KEY and --context KEY= (empty)."""
    extra: dict[str, list[str]] = {}
    removed: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--context: {item!r} is not KEY=VALUE (e.g. aws:SourceVpc=vpc-1)")
        if value:
            extra.setdefault(key, []).append(value)
        else:
            removed[key.lower()] = key
    for key in absent:
        if not key.strip() or "=" in key:
            raise InputError(f"--absent: {key!r} is not a condition key name (e.g. aws:SourceIp)")
        removed[key.strip().lower()] = key.strip()
    both = [k for k in extra if k.lower() in removed]
    if both:
        raise InputError(f"--context/--absent: {both[0]} is given a value and also removed")
    return extra, tuple(removed.values())


def _request_dict(req: RequestContext) -> dict[str, Any]:
    keys = req.context_keys()
    for volatile in ("aws:currenttime", "aws:epochtime"):
        keys.pop(volatile, None)
    return {
        "action": req.action,
        "method_arn": req.method_arn,
        "principal": "anonymous" if req.is_anonymous else req.principal,
        "context": keys,
        "absent": list(req.absent),
    }


@guarded
def run_eval(args: argparse.Namespace) -> int:
    from wizard.analysis.policy.evaluate import evaluate_policy
    from wizard.analysis.policy.parse import PolicyError

    req = _request(args)
    text = _read_policy(args.policy, "--policy")
    try:
        decision = evaluate_policy(text, req, args.kind)
    except PolicyError as exc:
        raise InputError(f"--policy: {exc}") from None
    data = decision.to_dict()
    data["request"] = _request_dict(req)
    emit(data, args.format, _render_eval)
    return exitcodes.OK


@guarded
def run_combine(args: argparse.Namespace) -> int:
    from wizard.analysis.combine import combine_policies
    from wizard.analysis.policy.parse import PolicyError

    req = _request(args)
    if args.auth == "none" and (args.auth_decision or args.authorizer_policy):
        raise InputError("--auth-decision/--authorizer-policy need --auth iam, lambda or cognito")
    if args.auth != "none" and not (args.auth_decision or args.authorizer_policy):
        raise InputError(f"--auth {args.auth} needs --auth-decision or --authorizer-policy")
    rp_text = (
        _read_policy(args.resource_policy, "--resource-policy") if args.resource_policy else None
    )
    ap_text = (
        _read_policy(args.authorizer_policy, "--authorizer-policy")
        if args.authorizer_policy
        else None
    )
    ep_text = (
        _read_policy(args.endpoint_policy, "--endpoint-policy") if args.endpoint_policy else None
    )
    try:
        result = combine_policies(
            req,
            resource_policy=rp_text,
            auth=args.auth,
            auth_decision=args.auth_decision,
            authorizer_policy=ap_text,
            cross_account=args.cross_account,
            private_api=args.private,
            endpoint_policy=ep_text,
        )
    except PolicyError as exc:
        flag = _which_policy_is_bad(
            [
                ("--resource-policy", rp_text),
                ("--authorizer-policy", ap_text),
                ("--endpoint-policy", ep_text),
            ]
        )
        raise InputError(f"{flag}: {exc}") from None
    data = result.to_dict()
    data["request"] = _request_dict(req)
    emit(data, args.format, _render_combine)
    return exitcodes.OK


@guarded
def run_match(args: argparse.Namespace) -> int:
    from wizard.analysis.arn import arn_matches, expand_resource, first_mismatch, parse_method_arn

    try:
        arn = parse_method_arn(args.arn)
    except ValueError as exc:
        raise InputError(f"--arn: {exc}") from None
    values = {
        "partition": arn.partition,
        "service": "execute-api",
        "region": arn.region,
        "account": arn.account,
        "api": arn.api_id,
        "stage": arn.stage,
        "method": arn.method,
        "path": arn.request_path,
    }
    raw = args.arn.strip()
    results = []
    for pattern in args.pattern:
        full = expand_resource(
            pattern.strip(),
            region=arn.region,
            account=arn.account,
            api_id=arn.api_id,
            partition=arn.partition,
        )
        matches = arn_matches(full, raw)
        part = None if matches else first_mismatch(full, raw)
        results.append(
            {
                "pattern": pattern,
                "expanded": full,
                "matches": matches,
                "first_mismatch": part,
                "arn_value": values.get(part) if part else None,
            }
        )
    data = {"arn": raw, "matches": any(r["matches"] for r in results), "patterns": results}
    emit(data, args.format, _render_match)
    return exitcodes.OK


def _render_match(data: dict[str, Any]) -> str:
    lines = [f"Method ARN: {data['arn']}"]
    for r in data["patterns"]:
        shown = (
            r["pattern"] if r["pattern"] == r["expanded"] else f"{r['pattern']} → {r['expanded']}"
        )
        if r["matches"]:
            lines.append(f"  covers      {shown}")
        else:
            lines.append(f"  no match    {shown}")
            lines.append(
                f"              first difference: the {r['first_mismatch']} "
                f"(the ARN has {r['arn_value']!r})"
            )
    verdict = "covered" if data["matches"] else "NOT covered by any pattern"
    lines.append(f"The method ARN is {verdict}.")
    return "\n".join(lines)


def _which_policy_is_bad(candidates: list[tuple[str, str | None]]) -> str:
    from wizard.analysis.policy.parse import PolicyError, parse_policy

    for flag, text in candidates:
        if text is not None:
            try:
                parse_policy(text)
            except PolicyError:
                return flag
    return "policy"


# --- text rendering --------------------------------------------------------------------------

_LABEL = {"allow": "ALLOW", "explicit_deny": "EXPLICIT DENY", "implicit_deny": "IMPLICIT DENY"}
_OUTCOME = {"allow": "allows", "deny": "DENIES", "silent": "silent"}


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(
        text,
        width=100,
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _statements(statements: list[dict[str, Any]], indent: str = "  ") -> list[str]:
    lines = []
    for s in statements:
        sid = f" {s['sid']}" if s.get("sid") else ""
        head = f"{indent}[{s['index']}] {s['effect']}{sid} → {_OUTCOME[s['outcome']]}"
        lines.append(head)
        lines.append(_wrap(s["reason"], indent + "    "))
    return lines


def _render_request(req: dict[str, Any]) -> list[str]:
    ctx = req["context"]
    shown = ", ".join(
        f"{k}={v[0] if len(v) == 1 else v}"
        for k, v in ctx.items()
        if k not in ("aws:securetransport",)
    )
    absent = ", ".join(req.get("absent", []))
    return [
        f"Request: {req['action']} on {req['method_arn']}",
        f"  as {req['principal']}"
        + (f"; context: {shown}" if shown else "")
        + (f"; absent: {absent}" if absent else ""),
    ]


def _render_eval(data: dict[str, Any]) -> str:
    lines = [f"Decision: {_LABEL[data['decision']]}", _wrap(data["explanation"], "  ")]
    if data.get("suggestion"):
        lines.append(_wrap("What would change it: " + data["suggestion"], "  "))
    lines.append("")
    lines += [*_render_request(data["request"]), "", "Statements:"]
    lines += _statements(data["statements"]) or ["  (none)"]
    lines += _notes(data)
    return "\n".join(lines)


def _notes(part: dict[str, Any]) -> list[str]:
    return [f"note: {n}" for n in part.get("notes", [])] + [
        _wrap(f"warning: {w}", "") for w in part.get("warnings", [])
    ]


def _render_combine(data: dict[str, Any]) -> str:
    resp = data["response"]
    lines = [f"Decision: {_LABEL[data['decision']]} (decided by {data['decided_by']})"]
    lines.append(_wrap(data["explanation"], "  "))
    if resp["status"] != 200:
        lines.append(
            f"  API Gateway answers {resp['status']} {resp['error_type']}: {resp['message']}"
        )
    if data.get("cause_hint"):
        lines.append(f"  Likely cause: {data['cause_hint']}  (apigw-wizard explain for details)")
    if data.get("authorizer_invoked") is False:
        lines.append("  The Lambda authorizer is not invoked for this call.")
    lines.append("")
    lines += _render_request(data["request"])
    for key, title in (
        ("endpoint_policy", "VPC endpoint policy"),
        ("resource_policy", "Resource policy"),
        ("authorizer_policy", "Authorizer/IAM policy"),
    ):
        part = data.get(key)
        if part:
            lines += ["", f"{title}: {_LABEL[part['decision']]}", _wrap(part["explanation"], "  ")]
            if part.get("suggestion") and data["decision"] != "allow":
                lines.append(_wrap("What would change it: " + part["suggestion"], "  "))
            lines += _statements(part["statements"])
            lines += [f"  {line}" for line in _notes(part)]
    if "resource_policy" not in data:
        lines += ["", "Resource policy: none attached to the API"]
    return "\n".join(lines)
