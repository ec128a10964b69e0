"""Parse an API Gateway invoke URL into what it names (pure, no I/O).

Recognised forms:
- `https://{api_id}.execute-api.{region}.amazonaws.com/{stage}/{path}` (REST, HTTP; wss:// for
  WebSocket; .amazonaws.com.cn too). HTTP APIs on the `$default` stage have no stage segment:
  the first segment is only a *candidate* stage, the target resolver checks it.
- `https://{api_id}-{vpce_id}.execute-api.{region}.amazonaws.com/{stage}/{path}` (private API
  through a VPC endpoint's Route 53 alias).
- `https://{vpce_id}-{suffix}.execute-api.{region}.vpce.amazonaws.com/{stage}/{path}` (private API
  via the endpoint's public DNS name: the API id travels in a Host or x-apigw-api-id header).
- any other host: a custom domain; its base-path mapping decides the API and stage.
- the emulator (MiniStack), in each of the three forms it serves: the path forms
  `http://127.0.0.1:PORT/restapis/{api_id}/{stage}/_user_request_/{path}` and
  `http://127.0.0.1:PORT/_aws/execute-api/{api_id}/{stage}/{path}` (on any host), and the host
  form `http://{api_id}.execute-api.localhost:PORT/{stage}/{path}`. As on AWS, the stage of the
  last two is a candidate (an HTTP API on `$default` has none). In each, the API id may be
  `{api_id}-{vpce_id}`, a private API named through a VPC endpoint as AWS's alias does (the
  sandbox's fidelity layer serves it so).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

UrlKind = Literal["execute-api", "private-alias", "vpce-dns", "custom-domain", "emulator"]

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
_EXECUTE_API = re.compile(
    rf"^(?P<api>[a-z0-9]{{10}}|[a-z0-9]+)(?:-(?P<vpce>vpce-[0-9a-f]+))?"
    rf"\.execute-api\.(?P<region>{_REGION})\.amazonaws\.com(?:\.cn)?$"
)
_VPCE_DNS = re.compile(
    rf"^(?P<vpce>vpce-[0-9a-f]+)(?:-[a-z0-9]+)*\.execute-api\.(?P<region>{_REGION})"
    rf"\.vpce\.amazonaws\.com(?:\.cn)?$"
)
_EMULATOR_PATH = re.compile(
    r"^/restapis/(?P<api>[^/]+)/(?P<stage>[^/]+)/_user_request_(?P<rest>/.*)?$"
)
# LocalStack's newer path form, which MiniStack serves too (REST, HTTP and WebSocket APIs).
_EMULATOR_AWS_PATH = re.compile(r"^/_aws/execute-api/(?P<api>[^/]+)(?P<rest>/.*)?$")
_LOCAL_EXECUTE_API = re.compile(r"^(?P<api>[a-z0-9]+(?:-vpce-[0-9a-f]+)?)\.execute-api\.localhost$")
_ALIAS = re.compile(r"^(?P<api>[a-z0-9]+)-(?P<vpce>vpce-[0-9a-f]+)$")


class InvokeUrlError(ValueError):
    """The text is not a URL we can read (one line: what is wrong)."""


@dataclass(frozen=True)
class InvokeUrl:
    kind: UrlKind
    scheme: str
    host: str
    port: int | None
    api_id: str | None  # None for custom domains and vpce DNS names
    region: str | None
    stage: str | None  # candidate stage (first path segment); None for custom domains
    path: str  # after the stage (or the full path for custom domains), leading slash
    query: str = ""
    vpce_id: str | None = None
    domain_name: str | None = None

    @property
    def full_path(self) -> str:
        """Stage and path as they appear in the URL (custom-domain: the whole path)."""
        if self.stage is None:
            return self.path
        return f"/{self.stage}{self.path}" if self.path != "/" else f"/{self.stage}"

    def to_facts(self) -> dict[str, Any]:
        facts = {k: v for k, v in asdict(self).items() if v not in (None, "")}
        facts["url_kind"] = facts.pop("kind")
        return facts


@dataclass(frozen=True)
class _Common:
    scheme: str
    host: str
    port: int | None
    query: str

    def kwargs(self) -> dict[str, Any]:
        return asdict(self)


def _split_stage(path: str) -> tuple[str | None, str]:
    segments = path.lstrip("/").split("/", 1)
    if not segments[0]:
        return None, "/"
    rest = "/" + segments[1] if len(segments) > 1 else "/"
    return unquote(segments[0]), rest


def _emulator_api_and_rest(host: str, path: str) -> tuple[str, str] | None:
    """(api id, the path from the candidate stage on) for the emulator's two forms that, like
    execute-api, put the stage first: /_aws/execute-api/{api}/... and {api}.execute-api.localhost."""
    aws_path = _EMULATOR_AWS_PATH.match(path)
    if aws_path:
        return aws_path["api"], aws_path["rest"] or "/"
    local = _LOCAL_EXECUTE_API.match(host)
    if local:
        return local["api"], path
    return None


def _split_alias(api: str) -> tuple[str, str | None]:
    """(api id, vpce id) of an emulator URL's API segment: `{api_id}-{vpce_id}` names both."""
    alias = _ALIAS.match(api.lower())
    return (alias["api"], alias["vpce"]) if alias else (api, None)


def parse_invoke_url(text: str) -> InvokeUrl:
    raw = (text or "").strip()
    if not raw:
        raise InvokeUrlError("empty URL")
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        raise InvokeUrlError(f"unsupported scheme {parts.scheme!r} in {text!r} (use https://)")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvokeUrlError(f"no host in {text!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvokeUrlError(f"bad port in {text!r}") from exc
    path = parts.path or "/"
    common = _Common(parts.scheme, host, port, parts.query)

    emulator = _EMULATOR_PATH.match(path)
    if emulator:
        api_id, vpce_id = _split_alias(emulator["api"])
        return InvokeUrl(
            kind="emulator",
            api_id=api_id,
            region=None,
            stage=unquote(emulator["stage"]),
            path=emulator["rest"] or "/",
            vpce_id=vpce_id,
            **common.kwargs(),
        )
    emulated = _emulator_api_and_rest(host, path)
    if emulated:
        stage, rest = _split_stage(emulated[1])
        api_id, vpce_id = _split_alias(emulated[0])
        return InvokeUrl(
            kind="emulator",
            api_id=api_id,
            region=None,
            stage=stage,
            path=rest,
            vpce_id=vpce_id,
            **common.kwargs(),
        )
    m = _EXECUTE_API.match(host)
    if m:
        stage, rest = _split_stage(path)
        return InvokeUrl(
            kind="private-alias" if m["vpce"] else "execute-api",
            api_id=m["api"],
            region=m["region"],
            stage=stage,
            path=rest,
            vpce_id=m["vpce"],
            **common.kwargs(),
        )
    v = _VPCE_DNS.match(host)
    if v:
        stage, rest = _split_stage(path)
        return InvokeUrl(
            kind="vpce-dns",
            api_id=None,
            region=v["region"],
            stage=stage,
            path=rest,
            vpce_id=v["vpce"],
            **common.kwargs(),
        )
    if ".execute-api." in host:
        raise InvokeUrlError(
            f"{host!r} looks like an execute-api host but not one we know "
            "(expected {api_id}.execute-api.{region}.amazonaws.com)"
        )
    return InvokeUrl(
        kind="custom-domain",
        api_id=None,
        region=None,
        stage=None,
        path=path if path.startswith("/") else "/" + path,
        domain_name=host,
        **common.kwargs(),
    )


def resource_specificity(template: str) -> tuple[int, ...]:
    """Sort key: static segments beat {param}, which beats {proxy+} (API Gateway's precedence)."""
    out = []
    for seg in [s for s in template.split("/") if s]:
        if seg.startswith("{") and seg.endswith("+}"):
            out.append(0)
        elif seg.startswith("{") and seg.endswith("}"):
            out.append(1)
        else:
            out.append(2)
    return tuple(out)


def longest_base_path(mappings: list[str], path: str) -> tuple[str, str] | None:
    """Pick the base path mapping that serves `path` on a custom domain.

    `mappings` are base paths as AWS stores them ("(none)" or "" for the root, "v1",
    "orders/v2" for multi-level). Returns (base_path, remaining path) or None.
    """
    segments = [s for s in path.split("/") if s]
    best: tuple[int, str, str] | None = None
    for base in mappings:
        norm = "" if base in ("(none)", "", "/") else base.strip("/")
        base_segs = norm.split("/") if norm else []
        if segments[: len(base_segs)] != base_segs:
            continue
        rest = "/" + "/".join(segments[len(base_segs) :])
        if best is None or len(base_segs) > best[0]:
            best = (len(base_segs), base, rest)
    return None if best is None else (best[1], best[2])
