"""The one sanitizer: every control character leaves the program as a visible escape."""

from __future__ import annotations

import json
import os
import stat

import pytest

from wizard.analysis.inert import has_control, inert
from wizard.cli import main
from wizard.private_file import write_private

HOSTILE = [
    "\x1b]52;c;dG91Y2ggL3RtcC9wd25lZA==\x07",  # OSC 52: write the clipboard
    "\x1b[2J\x1b[H",  # clear the screen
    "ok\rFAKE",  # carriage return overwrites the line
    "\x9b31m",  # 8-bit CSI
    "abc\u202edcba",  # bidi override
    "\x00\x08\x7f",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_control_character_survives(text: str) -> None:
    out = inert(text)
    assert not has_control(out)
    assert all(ch in "\n\t" or ch.isprintable() for ch in out)


def test_plain_text_and_layout_are_kept() -> None:
    text = "stage prod\n\tdeployment abc — naïve ✓"
    assert inert(text) is text
    assert inert("a\nb", newlines=False) == "a\\u000ab"


def test_the_escape_reads_back_in_json() -> None:
    raw = json.dumps({"name": "x\x7f\u202e\x9b"}, ensure_ascii=False)
    assert json.loads(inert(raw)) == {"name": "x\x7f\u202e\x9b"}


def test_command_output_is_inert(capsys: pytest.CaptureFixture[str]) -> None:
    # A token whose claims carry an OSC 52 write and a screen clear: `jwt` shows the claims.
    import base64

    def b64(obj: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    token = ".".join(
        [b64({"alg": "HS256"}), b64({"sub": "\x1b]52;c;aGk=\x07\x1b[2J", "iss": "x"}), "c2ln"]
    )
    main(["jwt", token])
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\u001b]52" in out


def test_private_file_is_0600_from_the_start(tmp_path: os.PathLike[str]) -> None:
    target = write_private(os.path.join(tmp_path, "sub", "report.md"), "# report\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "# report\n"


def test_prompt_mode_output_is_inert() -> None:
    import io

    from wizard.ui.prompt import QuestionaryPrompter

    out = io.StringIO()
    QuestionaryPrompter(out=out).show("stage " + "".join(HOSTILE) + "\nnext line")
    assert not has_control(out.getvalue()) and "next line" in out.getvalue()
