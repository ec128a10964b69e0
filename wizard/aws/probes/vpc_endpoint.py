"""The execute-api VPC endpoint a call came through, and whether its endpoint policy lets the
call in.

AWS ("Use VPC endpoint policies for private APIs", apigateway-vpc-endpoint-policies.html): a
call through an interface endpoint is checked against the endpoint's policy as well as the
API's resource policy; when the endpoint policy does not allow execute-api:Invoke on the
method's ARN, the call is refused with AccessDenied "... because no VPC endpoint policy allows
the execute-api:Invoke action" (or "with an explicit deny in a VPC endpoint policy").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.analysis.policy.evaluate import evaluate_policy
from wizard.analysis.policy.request import RequestContext
from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client, parse_policy
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind

DESCRIBE = "ec2:DescribeVpcEndpoints"


@REGISTRY.probe(
    "vpc_endpoint_policy",
    "Read the VPC endpoint the call came through (its id is in the {api}-{vpce} URL) and "
    "evaluate its endpoint policy for the failing method",
    iam_actions=(DESCRIBE,),
    needs_aws=True,
)
def vpc_endpoint_policy(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    vpce_id = str(arg(ctx, params, "vpce_id"))
    method_arn = str(arg(ctx, params, "method_arn"))
    principal = str(arg(ctx, params, "principal", "anonymous"))
    manual = manual_command(ctx.aws, "ec2", "DescribeVpcEndpoints", VpcEndpointIds=[vpce_id])
    with aws_errors(DESCRIBE, manual=manual):
        found = client(ctx, "ec2").describe_vpc_endpoints(VpcEndpointIds=[vpce_id])
    endpoints = [e for e in found.get("VpcEndpoints") or [] if e.get("VpcEndpointId") == vpce_id]
    if not endpoints:
        raise ProbeError(
            ProbeErrorKind.NOT_FOUND,
            f"no VPC endpoint {vpce_id} in this account and region",
            manual_hint=manual,
        )
    endpoint = endpoints[0]
    document = str(endpoint.get("PolicyDocument") or "")
    out: dict[str, Any] = {
        "vpce_id": vpce_id,
        "vpce_vpc_id": endpoint.get("VpcId"),
        "vpce_service": endpoint.get("ServiceName"),
        # Kept as AWS returns it: the rollback of a policy change writes back these exact bytes.
        "vpce_policy_document": document,
        "vpce_policy": parse_policy(document),
        "vpce_policy_decision": None,
        "vpce_policy_allows": None,
    }
    if not document:
        return out  # no policy returned: nothing to judge (AWS always returns one)
    request = RequestContext(
        method_arn=method_arn,
        principal=principal,
        vpce_id=vpce_id,
        vpc_id=str(endpoint.get("VpcId") or "") or None,
    )
    try:
        decision = evaluate_policy(document, request, kind="resource")
    except ValueError as exc:  # a malformed policy (PolicyError) or method ARN
        out["vpce_policy_error"] = str(exc)[:300]
        return out
    out.update(
        vpce_policy_decision=decision.decision,
        vpce_policy_allows=decision.decision == "allow",
        vpce_policy_explanation=decision.explanation,
    )
    return out
