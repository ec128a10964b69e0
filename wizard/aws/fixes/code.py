"""Authorizer code fixes: the deployed zip, patched in the one file that builds the Resource.

The patch itself is `wizard.analysis.authorizer_resource` (only the wrong part of the Resource,
on the lines that set one). This module handles the zips around it:

- **Artifacts.** Every zip the wizard deploys or may restore is kept as a content-addressed
  file `<state dir>/apigw-wizard/code/<sha256 hex>.zip` (0600, directory 0700). A fix names it
  as `fileb://<that path>`: the AWS CLI command the user is shown uploads exactly that file, and
  `--apply` sends exactly its bytes (`load_artifact` re-hashes them and refuses any file whose
  name is not its own hash). The previous code is saved the same way before anything changes, so
  the rollback re-deploys it byte for byte (the same `CodeSha256`).
- **Bounds.** A zip is read only up to `MAX_ZIP_BYTES`, `MAX_ENTRIES` entries and
  `MAX_UNCOMPRESSED` bytes once inflated (no zip bomb); the handler's file up to
  `MAX_SOURCE_BYTES`, UTF-8 text only. Anything else: no patch, with the reason.
- **Where.** The code is downloaded only from a loopback emulator (the sandbox). On AWS the fix
  stays manual: a deployed authorizer bundles its dependencies (and sometimes configuration
  that should not leave the account), its source of truth is the team's repository, and a
  hot-patched function is overwritten by the next deploy. The wizard shows the patch; the team
  ships it.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.analysis.authorizer_claims import (
    rename_claim_reads,
    wrong_claim_reads,
    wrong_parameter_reads,
)
from wizard.analysis.authorizer_resource import patch_resource_lines
from wizard.paths import journal_dir
from wizard.private_file import write_private

MAX_ZIP_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 200
MAX_UNCOMPRESSED = 20 * 1024 * 1024
MAX_SOURCE_BYTES = 512 * 1024
PREFIX = "fileb://"
_NAME = re.compile(r"[0-9a-f]{64}\.zip")


class CodeError(ValueError):
    """A zip or artifact the wizard will not use (one line)."""


def code_dir() -> Path:
    """Where the code artifacts live, beside the change journals."""

    return journal_dir().parent / "code"


def code_sha256(data: bytes) -> str:
    """Lambda's CodeSha256: the base64 of the zip's SHA-256."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def artifact_path(sha256_b64: str) -> Path:
    try:
        digest = base64.b64decode(sha256_b64, validate=True)
    except ValueError:
        raise CodeError(f"not a CodeSha256: {sha256_b64!r}") from None
    if len(digest) != 32:
        raise CodeError(f"not a CodeSha256: {sha256_b64!r}")
    return code_dir() / f"{digest.hex()}.zip"


def save_artifact(data: bytes) -> str:
    """Keep `data` as an artifact (once); returns its `fileb://` reference."""

    if len(data) > MAX_ZIP_BYTES:
        raise CodeError(f"the code is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MiB")
    path = artifact_path(code_sha256(data))
    if not (path.is_file() and path.read_bytes() == data):
        write_private(path, data)
    return PREFIX + str(path)


def is_artifact_ref(value: Any) -> bool:
    """A `fileb://` reference to a file in the artifacts directory named like an artifact."""
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return False
    path = Path(value[len(PREFIX) :])
    return path.parent == code_dir() and _NAME.fullmatch(path.name) is not None


def load_artifact(ref: Any) -> bytes:
    """The bytes of an artifact, checked against the hash its name says."""
    if not is_artifact_ref(ref):
        raise CodeError(f"{str(ref)[:120]!r} is not a code artifact the wizard wrote")
    path = Path(str(ref)[len(PREFIX) :])
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_ZIP_BYTES + 1)
    except OSError as exc:
        raise CodeError(f"cannot read the code artifact {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_ZIP_BYTES or hashlib.sha256(data).hexdigest() + ".zip" != path.name:
        raise CodeError(f"the code artifact {path} does not hold what its name says")
    return data


def restore_artifact(sha256_b64: str, data_b64: str) -> str:
    """Write back an artifact from a journal's copy (after the file was lost)."""
    data = base64.b64decode(data_b64)
    if code_sha256(data) != sha256_b64:
        raise CodeError("the journal's copy of the code does not match its CodeSha256")
    return save_artifact(data)


# ------------------------------------------------------------------------------ zips


def _entries(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    if len(data) > MAX_ZIP_BYTES:
        raise CodeError(f"the code is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MiB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CodeError(f"the code is not a readable zip ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise CodeError(f"the code zip has more than {MAX_ENTRIES} files")
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise CodeError("the code zip inflates to more than the wizard reads")
    return archive, infos


def handler_file(handler: str, runtime: str, names: list[str]) -> str | None:
    """The file holding the handler: `pkg/mod.handler` → `pkg/mod.py` (Python) or
    `index.handler` → `index.js` / `.mjs` / `.cjs` (Node.js); None when it is not in the zip."""
    module = handler.rsplit(".", 1)[0] if "." in handler else ""
    if not module:
        return None
    if runtime.startswith("python"):
        candidates = [module.replace(".", "/") + ".py"]
    elif runtime.startswith("nodejs"):
        candidates = [module + ext for ext in (".js", ".mjs", ".cjs")]
    else:
        return None
    return next((c for c in candidates if c in names), None)


def read_source(data: bytes, name: str) -> str:
    archive, infos = _entries(data)
    info = next((i for i in infos if i.filename == name), None)
    if info is None:
        raise CodeError(f"{name} is not in the code zip")
    if info.file_size > MAX_SOURCE_BYTES:
        raise CodeError(f"{name} is larger than the wizard patches")
    try:
        return archive.read(info).decode("utf-8")
    except UnicodeDecodeError:
        raise CodeError(f"{name} is not UTF-8 text") from None


def replace_source(data: bytes, name: str, text: str) -> bytes:
    """The zip with `name` replaced by `text`; every other entry copied as it was (same order,
    dates, modes and compression), so only that file differs."""
    archive, infos = _entries(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as new:
        for info in infos:
            body = text.encode("utf-8") if info.filename == name else archive.read(info)
            new.writestr(info, body, compress_type=info.compress_type)
    return out.getvalue()


def sources_diff(before: bytes, after: bytes) -> str:
    """A unified diff of the text files that differ between two code zips."""
    old_archive, old_infos = _entries(before)
    new_archive, new_infos = _entries(after)
    old = {i.filename: old_archive.read(i) for i in old_infos}
    new = {i.filename: new_archive.read(i) for i in new_infos}
    parts = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        try:
            a = old.get(name, b"").decode("utf-8").splitlines(keepends=True)
            b = new.get(name, b"").decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            parts.append(f"Binary file {name} differs\n")
            continue
        parts.append("".join(difflib.unified_diff(a, b, f"a/{name}", f"b/{name}")))
    return "".join(parts)


@dataclass(frozen=True)
class CodeFix:
    patched: bytes | None  # the new zip; None when no patch is proposed
    file: str | None
    lines_changed: int
    reason: str  # what the patch does, or why there is none


def _handler_source(data: bytes, handler: str, runtime: str) -> tuple[str, str] | CodeFix:
    """The handler file's name and text in the zip, or the CodeFix saying it is not there."""
    archive, infos = _entries(data)
    del archive
    name = handler_file(handler, runtime, [i.filename for i in infos])
    if name is None:
        return CodeFix(None, None, 0, f"the handler {handler!r} ({runtime}) is not in the zip")
    return name, read_source(data, name)


def patch_code(data: bytes, handler: str, runtime: str, wrong: list[Any]) -> CodeFix:
    """The zip with the handler file's Resource lines corrected part by part (`wrong`: the
    `WrongPart`s of the returned Allow)."""

    if not wrong:
        return CodeFix(None, None, 0, "the returned Allow already covers the call")
    found = _handler_source(data, handler, runtime)
    if isinstance(found, CodeFix):
        return found
    name, text = found
    patched, changed = patch_resource_lines(text, wrong)
    if not changed:
        parts = ", ".join(f"{w.part} {w.returned!r}" for w in wrong)
        return CodeFix(
            None,
            name,
            0,
            f"no line of {name} that sets a Resource holds the wrong {parts}: it comes from "
            "configuration or is computed, so the code cannot be patched",
        )
    fixed = ", ".join(f"the {w.part} {w.returned!r} → {w.wanted!r}" for w in wrong)
    return CodeFix(
        replace_source(data, name, patched),
        name,
        changed,
        f"{name}: {changed} line(s) that set the Resource, {fixed}",
    )


def patch_claim_code(
    data: bytes,
    handler: str,
    runtime: str,
    claims: Any,
    *,
    headers: Iterable[str] = (),
    query: Iterable[str] = (),
) -> CodeFix:
    """The zip with the handler file's reads of a name the request lacks renamed to the one
    close name it carries (`wizard.analysis.authorizer_claims`): a claim of the token, a header
    the client sends, a query-string parameter of the URL."""

    headers, query = list(headers), list(query)
    if not isinstance(claims, dict):
        claims = {}
    if not claims and not headers and not query:
        return CodeFix(None, None, 0, "the token's claims are not known")
    found = _handler_source(data, handler, runtime)
    if isinstance(found, CodeFix):
        return found
    name, text = found
    renames = (wrong_claim_reads(text, claims) if claims else []) + wrong_parameter_reads(
        text, headers=headers, query=query
    )
    if not renames:
        what = "claims the token carries" if claims else "names the request carries"
        return CodeFix(None, name, 0, f"{name} reads only {what}")
    patched, changed = rename_claim_reads(text, renames)
    words = {"claim": "the claim", "header": "the header", "query": "the query parameter"}
    fixed = ", ".join(f"{words[r.kind]} {r.read!r} → {r.claim!r}" for r in renames)
    return CodeFix(
        replace_source(data, name, patched),
        name,
        changed,
        f"{name}: {changed} line(s) that read a name the request does not carry, {fixed}",
    )
