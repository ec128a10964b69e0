"""Custom domain names: endpoint type, mutual TLS, and the base-path / API mappings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.analysis.invoke_url import longest_base_path
from wizard.aws.errors import aws_errors
from wizard.aws.manual import manual_command
from wizard.aws.probes._base import arg, client, paginate
from wizard.engine.probes import REGISTRY, ProbeContext, ProbeError, ProbeErrorKind


def _v1_domain(ctx: ProbeContext, domain: str) -> dict[str, Any] | None:
    try:
        with aws_errors(
            "apigateway:GET",
            manual=manual_command(ctx.aws, "apigateway", "GetDomainName", domainName=domain),
        ):
            return dict(client(ctx, "apigateway").get_domain_name(domainName=domain))
    except ProbeError as err:
        if err.kind in (ProbeErrorKind.NOT_FOUND, ProbeErrorKind.UNSUPPORTED):
            return None
        raise


@REGISTRY.probe(
    "custom_domain",
    "Read the custom domain: endpoint type, mutual TLS truststore, and which API/stage each "
    "base path maps to (and which one serves the request path)",
    iam_actions=("apigateway:GET",),
    needs_aws=True,
)
def custom_domain(ctx: ProbeContext, params: Mapping[str, Any]) -> dict[str, Any]:
    domain = str(arg(ctx, params, "domain_name")).lower()
    path = str(arg(ctx, params, "path", "/"))
    d = _v1_domain(ctx, domain)
    mappings: list[dict[str, str]] = []
    if d is not None:
        types = (d.get("endpointConfiguration") or {}).get("types") or []
        mtls = d.get("mutualTlsAuthentication") or {}
        info: dict[str, Any] = {
            "domain_exists": True,
            "domain_endpoint_type": types[0] if types else None,
            "domain_security_policy": d.get("securityPolicy"),
            "mtls_truststore_uri": mtls.get("truststoreUri"),
            "mtls_enabled": bool(mtls.get("truststoreUri")),
            "mtls_truststore_warnings": list(mtls.get("truststoreWarnings") or []),
            "domain_regional_name": d.get("regionalDomainName") or d.get("distributionDomainName"),
        }
        for m in paginate(
            ctx,
            client(ctx, "apigateway"),
            "get_base_path_mappings",
            "items",
            action="apigateway:GET",
            manual=manual_command(ctx.aws, "apigateway", "GetBasePathMappings", domainName=domain),
            domainName=domain,
        ):
            mappings.append(
                {
                    "base_path": m.get("basePath", "(none)"),
                    "api_id": m["restApiId"],
                    "stage": m.get("stage", ""),
                }
            )
    else:
        v2 = client(ctx, "apigatewayv2")
        try:
            with aws_errors(
                "apigateway:GET",
                manual=manual_command(ctx.aws, "apigatewayv2", "GetDomainName", DomainName=domain),
            ):
                d2 = v2.get_domain_name(DomainName=domain)
                items = v2.get_api_mappings(DomainName=domain).get("Items", [])
        except ProbeError as err:
            if err.kind is ProbeErrorKind.NOT_FOUND:
                return {"domain_name": domain, "domain_exists": False}
            raise
        cfg = (d2.get("DomainNameConfigurations") or [{}])[0]
        mtls = d2.get("MutualTlsAuthentication") or {}
        info = {
            "domain_exists": True,
            "domain_endpoint_type": cfg.get("EndpointType"),
            "domain_security_policy": cfg.get("SecurityPolicy"),
            "mtls_truststore_uri": mtls.get("TruststoreUri"),
            "mtls_enabled": bool(mtls.get("TruststoreUri")),
            "mtls_truststore_warnings": list(mtls.get("TruststoreWarnings") or []),
            "domain_regional_name": cfg.get("ApiGatewayDomainName"),
        }
        mappings = [
            {
                "base_path": m.get("ApiMappingKey") or "(none)",
                "api_id": m["ApiId"],
                "stage": m["Stage"],
            }
            for m in items
        ]
    chosen = longest_base_path([m["base_path"] for m in mappings], path)
    out = {
        "domain_name": domain,
        **info,
        "base_path_mappings": mappings,
        "mapping_matches_path": chosen is not None,
    }
    if chosen is not None:
        base, rest = chosen
        m = next(m for m in mappings if m["base_path"] == base)
        out.update(
            {"base_path": base, "api_id": m["api_id"], "stage": m["stage"], "mapped_path": rest}
        )
    return out
