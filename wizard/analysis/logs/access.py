"""Access-log records: JSON lines whose keys are whatever the stage's format chose.

People name `$context.error.responseType` `responseType`, `errorResponseType`, `error_type`,
or nest it as {"error": {"responseType": ...}}. `normalise_access_record` flattens the record
and maps the key names it recognises to the shared fact names; unknown keys are ignored.
"""

from __future__ import annotations

import re
from typing import Any

# normalised key (lower case, letters and digits only) -> shared fact name
_FIELDS: dict[str, str] = {
    "requestid": "request_id",
    "contextrequestid": "request_id",
    "apigwrequestid": "request_id",
    "extendedrequestid": "extended_request_id",
    "status": "status",
    "statuscode": "status",
    "httpstatus": "status",
    "responsestatus": "status",
    "responsetype": "response_type",
    "errorresponsetype": "response_type",
    "errortype": "response_type",
    "errormessage": "error_message",
    "errormessagestring": "error_message",
    "message": "error_message",
    "authorizererror": "authorizer_error",
    "authorizerstatus": "authorizer_status",
    "authorizerlatency": "authorizer_latency",
    "authorizerintegrationstatus": "authorizer_integration_status",
    "authorizerintegrationlatency": "authorizer_integration_latency",
    "authorizerprincipalid": "principal_id",
    "principalid": "principal_id",
    "authorizeerror": "authorize_error",
    "authorizestatus": "authorize_status",
    "authenticateerror": "authenticate_error",
    "authenticatestatus": "authenticate_status",
    "wafstatus": "waf_status",
    "waferror": "waf_error",
    "wafresponsecode": "waf_response_code",
    "webaclarn": "web_acl_arn",
    "apikeyid": "api_key_id",
    "identityapikeyid": "api_key_id",
    "sourceip": "source_ip",
    "identitysourceip": "source_ip",
    "ip": "source_ip",
    "vpceid": "vpce_id",
    "identityvpceid": "vpce_id",
    "sourcevpce": "vpce_id",
    "vpcid": "vpc_id",
    "integrationstatus": "integration_status",
    "integrationerror": "integration_error",
    "integrationerrormessage": "integration_error",
    "httpmethod": "method",
    "method": "method",
    "resourcepath": "resource_path",
    "path": "path",
    "routekey": "route_key",
    "stage": "stage",
    "domainname": "domain_name",
    "basepathmatched": "base_path",
    "custdomainbasepathmatched": "base_path",
    "customdomainbasepathmatched": "base_path",
    "requesttime": "time",
    "requesttimeepoch": "time_epoch",
    "useragent": "user_agent",
    "caller": "caller_arn",
    "user": "caller_arn",
    "userarn": "caller_arn",
    "identityuserarn": "caller_arn",
    "identitycaller": "caller_arn",
    "apiid": "api_id",
    "protocol": "protocol",
    "clientcertserialnumber": "client_cert_serial",
    "identityclientcertserialnumber": "client_cert_serial",
}

_INT_FIELDS = frozenset(
    {"status", "integration_status", "authorizer_status", "authorizer_integration_status"}
)
_NON_ALNUM = re.compile(r"[^a-z0-9]")
# Recognising a record needs one of these; `message` or `path` alone is not an access log.
_ANCHORS = frozenset({"request_id", "status", "response_type", "waf_status", "authorizer_error"})


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        else:
            out[name] = value
    return out


def _lookup(key: str) -> str | None:
    norm = _NON_ALNUM.sub("", key.lower())
    if norm.startswith("context"):
        norm = norm[len("context") :]
    if norm in _FIELDS:
        return _FIELDS[norm]
    # `error.responseType` flattened is `errorresponsetype`; `authorizer.error` is
    # `authorizererror`: the table has both. Fall back to the last dotted part.
    last = _NON_ALNUM.sub("", key.rsplit(".", 1)[-1].lower())
    return (
        _FIELDS.get(last) if last in ("responsetype", "requestid", "apikeyid", "sourceip") else None
    )


def _value(name: str, value: Any) -> Any:
    if value in (None, "", "-"):
        return None
    if name in _INT_FIELDS:
        try:
            return int(str(value).strip())
        except ValueError:
            return None
    if isinstance(value, str):
        return value.strip()
    return value


def normalise_access_record(record: dict[str, Any]) -> dict[str, Any] | None:
    """Shared fact names for the fields of one access-log record, or None if it is not one."""
    out: dict[str, Any] = {}
    for key, raw in _flatten(record).items():
        name = _lookup(key)
        if name is None:
            continue
        value = _value(name, raw)
        if value is not None and name not in out:
            out[name] = value
    if not (_ANCHORS & out.keys()):
        return None
    return out
