"""Authorizer code fixes: the zip is patched in the handler file only, artifacts are checked
against their own hash, hostile or huge zips are refused, and the printed command uploads the
very file `--apply` sends."""

from __future__ import annotations

import io
import shlex
import zipfile
from pathlib import Path

import pytest

from wizard.analysis.authorizer_resource import wrong_parts
from wizard.aws.fixes.code import (
    MAX_ENTRIES,
    CodeError,
    code_sha256,
    handler_file,
    is_artifact_ref,
    load_artifact,
    patch_code,
    save_artifact,
    sources_diff,
)
from wizard.aws.fixes.render import render_cli

METHOD = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/items"
RETURNED = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/dev/*/*"
SOURCE = """def handler(event, context):
    print("dev")  # a log line is left alone
    resource = f"{api_arn}/dev/*/*"
    return resource
"""


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in files.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 2, 3, 4, 6)), body)
    return buf.getvalue()


def test_only_the_resource_line_of_the_handler_file_changes() -> None:
    original = _zip({"auth.py": SOURCE.encode(), "lib/other.py": b"resource = '/dev/'\n"})
    fix = patch_code(original, "auth.handler", "python3.12", wrong_parts(RETURNED, METHOD))
    assert fix.patched is not None and fix.file == "auth.py" and fix.lines_changed == 1
    diff = sources_diff(original, fix.patched)
    assert '-    resource = f"{api_arn}/dev/*/*"' in diff
    assert '+    resource = f"{api_arn}/prod/*/*"' in diff
    assert diff.count("\n-") == 1 and "lib/other.py" not in diff
    before = zipfile.ZipFile(io.BytesIO(original)).infolist()
    after = zipfile.ZipFile(io.BytesIO(fix.patched)).infolist()
    assert [(i.filename, i.date_time) for i in before] == [(i.filename, i.date_time) for i in after]


def test_no_patch_when_the_wrong_part_is_not_in_the_code() -> None:
    original = _zip({"auth.py": b"resource = os.environ['RESOURCE']\n"})
    fix = patch_code(original, "auth.handler", "python3.12", wrong_parts(RETURNED, METHOD))
    assert fix.patched is None and "configuration" in fix.reason


@pytest.mark.parametrize(
    ("handler", "runtime", "names", "found"),
    [
        ("pkg.auth.handler", "python3.12", ["pkg/auth.py"], "pkg/auth.py"),
        ("index.handler", "nodejs20.x", ["index.mjs"], "index.mjs"),
        ("index.handler", "java21", ["index.js"], None),
        ("handler", "python3.12", ["handler.py"], None),
    ],
)
def test_the_handler_file(handler: str, runtime: str, names: list[str], found: str | None) -> None:
    assert handler_file(handler, runtime, names) == found


def test_bounded_zips_are_refused_with_one_line() -> None:
    with pytest.raises(CodeError, match="not a readable zip"):
        patch_code(b"not a zip", "a.handler", "python3.12", wrong_parts(RETURNED, METHOD))
    many = _zip({f"f{i}.py": b"" for i in range(MAX_ENTRIES + 1)})
    with pytest.raises(CodeError, match="more than"):
        patch_code(many, "f0.handler", "python3.12", wrong_parts(RETURNED, METHOD))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.py", b"0" * (21 * 1024 * 1024))
    with pytest.raises(CodeError, match="inflates"):
        patch_code(bomb.getvalue(), "a.handler", "python3.12", wrong_parts(RETURNED, METHOD))


def test_an_artifact_is_its_own_hash_and_nothing_else_is_one(tmp_path: Path) -> None:
    data = _zip({"auth.py": SOURCE.encode()})
    ref = save_artifact(data)
    assert is_artifact_ref(ref) and load_artifact(ref) == data
    assert ref.endswith(".zip") and code_sha256(data)
    path = Path(ref.removeprefix("fileb://"))
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_bytes(data + b"tampered")
    with pytest.raises(CodeError, match="does not hold what its name says"):
        load_artifact(ref)
    elsewhere = tmp_path / path.name
    elsewhere.write_bytes(data)
    assert not is_artifact_ref(f"fileb://{elsewhere}")
    with pytest.raises(CodeError, match="not a code artifact"):
        load_artifact(f"fileb://{elsewhere}")


def test_the_printed_command_uploads_the_artifact_itself() -> None:
    ref = save_artifact(_zip({"auth.py": SOURCE.encode()}))
    line = render_cli("lambda", "UpdateFunctionCode", {"FunctionName": "f", "ZipFile": ref})
    assert shlex.split(line)[-2:] == ["--zip-file", ref]
    # Any other file reference stays inert (never loaded by the CLI).
    other = render_cli(
        "lambda", "UpdateFunctionCode", {"FunctionName": "f", "ZipFile": "fileb:///etc/passwd"}
    )
    assert "--cli-input-json" in other
