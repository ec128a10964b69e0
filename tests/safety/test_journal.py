"""The journal file itself: what it holds before the first call, how it is found again, how
a damaged one is refused (one line), and the start-up notice of an interrupted apply."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from wizard.aws.fixes.journal import (
    Journal,
    JournalError,
    interrupted_notice,
    journal_dir,
    unfinished_journals,
)
from wizard.aws.fixes.plan import Confirmation, build_plan
from wizard.aws.fixes.render import CliTarget
from wizard.aws.fixes.snapshot import Snapshot, StateRead
from wizard.catalogue.model import load_catalogue
from wizard.cli import main

FACTS = {"api_id": "a1b2c3", "stage": "prod", "authorizer_id": "au1", "region": "us-east-1"}


def _begin() -> Journal:
    fix = next(
        f
        for f in load_catalogue().get("authz-cache-scoped-policy").fixes
        if f.id == "fix-cache-ttl-zero"
    )
    plan = build_plan(fix, FACTS, CliTarget(region="us-east-1"))
    reads = (
        StateRead("aws apigateway get-authorizer", {"authorizerResultTtlInSeconds": 300}),
        StateRead("aws apigateway get-stage", {"deploymentId": "dep-old"}),
        None,
    )
    snapshot = Snapshot(plan.digest, "2026-01-01T00:00:00+00:00", reads)
    return Journal.begin(plan, snapshot, Confirmation.for_plan(plan, by="t", shown=plan.cli))


def test_written_before_any_call_with_the_calls_and_their_undo() -> None:
    journal = _begin()
    assert journal.path.parent == journal_dir()
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    data = json.loads(journal.path.read_text())
    assert data["state"] == "applying"
    assert [s["status"] for s in data["steps"]] == ["planned"] * 3
    ops = data["plan"]["operations"]
    assert ops[0]["params"]["patchOperations"][0]["path"] == "/authorizerResultTtlInSeconds"
    undo = " ".join(data["rollback_if_all_applied"])
    assert "value=300" in undo and "dep-old" in undo
    assert data["snapshot"]["reads"][0]["state"] == {"authorizerResultTtlInSeconds": 300}


def test_the_plan_reads_back_identical() -> None:
    journal = _begin()
    again = Journal.load(journal.path)
    assert again.plan().digest == journal.data["plan"]["digest"]


def test_an_interrupted_apply_is_announced_on_start(capsys: pytest.CaptureFixture[str]) -> None:
    assert interrupted_notice() is None
    journal = _begin()
    assert unfinished_journals() == [Journal.load(journal.path)]
    main(["diagnose", "--offline", "--answers", "/nonexistent-answers.yaml"])
    err = capsys.readouterr().err
    assert "interrupted" in err and str(journal.path) in err and "apigw-wizard rollback" in err
    journal.finish("applied")
    assert interrupted_notice() is None


@pytest.mark.parametrize("content", [b"", b"{" * 100_000, b"\xff\xfe", b'{"format": "x"}'])
def test_a_damaged_journal_is_one_line(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "j.json"
    bad.write_bytes(content)
    with pytest.raises(JournalError):
        Journal.load(bad)
    assert main(["rollback", str(bad)]) == 2


def test_nothing_to_roll_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollback", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["journal"] is None
