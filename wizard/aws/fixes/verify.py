"""Did the fix take? Re-read the state (each changed field now holds its new value), then
replay the request that failed (it should no longer be refused)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wizard.analysis.redact import redact_obj
from wizard.aws.fixes.code import CodeError, code_sha256, load_artifact
from wizard.aws.fixes.plan import BoundOperation, FixPlan
from wizard.aws.fixes.snapshot import ClientFactory, Snapshot, StateRead, take_snapshot
from wizard.aws.fixes.state import (
    ENDPOINT_FULL_ACCESS_POLICY,
    IAM_POLICY_PUTS,
    MISSING,
    as_patch_value,
    decode_policy,
    field_at,
    iam_document,
)
from wizard.engine.probes import ProbeError

Replay = Callable[[], Any]  # returns wizard.aws.reproduce.ReproduceResult (or a dict like it)


@dataclass(frozen=True)
class Check:
    what: str
    expected: Any
    actual: Any
    ok: bool | None  # None: could not be read, so unknown

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "expected": self.expected, "actual": self.actual, "ok": self.ok}


@dataclass(frozen=True)
class VerifyResult:
    checks: tuple[Check, ...]
    replay: dict[str, Any] | None
    verified: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "message": self.message,
            "checks": [c.to_dict() for c in self.checks],
            "replay": redact_obj(self.replay),
        }


def verify(
    plan: FixPlan,
    before: Snapshot,
    clients: ClientFactory,
    replay: Replay | None = None,
) -> VerifyResult:
    after = take_snapshot(plan, clients)
    checks: list[Check] = []
    for op, old, new in zip(plan.operations, before.reads, after.reads, strict=True):
        checks.extend(_checks(op, old, new))
    replayed: dict[str, Any] | None = None
    replay_ok: bool | None = None
    if replay is not None:
        replayed, replay_ok = _replay(replay)
    state_ok = all(c.ok for c in checks)
    verified = state_ok and replay_ok is not False
    return VerifyResult(tuple(checks), replayed, verified, _message(checks, replayed, replay_ok))


def _message(checks: list[Check], replayed: dict[str, Any] | None, replay_ok: bool | None) -> str:
    bad = [c for c in checks if not c.ok]
    if bad:
        first = bad[0]
        state = "could not be re-read" if first.ok is None else f"is {first.actual!r}"
        return f"{first.what} {state}, expected {first.expected!r}"
    if replayed is None:
        return "the new settings are in place (the failing request was not replayed)"
    if replay_ok:
        return f"the new settings are in place and the request now returns {replayed.get('status_code')}"
    status = replayed.get("status_code")
    if status is None:
        return f"the request could not be replayed: {replayed.get('error')}"
    return (
        f"the new settings are in place but the request still returns {status} "
        f"{replayed.get('error_type') or ''} {replayed.get('error_message') or ''}".rstrip()
    )


def _replay(replay: Replay) -> tuple[dict[str, Any], bool | None]:
    try:
        result = replay()
    except ProbeError as exc:
        return {"error": str(exc)}, None
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    for bulky in ("body", "response_body", "headers"):  # user data; status and type say enough
        data.pop(bulky, None)
    status = int(data.get("status_code") or 0)
    # 101 Switching Protocols: a WebSocket handshake accepted ($connect let the client in)
    return data, status == 101 or 200 <= status < 400


def _state(read: StateRead | None) -> Mapping[str, Any] | None:
    return None if read is None else read.state


def _checks(op: BoundOperation, old: StateRead | None, new: StateRead | None) -> list[Check]:
    p, state = op.params, _state(new)
    if op.operation == "FlushStageAuthorizersCache":
        return []
    if state is None:
        return [Check(f"state after `{op.cli}`", "readable", new.error if new else None, None)]
    if "patchOperations" in p:
        return [_patch_check(patch, state) for patch in p["patchOperations"]]
    if op.operation == "CreateDeployment":
        key = "deploymentId" if op.service == "apigateway" else "DeploymentId"
        was = (_state(old) or {}).get(key)
        now = state.get(key)
        return [
            Check(f"stage deployment ({key})", f"not {was}", now, now is not None and now != was)
        ]
    if op.operation == "CreateUsagePlanKey":
        present = any(i.get("id") == p["keyId"] for i in state.get("items") or [])
        return [Check(f"key {p['keyId']} in usage plan", True, present, present)]
    if op.operation == "CreateBasePathMapping":
        base = p.get("basePath") or "(none)"
        present = any((i.get("basePath") or "(none)") == base for i in state.get("items") or [])
        return [Check(f"base path {base!r}", True, present, present)]
    if op.operation == "CreateApiMapping":
        key = p.get("ApiMappingKey", "")
        present = any(i.get("ApiMappingKey", "") == key for i in state.get("Items") or [])
        return [Check(f"API mapping {key!r}", True, present, present)]
    if (op.service, op.operation) == ("lambda", "UpdateFunctionCode"):
        try:
            want: Any = code_sha256(load_artifact(p["ZipFile"]))
        except CodeError as exc:
            want = str(exc)
        got = state.get("CodeSha256")
        return [Check(f"code of function {p['FunctionName']} (CodeSha256)", want, got, want == got)]
    if (op.service, op.operation) in IAM_POLICY_PUTS:
        want, got = iam_document(p["PolicyDocument"]), iam_document(state.get("PolicyDocument"))
        return [Check(f"inline policy {p['PolicyName']}", want, got, want == got)]
    if (op.service, op.operation) == ("ec2", "ModifyVpcEndpoint"):
        # A reset leaves AWS's full-access default; a rollback the document it wrote back.
        want = ENDPOINT_FULL_ACCESS_POLICY if p.get("ResetPolicy") else p.get("PolicyDocument")
        want, got = decode_policy(want), decode_policy(state.get("PolicyDocument"))
        return [Check(f"policy of VPC endpoint {p['VpcEndpointId']}", want, got, want == got)]
    if (op.service, op.operation) == ("wafv2", "UpdateWebACL"):
        acl = state.get("WebACL") or {}
        return [
            Check(f"web ACL {p['Name']} {name}", p[name], acl.get(name), acl.get(name) == p[name])
            for name in ("DefaultAction", "Rules", "VisibilityConfig")
        ]
    if op.operation == "PutGatewayResponse":
        return [
            Check(
                f"gateway response {p['responseType']} {name}",
                p[name],
                state.get(name),
                state.get(name) == p[name],
            )
            for name in ("statusCode", "responseParameters", "responseTemplates")
            if name in p
        ]
    return [
        Check(name, p[name], state.get(name), state.get(name) == p[name])
        for name in p
        if name not in _IDENTITY_V2
    ]


_IDENTITY_V2 = {"ApiId", "AuthorizerId", "RouteId", "StageName", "DomainName"}


def _patch_check(patch: Mapping[str, Any], state: Mapping[str, Any]) -> Check:
    verb, path, value = patch.get("op"), str(patch.get("path")), patch.get("value")
    actual = field_at(state, path)
    shown = None if actual is MISSING else actual
    if path == "/policy":
        ok = decode_policy(actual) == decode_policy(value)
        return Check("resource policy", decode_policy(value), decode_policy(actual), ok)
    if path.startswith("/endpointConfiguration/types/"):
        return Check("endpoint type", [value], shown, shown == [value])
    if verb in ("add", "remove"):
        if path == "/accessLogSettings":
            return Check(path, "(not set)", shown, not shown)
        has = _has(actual, value)
        return Check(f"{path} contains {value!r}", verb == "add", has, has == (verb == "add"))
    return Check(path, value, shown, shown is not None and as_patch_value(shown) == str(value))


def _has(collection: Any, value: Any) -> bool:
    if isinstance(collection, str):  # an added map entry (a request parameter's mapping)
        return collection == value
    if not isinstance(collection, list):
        return False
    if isinstance(value, str) and ":" in value:
        api_id, stage = value.split(":", 1)
        if any(
            isinstance(s, Mapping) and (s.get("apiId"), s.get("stage")) == (api_id, stage)
            for s in collection
        ):
            return True
    return value in collection
